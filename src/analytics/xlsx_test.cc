#include "analytics/xlsx.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>

namespace jiesu::analytics {
namespace {

namespace fs = std::filesystem;

class XlsxTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("jiesu-xlsx-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::vector<CsvRow> Read(const fs::path& p, Status* st = nullptr) {
    std::vector<CsvRow> rows;
    Status s = ReadTable(p.string(), [&](const CsvRow& r) {
      rows.push_back(r);
      return true;
    });
    if (st != nullptr) *st = s;
    EXPECT_TRUE(st != nullptr || s.ok()) << s.error().ToString();
    return rows;
  }
  fs::path dir_;
};

TEST_F(XlsxTest, ReadsStringsNumbersDatesAndGaps) {
  const fs::path file = dir_ / "cases.xlsx";
  lxw_workbook* wb = workbook_new(file.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "工单");
  workbook_add_worksheet(wb, "其他");  // only the first sheet is read
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "yyyy/mm/dd hh:mm");
  lxw_format* money = workbook_add_format(wb);
  format_set_num_format(money, "0.00");
  worksheet_write_string(ws, 0, 0, "编号", nullptr);
  worksheet_write_string(ws, 0, 1, "时间", nullptr);
  worksheet_write_string(ws, 0, 2, "内容", nullptr);
  worksheet_write_string(ws, 0, 3, "金额", nullptr);
  worksheet_write_number(ws, 1, 0, 1001, nullptr);
  lxw_datetime dt = {2025, 11, 30, 14, 5, 30};
  worksheet_write_datetime(ws, 1, 1, &dt, date);
  worksheet_write_string(ws, 1, 2, "暖气不热, \"室温\" 15度\n请尽快处理", nullptr);
  worksheet_write_number(ws, 1, 3, 3.5, money);
  worksheet_write_string(ws, 3, 0, "1003", nullptr);  // row 3 (index 2) is empty
  worksheet_write_boolean(ws, 3, 3, 1, nullptr);
  worksheet_write_string(ws, 3, 2, "暖气不热, \"室温\" 15度\n请尽快处理", nullptr);  // shared
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

  const auto rows = Read(file);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].line, 1);
  EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"编号", "时间", "内容", "金额"}));
  EXPECT_EQ(rows[1].line, 2);
  EXPECT_EQ(rows[1].fields[0], "1001");
  EXPECT_EQ(rows[1].fields[1], "2025-11-30 14:05:30");
  EXPECT_EQ(rows[1].fields[2], "暖气不热, \"室温\" 15度\n请尽快处理");
  EXPECT_EQ(rows[1].fields[3], "3.5");  // a number format that is not a date
  EXPECT_EQ(rows[2].line, 4);
  ASSERT_EQ(rows[2].fields.size(), 4u);
  EXPECT_EQ(rows[2].fields[1], "");
  EXPECT_EQ(rows[2].fields[2], rows[1].fields[2]);
  EXPECT_EQ(rows[2].fields[3], "TRUE");

  // Stopping early.
  int seen = 0;
  ASSERT_TRUE(ReadXlsx(file.string(), [&](const CsvRow&) { return ++seen < 2; }).ok());
  EXPECT_EQ(seen, 2);
}

TEST_F(XlsxTest, RefusesWhatIsNotAWorkbook) {
  const fs::path text = dir_ / "not.xlsx";
  std::ofstream(text) << "id,name\n1,x\n";
  Status st;
  Read(text, &st);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(st.error().message.find("not an .xlsx workbook"), std::string::npos);
  Read(dir_ / "missing.xlsx", &st);
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
  // A zip that is not a workbook.
  const fs::path zip = dir_ / "other.xlsx";
  ASSERT_EQ(std::system(("cd " + dir_.string() +
                         " && echo hi > a.txt && python3 -c \"import "
                         "zipfile; z=zipfile.ZipFile('other.xlsx','w'); z.write('a.txt'); "
                         "z.close()\"")
                            .c_str()),
            0);
  Read(zip, &st);
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.error().message.find("xl/workbook.xml"), std::string::npos);
}

}  // namespace
}  // namespace jiesu::analytics
