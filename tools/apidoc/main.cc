// apidoc: writes the Markdown API reference of proto files from their
// comments.
//
//   apidoc --descriptor_set=FILE --out_dir=DIR imdi/stats/v1/stats.proto ...
//
// FILE is a FileDescriptorSet with source info and imports (protoc
// --include_source_info --include_imports --descriptor_set_out). For each
// package of the named files it writes DIR/<package>.md: the services with
// their RPCs, then every message with its fields, then every enum with its
// values (the files of one package in the order named), each with the
// comment written above it in the .proto.
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"

ABSL_FLAG(std::string, descriptor_set, "", "FileDescriptorSet with source info and imports.");
ABSL_FLAG(std::string, out_dir, "", "Directory to write <package>.md files into.");

namespace {

namespace pb = ::google::protobuf;

// The comment above a descriptor, as one Markdown paragraph per blank-line
// separated block; "" when there is none.
template <typename Descriptor>
std::string Comment(const Descriptor* d) {
  pb::SourceLocation location;
  if (!d->GetSourceLocation(&location)) return "";
  std::string text(absl::StripAsciiWhitespace(location.leading_comments));
  std::vector<std::string> lines = absl::StrSplit(text, '\n');
  for (std::string& line : lines) line = std::string(absl::StripAsciiWhitespace(line));
  return absl::StrJoin(lines, "\n");
}

// A comment fit for a table cell: one line, pipes escaped.
template <typename Descriptor>
std::string Cell(const Descriptor* d) {
  std::string text = Comment(d);
  absl::StrReplaceAll({{"\n\n", "<br>"}, {"\n", " "}, {"|", "\\|"}}, &text);
  return text;
}

std::string Anchor(const std::string& name) { return absl::AsciiStrToLower(name); }

class Writer {
 public:
  // `files` share one package.
  explicit Writer(std::vector<const pb::FileDescriptor*> files) : files_(std::move(files)) {}

  // A type, linked to its section here or in the other file's page.
  std::string TypeLink(const pb::Descriptor* m) const {
    return Link(m->name(), m->full_name(), m->file());
  }
  std::string TypeLink(const pb::EnumDescriptor* e) const {
    return Link(e->name(), e->full_name(), e->file());
  }

  std::string Link(const std::string& name, const std::string& full_name,
                   const pb::FileDescriptor* file) const {
    if (file->package() == files_.front()->package())
      return absl::StrCat("[", name, "](#", Anchor(name), ")");
    if (absl::StartsWith(file->package(), "imdi.")) {
      return absl::StrCat("[", full_name, "](", file->package(), ".md#", Anchor(name), ")");
    }
    return absl::StrCat("`", full_name, "`");
  }

  std::string FieldType(const pb::FieldDescriptor* f) const {
    std::string type;
    if (f->message_type() != nullptr) {
      type = TypeLink(f->message_type());
    } else if (f->enum_type() != nullptr) {
      type = TypeLink(f->enum_type());
    } else {
      type = f->type_name();
    }
    if (f->is_repeated()) return "repeated " + type;
    if (f->has_optional_keyword()) return "optional " + type;
    if (f->real_containing_oneof() != nullptr) {
      return absl::StrCat(type, " (one of `", f->real_containing_oneof()->name(), "`)");
    }
    return type;
  }

  void Message(const pb::Descriptor* m, std::string& out) const {
    absl::StrAppend(&out, "### ", m->name(), "\n\n");
    if (const std::string c = Comment(m); !c.empty()) absl::StrAppend(&out, c, "\n\n");
    if (m->field_count() == 0) {
      absl::StrAppend(&out, "No fields.\n\n");
    } else {
      absl::StrAppend(&out, "| Field | Number | Type | Description |\n|---|---|---|---|\n");
      for (int i = 0; i < m->field_count(); ++i) {
        const pb::FieldDescriptor* f = m->field(i);
        absl::StrAppend(&out, "| `", f->name(), "` | ", f->number(), " | ", FieldType(f), " | ",
                        Cell(f), " |\n");
      }
      absl::StrAppend(&out, "\n");
    }
    for (int i = 0; i < m->nested_type_count(); ++i) Message(m->nested_type(i), out);
    for (int i = 0; i < m->enum_type_count(); ++i) Enum(m->enum_type(i), out);
  }

  void Enum(const pb::EnumDescriptor* e, std::string& out) const {
    absl::StrAppend(&out, "### ", e->name(), "\n\n");
    if (const std::string c = Comment(e); !c.empty()) absl::StrAppend(&out, c, "\n\n");
    absl::StrAppend(&out, "| Value | Number | Description |\n|---|---|---|\n");
    for (int i = 0; i < e->value_count(); ++i) {
      const pb::EnumValueDescriptor* v = e->value(i);
      absl::StrAppend(&out, "| `", v->name(), "` | ", v->number(), " | ", Cell(v), " |\n");
    }
    absl::StrAppend(&out, "\n");
  }

  std::string Page() const {
    std::vector<std::string> names;
    for (const pb::FileDescriptor* file : files_)
      names.push_back(absl::StrCat("`proto/", file->name(), "`"));
    std::string out = absl::StrCat("# `", files_.front()->package(), "` API reference\n\n",
                                   "Generated from ", absl::StrJoin(names, ", "),
                                   " by `tools/apidoc`; edit the comments in the .proto, not "
                                   "this page.\n\n");
    for (const pb::FileDescriptor* file : files_) {
      for (int s = 0; s < file->service_count(); ++s) {
        const pb::ServiceDescriptor* service = file->service(s);
        absl::StrAppend(&out, "## Service `", service->full_name(), "`\n\n");
        if (const std::string c = Comment(service); !c.empty()) absl::StrAppend(&out, c, "\n\n");
        absl::StrAppend(&out, "| RPC | Request | Response | Description |\n|---|---|---|---|\n");
        for (int i = 0; i < service->method_count(); ++i) {
          const pb::MethodDescriptor* m = service->method(i);
          absl::StrAppend(&out, "| `", m->name(), "` | ", m->client_streaming() ? "stream " : "",
                          TypeLink(m->input_type()), " | ", m->server_streaming() ? "stream " : "",
                          TypeLink(m->output_type()), " | ", Cell(m), " |\n");
        }
        absl::StrAppend(&out, "\n");
      }
    }
    absl::StrAppend(&out, "## Messages\n\n");
    bool enums = false;
    for (const pb::FileDescriptor* file : files_) {
      for (int i = 0; i < file->message_type_count(); ++i) Message(file->message_type(i), out);
      enums = enums || file->enum_type_count() > 0;
    }
    if (enums) {
      absl::StrAppend(&out, "## Enums\n\n");
      for (const pb::FileDescriptor* file : files_) {
        for (int i = 0; i < file->enum_type_count(); ++i) Enum(file->enum_type(i), out);
      }
    }
    while (absl::EndsWith(out, "\n\n")) out.pop_back();
    return out;
  }

 private:
  std::vector<const pb::FileDescriptor*> files_;
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Writes the Markdown API reference of proto files.\n"
      "  apidoc --descriptor_set=FILE --out_dir=DIR PROTO_FILE...");
  std::vector<char*> files = absl::ParseCommandLine(argc, argv);
  if (files.size() < 2 || absl::GetFlag(FLAGS_descriptor_set).empty() ||
      absl::GetFlag(FLAGS_out_dir).empty()) {
    std::cerr << absl::ProgramUsageMessage() << "\n";
    return 2;
  }
  pb::FileDescriptorSet set;
  std::ifstream in(absl::GetFlag(FLAGS_descriptor_set), std::ios::binary);
  if (!in || !set.ParseFromIstream(&in)) {
    std::cerr << "apidoc: cannot read " << absl::GetFlag(FLAGS_descriptor_set) << "\n";
    return 3;
  }
  pb::DescriptorPool pool;
  for (const pb::FileDescriptorProto& file : set.file()) {
    if (pool.BuildFile(file) == nullptr) {
      std::cerr << "apidoc: cannot build " << file.name() << "\n";
      return 3;
    }
  }
  std::vector<std::string> packages;  // in the order first named
  std::map<std::string, std::vector<const pb::FileDescriptor*>> by_package;
  for (size_t i = 1; i < files.size(); ++i) {
    const pb::FileDescriptor* file = pool.FindFileByName(files[i]);
    if (file == nullptr) {
      std::cerr << "apidoc: " << files[i] << " is not in the descriptor set\n";
      return 3;
    }
    if (by_package[file->package()].empty()) packages.push_back(file->package());
    by_package[file->package()].push_back(file);
  }
  for (const std::string& package : packages) {
    const std::string path = absl::StrCat(absl::GetFlag(FLAGS_out_dir), "/", package, ".md");
    std::ofstream out(path);
    out << Writer(by_package[package]).Page() << "\n";
    if (!out) {
      std::cerr << "apidoc: cannot write " << path << "\n";
      return 3;
    }
  }
  return 0;
}
