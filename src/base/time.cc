#include "base/time.h"

#include <algorithm>
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

namespace {

// Writes v as exactly `width` decimal digits (zero-padded) at p; returns the end. Timestamps are
// formatted for every order written and shown, and snprintf's format parsing was most of it.
char* PutDigits(char* p, int64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

}  // namespace

std::string FormatDate(Date d) {
  std::chrono::year_month_day ymd(d);
  const int y = static_cast<int>(ymd.year());
  char buf[24];
  if (y < 0 || y > 9999) {
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", y, static_cast<unsigned>(ymd.month()),
                  static_cast<unsigned>(ymd.day()));
    return buf;
  }
  char* p = PutDigits(buf, y, 4);
  *p++ = '-';
  p = PutDigits(p, static_cast<unsigned>(ymd.month()), 2);
  *p++ = '-';
  p = PutDigits(p, static_cast<unsigned>(ymd.day()), 2);
  return std::string(buf, p);
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
  const std::string date = FormatDate(d);
  char buf[64];
  char* p = std::copy(date.begin(), date.end(), buf);
  *p++ = 'T';
  p = PutDigits(p, ms / 3600000, 2);
  *p++ = ':';
  p = PutDigits(p, ms / 60000 % 60, 2);
  *p++ = ':';
  p = PutDigits(p, ms / 1000 % 60, 2);
  if (ms % 1000 != 0) {
    *p++ = '.';
    p = PutDigits(p, ms % 1000, 3);
  }
  if (offset_minutes == 0) {
    *p++ = 'Z';
  } else {
    const int a = offset_minutes < 0 ? -offset_minutes : offset_minutes;
    *p++ = offset_minutes < 0 ? '-' : '+';
    p = PutDigits(p, a / 60, 2);
    *p++ = ':';
    p = PutDigits(p, a % 60, 2);
  }
  return std::string(buf, p);
}

}  // namespace jiesu
