#include "award-service/domain/announcement.h"

#include <algorithm>
#include <cstddef>
#include <map>
#include <optional>
#include <string_view>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "award-service/domain/norwegian.h"
#include "award-service/domain/refusal.h"
#include "common/errors.h"

namespace imdi::award {

namespace {

using norwegian::FieldPhrase;
using norwegian::FormatCount;
using norwegian::FormatDate;
using norwegian::FormatFigure;
using norwegian::JoinList;
using norwegian::RegionName;

// ---------------------------------------------------------------------------
// The document model: what both writers print, so the Markdown and the HTML
// form never differ in content.

struct Span {
  enum class Style { kPlain, kEmphasis, kStrong };
  Style style = Style::kPlain;
  // Plain text (taken from the record or the template), no markup.
  std::string text;
  // > 0: a printed figure, `text` its printed form, with this note.
  int note = 0;
};

using Line = std::vector<Span>;

struct Item {
  Line line;
  std::vector<Item> children;
};

struct Block {
  enum class Kind { kHeading, kParagraph, kList };
  Kind kind = Kind::kParagraph;
  // Heading level, 1 to 3.
  int level = 0;
  // Heading or paragraph.
  Line line;
  // List.
  std::vector<Item> items;
};

// How deep a requirement tree is printed (the config allows 8 levels).
constexpr int kMaxRequirementDepth = 8;
// The heading of the notes, and the prefix of every note.
constexpr absl::string_view kSourcesHeading = "Kilder";
constexpr absl::string_view kStatsService = "IMDis statistikktjeneste";

// Text with every run of whitespace that contains a line break (or a tab)
// made one space, trimmed: a span never breaks a line, so text from the
// record cannot start a block of its own in the Markdown form.
std::string OneLine(absl::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == ' ') {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(c);
  }
  return out;
}

// The paragraphs of a text from the record: split at blank lines.
std::vector<std::string> Paragraphs(absl::string_view text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    // A blank line: a newline, optional spaces, another newline.
    size_t end = text.size();
    size_t next = text.size();
    for (size_t i = text.find('\n', start); i != absl::string_view::npos;
         i = text.find('\n', i + 1)) {
      size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
      if (j < text.size() && text[j] == '\n') {
        end = i;
        next = j + 1;
        break;
      }
    }
    std::string paragraph = OneLine(text.substr(start, end - start));
    if (!paragraph.empty()) out.push_back(std::move(paragraph));
    start = next;
  }
  return out;
}

// ASCII upper case of the first letter (the phrases start with one).
std::string Capitalized(std::string s) {
  if (!s.empty()) s[0] = absl::ascii_toupper(static_cast<unsigned char>(s[0]));
  return s;
}

Span Text(absl::string_view text) { return Span{Span::Style::kPlain, std::string(text), 0}; }

// ---------------------------------------------------------------------------
// Figures and their notes.

class Notes {
 public:
  // The figure printed, with its note (one note per figure, reused when
  // the same figure is printed again); nothing when its value is absent.
  std::optional<Span> Figure(const v1::CitedFigure& figure) {
    if (!figure.has_value()) return std::nullopt;
    const std::string printed = FormatFigure(figure);
    std::string text = printed;
    if (norwegian::IsPercentFigure(figure) && figure.has_numerator() && figure.has_denominator()) {
      absl::StrAppend(&text, " (", FormatCount(figure.numerator()), " av ",
                      FormatCount(figure.denominator()), ")");
    }
    const Key key{
        figure.kind(),
        figure.resolved_code().empty() ? figure.municipality_code() : figure.resolved_code(),
        figure.year(), figure.field(), figure.denominator_field()};
    // The same figure printed again reuses its note.
    const auto [it, added] = numbers_.try_emplace(key, static_cast<int>(sources_.size()) + 1);
    const int number = it->second;
    if (added) {
      v1::AnnouncementSource& source = sources_.emplace_back();
      source.set_number(number);
      source.set_note(NoteText(figure));
      source.set_printed(printed);
      source.set_data_version(figure.data_version());
    }
    return Span{Span::Style::kPlain, std::move(text), number};
  }

  const std::vector<v1::AnnouncementSource>& sources() const { return sources_; }

 private:
  using Key = std::tuple<v1::CitedFigureKind, std::string, int32_t, std::string, std::string>;

  static std::string Place(const v1::CitedFigure& f) {
    const std::string& name =
        f.municipality_name().empty()
            ? (f.resolved_code().empty() ? f.municipality_code() : f.resolved_code())
            : f.municipality_name();
    if (f.code_at_the_time().empty() || f.code_at_the_time() == name) return name;
    return absl::StrCat(name, " (", f.code_at_the_time(), ")");
  }

  static std::string NoteText(const v1::CitedFigure& f) {
    std::string note = absl::StrCat(kStatsService, ": ");
    const std::string source = norwegian::DenominatorSource(f.denominator_source());
    switch (f.kind()) {
      case v1::CITED_FIGURE_KIND_SHARE_OF_REGION:
      case v1::CITED_FIGURE_KIND_SHARE_OF_COUNTY:
      case v1::CITED_FIGURE_KIND_SHARE_OF_COUNTRY: {
        std::string area = f.area_name();
        if (area.empty()) {
          area = f.kind() == v1::CITED_FIGURE_KIND_SHARE_OF_COUNTRY  ? "hele landet"
                 : f.kind() == v1::CITED_FIGURE_KIND_SHARE_OF_REGION ? "regionen"
                                                                     : "fylket";
        }
        absl::StrAppend(&note, FieldPhrase(f.field()), " ", f.year(), ", ", Place(f));
        if (f.has_numerator() && f.has_denominator()) {
          absl::StrAppend(&note, " ", FormatCount(f.numerator()), " av ",
                          FormatCount(f.denominator()), " i ", area);
        } else {
          absl::StrAppend(&note, " av ", area);
        }
        if (!source.empty()) absl::StrAppend(&note, " (", source, ")");
        break;
      }
      case v1::CITED_FIGURE_KIND_RATIO:
        absl::StrAppend(&note, FieldPhrase(f.field()), " av ", FieldPhrase(f.denominator_field()),
                        " ", f.year(), ", ", Place(f));
        if (f.has_numerator() && f.has_denominator()) {
          absl::StrAppend(&note, " ", FormatCount(f.numerator()), " av ",
                          FormatCount(f.denominator()));
        }
        break;
      case v1::CITED_FIGURE_KIND_COUNTRY_TOTAL:
        absl::StrAppend(&note, FieldPhrase(f.field()), ", hele landet, ", f.year());
        if (!source.empty()) absl::StrAppend(&note, " (", source, ")");
        break;
      default:
        absl::StrAppend(&note, FieldPhrase(f.field()), ", ", Place(f), ", ", f.year());
        break;
    }
    absl::StrAppend(&note, "; dataversjon ", f.data_version());
    if (!f.known_date().empty()) {
      absl::StrAppend(&note, ", tall kjent ", FormatDate(f.known_date()));
    }
    note.push_back('.');
    return note;
  }

  std::map<Key, int> numbers_;
  std::vector<v1::AnnouncementSource> sources_;
};

// ---------------------------------------------------------------------------
// Writers.

void AppendHtmlEscaped(std::string* out, absl::string_view text) {
  for (char c : text) {
    switch (c) {
      case '&':
        out->append("&amp;");
        break;
      case '<':
        out->append("&lt;");
        break;
      case '>':
        out->append("&gt;");
        break;
      case '"':
        out->append("&quot;");
        break;
      case '\'':
        out->append("&#39;");
        break;
      default:
        out->push_back(c);
    }
  }
}

// Text as Markdown that prints exactly that text: characters that could
// start inline markup (emphasis, links, images, code, footnotes, autolinks,
// strikethrough, tables) are backslash-escaped, '<', '>' and '&' written as
// entities (no raw HTML, no entity of the record's own), and at
// the start of a line those that could start a block (heading, list, quote,
// thematic break, ordered list "1." or "1)").
void AppendMarkdownEscaped(std::string* out, absl::string_view text, bool line_start) {
  size_t i = 0;
  if (line_start && !text.empty()) {
    const char first = text[0];
    if (first == '-' || first == '+' || first == '=') {
      out->push_back('\\');
    } else if (absl::ascii_isdigit(static_cast<unsigned char>(first))) {
      size_t j = 0;
      while (j < text.size() && absl::ascii_isdigit(static_cast<unsigned char>(text[j]))) ++j;
      if (j < text.size() && (text[j] == '.' || text[j] == ')')) {
        out->append(text.data(), j);
        out->push_back('\\');
        i = j;
      }
    }
  }
  for (; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      case '\n':
      case '\r':
        // Text of the record never starts a block of its own.
        out->push_back(' ');
        continue;
      case '<':
        // As entities, so that the Markdown holds no '<' of the record at
        // all (CommonMark decodes them back to the characters).
        out->append("&lt;");
        continue;
      case '>':
        out->append("&gt;");
        continue;
      case '&':
        out->append("&amp;");
        continue;
      case '(':
        // "](": not even an escaped link.
        if (i > 0 && text[i - 1] == ']') out->push_back('\\');
        break;
      case '\\':
      case '`':
      case '*':
      case '_':
      case '[':
      case ']':
      case '|':
      case '~':
      case '#':
      case '!':
        out->push_back('\\');
        break;
      case ':':
        // "http://...": GFM would make it a link.
        if (text.substr(i + 1, 2) == "//") out->push_back('\\');
        break;
      default:
        break;
    }
    out->push_back(c);
  }
}

class MarkdownWriter {
 public:
  std::string Write(const std::vector<Block>& blocks,
                    const std::vector<v1::AnnouncementSource>& sources) {
    for (size_t i = 0; i < blocks.size(); ++i) {
      if (i > 0) out_.push_back('\n');
      const Block& block = blocks[i];
      switch (block.kind) {
        case Block::Kind::kHeading:
          out_.append(static_cast<size_t>(std::clamp(block.level, 1, 6)), '#');
          out_.push_back(' ');
          WriteLine(block.line);
          out_.push_back('\n');
          break;
        case Block::Kind::kParagraph:
          WriteLine(block.line);
          out_.push_back('\n');
          break;
        case Block::Kind::kList:
          WriteItems(block.items, 0);
          break;
      }
    }
    if (!sources.empty()) {
      if (!blocks.empty()) out_.push_back('\n');
      absl::StrAppend(&out_, "## ", kSourcesHeading, "\n\n");
      for (const v1::AnnouncementSource& source : sources) {
        absl::StrAppend(&out_, "[^", source.number(), "]: ");
        AppendMarkdownEscaped(&out_, source.note(), false);
        out_.push_back('\n');
      }
    }
    return std::move(out_);
  }

 private:
  void WriteItems(const std::vector<Item>& items, int depth) {
    for (const Item& item : items) {
      out_.append(static_cast<size_t>(depth) * 2, ' ');
      out_.append("- ");
      WriteLine(item.line);
      out_.push_back('\n');
      WriteItems(item.children, depth + 1);
    }
  }

  void WriteLine(const Line& line) {
    bool line_start = true;
    for (const Span& span : line) {
      switch (span.style) {
        case Span::Style::kPlain:
          AppendMarkdownEscaped(&out_, span.text, line_start);
          break;
        case Span::Style::kEmphasis:
          out_.push_back('*');
          AppendMarkdownEscaped(&out_, span.text, false);
          out_.push_back('*');
          break;
        case Span::Style::kStrong:
          out_.append("**");
          AppendMarkdownEscaped(&out_, span.text, false);
          out_.append("**");
          break;
      }
      if (span.note > 0) absl::StrAppend(&out_, "[^", span.note, "]");
      line_start = false;
    }
  }

  std::string out_;
};

constexpr absl::string_view kStyle =
    "body{font-family:system-ui,-apple-system,\"Segoe UI\",sans-serif;line-height:1.5;"
    "max-width:42rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}"
    "h1{font-size:1.8rem;line-height:1.25}h2{font-size:1.35rem;margin-top:2rem}"
    "h3{font-size:1.1rem;margin-top:1.5rem}sup{line-height:0}"
    "sup a{text-decoration:none}ol.kilder{font-size:.9rem;color:#444}";

class HtmlWriter {
 public:
  std::string Write(const std::vector<Block>& blocks,
                    const std::vector<v1::AnnouncementSource>& sources) {
    std::string title;
    for (const Block& block : blocks) {
      if (block.kind == Block::Kind::kHeading && block.level == 1) {
        for (const Span& span : block.line) title.append(span.text);
        break;
      }
    }
    out_.append(
        "<!DOCTYPE html>\n<html lang=\"nb\">\n<head>\n<meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>");
    AppendHtmlEscaped(&out_, title);
    absl::StrAppend(&out_, "</title>\n<style>", kStyle, "</style>\n</head>\n<body>\n<main>\n");
    for (const Block& block : blocks) {
      switch (block.kind) {
        case Block::Kind::kHeading: {
          const int level = std::clamp(block.level, 1, 6);
          absl::StrAppend(&out_, "<h", level, ">");
          WriteLine(block.line);
          absl::StrAppend(&out_, "</h", level, ">\n");
          break;
        }
        case Block::Kind::kParagraph:
          out_.append("<p>");
          WriteLine(block.line);
          out_.append("</p>\n");
          break;
        case Block::Kind::kList:
          WriteItems(block.items);
          break;
      }
    }
    if (!sources.empty()) {
      absl::StrAppend(&out_, "<h2>", kSourcesHeading, "</h2>\n<ol class=\"kilder\">\n");
      for (const v1::AnnouncementSource& source : sources) {
        absl::StrAppend(&out_, "<li id=\"kilde-", source.number(), "\">");
        AppendHtmlEscaped(&out_, source.note());
        out_.append("</li>\n");
      }
      out_.append("</ol>\n");
    }
    out_.append("</main>\n</body>\n</html>\n");
    return std::move(out_);
  }

 private:
  void WriteItems(const std::vector<Item>& items) {
    out_.append("<ul>\n");
    for (const Item& item : items) {
      out_.append("<li>");
      WriteLine(item.line);
      if (!item.children.empty()) {
        out_.push_back('\n');
        WriteItems(item.children);
      }
      out_.append("</li>\n");
    }
    out_.append("</ul>\n");
  }

  void WriteLine(const Line& line) {
    for (const Span& span : line) {
      switch (span.style) {
        case Span::Style::kPlain:
          if (span.note > 0) {
            // A figure never breaks across lines: "2 702", "23,2 %".
            std::string figure;
            AppendHtmlEscaped(&figure, span.text);
            out_.append(absl::StrReplaceAll(figure, {{" ", "&#160;"}}));
          } else {
            AppendHtmlEscaped(&out_, span.text);
          }
          break;
        case Span::Style::kEmphasis:
          out_.append("<em>");
          AppendHtmlEscaped(&out_, span.text);
          out_.append("</em>");
          break;
        case Span::Style::kStrong:
          out_.append("<strong>");
          AppendHtmlEscaped(&out_, span.text);
          out_.append("</strong>");
          break;
      }
      if (span.note > 0) {
        absl::StrAppend(&out_, "<sup><a href=\"#kilde-", span.note, "\">", span.note, "</a></sup>");
      }
    }
  }

  std::string out_;
};

// ---------------------------------------------------------------------------
// Building the texts.

class Builder {
 public:
  void Heading(int level, absl::string_view text) {
    Block& b = blocks_.emplace_back();
    b.kind = Block::Kind::kHeading;
    b.level = level;
    b.line.push_back(Text(OneLine(text)));
  }

  void Paragraph(Line line) {
    if (line.empty()) return;
    Block& b = blocks_.emplace_back();
    b.kind = Block::Kind::kParagraph;
    b.line = std::move(line);
  }

  void Paragraph(absl::string_view text) { Paragraph(Line{Text(OneLine(text))}); }

  void List(std::vector<Item> items) {
    if (items.empty()) return;
    Block& b = blocks_.emplace_back();
    b.kind = Block::Kind::kList;
    b.items = std::move(items);
  }

  Notes& notes() { return notes_; }

  RenderedAnnouncement Render(v1::AnnouncementFormat format) {
    RenderedAnnouncement out;
    if (format == v1::ANNOUNCEMENT_FORMAT_HTML) {
      out.text = HtmlWriter().Write(blocks_, notes_.sources());
      out.media_type = "text/html; charset=utf-8";
    } else {
      out.text = MarkdownWriter().Write(blocks_, notes_.sources());
      out.media_type = "text/markdown; charset=utf-8";
    }
    out.sources = notes_.sources();
    return out;
  }

 private:
  std::vector<Block> blocks_;
  Notes notes_;
};

// The active nominations, by municipality name (UTF-8 byte order, which
// puts Æ, Ø and Å after Z), ties by nomination id.
std::vector<const v1::Nomination*> ActiveNominees(const storage::v1::CycleRecord& record) {
  std::vector<const v1::Nomination*> out;
  for (const v1::Nomination& n : record.nominations()) {
    if (n.state() == v1::NOMINATION_STATE_ACTIVE) out.push_back(&n);
  }
  std::vector<std::pair<std::string, const v1::Nomination*>> keyed;
  keyed.reserve(out.size());
  for (const v1::Nomination* n : out) keyed.emplace_back(norwegian::SortKey(n->municipality_name()), n);
  std::sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) {
    return std::tie(a.first, a.second->nomination_id()) <
           std::tie(b.first, b.second->nomination_id());
  });
  for (size_t i = 0; i < keyed.size(); ++i) out[i] = keyed[i].second;
  return out;
}

std::vector<std::string> Names(const std::vector<const v1::Nomination*>& nominees) {
  std::vector<std::string> names;
  names.reserve(nominees.size());
  for (const v1::Nomination* n : nominees) names.push_back(OneLine(n->municipality_name()));
  return names;
}

const v1::CitedFigure* FindFigure(const std::vector<v1::CitedFigure>& figures,
                                  v1::CitedFigureKind kind, absl::string_view field) {
  for (const v1::CitedFigure& f : figures) {
    if (f.kind() == kind && f.field() == field && f.has_value()) return &f;
  }
  return nullptr;
}

// A figure span appended to `line`, or nothing when its value is absent.
bool AppendFigure(Notes& notes, const v1::CitedFigure* figure, Line* line) {
  if (figure == nullptr) return false;
  std::optional<Span> span = notes.Figure(*figure);
  if (!span) return false;
  line->push_back(std::move(*span));
  return true;
}

// ---- The requirement tree.

std::string CriterionTitle(const v1::CycleConfig& config, absl::string_view name) {
  for (const v1::Criterion& c : config.criteria()) {
    if (c.name() == name) return c.title().empty() ? c.name() : c.title();
  }
  return std::string(name);
}

const google::protobuf::RepeatedPtrField<v1::Requirement>* Operands(const v1::Requirement& r) {
  switch (r.node_case()) {
    case v1::Requirement::kAllOf:
      return &r.all_of().requirements();
    case v1::Requirement::kAnyOf:
      return &r.any_of().requirements();
    case v1::Requirement::kAtLeast:
      return &r.at_least().requirements();
    default:
      return nullptr;
  }
}

// "alle disse kravene:", "minst ett av disse kravene:", "minst 2 av disse
// kravene:".
std::string Quantifier(const v1::Requirement& r) {
  switch (r.node_case()) {
    case v1::Requirement::kAllOf:
      return "alle disse kravene:";
    case v1::Requirement::kAnyOf:
      return "minst ett av disse kravene:";
    case v1::Requirement::kAtLeast:
      return r.at_least().count() == 1
                 ? "minst ett av disse kravene:"
                 : absl::StrCat("minst ", r.at_least().count(), " av disse kravene:");
    default:
      return "";
  }
}

bool AllPlainCriteria(const v1::Requirement& r) {
  const auto* operands = Operands(r);
  if (operands == nullptr) return false;
  for (const v1::Requirement& op : *operands) {
    if (op.node_case() != v1::Requirement::kCriterion) return false;
  }
  return true;
}

std::vector<Item> RequirementItems(const v1::CycleConfig& config, const v1::Requirement& r,
                                   int depth);

// One operand as a bullet: its label, a criterion's title, or a
// combination's own intro with nested bullets.
Item RequirementItem(const v1::CycleConfig& config, const v1::Requirement& op, int depth) {
  Item item;
  const std::string label = OneLine(op.label());
  if (op.node_case() == v1::Requirement::kCriterion) {
    item.line.push_back(
        Text(label.empty() ? OneLine(CriterionTitle(config, op.criterion())) : label));
    return item;
  }
  if (Operands(op) == nullptr) {
    item.line.push_back(Text(label.empty() ? "(tomt krav)" : label));
    return item;
  }
  if (!label.empty() && (AllPlainCriteria(op) || depth >= kMaxRequirementDepth)) {
    item.line.push_back(Text(label));
    return item;
  }
  const std::string quantifier = Quantifier(op);
  item.line.push_back(
      Text(label.empty() ? Capitalized(quantifier) : absl::StrCat(label, ": ", quantifier)));
  if (depth < kMaxRequirementDepth) item.children = RequirementItems(config, op, depth + 1);
  return item;
}

std::vector<Item> RequirementItems(const v1::CycleConfig& config, const v1::Requirement& r,
                                   int depth) {
  std::vector<Item> items;
  const auto* operands = Operands(r);
  if (operands == nullptr) return items;
  for (const v1::Requirement& op : *operands) items.push_back(RequirementItem(config, op, depth));
  return items;
}

void CriteriaSection(const v1::CycleConfig& config, Builder& doc) {
  const v1::Requirement& root = config.requirement();
  if (root.node_case() == v1::Requirement::NODE_NOT_SET) return;
  doc.Heading(2, "Kriterier for nominering");
  if (root.node_case() == v1::Requirement::kCriterion) {
    doc.Paragraph("De nominerte måtte oppfylle dette kravet:");
    doc.List({RequirementItem(config, root, 1)});
    return;
  }
  doc.Paragraph(absl::StrCat("De nominerte måtte oppfylle ", Quantifier(root)));
  doc.List(RequirementItems(config, root, 1));
}

// ---- The nominees' text.

// "I 2016 bosatte kommunen 627 flyktninger, hvorav 123 enslige
// mindreårige." and the other figures as "Innbyggere: 187 353."
void NomineeFigures(const std::vector<v1::CitedFigure>& figures, int32_t figures_year, Notes& notes,
                    Builder& doc) {
  const v1::CitedFigure* settled =
      FindFigure(figures, v1::CITED_FIGURE_KIND_VALUE, "refugees_settled");
  const v1::CitedFigure* minors =
      FindFigure(figures, v1::CITED_FIGURE_KIND_VALUE, "minors_settled");
  if (settled != nullptr || minors != nullptr) {
    const int32_t year = settled != nullptr    ? settled->year()
                         : minors->year() != 0 ? minors->year()
                                               : figures_year;
    Line line{Text(absl::StrCat("I ", year, " bosatte kommunen "))};
    if (settled != nullptr) {
      AppendFigure(notes, settled, &line);
      if (minors != nullptr) {
        line.push_back(Text(" flyktninger, hvorav "));
        AppendFigure(notes, minors, &line);
        line.push_back(Text(" enslige mindreårige."));
      } else {
        line.push_back(Text(" flyktninger."));
      }
    } else {
      AppendFigure(notes, minors, &line);
      line.push_back(Text(" enslige mindreårige."));
    }
    doc.Paragraph(std::move(line));
  }
  Line others;
  for (const v1::CitedFigure& f : figures) {
    if (&f == settled || &f == minors || !f.has_value()) continue;
    std::string phrase = FieldPhrase(f.field());
    if (f.kind() == v1::CITED_FIGURE_KIND_RATIO) {
      phrase = absl::StrCat(phrase, " av ", FieldPhrase(f.denominator_field()));
    } else if (norwegian::IsPercentFigure(f) && !f.area_name().empty() &&
               !absl::EndsWith(f.field(), "_pct")) {
      phrase = absl::StrCat("andel av ", OneLine(f.area_name()), ", ", phrase);
    }
    if (f.year() != 0 && f.year() != figures_year) absl::StrAppend(&phrase, " ", f.year());
    others.push_back(Text(absl::StrCat(others.empty() ? "" : " ", Capitalized(phrase), ": ")));
    AppendFigure(notes, &f, &others);
    others.push_back(Text("."));
  }
  doc.Paragraph(std::move(others));
}

absl::StatusOr<RenderedAnnouncement> Nominees(const AnnouncementInput& input,
                                              v1::AnnouncementFormat format) {
  const storage::v1::CycleRecord& record = *input.record;
  const v1::CycleConfig& config = record.cycle().config();
  const std::vector<const v1::Nomination*> nominees = ActiveNominees(record);
  if (nominees.empty()) {
    return Refuse("NO_NOMINEES", "NOMINATIONS", record.cycle().cycle_id(),
                  "the cycle has no active nomination to announce");
  }
  const std::string title = OneLine(config.title());
  Builder doc;
  Notes& notes = doc.notes();
  doc.Heading(1, absl::StrCat("De nominerte til ", title, " er klare"));
  doc.Paragraph(absl::StrCat(
      "IMDi deler ut ", title,
      " til en kommune som har gjort en spesielt god jobb med å bosette og integrere flyktninger. ",
      "Nominert er ", JoinList(Names(nominees)), "."));

  const v1::Schedule& schedule = config.schedule();
  if (!schedule.winner_announce_date().empty()) {
    std::string when =
        absl::StrCat("Vinneren kunngjøres ", FormatDate(OneLine(schedule.winner_announce_date())));
    if (!OneLine(schedule.event()).empty())
      absl::StrAppend(&when, " på ", OneLine(schedule.event()));
    when.push_back('.');
    doc.Paragraph(when);
  }

  // The country's figures.
  const v1::CitedFigure* settled =
      FindFigure(input.country_figures, v1::CITED_FIGURE_KIND_COUNTRY_TOTAL, "refugees_settled");
  const v1::CitedFigure* minors =
      FindFigure(input.country_figures, v1::CITED_FIGURE_KIND_COUNTRY_TOTAL, "minors_settled");
  {
    Line line;
    if (settled != nullptr) {
      line.push_back(Text("Det ble bosatt "));
      AppendFigure(notes, settled, &line);
      line.push_back(Text(absl::StrCat(" flyktninger i Norge i ", settled->year(), ".")));
      if (minors != nullptr) {
        line.push_back(Text(" Av disse var "));
        AppendFigure(notes, minors, &line);
        line.push_back(Text(" enslige mindreårige."));
      }
    } else if (minors != nullptr) {
      line.push_back(Text("Det ble bosatt "));
      AppendFigure(notes, minors, &line);
      line.push_back(Text(absl::StrCat(" enslige mindreårige i Norge i ", minors->year(), ".")));
    }
    doc.Paragraph(std::move(line));
  }

  // Earlier winners, most recent first.
  {
    std::vector<const v1::Winner*> earlier;
    for (const v1::Winner& w : input.earlier_winners) {
      if (w.award_year() < config.award_year()) earlier.push_back(&w);
    }
    std::sort(earlier.begin(), earlier.end(), [](const v1::Winner* a, const v1::Winner* b) {
      if (a->award_year() != b->award_year()) return a->award_year() > b->award_year();
      return a->municipality_name() < b->municipality_name();
    });
    std::vector<std::string> names;
    names.reserve(earlier.size());
    for (const v1::Winner* w : earlier) {
      names.push_back(absl::StrCat(OneLine(w->municipality_name()), " (", w->award_year(), ")"));
    }
    if (!names.empty()) {
      doc.Paragraph(absl::StrCat("Tidligere vinnere av prisen er ", JoinList(names), "."));
    }
  }

  CriteriaSection(config, doc);

  doc.Heading(2, "Hvorfor mener IMDi at disse kommunene fortjener prisen?");
  {
    bool one_per_region = true;
    std::vector<stats::v1::ImdiRegion> regions;
    for (const v1::Nomination* n : nominees) {
      if (n->nominator().kind() != v1::NOMINATOR_KIND_REGIONAL_OFFICE ||
          n->imdi_region() == stats::v1::IMDI_REGION_UNSPECIFIED ||
          std::find(regions.begin(), regions.end(), n->imdi_region()) != regions.end()) {
        one_per_region = false;
        break;
      }
      regions.push_back(n->imdi_region());
    }
    const int count = static_cast<int>(nominees.size());
    constexpr int kRegions = 6;
    if (one_per_region && count > 1) {
      doc.Paragraph(count == kRegions
                        ? absl::StrCat("Én kommune fra hver av de ", norwegian::NumberWord(count),
                                       " IMDi-regionene er nominert.")
                        : absl::StrCat("Én kommune fra hver av ", norwegian::NumberWord(count),
                                       " IMDi-regioner er nominert."));
    } else {
      doc.Paragraph(count == 1 ? "Én kommune er nominert."
                               : absl::StrCat(Capitalized(norwegian::NumberWord(count)),
                                              " kommuner er nominert."));
    }
  }
  for (const v1::Nomination* n : nominees) {
    doc.Heading(3, absl::StrCat(n->municipality_name(), " kommune"));
    std::string by = OneLine(n->nominator().display_name());
    if (by.empty()) by = RegionName(n->nominator().imdi_region());
    if (by.empty() && n->nominator().kind() == v1::NOMINATOR_KIND_MUNICIPALITY) {
      by = "kommunen selv";
    }
    std::vector<std::string> who;
    if (!by.empty()) who.push_back(absl::StrCat("Nominert av ", by));
    const std::string region = RegionName(n->imdi_region());
    // "Nominert av IMDi Sør", not "..., IMDi Sør" twice.
    if (!region.empty() && region != by) who.push_back(region);
    if (!who.empty()) {
      std::string line = who[0];
      for (size_t i = 1; i < who.size(); ++i) absl::StrAppend(&line, ", ", who[i]);
      doc.Paragraph(Line{Span{Span::Style::kEmphasis, std::move(line), 0}});
    }
    for (std::string& paragraph : Paragraphs(n->justification())) doc.Paragraph(paragraph);
    if (auto it = input.nominee_figures.find(n->nomination_id());
        it != input.nominee_figures.end()) {
      NomineeFigures(it->second, config.figures_year(), notes, doc);
    }
    if (n->documents_size() > 0) {
      std::vector<std::string> files;
      files.reserve(static_cast<size_t>(n->documents_size()));
      for (const v1::NominationDocument& d : n->documents()) {
        files.push_back(absl::StrCat(OneLine(d.file_name()), " (",
                                     norwegian::FormatBytes(d.size_bytes()), ")"));
      }
      doc.Paragraph(absl::StrCat("Vedlegg: ", JoinList(files), "."));
    }
  }
  return doc.Render(format);
}

// ---- The winner's text.

// A reason: its text with `{n}` replaced by its n-th figure; the figures
// the text does not name follow it in parentheses. A `{n}` without a known
// figure stays as written (RecordCitation refuses such reasons).
Line ReasonLine(const v1::CitationReason& reason, Notes& notes) {
  const std::string text = OneLine(reason.text());
  const int figure_count = reason.figures_size();
  std::vector<bool> named(static_cast<size_t>(figure_count), false);
  Line line;
  std::string pending;
  for (size_t i = 0; i < text.size();) {
    if (text[i] == '{') {
      size_t j = i + 1;
      while (j < text.size() && j - i <= 3 &&
             absl::ascii_isdigit(static_cast<unsigned char>(text[j])))
        ++j;
      if (j > i + 1 && j < text.size() && text[j] == '}') {
        int n = 0;
        for (size_t k = i + 1; k < j; ++k) n = n * 10 + (text[k] - '0');
        if (n >= 1 && n <= figure_count && reason.figures(n - 1).has_value()) {
          named[static_cast<size_t>(n - 1)] = true;
          if (!pending.empty()) line.push_back(Text(std::exchange(pending, {})));
          AppendFigure(notes, &reason.figures(n - 1), &line);
          i = j + 1;
          continue;
        }
      }
    }
    pending.push_back(text[i]);
    ++i;
  }
  // The figures not named, in parentheses before a final full stop.
  std::vector<const v1::CitedFigure*> rest;
  for (int k = 0; k < figure_count; ++k) {
    if (!named[static_cast<size_t>(k)] && reason.figures(k).has_value()) {
      rest.push_back(&reason.figures(k));
    }
  }
  std::string stop;
  if (!rest.empty() && !pending.empty() && pending.back() == '.') {
    pending.pop_back();
    stop = ".";
  } else if (!rest.empty() && pending.empty() && !line.empty() && line.back().note == 0 &&
             !line.back().text.empty() && line.back().text.back() == '.') {
    line.back().text.pop_back();
    stop = ".";
  }
  if (!rest.empty()) {
    pending.append(pending.empty() && line.empty() ? "(" : " (");
    line.push_back(Text(std::exchange(pending, {})));
    for (size_t k = 0; k < rest.size(); ++k) {
      if (k > 0) line.push_back(Text("; "));
      AppendFigure(notes, rest[k], &line);
    }
    pending = ")" + stop;
  }
  if (!pending.empty()) line.push_back(Text(pending));
  return line;
}

absl::StatusOr<RenderedAnnouncement> WinnerText(const AnnouncementInput& input,
                                                v1::AnnouncementFormat format) {
  const storage::v1::CycleRecord& record = *input.record;
  const v1::Cycle& cycle = record.cycle();
  const v1::CycleConfig& config = cycle.config();
  if (!cycle.has_decision() || cycle.decision().winner_nomination_id().empty()) {
    return Refuse("NO_DECISION", "DECISION", cycle.cycle_id(),
                  "the jury has not decided the winner yet");
  }
  const v1::Nomination* winner = nullptr;
  for (const v1::Nomination& n : record.nominations()) {
    if (n.nomination_id() == cycle.decision().winner_nomination_id()) winner = &n;
  }
  if (winner == nullptr) {
    return Refuse("NO_DECISION", "DECISION", cycle.decision().winner_nomination_id(),
                  "the decided winner is not a nomination of the cycle");
  }
  if (!cycle.has_citation() || cycle.citation().reasons_size() == 0) {
    return Refuse("NO_CITATION", "CITATION", cycle.cycle_id(),
                  "the jury's citation of the winner is not recorded yet");
  }
  const std::string title = OneLine(config.title());
  const std::string name = OneLine(winner->municipality_name());
  Builder doc;
  doc.Heading(1, absl::StrCat(name, " vant ", title));
  if (input.draft) {
    doc.Paragraph(Line{Span{Span::Style::kStrong, "Utkast – ikke offentliggjort.", 0}});
  }
  doc.Paragraph(absl::StrCat(name, " kommune har fått ", title,
                             " for sin innsats for å bosette og integrere flyktninger."));
  const bool given_row = input.announced.has_value();
  const std::string date = OneLine(given_row && !input.announced->announce_date().empty()
                                       ? input.announced->announce_date()
                                       : config.schedule().winner_announce_date());
  const std::string event = OneLine(given_row && !input.announced->event().empty()
                                        ? input.announced->event()
                                        : config.schedule().event());
  if (!date.empty() || !event.empty()) {
    std::string given = input.draft ? "Prisen deles ut" : "Prisen ble delt ut";
    if (!date.empty()) absl::StrAppend(&given, " ", FormatDate(date));
    if (!event.empty()) absl::StrAppend(&given, " på ", event);
    given.push_back('.');
    doc.Paragraph(given);
  }
  std::vector<const v1::Nomination*> others;
  for (const v1::Nomination* n : ActiveNominees(record)) {
    if (n != winner) others.push_back(n);
  }
  if (others.size() == 1) {
    doc.Paragraph(absl::StrCat("Den andre nominerte kommunen var ", Names(others)[0], "."));
  } else if (!others.empty()) {
    doc.Paragraph(absl::StrCat("De andre nominerte kommunene var ", JoinList(Names(others)), "."));
  }
  doc.Heading(2, absl::StrCat("Derfor mener juryen at ", name, " kommune fortjener prisen"));
  std::vector<Item> reasons;
  reasons.reserve(static_cast<size_t>(cycle.citation().reasons_size()));
  for (const v1::CitationReason& reason : cycle.citation().reasons()) {
    Item& item = reasons.emplace_back();
    item.line = ReasonLine(reason, doc.notes());
  }
  doc.List(std::move(reasons));
  doc.Paragraph(absl::StrCat("Tallene er hentet fra IMDis statistikktjeneste, dataversjon ",
                             cycle.citation().data_version(), "."));
  return doc.Render(format);
}

}  // namespace

absl::StatusOr<RenderedAnnouncement> RenderAnnouncementText(const AnnouncementInput& input,
                                                            v1::AnnouncementKind kind,
                                                            v1::AnnouncementFormat format) {
  if (input.record == nullptr) {
    return MakeError(absl::StatusCode::kInternal, "INTERNAL", "no cycle record to render");
  }
  if (format != v1::ANNOUNCEMENT_FORMAT_UNSPECIFIED && format != v1::ANNOUNCEMENT_FORMAT_MARKDOWN &&
      format != v1::ANNOUNCEMENT_FORMAT_HTML) {
    return InvalidFieldError("format", "not a known announcement format");
  }
  switch (kind) {
    case v1::ANNOUNCEMENT_KIND_NOMINEES:
      return Nominees(input, format);
    case v1::ANNOUNCEMENT_KIND_WINNER:
      return WinnerText(input, format);
    default:
      return InvalidFieldError("kind", "must be ANNOUNCEMENT_KIND_NOMINEES or _WINNER");
  }
}

}  // namespace imdi::award
