#include "report/hotspots.h"

#include <xlsxwriter.h>

#include <string>
#include <vector>

namespace jiesu::report {
namespace {

class Sheet {
 public:
  Sheet(lxw_workbook* wb, const std::string& name, lxw_format* bold)
      : ws_(workbook_add_worksheet(wb, name.c_str())), bold_(bold) {}
  bool ok() const { return ws_ != nullptr; }
  void Header(const std::vector<std::string>& names) {
    for (size_t c = 0; c < names.size(); ++c) {
      worksheet_write_string(ws_, 0, static_cast<lxw_col_t>(c), names[c].c_str(), bold_);
    }
    worksheet_freeze_panes(ws_, 1, 0);
    row_ = 1;
  }
  Sheet& Text(const std::string& s) {
    worksheet_write_string(ws_, row_, col_++, s.c_str(), nullptr);
    return *this;
  }
  Sheet& Number(double v) {
    worksheet_write_number(ws_, row_, col_++, v, nullptr);
    return *this;
  }
  Sheet& Optional(const std::optional<double>& v) {
    if (v) worksheet_write_number(ws_, row_, col_, *v, nullptr);
    ++col_;
    return *this;
  }
  void Next() {
    ++row_;
    col_ = 0;
  }
  void Width(lxw_col_t col, double w) { worksheet_set_column(ws_, col, col, w, nullptr); }

 private:
  lxw_worksheet* ws_;
  lxw_format* bold_;
  lxw_row_t row_ = 0;
  lxw_col_t col_ = 0;
};

std::string Time(TimePoint t, const domain::Jurisdiction& j) {
  return FormatRfc3339(t, j.utc_offset_minutes);
}

}  // namespace

Status WriteHotspotsXlsx(const service::HotspotReport& r, const domain::Jurisdiction& j,
                         const std::filesystem::path& file) {
  lxw_workbook* wb = workbook_new(file.c_str());
  if (wb == nullptr) return Unavailable("cannot create " + file.string());
  lxw_format* bold = workbook_add_format(wb);
  format_set_bold(bold);
  std::vector<Sheet> sheets;
  for (const char* name : {"概况", "热点问题", "上升问题", "区域", "预警", "议题"}) {
    sheets.emplace_back(wb, std::string(name) + " " + r.month, bold);
    if (!sheets.back().ok()) {
      workbook_close(wb);
      return Unavailable(std::string("xlsx: cannot add sheet ") + name);
    }
  }
  Sheet& summary = sheets[0];
  summary.Header({"项目", "数值"});
  summary.Width(0, 24);
  summary.Text("月份").Text(r.month).Next();
  summary.Text("受理量").Number(static_cast<double>(r.received)).Next();
  summary.Text("上月受理量").Number(static_cast<double>(r.previous_received)).Next();
  summary.Text("办结量").Number(static_cast<double>(r.completed)).Next();
  summary.Text("按时办结量").Number(static_cast<double>(r.completed_on_time)).Next();
  summary.Text("预警数").Number(static_cast<double>(r.warnings.size())).Next();
  summary.Text("跟踪议题数").Number(static_cast<double>(r.topics.size())).Next();
  summary.Text("生成时间").Text(Time(r.generated_at, j)).Next();

  auto rows = [](Sheet& s, const std::vector<service::HotspotRow>& v, const char* before) {
    s.Header({"编码", "名称", "受理量", before, "变化(%)"});
    s.Width(1, 28);
    for (const auto& row : v) {
      s.Text(row.key).Text(row.name).Number(static_cast<double>(row.received));
      s.Number(static_cast<double>(row.previous)).Optional(row.change_pct).Next();
    }
  };
  rows(sheets[1], r.top, "上月");
  rows(sheets[2], r.rising, "前三月月均");

  Sheet& districts = sheets[3];
  districts.Header({"区划代码", "区域", "受理量", "万人诉求比"});
  districts.Width(1, 20);
  for (const auto& row : r.districts) {
    districts.Text(row.key).Text(row.name).Number(static_cast<double>(row.received));
    districts.Optional(row.per_10k).Next();
  }

  Sheet& warnings = sheets[4];
  warnings.Header({"编号", "类型", "标题", "期望", "实际", "状态", "说明", "工单"});
  warnings.Width(2, 40);
  warnings.Width(6, 60);
  for (const auto& w : r.warnings) {
    std::string ids;
    for (size_t i = 0; i < w.orders.size() && i < 20; ++i) {
      ids += (i ? "," : "") + std::to_string(w.orders[i]);
    }
    warnings.Number(static_cast<double>(w.id)).Text(w.kind).Text(w.title).Number(w.expected);
    warnings.Number(w.observed).Text(w.status).Text(w.explanation).Text(ids).Next();
  }

  Sheet& topics = sheets[5];
  std::vector<std::string> head{"编号",     "类型",       "标题",
                                "立题月份", "前三月月均", "最近整月变化(%)"};
  topics.Header(head);
  topics.Width(2, 28);
  for (const auto& t : r.topics) {
    topics.Number(static_cast<double>(t.topic.id))
        .Text(t.topic.kind == "monthly" ? "每月一题" : "治理类街乡")
        .Text(t.topic.title)
        .Text(t.topic.month)
        .Optional(t.baseline)
        .Optional(t.change_pct);
    for (const auto& m : t.months) topics.Text(m.month + ": " + std::to_string(m.received));
    topics.Next();
  }
  const lxw_error e = workbook_close(wb);
  if (e != LXW_NO_ERROR) {
    return Unavailable("xlsx: " + file.string() + ": " + lxw_strerror(e));
  }
  return {};
}

}  // namespace jiesu::report
