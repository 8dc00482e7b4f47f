#include "report/monthly.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include "domain/test_jurisdiction.h"

namespace jiesu::report {
namespace {

namespace fs = std::filesystem;
using domain::Metric;

service::MonthScores Sample(const domain::Jurisdiction& j) {
  service::MonthScores m;
  m.period = *service::ParsePeriod("2026-01", 480);
  auto unit = [](const char* id, domain::UnitClass c, double resp, double sat) {
    domain::UnitScore s;
    s.unit_id = id;
    s.unit_class = c;
    s[Metric::kResponse] = {resp, 100};
    s[Metric::kResolution] = {90, 100};
    s[Metric::kSatisfaction] = {sat, 100};
    s[Metric::kReturn] = {2, 120};
    s[Metric::kLateReply] = {3, 110};
    return s;
  };
  m.units = {unit("110105", domain::UnitClass::kDistrict, 95, 80),
             unit("110108", domain::UnitClass::kDistrict, 99, 97), domain::UnitScore{}};
  m.units[2].unit_id = "bj.heat";
  m.units[2].unit_class = domain::UnitClass::kStateEnterprise;
  domain::RankScores(m.units, j.evaluation, "2026-01");
  m.red[domain::UnitClass::kDistrict] = {1};
  m.black[domain::UnitClass::kDistrict] = {0};
  return m;
}

TEST(MonthlyReportTest, CsvHasEveryUnitRankedFirst) {
  const auto j = domain::testing::MakeTestJurisdiction();
  const std::string csv = MonthlyCsv(Sample(j), j);
  std::istringstream in(csv);
  std::string header, first, second, third;
  std::getline(in, header);
  std::getline(in, first);
  std::getline(in, second);
  std::getline(in, third);
  EXPECT_EQ(header.substr(0, 3), "\xEF\xBB\xBF");
  EXPECT_NE(header.find("月份,单位类别,排名,单位编码,单位名称,综合得分,响应率,解决率,满意率"),
            std::string::npos);
  // 海淀 ranks first: 0.3×99 + 0.35×90 + 0.35×97 = 95.15.
  EXPECT_EQ(first, "2026-01,区,1,110108,海淀区人民政府,95.15,99.00,90.00,97.00,,,1.67,,3,100,120");
  EXPECT_EQ(second.rfind("2026-01,区,2,110105,朝阳区人民政府,", 0), 0u) << second;
  // A unit with nothing to count: no rank, empty figures.
  EXPECT_EQ(third, "2026-01,国企,,bj.heat,北京热力集团,,,,,,,,,0,0,0");
}

TEST(MonthlyReportTest, XlsxWorkbookHasASheetPerClassAndTheLists) {
  const auto j = domain::testing::MakeTestJurisdiction();
  const fs::path dir = fs::temp_directory_path() / ("jiesu-report-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  auto files = WriteMonthly(Sample(j), j, dir / "out");
  ASSERT_TRUE(files.ok()) << files.error().ToString();
  EXPECT_EQ(files->xlsx.filename(), "scores-2026-01.xlsx");
  ASSERT_TRUE(fs::exists(files->csv));
  std::ifstream x(files->xlsx, std::ios::binary);
  char magic[2] = {};
  x.read(magic, 2);
  EXPECT_EQ(std::string(magic, 2), "PK");  // a zip container, as every .xlsx is
  // Read the workbook back with Python's zipfile: sheet names and the unit names are there.
  const std::string cmd =
      "python3 -c \"import sys,zipfile; z=zipfile.ZipFile(sys.argv[1]); "
      "print(z.read('xl/workbook.xml').decode()); print(z.read('xl/sharedStrings.xml').decode())\" " +
      files->xlsx.string();
  FILE* p = ::popen(cmd.c_str(), "r");
  ASSERT_NE(p, nullptr);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ASSERT_EQ(::pclose(p), 0) << out;
  for (const char* s : {"区 2026-01", "街乡镇 2026-01", "市级部门 2026-01", "国企 2026-01",
                        "红黑榜 2026-01", "海淀区人民政府", "红榜", "黑榜"}) {
    EXPECT_NE(out.find(s), std::string::npos) << s;
  }
  fs::remove_all(dir);
}

// Writing into a place that cannot be a directory fails cleanly.
TEST(MonthlyReportTest, UnwritableDirectoryIsAnError) {
  const auto j = domain::testing::MakeTestJurisdiction();
  auto files = WriteMonthly(Sample(j), j, "/proc/jiesu-cannot-be-here");
  ASSERT_FALSE(files.ok());
  EXPECT_EQ(files.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace jiesu::report
