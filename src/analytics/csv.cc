#include "analytics/csv.h"

#include <csv.h>
#include <zlib.h>

#include <cstring>
#include <memory>

namespace jiesu::analytics {
namespace {

struct State {
  const std::function<bool(const CsvRow&)>* fn;
  CsvRow row;
  int64_t line = 1;       // current physical line
  int64_t row_start = 1;  // line where the current record started
  bool stopped = false;
  bool in_record = false;
};

void OnField(void* data, size_t len, void* st) {
  auto* s = static_cast<State*>(st);
  if (!s->in_record) {
    s->in_record = true;
    s->row.line = s->row_start;
  }
  s->row.fields.emplace_back(static_cast<const char*>(data), len);
}

void OnRecord(int, void* st) {
  auto* s = static_cast<State*>(st);
  if (!s->stopped && s->in_record) s->stopped = !(*s->fn)(s->row);
  s->row.fields.clear();
  s->in_record = false;
  s->row_start = s->line + 1;
}

}  // namespace

Status ReadCsv(const std::string& path, const std::function<bool(const CsvRow&)>& fn) {
  // gzopen reads plain files transparently too.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(path.c_str(), "rb"), gzclose);
  if (!in) return Unavailable(path + ": cannot be read");
  gzbuffer(in.get(), 1 << 17);
  csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    return Internal("csv_init failed");
  }
  csv_set_space_func(&p, [](unsigned char) { return 0; });  // keep values exactly as written
  State s{&fn, {}, 1, 1, false, false};
  std::vector<char> buf(1 << 16);
  Status result;
  while (!s.stopped) {
    const int n = gzread(in.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int err = 0;
      result = Unavailable(path + ": " + gzerror(in.get(), &err));
      break;
    }
    if (n == 0) break;
    // Feed line by line so that record start lines are known.
    const char* data = buf.data();
    size_t left = static_cast<size_t>(n);
    while (left > 0 && !s.stopped) {
      const void* nl = std::memchr(data, '\n', left);
      const size_t chunk = nl ? static_cast<size_t>(static_cast<const char*>(nl) - data) + 1 : left;
      if (csv_parse(&p, data, chunk, OnField, OnRecord, &s) != chunk) {
        result = InvalidArgument(path + ":" + std::to_string(s.line) + ": malformed CSV (" +
                                 csv_strerror(csv_error(&p)) + ")");
        break;
      }
      if (nl) ++s.line;
      data += chunk;
      left -= chunk;
    }
    if (!result.ok()) break;
  }
  if (result.ok() && !s.stopped &&
      csv_fini(&p, OnField, OnRecord, &s) != 0) {
    result = InvalidArgument(path + ":" + std::to_string(s.line) + ": malformed CSV (" +
                             csv_strerror(csv_error(&p)) + ")");
  }
  csv_free(&p);
  return result;
}

}  // namespace jiesu::analytics
