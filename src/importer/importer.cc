#include "importer/importer.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "analytics/csv.h"
#include "analytics/xlsx.h"
#include "base/utf8.h"
#include "domain/import.h"

namespace jiesu::importer {
namespace {

using Steady = std::chrono::steady_clock;

// The column indexes the mapping names, resolved against the header.
struct Columns {
  int key = -1, received = -1, due = -1, closed = -1, status = -1, title = -1, address = -1,
      lat = -1, lon = -1, reply = -1, channel = -1, urgency = -1, request_type = -1,
      confidential = -1, category = -1, area = -1, unit = -1;
  std::vector<int> content;
  bool xlsx = false;  // date cells arrive as analytics::kXlsxDateTimeFormat
};

Result<Columns> Resolve(const Mapping& m, const std::vector<std::string>& header,
                        const std::string& input) {
  std::map<std::string, int> at;
  for (size_t i = 0; i < header.size(); ++i) at.emplace(header[i], static_cast<int>(i));
  std::string missing;
  auto col = [&](const std::string& name, bool required) {
    if (name.empty()) return -1;
    auto it = at.find(name);
    if (it == at.end()) {
      if (required || !name.empty()) missing += (missing.empty() ? "" : ", ") + name;
      return -1;
    }
    return it->second;
  };
  Columns c;
  c.key = col(m.key, true);
  c.received = col(m.received_at, true);
  c.due = col(m.due_at, false);
  c.closed = col(m.closed_at, false);
  c.status = m.status ? col(m.status->column, true) : -1;
  c.title = col(m.title, false);
  c.address = col(m.address, false);
  c.lat = col(m.latitude, false);
  c.lon = col(m.longitude, false);
  c.reply = col(m.reply_text, false);
  c.channel = m.channel ? col(m.channel->column, true) : -1;
  c.urgency = m.urgency ? col(m.urgency->column, true) : -1;
  c.request_type = m.request_type ? col(m.request_type->column, true) : -1;
  c.confidential = m.confidential ? col(m.confidential->column, true) : -1;
  c.category = col(m.category.column, true);  // "" (every row the default) → -1
  c.area = m.area ? col(m.area->column, true) : -1;
  c.unit = col(m.unit.column, true);
  for (const auto& name : m.content) c.content.push_back(col(name, true));
  if (!missing.empty()) {
    return InvalidArgument(input + ": the header lacks the mapped column(s) " + missing);
  }
  return c;
}

const std::string& Field(const std::vector<std::string>& f, int i) {
  static const std::string kEmpty;
  return i >= 0 && static_cast<size_t>(i) < f.size() ? f[static_cast<size_t>(i)] : kEmpty;
}

Result<std::optional<TimePoint>> ParseTime(const std::string& s, const Mapping& m,
                                           const std::string& column, bool xlsx) {
  if (s.empty()) return std::optional<TimePoint>{};
  std::tm tm{};
  const char* end = nullptr;
  auto parse = [&](const char* format) {
    tm = {};
    end = ::strptime(s.c_str(), format, &tm);
    return end != nullptr && *end == '\0';
  };
  bool ok = false;
  for (const auto& f : m.time_formats) {
    if ((ok = parse(f.c_str()))) break;
  }
  // How an .xlsx date cell reads (analytics/xlsx.h); unambiguous, so also taken from text.
  if (!ok && xlsx) ok = parse(analytics::kXlsxDateTimeFormat);
  if (!ok) {
    std::string formats;
    for (const auto& f : m.time_formats) formats += (formats.empty() ? "" : " or ") + f;
    return InvalidArgument(column + ": '" + s + "' does not match " + formats, column);
  }
  const std::chrono::year_month_day ymd{std::chrono::year{tm.tm_year + 1900},
                                        std::chrono::month{static_cast<unsigned>(tm.tm_mon + 1)},
                                        std::chrono::day{static_cast<unsigned>(tm.tm_mday)}};
  if (!ymd.ok()) return InvalidArgument(column + ": '" + s + "' is not a date", column);
  const auto local = std::chrono::sys_days(ymd) + std::chrono::hours(tm.tm_hour) +
                     std::chrono::minutes(tm.tm_min) + std::chrono::seconds(tm.tm_sec);
  return std::optional<TimePoint>(
      std::chrono::time_point_cast<Millis>(local - std::chrono::minutes(m.utc_offset_minutes)));
}

Result<std::string> MapValue(const MappedColumn& c, const std::string& field) {
  const std::string v = c.Value(field);
  auto it = c.values.find(v);
  if (it != c.values.end()) return it->second;
  if (c.fallback) return *c.fallback;
  return InvalidArgument(c.column + ": no mapping for '" + v + "'", c.column);
}

// One data row → a case, or why not.
Result<domain::ImportedCase> ToCase(const Mapping& m, const Columns& c,
                                    std::vector<std::string> f) {
  for (auto& v : f) {
    if (!IsValidUtf8(v)) return InvalidArgument("a field is not valid UTF-8");
    if (std::find(m.empty_values.begin(), m.empty_values.end(), v) != m.empty_values.end()) {
      v.clear();
    }
  }
  domain::ImportedCase k;
  k.source = m.source;
  k.key = Field(f, c.key);
  if (k.key.empty()) return InvalidArgument(m.key + " is empty", m.key);
  JIESU_ASSIGN_OR_RETURN(auto received, ParseTime(Field(f, c.received), m, m.received_at, c.xlsx));
  if (!received) return InvalidArgument(m.received_at + " is empty", m.received_at);
  k.received_at = *received;
  if (c.due >= 0) {
    JIESU_ASSIGN_OR_RETURN(k.due_at, ParseTime(Field(f, c.due), m, m.due_at, c.xlsx));
  }
  std::optional<TimePoint> closed;
  if (c.closed >= 0) {
    JIESU_ASSIGN_OR_RETURN(closed, ParseTime(Field(f, c.closed), m, m.closed_at, c.xlsx));
  }
  bool is_closed = closed.has_value();
  if (m.status) {
    JIESU_ASSIGN_OR_RETURN(std::string st, MapValue(*m.status, Field(f, c.status)));
    is_closed = st == "closed";
    if (is_closed && !closed) {
      return InvalidArgument("closed in the source but " + m.closed_at + " is empty", m.closed_at);
    }
  }
  if (is_closed) k.closed_at = closed;
  auto& d = k.draft;
  d.request_type = domain::RequestType::kOther;
  d.channel = domain::Channel::kImport;
  if (m.channel) {
    JIESU_ASSIGN_OR_RETURN(std::string ch, MapValue(*m.channel, Field(f, c.channel)));
    d.channel = *domain::ParseChannel(ch);
  }
  if (m.urgency) {
    JIESU_ASSIGN_OR_RETURN(std::string u, MapValue(*m.urgency, Field(f, c.urgency)));
    d.urgency = *domain::ParseUrgency(u);
  }
  if (m.request_type) {
    JIESU_ASSIGN_OR_RETURN(std::string t, MapValue(*m.request_type, Field(f, c.request_type)));
    d.request_type = *domain::ParseRequestType(t);
  }
  if (m.confidential) {
    JIESU_ASSIGN_OR_RETURN(std::string v, MapValue(*m.confidential, Field(f, c.confidential)));
    d.confidential = v == "true";
  }
  JIESU_ASSIGN_OR_RETURN(d.category, MapValue(m.category, Field(f, c.category)));
  if (m.area) {
    // By the code's length (config/loader.cc checks it): the intake fills in the parents.
    JIESU_ASSIGN_OR_RETURN(std::string area, MapValue(*m.area, Field(f, c.area)));
    (area.size() == 12  ? d.location.community_code
     : area.size() == 9 ? d.location.street_code
                        : d.location.district_code) = std::move(area);
  }
  JIESU_ASSIGN_OR_RETURN(k.unit, MapValue(m.unit, Field(f, c.unit)));
  d.title = Utf8Prefix(Field(f, c.title), 200);
  for (int i : c.content) {
    const std::string& v = Field(f, i);
    if (v.empty()) continue;
    if (!d.content.empty()) d.content += "; ";
    d.content += v;
  }
  if (d.content.empty()) return InvalidArgument("every content column is empty", "content");
  d.location.address = Utf8Prefix(Field(f, c.address), 500);
  if (c.lat >= 0 && c.lon >= 0 && !Field(f, c.lat).empty() && !Field(f, c.lon).empty()) {
    char* e1 = nullptr;
    char* e2 = nullptr;
    const double lat = std::strtod(Field(f, c.lat).c_str(), &e1);
    const double lon = std::strtod(Field(f, c.lon).c_str(), &e2);
    if (*e1 != '\0' || *e2 != '\0') return InvalidArgument("coordinates are not numbers");
    bool placeholder = false;
    for (const auto& [plat, plon] : m.ignore_coordinates) {
      placeholder |= std::fabs(lat - plat) < 1e-9 && std::fabs(lon - plon) < 1e-9;
    }
    if (!placeholder) {
      d.location.lat = lat;
      d.location.lon = lon;
    }
  }
  k.reply_text = Utf8Prefix(Field(f, c.reply), 2000);
  return k;
}

std::string Fingerprint(const std::vector<std::string>& fields) {
  crypto_generichash_state st;
  crypto_generichash_init(&st, nullptr, 0, 16);
  for (const auto& f : fields) {
    const uint64_t n = f.size();
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(&n), sizeof n);
    crypto_generichash_update(&st, reinterpret_cast<const unsigned char*>(f.data()), f.size());
  }
  unsigned char out[16];
  crypto_generichash_final(&st, out, sizeof out);
  char hex[33];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

std::string CsvField(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string out = "\"";
  for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
  return out + "\"";
}

// The order code of an imported case: "IM" + local date + 8-digit id.
std::string CodeFor(int64_t id, TimePoint t, int offset) {
  std::string date = FormatDate(LocalDate(t, offset));
  date.erase(std::remove(date.begin(), date.end(), '-'), date.end());
  char buf[64];
  std::snprintf(buf, sizeof buf, "IM%s%08lld", date.c_str(), static_cast<long long>(id));
  return buf;
}

struct Job {
  int64_t line = 0;
  domain::ImportedCase c;
  std::string fingerprint;
};

}  // namespace

Status ReadCases(const Mapping& m, const std::string& input, const CaseFn& fn) {
  Columns cols;
  Status header;
  Status read = analytics::ReadTable(input, [&](const analytics::CsvRow& row) {
    if (cols.key < 0) {  // the first row names the columns
      auto c = Resolve(m, row.fields, input);
      if (!c.ok()) {
        header = c.error();
        return false;
      }
      cols = *c;
      cols.xlsx = analytics::IsXlsx(input);
      return true;
    }
    return fn(row, Field(row.fields, cols.key), ToCase(m, cols, row.fields));
  });
  JIESU_RETURN_IF_ERROR(read);
  JIESU_RETURN_IF_ERROR(header);
  if (cols.key < 0) return InvalidArgument(input + ": the file is empty (no header)");
  return Ok();
}

Result<Summary> Import(storage::Store& store, const domain::Jurisdiction& j, const Mapping& m,
                       const std::string& input, const Options& options) {
  const auto start = Steady::now();
  const std::string rejects_path =
      options.rejects_path.empty()
          ? std::filesystem::path(input).filename().string() + ".rejects.csv"
          : options.rejects_path;
  std::ofstream rejects(rejects_path, std::ios::trunc);
  if (!rejects) return Unavailable("cannot write the rejects file " + rejects_path);
  rejects << "line,key,reason\n";

  Summary sum;
  std::mutex mu;  // guards sum, rejects, queue
  std::condition_variable cv_work, cv_room;
  std::deque<Job> queue;
  bool done_reading = false;
  std::optional<Error> fatal;
  auto reject = [&](int64_t line, const std::string& key, const std::string& why) {
    rejects << line << "," << CsvField(key) << "," << CsvField(why) << "\n";
    ++sum.rejected;
  };

  std::vector<std::thread> writers;
  for (int w = 0; w < std::max(1, options.writers); ++w) {
    writers.emplace_back([&] {
      while (true) {
        Job job;
        {
          std::unique_lock lock(mu);
          cv_work.wait(lock, [&] { return !queue.empty() || done_reading; });
          if (queue.empty()) return;
          job = std::move(queue.front());
          queue.pop_front();
          cv_room.notify_one();
        }
        const storage::IdempotencyKey key{0, m.source + "/" + job.c.key, job.fingerprint};
        auto created = store.CreateOrder(key, [&](int64_t id) {
          return domain::DecideImport(id, CodeFor(id, job.c.received_at, j.utc_offset_minutes),
                                      job.c, domain::Context{j, job.c.received_at});
        });
        std::lock_guard lock(mu);
        if (created.ok()) {
          (created->replayed ? sum.existing : sum.imported) += 1;
        } else if (created.error().code == ErrorCode::kConflict) {
          reject(job.line, job.c.key, "already imported with different content");
        } else if (created.error().code == ErrorCode::kInvalidArgument) {
          reject(job.line, job.c.key, created.error().message);
        } else if (!fatal) {
          fatal = created.error();
        }
      }
    });
  }

  auto last_progress = Steady::now();
  Status read = ReadCases(
      m, input,
      [&](const analytics::CsvRow& row, const std::string& key, Result<domain::ImportedCase> c) {
        std::unique_lock lock(mu);
        ++sum.rows;
        if (fatal) return false;
        if (!c.ok()) {
          reject(row.line, key, c.error().message);
        } else {
          cv_room.wait(lock, [&] { return queue.size() < 4096; });
          queue.push_back(Job{row.line, std::move(*c), Fingerprint(row.fields)});
          cv_work.notify_one();
        }
        if (options.progress && Steady::now() - last_progress > std::chrono::milliseconds(200)) {
          last_progress = Steady::now();
          Summary s = sum;
          s.seconds = std::chrono::duration<double>(Steady::now() - start).count();
          lock.unlock();
          options.progress(s);
        }
        return true;
      });
  {
    std::lock_guard lock(mu);
    done_reading = true;
  }
  cv_work.notify_all();
  for (auto& t : writers) t.join();
  rejects.flush();
  if (!read.ok()) return read.error();
  if (fatal) return *fatal;
  sum.seconds = std::chrono::duration<double>(Steady::now() - start).count();
  if (options.progress) options.progress(sum);
  return sum;
}

}  // namespace jiesu::importer
