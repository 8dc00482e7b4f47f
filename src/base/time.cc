#include "base/time.h"

#include <charconv>
#include <cstdio>

namespace jiesu {
namespace {

bool ParseInt(std::string_view s, int& out) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size();
}

}  // namespace

Date LocalDate(TimePoint t, int offset_minutes) {
  return std::chrono::floor<std::chrono::days>(t + std::chrono::minutes(offset_minutes));
}

TimePoint StartOfLocalDay(Date d, int offset_minutes) {
  return TimePoint(d) - std::chrono::minutes(offset_minutes);
}

Result<Date> ParseDate(std::string_view text) {
  int y = 0, m = 0, d = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ParseInt(text.substr(0, 4), y) ||
      !ParseInt(text.substr(5, 2), m) || !ParseInt(text.substr(8, 2), d)) {
    return InvalidArgument("not a date of the form YYYY-MM-DD: '" + std::string(text) + "'");
  }
  std::chrono::year_month_day ymd{std::chrono::year(y),
                                  std::chrono::month(static_cast<unsigned>(m)),
                                  std::chrono::day(static_cast<unsigned>(d))};
  if (!ymd.ok()) return InvalidArgument("no such date: '" + std::string(text) + "'");
  return Date(ymd);
}

std::string FormatDate(Date d) {
  std::chrono::year_month_day ymd(d);
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buf;
}

Result<TimePoint> ParseRfc3339(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("not an RFC 3339 date-time (e.g. 2026-01-15T09:30:00+08:00): '" +
                           std::string(text) + "'");
  };
  if (text.size() < 20) return bad();
  auto date = ParseDate(text.substr(0, 10));
  if (!date.ok() || (text[10] != 'T' && text[10] != 't' && text[10] != ' ')) return bad();
  int hh = 0, mm = 0, ss = 0;
  if (text[13] != ':' || text[16] != ':' || !ParseInt(text.substr(11, 2), hh) ||
      !ParseInt(text.substr(14, 2), mm) || !ParseInt(text.substr(17, 2), ss) || hh > 23 ||
      mm > 59 || ss > 60) {
    return bad();
  }
  size_t pos = 19;
  int64_t millis = 0;
  if (pos < text.size() && text[pos] == '.') {
    ++pos;
    int digits = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (digits < 3) millis = millis * 10 + (text[pos] - '0');
      ++digits;
      ++pos;
    }
    if (digits == 0) return bad();
    for (int i = digits; i < 3; ++i) millis *= 10;
  }
  int offset = 0;
  if (pos >= text.size()) return bad();
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int oh = 0, om = 0;
    if (pos + 6 != text.size() || text[pos + 3] != ':' || !ParseInt(text.substr(pos + 1, 2), oh) ||
        !ParseInt(text.substr(pos + 4, 2), om) || oh > 23 || om > 59) {
      return bad();
    }
    offset = (oh * 60 + om) * (text[pos] == '-' ? -1 : 1);
    pos += 6;
  } else {
    return bad();
  }
  if (pos != text.size()) return bad();
  TimePoint t = TimePoint(*date) + std::chrono::hours(hh) + std::chrono::minutes(mm) +
                std::chrono::seconds(ss) + Millis(millis) - std::chrono::minutes(offset);
  return t;
}

std::string FormatRfc3339(TimePoint t, int offset_minutes) {
  TimePoint local = t + std::chrono::minutes(offset_minutes);
  Date d = std::chrono::floor<std::chrono::days>(local);
  auto rest = local - TimePoint(d);
  int64_t ms = rest.count();
  int hh = static_cast<int>(ms / 3600000), mm = static_cast<int>(ms / 60000 % 60),
      ss = static_cast<int>(ms / 1000 % 60), frac = static_cast<int>(ms % 1000);
  char buf[48];
  int n = std::snprintf(buf, sizeof buf, "%sT%02d:%02d:%02d", FormatDate(d).c_str(), hh, mm, ss);
  if (frac != 0) n += std::snprintf(buf + n, sizeof buf - n, ".%03d", frac);
  if (offset_minutes == 0) {
    std::snprintf(buf + n, sizeof buf - n, "Z");
  } else {
    int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    std::snprintf(buf + n, sizeof buf - n, "%c%02d:%02d", offset_minutes < 0 ? '-' : '+', a / 60,
                  a % 60);
  }
  return buf;
}

}  // namespace jiesu
