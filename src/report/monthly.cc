#include "report/monthly.h"

#include <xlsxwriter.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <vector>

#include "analytics/csv.h"

namespace jiesu::report {
namespace {

using domain::Metric;
using domain::UnitClass;

const char* ClassLabel(UnitClass c) {
  switch (c) {
    case UnitClass::kDistrict:
      return "区";
    case UnitClass::kStreet:
      return "街乡镇";
    case UnitClass::kCityDepartment:
      return "市级部门";
    case UnitClass::kStateEnterprise:
      return "国企";
  }
  return "?";
}

struct Column {
  const char* header;
  Metric metric;
};
constexpr Column kRates[] = {
    {"响应率", Metric::kResponse},        {"解决率", Metric::kResolution},
    {"满意率", Metric::kSatisfaction},    {"及时签收率", Metric::kTimelySign},
    {"按时办结率", Metric::kOnTimeReply}, {"退单率", Metric::kReturn},
    {"重办率", Metric::kReopen},
};

// Ranked units first (by class, then rank), then unranked ones by class and id.
std::vector<const domain::UnitScore*> Ordered(const service::MonthScores& m) {
  std::vector<const domain::UnitScore*> v;
  for (const auto& s : m.units) v.push_back(&s);
  std::stable_sort(v.begin(), v.end(), [](const auto* a, const auto* b) {
    if (a->unit_class != b->unit_class) return a->unit_class < b->unit_class;
    if ((a->rank == 0) != (b->rank == 0)) return a->rank != 0;
    if (a->rank != b->rank) return a->rank < b->rank;
    return a->unit_id < b->unit_id;
  });
  return v;
}

std::string UnitName(const domain::Jurisdiction& j, const std::string& id) {
  const domain::Unit* u = j.units.Find(id);
  return u != nullptr ? u->name : id;
}

std::string Number(std::optional<double> v) {
  if (!v) return "";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", *v);
  return buf;
}

Status Check(lxw_error e, const char* what) {
  if (e == LXW_NO_ERROR) return Ok();
  return Unavailable(std::string("xlsx: ") + what + ": " + lxw_strerror(e));
}

}  // namespace

std::string MonthlyCsv(const service::MonthScores& m, const domain::Jurisdiction& j) {
  std::string out = "\xEF\xBB\xBF";  // BOM: Excel then reads the file as UTF-8
  out += "月份,单位类别,排名,单位编码,单位名称,综合得分";
  for (const auto& c : kRates) out += std::string(",") + c.header;
  out += ",超时办结(件),回访量,派单量\n";
  for (const auto* s : Ordered(m)) {
    out += m.period.month + "," + ClassLabel(s->unit_class) + "," +
           (s->rank > 0 ? std::to_string(s->rank) : "") + "," + analytics::CsvField(s->unit_id) +
           "," + analytics::CsvField(UnitName(j, s->unit_id)) + "," + Number(s->composite);
    for (const auto& c : kRates) out += "," + Number((*s)[c.metric].Percent());
    out += "," + std::to_string(static_cast<int64_t>((*s)[Metric::kLateReply].numerator));
    out += "," + std::to_string((*s)[Metric::kResolution].denominator);
    out += "," + std::to_string((*s)[Metric::kReturn].denominator) + "\n";
  }
  return out;
}

Result<MonthlyFiles> WriteMonthly(const service::MonthScores& m, const domain::Jurisdiction& j,
                                  const std::filesystem::path& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Unavailable("cannot create " + dir.string() + ": " + ec.message());
  MonthlyFiles files{dir / ("scores-" + m.period.month + ".xlsx"),
                     dir / ("scores-" + m.period.month + ".csv")};
  {
    std::ofstream csv(files.csv, std::ios::binary | std::ios::trunc);
    csv << MonthlyCsv(m, j);
    if (!csv.flush()) return Unavailable("cannot write " + files.csv.string());
  }

  lxw_workbook* wb = workbook_new(files.xlsx.c_str());
  if (wb == nullptr) return Unavailable("cannot create " + files.xlsx.string());
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  lxw_format* pct = workbook_add_format(wb);
  format_set_num_format(pct, "0.00");
  const auto ordered = Ordered(m);
  for (UnitClass cls : domain::AllUnitClasss()) {
    const std::string title = std::string(ClassLabel(cls)) + " " + m.period.month;
    lxw_worksheet* ws = workbook_add_worksheet(wb, title.c_str());
    if (ws == nullptr) {
      workbook_close(wb);
      return Unavailable("xlsx: cannot add sheet " + title);
    }
    std::vector<std::string> headers{"排名", "单位编码", "单位名称", "综合得分"};
    for (const auto& c : kRates) headers.emplace_back(c.header);
    headers.insert(headers.end(), {"超时办结(件)", "回访量", "派单量"});
    for (size_t col = 0; col < headers.size(); ++col) {
      worksheet_write_string(ws, 0, static_cast<lxw_col_t>(col), headers[col].c_str(), bold);
    }
    worksheet_set_column(ws, 2, 2, 28, nullptr);
    worksheet_freeze_panes(ws, 1, 3);
    lxw_row_t row = 1;
    for (const auto* s : ordered) {
      if (s->unit_class != cls) continue;
      lxw_col_t col = 0;
      if (s->rank > 0) worksheet_write_number(ws, row, col, s->rank, nullptr);
      ++col;
      worksheet_write_string(ws, row, col++, s->unit_id.c_str(), nullptr);
      worksheet_write_string(ws, row, col++, UnitName(j, s->unit_id).c_str(), nullptr);
      if (s->composite) worksheet_write_number(ws, row, col, *s->composite, pct);
      ++col;
      for (const auto& c : kRates) {
        if (auto p = (*s)[c.metric].Percent()) worksheet_write_number(ws, row, col, *p, pct);
        ++col;
      }
      worksheet_write_number(ws, row, col++, (*s)[Metric::kLateReply].numerator, nullptr);
      worksheet_write_number(ws, row, col++,
                             static_cast<double>((*s)[Metric::kResolution].denominator), nullptr);
      worksheet_write_number(ws, row, col++, static_cast<double>((*s)[Metric::kReturn].denominator),
                             nullptr);
      ++row;
    }
  }
  lxw_worksheet* lists = workbook_add_worksheet(wb, ("红黑榜 " + m.period.month).c_str());
  const char* heads[] = {"单位类别", "榜单", "名次", "单位编码", "单位名称", "综合得分"};
  for (lxw_col_t c = 0; c < 6; ++c) worksheet_write_string(lists, 0, c, heads[c], bold);
  worksheet_set_column(lists, 4, 4, 28, nullptr);
  lxw_row_t row = 1;
  auto list_rows = [&](const std::map<UnitClass, std::vector<size_t>>& l, const char* name) {
    for (const auto& [cls, idx] : l) {
      for (size_t i = 0; i < idx.size(); ++i) {
        const auto& s = m.units[idx[i]];
        worksheet_write_string(lists, row, 0, ClassLabel(cls), nullptr);
        worksheet_write_string(lists, row, 1, name, nullptr);
        worksheet_write_number(lists, row, 2, static_cast<double>(i + 1), nullptr);
        worksheet_write_string(lists, row, 3, s.unit_id.c_str(), nullptr);
        worksheet_write_string(lists, row, 4, UnitName(j, s.unit_id).c_str(), nullptr);
        if (s.composite) worksheet_write_number(lists, row, 5, *s.composite, pct);
        ++row;
      }
    }
  };
  list_rows(m.red, "红榜");
  list_rows(m.black, "黑榜");
  JIESU_RETURN_IF_ERROR(Check(workbook_close(wb), files.xlsx.c_str()));
  return files;
}

}  // namespace jiesu::report
