#include "analytics/csv.h"

#include <csv.h>
#include <zlib.h>

#include <algorithm>
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

// Parses what `read` yields (chunks of up to `size` bytes; 0 at the end, -1 on an error it
// describes in `error`), naming `name` in errors.
Status Parse(const std::string& name, const std::function<int(char*, size_t, std::string&)>& read,
             const std::function<bool(const CsvRow&)>& fn) {
  csv_parser p;
  if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0) {
    return Internal("csv_init failed");
  }
  csv_set_space_func(&p, [](unsigned char) { return 0; });  // keep values exactly as written
  State s{&fn, {}, 1, 1, false, false};
  std::vector<char> buf(1 << 16);
  Status result;
  while (!s.stopped) {
    std::string error;
    const int n = read(buf.data(), buf.size(), error);
    if (n < 0) {
      result = Unavailable(name + ": " + error);
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
        result = InvalidArgument(name + ":" + std::to_string(s.line) + ": malformed CSV (" +
                                 csv_strerror(csv_error(&p)) + ")");
        break;
      }
      if (nl) ++s.line;
      data += chunk;
      left -= chunk;
    }
    if (!result.ok()) break;
  }
  if (result.ok() && !s.stopped && csv_fini(&p, OnField, OnRecord, &s) != 0) {
    result = InvalidArgument(name + ":" + std::to_string(s.line) + ": malformed CSV (" +
                             csv_strerror(csv_error(&p)) + ")");
  }
  csv_free(&p);
  return result;
}

}  // namespace

Status ReadCsv(const std::string& path, const std::function<bool(const CsvRow&)>& fn) {
  // gzopen reads plain files transparently too.
  std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(path.c_str(), "rb"), gzclose);
  if (!in) return Unavailable(path + ": cannot be read");
  gzbuffer(in.get(), 1 << 17);
  return Parse(
      path,
      [&](char* buf, size_t size, std::string& error) {
        const int n = gzread(in.get(), buf, static_cast<unsigned>(size));
        if (n < 0) {
          int err = 0;
          error = gzerror(in.get(), &err);
        }
        return n;
      },
      fn);
}

std::string CsvField(std::string_view s) {
  if (s.find_first_of(",\"\n\r") == std::string_view::npos) return std::string(s);
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

Status ParseCsv(std::string_view text, const std::string& name,
                const std::function<bool(const CsvRow&)>& fn) {
  return Parse(
      name,
      [&](char* buf, size_t size, std::string&) {
        const size_t n = std::min(size, text.size());
        std::memcpy(buf, text.data(), n);
        text.remove_prefix(n);
        return static_cast<int>(n);
      },
      fn);
}

}  // namespace jiesu::analytics
