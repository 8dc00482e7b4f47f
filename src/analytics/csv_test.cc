#include "analytics/csv.h"

#include <gtest/gtest.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

namespace jiesu::analytics {
namespace {

namespace fs = std::filesystem;

class CsvTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("jiesu-csv-" + std::to_string(::getpid()));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text, bool gz = false) {
    const std::string path = (dir_ / name).string();
    if (gz) {
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, text.data(), static_cast<unsigned>(text.size()));
      gzclose(f);
    } else {
      std::ofstream(path, std::ios::binary) << text;
    }
    return path;
  }
  fs::path dir_;
};

const char* kText =
    "id,when,text\n"
    "1,01/01/2015 12:20:09 AM,plain\n"
    "2,01/01/2015 12:25:23 AM,\"with, comma and \"\"quotes\"\"\"\n"
    "3,,\"two\nlines\"\n"
    "4,x,  spaces kept  \n";

TEST_F(CsvTest, QuotedFieldsEmbeddedNewlinesAndLineNumbers) {
  for (bool gz : {false, true}) {
    std::vector<CsvRow> rows;
    auto s = ReadCsv(Write(gz ? "a.csv.gz" : "a.csv", kText, gz), [&](const CsvRow& r) {
      rows.push_back(r);
      return true;
    });
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    ASSERT_EQ(rows.size(), 5u);
    EXPECT_EQ(rows[0].fields, (std::vector<std::string>{"id", "when", "text"}));
    EXPECT_EQ(rows[2].fields[2], "with, comma and \"quotes\"");
    EXPECT_EQ(rows[3].fields[1], "");
    EXPECT_EQ(rows[3].fields[2], "two\nlines");
    EXPECT_EQ(rows[3].line, 4);
    EXPECT_EQ(rows[4].line, 6);  // after the record spanning two lines
    EXPECT_EQ(rows[4].fields[2], "  spaces kept  ");
  }
}

TEST_F(CsvTest, TextInMemoryReadsAsAFileDoes) {
  std::vector<CsvRow> rows;
  ASSERT_TRUE(ParseCsv(kText, "body", [&](const CsvRow& r) {
                rows.push_back(r);
                return true;
              }).ok());
  ASSERT_EQ(rows.size(), 5u);
  EXPECT_EQ(rows[3].fields[2], "two\nlines");
  EXPECT_EQ(rows[4].line, 6);
  auto bad = ParseCsv("a,b\n1,\"open\n", "body", [](const CsvRow&) { return true; });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message.rfind("body:", 0), 0u) << bad.error().message;
}

TEST_F(CsvTest, StopsEarlyAndReportsMalformedInputWithItsLine) {
  int seen = 0;
  ASSERT_TRUE(ReadCsv(Write("b.csv", kText), [&](const CsvRow&) { return ++seen < 2; }).ok());
  EXPECT_EQ(seen, 2);
  auto bad =
      ReadCsv(Write("c.csv", "a,b\n1,2\n3,\"unterminated\n"), [](const CsvRow&) { return true; });
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(bad.error().message.find("malformed CSV"), std::string::npos);
  auto missing = ReadCsv((dir_ / "none.csv").string(), [](const CsvRow&) { return true; });
  EXPECT_EQ(missing.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace jiesu::analytics
