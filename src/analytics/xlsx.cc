#include "analytics/xlsx.h"

#include <expat.h>
#include <zip.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

namespace jiesu::analytics {
namespace {

// Local name of an element ("x:row" → "row"): some writers use a namespace prefix.
std::string_view Local(const XML_Char* name) {
  std::string_view n(name);
  const size_t colon = n.rfind(':');
  return colon == std::string_view::npos ? n : n.substr(colon + 1);
}

const XML_Char* Attr(const XML_Char** atts, std::string_view want) {
  for (int i = 0; atts[i] != nullptr; i += 2) {
    if (Local(atts[i]) == want) return atts[i + 1];
  }
  return nullptr;
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using Zip = std::unique_ptr<zip_t, ZipCloser>;

// Feeds one part of the package to `parser` as it is inflated. `missing_ok`: a part that is
// not there is not an error (sharedStrings.xml and styles.xml are optional).
Status Parse(zip_t* zip, const std::string& part, XML_Parser parser, bool missing_ok,
             const bool* stop = nullptr) {
  zip_int64_t index = zip_name_locate(zip, part.c_str(), 0);
  if (index < 0) {
    if (missing_ok) return {};
    return InvalidArgument("not an .xlsx workbook: it has no " + part);
  }
  std::unique_ptr<zip_file_t, FileCloser> f(
      zip_fopen_index(zip, static_cast<zip_uint64_t>(index), 0));
  if (!f) return Unavailable("cannot read " + part + ": " + zip_strerror(zip));
  std::vector<char> buf(1 << 16);
  while (true) {
    const zip_int64_t n = zip_fread(f.get(), buf.data(), buf.size());
    if (n < 0) return Unavailable("cannot inflate " + part);
    if (XML_Parse(parser, buf.data(), static_cast<int>(n), n == 0) == XML_STATUS_ERROR) {
      if (stop != nullptr && *stop) return {};  // the reader asked to stop
      return InvalidArgument(part + " line " + std::to_string(XML_GetCurrentLineNumber(parser)) +
                             ": " + XML_ErrorString(XML_GetErrorCode(parser)));
    }
    if (n == 0) return {};
  }
}

struct ParserCloser {
  void operator()(XML_Parser p) const { XML_ParserFree(p); }
};
using Parser = std::unique_ptr<std::remove_pointer_t<XML_Parser>, ParserCloser>;

template <class State>
Parser NewParser(State* st, XML_StartElementHandler start, XML_EndElementHandler end,
                 XML_CharacterDataHandler text) {
  Parser p(XML_ParserCreate("UTF-8"));
  XML_SetUserData(p.get(), st);
  XML_SetElementHandler(p.get(), start, end);
  XML_SetCharacterDataHandler(p.get(), text);
  return p;
}

// xl/workbook.xml: the first sheet's relationship id and the date system.
struct Workbook {
  std::string first_sheet_rid;
  bool date1904 = false;
};
void WorkbookStart(void* ud, const XML_Char* name, const XML_Char** atts) {
  auto* wb = static_cast<Workbook*>(ud);
  const auto n = Local(name);
  if (n == "sheet" && wb->first_sheet_rid.empty()) {
    if (const char* id = Attr(atts, "id")) wb->first_sheet_rid = id;
  } else if (n == "workbookPr") {
    const char* v = Attr(atts, "date1904");
    wb->date1904 = v != nullptr && (std::strcmp(v, "1") == 0 || std::strcmp(v, "true") == 0);
  }
}

// xl/_rels/workbook.xml.rels: relationship id → target part.
struct Rels {
  std::string want, target;
};
void RelsStart(void* ud, const XML_Char* name, const XML_Char** atts) {
  auto* r = static_cast<Rels*>(ud);
  if (Local(name) != "Relationship") return;
  const char* id = Attr(atts, "Id");
  const char* target = Attr(atts, "Target");
  if (id != nullptr && target != nullptr && r->want == id) r->target = target;
}

// xl/sharedStrings.xml: the text of each <si>, its <t> runs joined (phonetic <rPh> left out).
struct Shared {
  std::vector<std::string> strings;
  std::string cur;
  bool in_t = false;
  int in_rph = 0;
};
void SharedStart(void* ud, const XML_Char* name, const XML_Char**) {
  auto* s = static_cast<Shared*>(ud);
  const auto n = Local(name);
  if (n == "si") s->cur.clear();
  if (n == "rPh") ++s->in_rph;
  if (n == "t") s->in_t = true;
}
void SharedEnd(void* ud, const XML_Char* name) {
  auto* s = static_cast<Shared*>(ud);
  const auto n = Local(name);
  if (n == "t") s->in_t = false;
  if (n == "rPh") --s->in_rph;
  if (n == "si") s->strings.push_back(std::move(s->cur));
}
void SharedText(void* ud, const XML_Char* text, int len) {
  auto* s = static_cast<Shared*>(ud);
  if (s->in_t && s->in_rph == 0) s->cur.append(text, static_cast<size_t>(len));
}

// xl/styles.xml: which cell formats (xf, by index) are dates or times.
struct Styles {
  std::vector<std::pair<int, std::string>> custom;  // numFmtId → formatCode
  std::vector<int> xf_fmt;
  int in_cell_xfs = 0;
};
void StylesStart(void* ud, const XML_Char* name, const XML_Char** atts) {
  auto* s = static_cast<Styles*>(ud);
  const auto n = Local(name);
  if (n == "numFmt") {
    const char* id = Attr(atts, "numFmtId");
    const char* code = Attr(atts, "formatCode");
    if (id != nullptr && code != nullptr) s->custom.emplace_back(std::atoi(id), code);
  } else if (n == "cellXfs") {
    ++s->in_cell_xfs;
  } else if (n == "xf" && s->in_cell_xfs > 0) {
    const char* id = Attr(atts, "numFmtId");
    s->xf_fmt.push_back(id != nullptr ? std::atoi(id) : 0);
  }
}
void StylesEnd(void* ud, const XML_Char* name) {
  if (Local(name) == "cellXfs") --static_cast<Styles*>(ud)->in_cell_xfs;
}

bool IsDateFormat(int id, const std::vector<std::pair<int, std::string>>& custom) {
  // The built-in date and time formats (ECMA-376 §18.8.30, with the CJK ones).
  if ((id >= 14 && id <= 22) || (id >= 27 && id <= 36) || (id >= 45 && id <= 47) ||
      (id >= 50 && id <= 58)) {
    return true;
  }
  for (const auto& [cid, code] : custom) {
    if (cid != id) continue;
    // A date when it has date or time letters outside quoted text and [colour]/[$-locale].
    bool quoted = false;
    int bracket = 0;
    for (char ch : code) {
      if (ch == '"') quoted = !quoted;
      if (quoted) continue;
      if (ch == '[') ++bracket;
      if (ch == ']') --bracket;
      if (bracket > 0) continue;
      const char c = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      if (c == 'y' || c == 'd' || c == 'h' || c == 's') return true;
    }
    return false;
  }
  return false;
}

// A date cell's serial number as text; nothing for numbers outside years 1900..9999.
std::optional<std::string> SerialToText(double serial, bool date1904) {
  using namespace std::chrono;
  if (!(serial >= 0 && serial < 2958466)) return std::nullopt;
  const sys_days epoch = date1904 ? sys_days(year{1904} / 1 / 1) : sys_days(year{1899} / 12 / 30);
  const auto secs = static_cast<int64_t>(std::llround(serial * 86400.0));
  const sys_seconds t = sys_seconds(epoch) + seconds(secs);
  const auto day = floor<days>(t);
  const year_month_day ymd(day);
  const hh_mm_ss hms(t - day);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02lld:%02lld:%02lld",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<long long>(hms.hours().count()),
                static_cast<long long>(hms.minutes().count()),
                static_cast<long long>(hms.seconds().count()));
  return buf;
}

// The worksheet, a row at a time.
struct Sheet {
  const std::vector<std::string>* shared;
  std::vector<bool> date_xf;
  bool date1904 = false;
  const std::function<bool(const CsvRow&)>* fn;
  XML_Parser parser = nullptr;
  CsvRow row;
  int64_t next_row = 1;
  size_t col = 0;
  std::string type, value;
  int style = 0;
  bool in_value = false;
  bool stopped = false;
  std::string error;

  void Fail(std::string e) {
    if (error.empty()) error = std::move(e);
    XML_StopParser(parser, XML_FALSE);
  }
};

// "BC12" → column 54 (0-based), or -1 when it has no letters.
long ColumnOf(const char* ref) {
  long c = 0;
  bool any = false;
  for (; *ref >= 'A' && *ref <= 'Z'; ++ref) {
    c = c * 26 + (*ref - 'A' + 1);
    any = true;
    if (c > 16384) return -1;
  }
  return any ? c - 1 : -1;
}

void SheetStart(void* ud, const XML_Char* name, const XML_Char** atts) {
  auto* s = static_cast<Sheet*>(ud);
  const auto n = Local(name);
  if (n == "row") {
    s->row.fields.clear();
    const char* r = Attr(atts, "r");
    s->row.line = r != nullptr ? std::atoll(r) : s->next_row;
    s->col = 0;
  } else if (n == "c") {
    const char* r = Attr(atts, "r");
    if (r != nullptr) {
      const long c = ColumnOf(r);
      if (c < 0) return s->Fail(std::string("bad cell reference '") + r + "'");
      s->col = static_cast<size_t>(c);
    }
    const char* t = Attr(atts, "t");
    s->type = t != nullptr ? t : "n";
    const char* st = Attr(atts, "s");
    s->style = st != nullptr ? std::atoi(st) : 0;
    s->value.clear();
  } else if (n == "v" || (n == "t" && s->type == "inlineStr")) {
    s->in_value = true;
  }
}

void SheetEnd(void* ud, const XML_Char* name) {
  auto* s = static_cast<Sheet*>(ud);
  const auto n = Local(name);
  if (n == "v" || n == "t") {
    s->in_value = false;
  } else if (n == "c") {
    std::string text;
    if (s->type == "s") {
      char* end = nullptr;
      const long i = std::strtol(s->value.c_str(), &end, 10);
      if (s->value.empty() || *end != '\0' || i < 0 ||
          static_cast<size_t>(i) >= s->shared->size()) {
        return s->Fail("shared string index '" + s->value + "' out of range");
      }
      text = (*s->shared)[static_cast<size_t>(i)];
    } else if (s->type == "b") {
      text = s->value == "1" ? "TRUE" : s->value.empty() ? "" : "FALSE";
    } else if (s->type == "n" && !s->value.empty() && s->style >= 0 &&
               static_cast<size_t>(s->style) < s->date_xf.size() &&
               s->date_xf[static_cast<size_t>(s->style)]) {
      char* end = nullptr;
      const double serial = std::strtod(s->value.c_str(), &end);
      const auto date = *end == '\0' ? SerialToText(serial, s->date1904) : std::nullopt;
      text = date ? *date : s->value;
    } else {
      text = s->value;  // numbers, formula strings (str), inline strings, errors (e)
    }
    if (s->row.fields.size() <= s->col) s->row.fields.resize(s->col + 1);
    s->row.fields[s->col] = std::move(text);
    ++s->col;
  } else if (n == "row") {
    s->next_row = s->row.line + 1;
    if (!(*s->fn)(s->row)) {
      s->stopped = true;
      XML_StopParser(s->parser, XML_FALSE);
    }
  }
}

void SheetText(void* ud, const XML_Char* text, int len) {
  auto* s = static_cast<Sheet*>(ud);
  if (s->in_value) s->value.append(text, static_cast<size_t>(len));
}

void NoText(void*, const XML_Char*, int) {}
void NoEnd(void*, const XML_Char*) {}

}  // namespace

bool IsXlsx(const std::string& path) {
  return path.size() >= 5 && path.compare(path.size() - 5, 5, ".xlsx") == 0;
}

Status ReadTable(const std::string& path, const std::function<bool(const CsvRow&)>& fn) {
  return IsXlsx(path) ? ReadXlsx(path, fn) : ReadCsv(path, fn);
}

Status ReadXlsx(const std::string& path, const std::function<bool(const CsvRow&)>& fn) {
  int err = 0;
  Zip zip(zip_open(path.c_str(), ZIP_RDONLY, &err));
  if (!zip) {
    if (err == ZIP_ER_NOENT || err == ZIP_ER_OPEN || err == ZIP_ER_READ) {
      return Unavailable("cannot open " + path);
    }
    zip_error_t ze;
    zip_error_init_with_code(&ze, err);
    std::string why = zip_error_strerror(&ze);
    zip_error_fini(&ze);
    return InvalidArgument(path + " is not an .xlsx workbook (" + why + ")");
  }
  auto in = [&](Status st) -> Status {
    if (st.ok()) return st;
    return Error{st.error().code, path + ": " + st.error().message, st.error().field};
  };

  Workbook wb;
  {
    auto p = NewParser(&wb, WorkbookStart, NoEnd, NoText);
    JIESU_RETURN_IF_ERROR(in(Parse(zip.get(), "xl/workbook.xml", p.get(), false)));
  }
  if (wb.first_sheet_rid.empty()) return InvalidArgument(path + ": the workbook has no sheet");
  Rels rels{wb.first_sheet_rid, ""};
  {
    auto p = NewParser(&rels, RelsStart, NoEnd, NoText);
    JIESU_RETURN_IF_ERROR(in(Parse(zip.get(), "xl/_rels/workbook.xml.rels", p.get(), false)));
  }
  if (rels.target.empty()) return InvalidArgument(path + ": the first sheet's part is not named");
  const std::string part = rels.target.front() == '/' ? rels.target.substr(1) : "xl/" + rels.target;
  Shared shared;
  {
    auto p = NewParser(&shared, SharedStart, SharedEnd, SharedText);
    JIESU_RETURN_IF_ERROR(in(Parse(zip.get(), "xl/sharedStrings.xml", p.get(), true)));
  }
  Styles styles;
  {
    auto p = NewParser(&styles, StylesStart, StylesEnd, NoText);
    JIESU_RETURN_IF_ERROR(in(Parse(zip.get(), "xl/styles.xml", p.get(), true)));
  }
  Sheet sheet;
  sheet.shared = &shared.strings;
  sheet.date1904 = wb.date1904;
  sheet.fn = &fn;
  for (int id : styles.xf_fmt) sheet.date_xf.push_back(IsDateFormat(id, styles.custom));
  auto p = NewParser(&sheet, SheetStart, SheetEnd, SheetText);
  sheet.parser = p.get();
  const Status st = Parse(zip.get(), part, p.get(), false, &sheet.stopped);
  if (!sheet.error.empty()) {
    return InvalidArgument(path + ": " + part + " line " +
                           std::to_string(XML_GetCurrentLineNumber(p.get())) + ": " + sheet.error);
  }
  return in(st);
}

}  // namespace jiesu::analytics
