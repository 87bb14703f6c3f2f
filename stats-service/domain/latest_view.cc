#include "stats-service/domain/latest_view.h"

#include <algorithm>
#include <cstring>
#include <iterator>

#include "absl/container/flat_hash_map.h"
#include "absl/container/inlined_vector.h"
#include "absl/time/time.h"
#include "stats-service/domain/revisions.h"

namespace imdi::stats {

// The records of a run of subject ids of one (kind, year). Record i is
// bytes[offsets[i], offsets[i + 1]), in the encoding below; the texts it
// names are indices into `texts`.
struct LatestView::Chunk {
  std::vector<int32_t> ids;  // ascending
  std::vector<uint32_t> offsets;
  std::string bytes;
  std::vector<std::string> texts;

  size_t MemoryBytes() const {
    size_t n = sizeof(Chunk) + ids.capacity() * sizeof(int32_t) +
               offsets.capacity() * sizeof(uint32_t) + bytes.capacity() +
               texts.capacity() * sizeof(std::string);
    for (const std::string& t : texts) {
      if (t.size() > 15) n += t.capacity() + 1;  // beyond the small-string buffer
    }
    return n;
  }
};

// The chunks of one (kind, year), ordered by id; first_ids[i] is
// chunks[i]->ids.front().
struct LatestView::Table {
  std::vector<std::shared_ptr<const Chunk>> chunks;
  std::vector<int32_t> first_ids;
  size_t size = 0;

  // The chunk `id` falls in (the first for ids before it).
  size_t ChunkOf(int id) const {
    auto it = std::upper_bound(first_ids.begin(), first_ids.end(), id);
    return it == first_ids.begin() ? 0 : static_cast<size_t>(it - first_ids.begin() - 1);
  }
};

namespace {

// A chunk rewritten keeps its texts while it has at most this many (some
// may be named by no record any more); past it, it is encoded afresh.
constexpr size_t kMaxChunkTexts = 48;

// --- The record encoding ---
//
//   varint  mask: bit i set when count i has a value, bit 12 + i percent i,
//           bit 14 status, bit 15 note
//   zigzag  each count with a value; 8 bytes each percent with a value
//   u8      status (when set); varint note text (when set)
//   zigzag  revision; varint data_version; time update_time;
//   varint  known_date
//   varint  origins, each relative to the record's own (what the record
//           shows is its newest revision's, so the differences are small):
//           zigzag data_version difference, time update_time difference,
//           zigzag known_date difference, varint principal text, varint
//           request_id text
//   varint  field sources, each: u8 field, varint origin, varint source
//           text, zigzag line
//
// where a time is nanoseconds as a varint: zigzag(micros) << 1 when whole
// micros (the store's precision), zigzag(nanos) << 1 | 1 otherwise. Subject
// and year come from the table; `source` is the join of the field sources,
// as FoldRevisions makes it.

void PutVarint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

uint64_t ZigZag(int64_t v) {
  return (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63);
}
int64_t UnZigZag(uint64_t v) { return static_cast<int64_t>(v >> 1) ^ -static_cast<int64_t>(v & 1); }

class Reader {
 public:
  explicit Reader(const char* p) : p_(reinterpret_cast<const uint8_t*>(p)) {}
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0;; shift += 7) {
      const uint8_t b = *p_++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (b < 0x80) return v;
    }
  }
  int64_t Signed() { return UnZigZag(Varint()); }
  int64_t Time() {
    const uint64_t v = Varint();
    return (v & 1) ? UnZigZag(v >> 1) : UnZigZag(v >> 1) * 1000;
  }
  uint8_t Byte() { return *p_++; }
  double Double() {
    double d;
    std::memcpy(&d, p_, sizeof d);
    p_ += sizeof d;
    return d;
  }

 private:
  const uint8_t* p_;
};

int64_t TimeNanos(absl::Time t) { return absl::ToUnixNanos(t); }
absl::Time NanosTime(int64_t ns) { return absl::FromUnixNanos(ns); }

void PutTime(std::string& out, int64_t nanos) {
  if (nanos % 1000 == 0) {
    PutVarint(out, ZigZag(nanos / 1000) << 1);
  } else {
    PutVarint(out, (ZigZag(nanos) << 1) | 1);
  }
}

// Encodes records into one chunk, interning the texts they name.
class ChunkEncoder {
 public:
  ChunkEncoder() { chunk_ = std::make_shared<LatestView::Chunk>(); }
  // An encoder that keeps the texts of `from`, so that its records' bytes
  // can be copied as they are (AddEncoded).
  explicit ChunkEncoder(const LatestView::Chunk& from) : ChunkEncoder() {
    chunk_->texts = from.texts;
    for (size_t i = 0; i < from.texts.size(); ++i) index_.try_emplace(from.texts[i], i);
  }

  // Adds record `i` of `from`, whose texts this encoder keeps, as encoded.
  void AddEncoded(const LatestView::Chunk& from, size_t i) {
    LatestView::Chunk& c = *chunk_;
    c.ids.push_back(from.ids[i]);
    c.offsets.push_back(static_cast<uint32_t>(c.bytes.size()));
    c.bytes.append(from.bytes, from.offsets[i], from.offsets[i + 1] - from.offsets[i]);
  }

  size_t size() const { return chunk_->ids.size(); }

  void Add(int id, const FiguresRecord& r) {
    LatestView::Chunk& c = *chunk_;
    c.ids.push_back(id);
    c.offsets.push_back(static_cast<uint32_t>(c.bytes.size()));
    std::string& out = c.bytes;
    uint64_t mask = 0;
    for (int i = 0; i < kNumCounts; ++i) {
      if (r.values.counts[i]) mask |= uint64_t{1} << i;
    }
    for (int i = 0; i < kNumPercents; ++i) {
      if (r.values.percents[i]) mask |= uint64_t{1} << (kNumCounts + i);
    }
    if (r.status != FiguresStatus::kUnspecified) mask |= uint64_t{1} << kStatusField;
    if (!r.note.empty()) mask |= uint64_t{1} << kNoteField;
    PutVarint(out, mask);
    for (int i = 0; i < kNumCounts; ++i) {
      if (r.values.counts[i]) PutVarint(out, ZigZag(*r.values.counts[i]));
    }
    for (int i = 0; i < kNumPercents; ++i) {
      if (r.values.percents[i]) {
        char raw[sizeof(double)];
        std::memcpy(raw, &*r.values.percents[i], sizeof raw);
        out.append(raw, sizeof raw);
      }
    }
    if (r.status != FiguresStatus::kUnspecified) out.push_back(static_cast<char>(r.status));
    if (!r.note.empty()) PutVarint(out, Text(r.note));
    PutVarint(out, ZigZag(r.revision));
    PutVarint(out, r.data_version);
    const int64_t update_nanos = TimeNanos(r.update_time);
    PutTime(out, update_nanos);
    PutVarint(out, static_cast<uint32_t>(r.known_date));

    // The revisions the fields come from, each once.
    struct Origin {
      uint64_t data_version;
      int64_t update_nanos;
      int known_date;
      uint64_t principal;
      uint64_t request_id;
      bool operator==(const Origin&) const = default;
    };
    std::vector<Origin> origins;
    std::vector<size_t> origin_of;
    origin_of.reserve(r.field_sources.size());
    for (const FieldSource& f : r.field_sources) {
      const Origin o{f.data_version, TimeNanos(f.update_time), f.known_date, Text(f.principal),
                     Text(f.request_id)};
      auto it = std::find(origins.begin(), origins.end(), o);
      origin_of.push_back(static_cast<size_t>(it - origins.begin()));
      if (it == origins.end()) origins.push_back(o);
    }
    PutVarint(out, origins.size());
    for (const Origin& o : origins) {
      PutVarint(out, ZigZag(static_cast<int64_t>(r.data_version - o.data_version)));
      PutTime(out, update_nanos - o.update_nanos);
      PutVarint(out, ZigZag(int64_t{r.known_date} - o.known_date));
      PutVarint(out, o.principal);
      PutVarint(out, o.request_id);
    }
    PutVarint(out, r.field_sources.size());
    for (size_t i = 0; i < r.field_sources.size(); ++i) {
      const FieldSource& f = r.field_sources[i];
      out.push_back(static_cast<char>(f.field));
      PutVarint(out, origin_of[i]);
      PutVarint(out, Text(f.source));
      PutVarint(out, ZigZag(f.line));
    }
  }

  std::shared_ptr<const LatestView::Chunk> Finish() && {
    LatestView::Chunk& c = *chunk_;
    c.offsets.push_back(static_cast<uint32_t>(c.bytes.size()));
    c.ids.shrink_to_fit();
    c.offsets.shrink_to_fit();
    c.bytes.shrink_to_fit();
    c.texts.shrink_to_fit();
    return std::move(chunk_);
  }

 private:
  uint64_t Text(const std::string& text) {
    auto [it, inserted] = index_.try_emplace(text, chunk_->texts.size());
    if (inserted) chunk_->texts.push_back(text);
    return it->second;
  }

  std::shared_ptr<LatestView::Chunk> chunk_;
  absl::flat_hash_map<std::string, uint64_t> index_;
};

FiguresRecord Decode(const LatestView::Chunk& c, size_t i, Subject::Kind kind, int year) {
  FiguresRecord r;
  r.subject = {kind, c.ids[i]};
  r.year = year;
  Reader in(c.bytes.data() + c.offsets[i]);
  const uint64_t mask = in.Varint();
  for (int f = 0; f < kNumCounts; ++f) {
    if (mask & (uint64_t{1} << f)) r.values.counts[f] = in.Signed();
  }
  for (int p = 0; p < kNumPercents; ++p) {
    if (mask & (uint64_t{1} << (kNumCounts + p))) r.values.percents[p] = in.Double();
  }
  if (mask & (uint64_t{1} << kStatusField)) r.status = static_cast<FiguresStatus>(in.Byte());
  if (mask & (uint64_t{1} << kNoteField)) r.note = c.texts[in.Varint()];
  r.revision = in.Signed();
  r.data_version = in.Varint();
  const int64_t update_nanos = in.Time();
  r.update_time = NanosTime(update_nanos);
  r.known_date = static_cast<int>(in.Varint());

  struct Origin {
    uint64_t data_version;
    absl::Time update_time;
    int known_date;
    const std::string* principal;
    const std::string* request_id;
  };
  const size_t num_origins = in.Varint();
  absl::InlinedVector<Origin, 4> origins(num_origins);
  for (size_t o = 0; o < num_origins; ++o) {
    origins[o].data_version = r.data_version - static_cast<uint64_t>(in.Signed());
    origins[o].update_time = NanosTime(update_nanos - in.Time());
    origins[o].known_date = static_cast<int>(r.known_date - in.Signed());
    origins[o].principal = &c.texts[in.Varint()];
    origins[o].request_id = &c.texts[in.Varint()];
  }
  const size_t num_fields = in.Varint();
  r.field_sources.resize(num_fields);
  for (size_t k = 0; k < num_fields; ++k) {
    FieldSource& f = r.field_sources[k];
    f.field = in.Byte();
    const Origin& o = origins[in.Varint()];
    f.source = c.texts[in.Varint()];
    f.line = in.Signed();
    f.data_version = o.data_version;
    f.update_time = o.update_time;
    f.known_date = o.known_date;
    f.principal = *o.principal;
    f.request_id = *o.request_id;
  }
  r.source = JoinSources(r.field_sources);
  return r;
}

void AppendChunk(LatestView::Table& table, std::shared_ptr<const LatestView::Chunk> chunk) {
  if (chunk->ids.empty()) return;
  table.first_ids.push_back(chunk->ids.front());
  table.size += chunk->ids.size();
  table.chunks.push_back(std::move(chunk));
}

}  // namespace

// --- Builder ---

struct LatestView::Builder::Pending {
  std::shared_ptr<Table> table = std::make_shared<Table>();
  ChunkEncoder encoder;
};

LatestView::Builder::Builder(uint64_t version) : version_(version) {}
LatestView::Builder::~Builder() = default;

void LatestView::Builder::Add(const FiguresRecord& record) {
  std::unique_ptr<Pending>& p = pending_[{record.subject.kind, record.year}];
  if (!p) p = std::make_unique<Pending>();
  p->encoder.Add(record.subject.id, record);
  if (p->encoder.size() == kChunkRecords) {
    AppendChunk(*p->table, std::move(p->encoder).Finish());
    p->encoder = ChunkEncoder();
  }
}

std::shared_ptr<const LatestView> LatestView::Builder::Build() && {
  auto view = std::make_shared<LatestView>(version_);
  for (auto& [key, p] : pending_) {
    AppendChunk(*p->table, std::move(p->encoder).Finish());
    view->tables_.emplace_back(key, std::move(p->table));
  }
  pending_.clear();
  return view;
}

// --- Reads ---

const LatestView::Table* LatestView::FindTable(Key key) const {
  auto it = std::lower_bound(tables_.begin(), tables_.end(), key,
                             [](const auto& entry, const Key& k) { return entry.first < k; });
  return it != tables_.end() && it->first == key ? it->second.get() : nullptr;
}

std::optional<FiguresRecord> LatestView::Find(const Subject& subject, int year) const {
  const Table* table = FindTable({subject.kind, year});
  if (table == nullptr || table->chunks.empty()) return std::nullopt;
  const Chunk& chunk = *table->chunks[table->ChunkOf(subject.id)];
  auto it = std::lower_bound(chunk.ids.begin(), chunk.ids.end(), subject.id);
  if (it == chunk.ids.end() || *it != subject.id) return std::nullopt;
  return Decode(chunk, static_cast<size_t>(it - chunk.ids.begin()), subject.kind, year);
}

void LatestView::Scan(Subject::Kind kind, int year_min, int year_max,
                      std::optional<std::pair<int, int>> after,
                      absl::FunctionRef<bool(int id, int year)> want,
                      absl::FunctionRef<bool(FiguresRecord&&)> visit) const {
  // One position per year table; each step takes the smallest (id, year).
  struct Position {
    int year;
    const Table* table;
    size_t chunk;
    size_t index;
    bool done() const { return chunk == table->chunks.size(); }
    int id() const { return table->chunks[chunk]->ids[index]; }
    void Advance() {
      if (++index == table->chunks[chunk]->ids.size()) {
        ++chunk;
        index = 0;
      }
    }
  };
  std::vector<Position> positions;
  auto first = std::lower_bound(tables_.begin(), tables_.end(), Key{kind, year_min},
                                [](const auto& entry, const Key& k) { return entry.first < k; });
  for (auto it = first; it != tables_.end() && it->first <= Key{kind, year_max}; ++it) {
    const Table& table = *it->second;
    const int year = it->first.second;
    if (table.chunks.empty()) continue;
    Position pos{year, &table, 0, 0};
    if (after) {
      // The first id after `after` in (id, year) order.
      const int from = year > after->second ? after->first : after->first + 1;
      pos.chunk = table.ChunkOf(from);
      const std::vector<int32_t>& ids = table.chunks[pos.chunk]->ids;
      pos.index = static_cast<size_t>(std::lower_bound(ids.begin(), ids.end(), from) - ids.begin());
      if (pos.index == ids.size()) {
        ++pos.chunk;
        pos.index = 0;
      }
    }
    if (!pos.done()) positions.push_back(pos);
  }
  while (!positions.empty()) {
    size_t best = 0;
    for (size_t p = 1; p < positions.size(); ++p) {
      // Years ascend with p, so a tie in id keeps the earlier year.
      if (positions[p].id() < positions[best].id()) best = p;
    }
    Position& pos = positions[best];
    const int id = pos.id();
    if (want(id, pos.year)) {
      if (!visit(Decode(*pos.table->chunks[pos.chunk], pos.index, kind, pos.year))) return;
    }
    pos.Advance();
    if (pos.done()) positions.erase(positions.begin() + static_cast<std::ptrdiff_t>(best));
  }
}

// --- Updates ---

std::shared_ptr<const LatestView> LatestView::With(
    uint64_t version, const std::vector<FiguresRecord>& records) const {
  auto view = std::make_shared<LatestView>(*this);
  view->version_ = version;
  // The records by table, then by id (the last for an id wins).
  std::map<Key, std::map<int, const FiguresRecord*>> by_table;
  for (const FiguresRecord& r : records) {
    by_table[{r.subject.kind, r.year}][r.subject.id] = &r;
  }
  for (const auto& entry : by_table) {
    // Named references: clang 14 cannot capture a structured binding.
    const Key& key = entry.first;
    const std::map<int, const FiguresRecord*>& changes = entry.second;
    auto slot = std::lower_bound(view->tables_.begin(), view->tables_.end(), key,
                                 [](const auto& entry, const Key& k) { return entry.first < k; });
    if (slot == view->tables_.end() || slot->first != key) {
      slot = view->tables_.emplace(slot, key, std::make_shared<Table>());
    }
    const Table& old = *slot->second;
    auto table = std::make_shared<Table>();
    // Walks the old chunks in order; a chunk that records fall in is
    // rebuilt with them (split when it grows past kMaxChunkRecords), the
    // others are shared.
    auto change = changes.begin();
    // Rebuilds a chunk from its records (none for a new table) and those of
    // `changes` up to `end`.
    auto rebuild = [&](const Chunk* chunk,
                       std::map<int, const FiguresRecord*>::const_iterator end) {
      if (chunk != nullptr && chunk->texts.size() <= kMaxChunkTexts &&
          chunk->ids.size() + static_cast<size_t>(std::distance(change, end)) <=
              kMaxChunkRecords) {
        // The records that stay are copied as encoded, with the chunk's
        // texts (kMaxChunkTexts bounds those no record names any more).
        ChunkEncoder encoder(*chunk);
        size_t i = 0;
        while (i < chunk->ids.size() || change != end) {
          if (change != end && (i == chunk->ids.size() || change->first <= chunk->ids[i])) {
            if (i < chunk->ids.size() && chunk->ids[i] == change->first) ++i;
            encoder.Add(change->first, *change->second);
            ++change;
          } else {
            encoder.AddEncoded(*chunk, i++);
          }
        }
        AppendChunk(*table, std::move(encoder).Finish());
        return;
      }
      // Otherwise every record is encoded again, the chunk split when it
      // grows past kMaxChunkRecords.
      std::vector<std::pair<int, FiguresRecord>> merged;
      if (chunk != nullptr) {
        for (size_t i = 0; i < chunk->ids.size(); ++i) {
          if (changes.contains(chunk->ids[i])) continue;
          merged.emplace_back(chunk->ids[i], Decode(*chunk, i, key.first, key.second));
        }
      }
      for (; change != end; ++change) merged.emplace_back(change->first, *change->second);
      std::sort(merged.begin(), merged.end(),
                [](const auto& a, const auto& b) { return a.first < b.first; });
      const size_t pieces = (merged.size() + kMaxChunkRecords - 1) / kMaxChunkRecords;
      const size_t per_piece = (merged.size() + pieces - 1) / pieces;
      for (size_t start = 0; start < merged.size(); start += per_piece) {
        ChunkEncoder encoder;
        for (size_t i = start; i < std::min(merged.size(), start + per_piece); ++i) {
          encoder.Add(merged[i].first, merged[i].second);
        }
        AppendChunk(*table, std::move(encoder).Finish());
      }
    };
    if (old.chunks.empty()) rebuild(nullptr, changes.end());
    for (size_t c = 0; c < old.chunks.size(); ++c) {
      // Chunk c takes the ids before the next chunk's first (the first
      // chunk also those before its own, the last all after it).
      const auto end =
          c + 1 < old.chunks.size() ? changes.lower_bound(old.first_ids[c + 1]) : changes.end();
      if (change == end) {
        AppendChunk(*table, old.chunks[c]);
      } else {
        rebuild(old.chunks[c].get(), end);
      }
    }
    slot->second = std::move(table);
  }
  return view;
}

size_t LatestView::size() const {
  size_t n = 0;
  for (const auto& [key, table] : tables_) n += table->size;
  return n;
}

size_t LatestView::MemoryBytes() const {
  size_t n = sizeof(LatestView) + tables_.capacity() * sizeof(tables_[0]);
  for (const auto& [key, table] : tables_) {
    n += sizeof(Table) + table->chunks.capacity() * sizeof(table->chunks[0]) +
         table->first_ids.capacity() * sizeof(int32_t);
    for (const auto& chunk : table->chunks) n += chunk->MemoryBytes();
  }
  return n;
}

bool LatestView::SharesChunk(const LatestView& other, const Subject& subject, int year) const {
  const Table* a = FindTable({subject.kind, year});
  const Table* b = other.FindTable({subject.kind, year});
  if (a == nullptr || b == nullptr || a->chunks.empty() || b->chunks.empty()) return false;
  return a->chunks[a->ChunkOf(subject.id)] == b->chunks[b->ChunkOf(subject.id)];
}

}  // namespace imdi::stats
