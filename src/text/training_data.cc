#include "text/training_data.h"

#include <map>
#include <optional>

#include "analytics/csv.h"

namespace jiesu::text {

namespace {

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

}  // namespace

Result<std::pair<std::string, std::string>> ParseCondition(const std::string& s) {
  const auto eq = s.find('=');
  if (eq == std::string::npos || eq == 0) {
    return InvalidArgument("expected COLUMN=VALUE, got '" + s + "'");
  }
  return std::pair{s.substr(0, eq), s.substr(eq + 1)};
}

Result<CsvRows> ReadLabelledCsv(const std::string& path, const CsvSelection& sel) {
  CsvRows out;
  std::map<std::string, size_t> column;
  std::vector<size_t> text_idx;
  std::optional<size_t> label_idx;
  std::vector<std::pair<size_t, std::string>> where, where_not;
  Status failed;
  Status read = analytics::ReadCsv(path, [&](const analytics::CsvRow& row) {
    if (row.line == 1) {
      for (size_t i = 0; i < row.fields.size(); ++i) {
        std::string name = row.fields[i];
        if (i == 0 && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);  // UTF-8 BOM
        column.emplace(name, i);
      }
      for (const std::string& alt : Split(sel.text, ',')) {
        std::vector<size_t> idx;
        for (const std::string& c : Split(alt, '+')) {
          auto it = column.find(c);
          if (it == column.end()) break;
          idx.push_back(it->second);
        }
        if (!idx.empty() && idx.size() == Split(alt, '+').size()) {
          text_idx = idx;
          out.text_columns = alt;
          break;
        }
      }
      for (const std::string& alt : Split(sel.label, ',')) {
        if (auto it = column.find(alt); it != column.end()) {
          label_idx = it->second;
          break;
        }
      }
      if (text_idx.empty()) {
        failed = InvalidArgument(path + ": has none of the text columns " + sel.text);
        return false;
      }
      if (!label_idx) {
        failed = InvalidArgument(path + ": has none of the label columns " + sel.label);
        return false;
      }
      for (const auto& [c, v] : sel.where) {
        if (auto it = column.find(c); it != column.end()) where.emplace_back(it->second, v);
      }
      for (const auto& [c, v] : sel.where_not) {
        if (auto it = column.find(c); it != column.end()) where_not.emplace_back(it->second, v);
      }
      return true;
    }
    auto field = [&](size_t i) -> const std::string& {
      static const std::string kEmpty;
      return i < row.fields.size() ? row.fields[i] : kEmpty;
    };
    for (const auto& [i, v] : where) {
      if (field(i) != v) {
        ++out.filtered;
        return true;
      }
    }
    for (const auto& [i, v] : where_not) {
      if (field(i) == v) {
        ++out.filtered;
        return true;
      }
    }
    LabelledText t;
    for (size_t i : text_idx) {
      if (field(i).empty()) continue;
      if (!t.text.empty()) t.text += ' ';
      t.text += field(i);
    }
    t.label = field(*label_idx);
    if (t.text.empty() || t.label.empty()) {
      ++out.empty;
      return true;
    }
    out.rows.push_back(std::move(t));
    out.lines.push_back(row.line);
    return true;
  });
  if (!failed.ok()) return failed.error();
  if (!read.ok()) return read.error();
  if (column.empty()) return InvalidArgument(path + ": empty file (no header row)");
  return out;
}

}  // namespace jiesu::text
