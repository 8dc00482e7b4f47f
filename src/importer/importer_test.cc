#include "importer/importer.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>
#include <xlsxwriter.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "analytics/csv.h"
#include "config/loader.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::importer {
namespace {

namespace fs = std::filesystem;

fs::path Source() { return JIESU_SOURCE_DIR; }

class ImporterTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_EQ(sodium_init() < 0, false);
    auto j = config::LoadJurisdiction(Source() / "config" / "demo-boston");
    ASSERT_TRUE(j.ok()) << j.error().message;
    j_ = std::move(*j);
    dir_ = fs::temp_directory_path() /
           ("jiesu-import-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = storage::sqlite::SqliteStore::Open({(dir_ / "j.db").string(), 2, 512});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    auto m = LoadMapping((Source() / "config" / "import" / "boston-2015.yaml").string(), j_);
    ASSERT_TRUE(m.ok()) << m.error().message;
    mapping_ = std::move(*m);
  }
  void TearDown() override {
    store_.reset();
    fs::remove_all(dir_);
  }
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(dir_ / name) << text;
    return (dir_ / name).string();
  }
  Result<Summary> Run(const std::string& input, int writers = 8) {
    Options o;
    o.rejects_path = (dir_ / "rejects.csv").string();
    o.writers = writers;
    return Import(*store_, j_, mapping_, input, o);
  }
  std::string Rejects() {
    std::ifstream in(dir_ / "rejects.csv");
    return std::string((std::istreambuf_iterator<char>(in)), {});
  }

  domain::Jurisdiction j_;
  fs::path dir_;
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  Mapping mapping_;
};

const char* kHeader =
    "CASE_ENQUIRY_ID,OPEN_DT,TARGET_DT,CLOSED_DT,CASE_STATUS,CLOSURE_REASON,CASE_TITLE,SUBJECT,"
    "TYPE,neighborhood,Location,LATITUDE,LONGITUDE,Source\n";

TEST_F(ImporterTest, GoodRowsBecomeOrdersBadRowsAreRejectedWithTheirReason) {
  const std::string csv =
      std::string(kHeader) +
      "1,01/02/2015 09:15:00 AM,01/16/2015 08:30:00 AM,01/03/2015 04:17:43 PM,Closed,"
      "\"Case Closed, fixed\",Street Light Out,Public Works Department,Street Light Outages,"
      "Dorchester,\"1 Main St, Boston\",42.3,-71.06,Citizens Connect App\n"
      "2,01/02/2015 10:00:00 PM,,,Open,,Graffiti,Property Management,Graffiti Removal,,"
      "2 Elm St,42.3594,-71.0587,Constituent Call\n"
      "3,31/01/2015 10:00:00 AM,,,Open,,x,Public Works Department,Street Light Outages,,a,,,"
      "Constituent Call\n"
      "4,01/02/2015 10:00:00 AM,,,Open,,x,Public Works Department,Alien Landing,,a,,,"
      "Constituent Call\n"
      ",01/02/2015 10:00:00 AM,,,Open,,x,Public Works Department,Street Light Outages,,a,,,"
      "Constituent Call\n"
      "6,01/02/2015 10:00:00 AM,,,Closed,,x,Public Works Department,Street Light Outages,,a,,,"
      "Constituent Call\n";
  auto sum = Run(Write("in.csv", csv));
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ(sum->rows, 6);
  EXPECT_EQ(sum->imported, 2);
  EXPECT_EQ(sum->rejected, 4);
  const std::string rej = Rejects();
  EXPECT_NE(rej.find("4,3,OPEN_DT: '31/01/2015 10:00:00 AM' does not match"), std::string::npos)
      << rej;
  EXPECT_NE(rej.find("5,4,TYPE: no mapping for 'Alien Landing'"), std::string::npos) << rej;
  EXPECT_NE(rej.find("6,,CASE_ENQUIRY_ID is empty"), std::string::npos) << rej;
  EXPECT_NE(rej.find("7,6,closed in the source but CLOSED_DT is empty"), std::string::npos) << rej;

  // The closed case: its history says received, dispatched, replied and closed at the source's
  // times (Boston local time, UTC-5).
  storage::OrderFilter f;
  f.limit = 10;
  auto page = store_->ListOrders(f);
  ASSERT_EQ(page->orders.size(), 2u);
  domain::Order closed, open;
  for (const auto& s : page->orders) {
    auto o = store_->GetOrder(s.id);
    (o->state == domain::OrderState::kClosed ? closed : open) = *o;
  }
  EXPECT_EQ(FormatRfc3339(closed.created_at, -300), "2015-01-02T09:15:00-05:00");
  EXPECT_EQ(closed.draft.category, mapping_.category.values.at("Street Light Outages"));
  EXPECT_EQ(closed.draft.channel, domain::Channel::kApp);
  EXPECT_EQ(closed.draft.location.district_code, mapping_.area->values.at("Dorchester"));
  EXPECT_EQ(closed.draft.content, "Street Light Out; Street Light Outages; 1 Main St, Boston");
  ASSERT_EQ(closed.legs.size(), 1u);
  EXPECT_EQ(closed.legs[0].unit_id, "bos.public_works_department");
  EXPECT_EQ(FormatRfc3339(closed.legs[0].reply_due, -300), "2015-01-16T08:30:00-05:00");
  EXPECT_EQ(FormatRfc3339(*closed.legs[0].replied_at, -300), "2015-01-03T16:17:43-05:00");
  EXPECT_EQ(closed.legs[0].reply_text, "Case Closed, fixed");
  EXPECT_EQ(open.state, domain::OrderState::kInProgress);
  EXPECT_FALSE(open.draft.location.lat);                   // City Hall placeholder dropped
  EXPECT_EQ(open.draft.location.district_code, "250100");  // no neighbourhood: citywide

  // Again: nothing new. A changed row with a known key is refused.
  sum = Run(Write("in.csv", csv));
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->imported, 0);
  EXPECT_EQ(sum->existing, 2);
  std::string changed = csv;
  changed.replace(changed.find("Street Light Out,"), 16, "Street Light Off");
  sum = Run(Write("in2.csv", changed));
  EXPECT_EQ(sum->existing, 1);
  EXPECT_NE(Rejects().find("2,1,already imported with different content"), std::string::npos)
      << Rejects();
  EXPECT_EQ(store_->ListOrders(f)->orders.size(), 2u);
}

// The same cases from an .xlsx export: dates as date cells (or as text in the mapping's
// format), numbers as numbers; they import exactly like the CSV rows, and a re-run adds nothing.
TEST_F(ImporterTest, XlsxExportsImportLikeCsv) {
  const fs::path file = dir_ / "cases.xlsx";
  lxw_workbook* wb = workbook_new(file.c_str());
  lxw_worksheet* ws = workbook_add_worksheet(wb, "cases");
  lxw_format* date = workbook_add_format(wb);
  format_set_num_format(date, "mm/dd/yyyy hh:mm:ss AM/PM");
  const std::vector<std::string> header = {
      "CASE_ENQUIRY_ID", "OPEN_DT",    "TARGET_DT", "CLOSED_DT", "CASE_STATUS",
      "CLOSURE_REASON",  "CASE_TITLE", "SUBJECT",   "TYPE",      "neighborhood",
      "Location",        "LATITUDE",   "LONGITUDE", "Source"};
  for (size_t c = 0; c < header.size(); ++c) {
    worksheet_write_string(ws, 0, static_cast<lxw_col_t>(c), header[c].c_str(), nullptr);
  }
  lxw_datetime open = {2015, 1, 2, 9, 15, 0}, target = {2015, 1, 16, 8, 30, 0},
               closed = {2015, 1, 3, 16, 17, 43};
  worksheet_write_number(ws, 1, 0, 1, nullptr);
  worksheet_write_datetime(ws, 1, 1, &open, date);
  worksheet_write_datetime(ws, 1, 2, &target, date);
  worksheet_write_datetime(ws, 1, 3, &closed, date);
  const char* row1[] = {"Closed",
                        "Case Closed, fixed",
                        "Street Light Out",
                        "Public Works Department",
                        "Street Light Outages",
                        "Dorchester",
                        "1 Main St, Boston"};
  for (int c = 0; c < 7; ++c)
    worksheet_write_string(ws, 1, static_cast<lxw_col_t>(4 + c), row1[c], nullptr);
  worksheet_write_number(ws, 1, 11, 42.3, nullptr);
  worksheet_write_number(ws, 1, 12, -71.06, nullptr);
  worksheet_write_string(ws, 1, 13, "Citizens Connect App", nullptr);
  // Row 2: its time typed as text in the source's own format; no closing time; no neighbourhood.
  worksheet_write_string(ws, 2, 0, "2", nullptr);
  worksheet_write_string(ws, 2, 1, "01/02/2015 10:00:00 PM", nullptr);
  worksheet_write_string(ws, 2, 4, "Open", nullptr);
  worksheet_write_string(ws, 2, 6, "Graffiti", nullptr);
  worksheet_write_string(ws, 2, 7, "Property Management", nullptr);
  worksheet_write_string(ws, 2, 8, "Graffiti Removal", nullptr);
  worksheet_write_string(ws, 2, 10, "2 Elm St", nullptr);
  worksheet_write_string(ws, 2, 13, "Constituent Call", nullptr);
  // Row 3: a text time in neither the source's format nor the date cells' is refused.
  worksheet_write_string(ws, 3, 0, "3", nullptr);
  worksheet_write_string(ws, 3, 1, "2 Jan 2015 10:00", nullptr);
  worksheet_write_string(ws, 3, 4, "Open", nullptr);
  worksheet_write_string(ws, 3, 7, "Public Works Department", nullptr);
  worksheet_write_string(ws, 3, 8, "Street Light Outages", nullptr);
  worksheet_write_string(ws, 3, 13, "Constituent Call", nullptr);
  ASSERT_EQ(workbook_close(wb), LXW_NO_ERROR);

  auto sum = Run(file.string());
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ(sum->rows, 3);
  EXPECT_EQ(sum->imported, 2) << Rejects();
  EXPECT_NE(Rejects().find("4,3,OPEN_DT: '2 Jan 2015 10:00' does not match"), std::string::npos)
      << Rejects();
  storage::OrderFilter f;
  f.limit = 10;
  auto page = store_->ListOrders(f);
  ASSERT_EQ(page->orders.size(), 2u);
  for (const auto& s : page->orders) {
    auto o = store_->GetOrder(s.id);
    if (o->state == domain::OrderState::kClosed) {
      EXPECT_EQ(FormatRfc3339(o->created_at, -300), "2015-01-02T09:15:00-05:00");
      EXPECT_EQ(FormatRfc3339(*o->legs[0].replied_at, -300), "2015-01-03T16:17:43-05:00");
      EXPECT_EQ(FormatRfc3339(o->legs[0].reply_due, -300), "2015-01-16T08:30:00-05:00");
      EXPECT_EQ(o->draft.content, "Street Light Out; Street Light Outages; 1 Main St, Boston");
      EXPECT_DOUBLE_EQ(*o->draft.location.lat, 42.3);
    } else {
      EXPECT_EQ(FormatRfc3339(o->created_at, -300), "2015-01-02T22:00:00-05:00");
    }
  }
  sum = Run(file.string());
  ASSERT_TRUE(sum.ok());
  EXPECT_EQ(sum->imported, 0);
  EXPECT_EQ(sum->existing, 2);
}

TEST_F(ImporterTest, MissingColumnsAndBadMappingsAreErrors) {
  auto sum = Run(Write("in.csv", "CASE_ENQUIRY_ID,OPEN_DT\n1,01/02/2015 09:15:00 AM\n"));
  ASSERT_FALSE(sum.ok());
  EXPECT_NE(sum.error().message.find("lacks the mapped column(s)"), std::string::npos);
  const std::string bad = Write("bad.yaml",
                                "source: x\nkey: id\ntime_format: \"%Y\"\nreceived_at: t\n"
                                "content: [c]\ncategory: {column: c, map: {a: \"9999\"}}\n"
                                "unit: {column: u, map: {b: nobody}}\n"
                                "channel: {column: s, map: {c: pigeon}}\ncolour: red\n");
  auto m = LoadMapping(bad, j_);
  ASSERT_FALSE(m.ok());
  const std::string& msg = m.error().message;
  EXPECT_NE(msg.find("category.map: unknown category '9999'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unit.map: unknown unit 'nobody'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("channel.map: unknown channel 'pigeon'"), std::string::npos) << msg;
  EXPECT_NE(msg.find("colour: unknown key"), std::string::npos) << msg;
}

// The real January 2015 file: every row imported, and the counts per type and per day read
// back from the store equal the counts in the file.
TEST_F(ImporterTest, BostonJanuaryRoundTripsCountsPerTypeAndDay) {
  const char* env = std::getenv("JIESU_DATA_DIR");
  const fs::path data = env ? fs::path(env) : Source() / ".." / "shared" / "data";
  const fs::path file = data / "boston311-2015" / "boston311_2015-01_sample.csv";
  if (!fs::exists(file)) GTEST_SKIP() << file << " not found: the shared data is absent";
  auto sum = Run(file.string(), 64);
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ(sum->rows, 7528);
  EXPECT_EQ(sum->imported, 7528);
  EXPECT_EQ(sum->rejected, 0);

  std::map<std::string, int> file_types, store_types, file_days, store_days;
  int type_col = -1, open_col = -1;
  ASSERT_TRUE(analytics::ReadCsv(file.string(), [&](const analytics::CsvRow& r) {
                if (r.line == 1) {
                  for (size_t i = 0; i < r.fields.size(); ++i) {
                    if (r.fields[i] == "TYPE") type_col = static_cast<int>(i);
                    if (r.fields[i] == "OPEN_DT") open_col = static_cast<int>(i);
                  }
                  return true;
                }
                file_types[r.fields[size_t(type_col)]] += 1;
                const std::string& t = r.fields[size_t(open_col)];  // MM/DD/YYYY …
                file_days[t.substr(6, 4) + "-" + t.substr(0, 2) + "-" + t.substr(3, 2)] += 1;
                return true;
              }).ok());
  std::map<std::string, std::string> type_of_code;
  for (const auto& [name, code] : mapping_.category.values) type_of_code[code] = name;
  for (int64_t id = 1; id <= sum->imported; ++id) {
    auto o = store_->GetOrder(id);
    ASSERT_TRUE(o.ok());
    store_types[type_of_code.at(o->draft.category)] += 1;
    store_days[FormatDate(LocalDate(o->created_at, -300))] += 1;
  }
  EXPECT_EQ(store_types, file_types);
  EXPECT_EQ(store_days, file_days);
  EXPECT_EQ(file_days.size(), 31u);
}

// Extraction by regular expression, defaults without a column, several time formats and
// "no value" markers.
TEST_F(ImporterTest, ExtractDefaultsTimeFormatsAndEmptyValues) {
  auto j = config::LoadJurisdiction(Source() / "config" / "demo-acity");
  ASSERT_TRUE(j.ok()) << j.error().message;
  j_ = std::move(*j);
  auto m = LoadMapping((Source() / "config" / "import" / "acity-replies.yaml").string(), j_);
  ASSERT_TRUE(m.ok()) << m.error().message;
  mapping_ = std::move(*m);
  mapping_.empty_values = {"无"};
  const std::string csv =
      "msg_id,user,title,time,detail,reply,reply_time\n"
      "1,u1,A3区某路路灯不亮,2019/4/25 9:32:09,晚上很黑,已修复,2019/5/10 14:56:53\n"
      "2,u2,市里公交太挤,2019-04-08 08:37:20,希望加车,已转交,2018/4/24\n"
      "3,u3,A7县噪音,2019/4/25 9:32:09,夜里施工,无,无\n"
      "4,u4,A3区,4/25/2019,x,,\n";
  auto sum = Run(Write("fj4.csv", csv));
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ(sum->imported, 3) << Rejects();
  EXPECT_NE(Rejects().find("5,4,time: '4/25/2019' does not match %Y/%m/%d %H:%M:%S or "
                           "%Y-%m-%d %H:%M:%S or %Y/%m/%d"),
            std::string::npos)
      << Rejects();
  std::map<std::string, domain::Order> by_title;
  for (int64_t id = 1; id <= 3; ++id) {
    auto o = store_->GetOrder(id);
    ASSERT_TRUE(o.ok());
    by_title[o->draft.title] = *o;
  }
  const domain::Order& lamp = by_title.at("A3区某路路灯不亮");
  EXPECT_EQ(lamp.draft.location.district_code, mapping_.area->values.at("A3区"));
  EXPECT_EQ(lamp.legs.at(0).unit_id, mapping_.unit.values.at("A3区"));
  EXPECT_EQ(lamp.draft.category, *mapping_.category.fallback);  // 未分类
  EXPECT_EQ(lamp.draft.channel, domain::Channel::kWeb);
  EXPECT_EQ(lamp.state, domain::OrderState::kClosed);
  const domain::Order& bus = by_title.at("市里公交太挤");
  EXPECT_EQ(bus.draft.location.district_code, *mapping_.area->fallback);  // the city
  EXPECT_EQ(bus.legs.at(0).unit_id, "a.city");
  EXPECT_EQ(FormatRfc3339(bus.created_at, 480), "2019-04-08T08:37:20+08:00");
  // "无" reads as empty: no reply time, so the case stays open.
  EXPECT_NE(by_title.at("A7县噪音").state, domain::OrderState::kClosed);

  const std::string bad = Write("bad.yaml",
                                "source: x\nkey: id\ntime_format: []\nreceived_at: t\n"
                                "content: [c]\ncategory: {column: c, extract: \"(\", map: {}}\n"
                                "unit: {map: {b: a.city}}\n");
  auto loaded = LoadMapping(bad, j_);
  ASSERT_FALSE(loaded.ok());
  const std::string& msg = loaded.error().message;
  EXPECT_NE(msg.find("time_format: name at least one format"), std::string::npos) << msg;
  EXPECT_NE(msg.find("category.extract: not a regular expression"), std::string::npos) << msg;
  EXPECT_NE(msg.find("unit.column: is required"), std::string::npos) << msg;
}

// The shipped mappings import the real SF, NYC and Teddy Cup files; every row is imported or
// rejected with its reason, and counts per type round-trip.
TEST_F(ImporterTest, ShippedMappingsImportTheRealSamples) {
  const char* env = std::getenv("JIESU_DATA_DIR");
  const fs::path data = env ? fs::path(env) : Source() / ".." / "shared" / "data";
  if (!fs::exists(data / "sf311-sample-2008-2016")) {
    GTEST_SKIP() << data << " has no SF/NYC/Teddy Cup samples: the shared data is absent";
  }
  struct Case {
    const char* config;
    const char* mapping;
    fs::path file;
    int64_t rows, imported;
    const char* type_column;
  };
  const Case cases[] = {
      {"demo-sf", "sf-cases.yaml",
       data / "sf311-sample-2008-2016" / "sf311_cases_random_sample_10000.csv", 10000, 10000,
       "Request.Type"},
      {"demo-nyc", "nyc-requests.yaml",
       data / "nyc311-sample-2024-04" / "nyc311_2024-04-15_16_sample.csv", 1000, 999, "descriptor"},
      {"demo-acity", "acity-replies.yaml",
       data / "teddycup2020-gov-messages" / "fj4_messages_replies_2816.csv", 2816, 2816, nullptr},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.mapping);
    auto j = config::LoadJurisdiction(Source() / "config" / c.config);
    ASSERT_TRUE(j.ok()) << j.error().message;
    j_ = std::move(*j);
    auto m = LoadMapping((Source() / "config" / "import" / c.mapping).string(), j_);
    ASSERT_TRUE(m.ok()) << m.error().message;
    mapping_ = std::move(*m);
    store_.reset();
    fs::remove(dir_ / "j.db");
    auto s = storage::sqlite::SqliteStore::Open({(dir_ / std::string(c.config)).string(), 2, 512});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    auto sum = Run(c.file.string(), 64);
    ASSERT_TRUE(sum.ok()) << sum.error().ToString();
    EXPECT_EQ(sum->rows, c.rows);
    EXPECT_EQ(sum->imported, c.imported) << Rejects();
    EXPECT_EQ(sum->rejected, c.rows - c.imported) << Rejects();
    if (c.type_column == nullptr) continue;
    std::map<std::string, int> file_codes, store_codes;
    int col = -1;
    ASSERT_TRUE(analytics::ReadCsv(c.file.string(), [&](const analytics::CsvRow& r) {
                  if (r.line == 1) {
                    for (size_t i = 0; i < r.fields.size(); ++i) {
                      if (r.fields[i] == c.type_column) col = static_cast<int>(i);
                    }
                    return true;
                  }
                  file_codes[mapping_.category.values.at(r.fields[size_t(col)])] += 1;
                  return true;
                }).ok());
    for (int64_t id = 1; id <= sum->imported; ++id) {
      store_codes[store_->GetOrder(id)->draft.category] += 1;
    }
    if (c.imported == c.rows) {
      EXPECT_EQ(store_codes, file_codes);
    } else {
      EXPECT_EQ(store_codes.size(), file_codes.size());
    }
  }
}

// The demo's orders (config/demo-beijing/demo) read as a city's export would: urgency, request
// type, confidentiality and a street mapped from their columns; a value the map lacks rejects
// its row; and `jiesu import` takes the files as they are.
TEST_F(ImporterTest, DemoOrdersReadThroughTheirMapping) {
  const fs::path demo = Source() / "config" / "demo-beijing" / "demo";
  auto j = config::LoadJurisdiction(Source() / "config" / "demo-beijing");
  ASSERT_TRUE(j.ok()) << j.error().message;
  auto m = LoadMapping((demo / "orders.yaml").string(), *j);
  ASSERT_TRUE(m.ok()) << m.error().message;
  std::vector<domain::ImportedCase> cases;
  auto read = [&](const std::string& input) {
    cases.clear();
    std::vector<std::string> errors;
    Status s = ReadCases(
        *m, input,
        [&](const analytics::CsvRow& row, const std::string& key, Result<domain::ImportedCase> c) {
          if (c.ok()) {
            cases.push_back(std::move(*c));
          } else {
            errors.push_back(std::to_string(row.line) + " " + key + ": " + c.error().message);
          }
          return true;
        });
    EXPECT_TRUE(s.ok()) << s.error().message;
    return errors;
  };
  EXPECT_TRUE(read((demo / "orders.csv").string()).empty());
  ASSERT_EQ(cases.size(), 4u);
  EXPECT_EQ(cases[0].unit, "bj.heat");
  EXPECT_EQ(cases[0].draft.category, "010104");
  EXPECT_EQ(cases[0].draft.location.street_code, "110105001");
  EXPECT_EQ(cases[0].draft.location.district_code, "");  // the intake fills it in
  EXPECT_EQ(cases[0].draft.channel, domain::Channel::kPhone);
  EXPECT_EQ(cases[1].unit, "110105");  // the default
  EXPECT_EQ(cases[1].draft.urgency, domain::Urgency::kCritical);
  EXPECT_EQ(cases[2].draft.request_type, domain::RequestType::kConsult);
  EXPECT_FALSE(cases[2].reply_text.empty());
  EXPECT_FALSE(cases[2].draft.confidential);
  EXPECT_TRUE(cases[3].draft.confidential);
  EXPECT_TRUE(read((demo / "history.csv").string()).empty());
  EXPECT_EQ(cases.size(), 14u);

  const std::string bad = Write("bad.csv",
                                "编号,受理时间,诉求内容,地址,诉求类型,紧急程度,保密,问题分类,街道,"
                                "承办单位,答复\n"
                                "x1,2026-12-01 09:00,路灯不亮,,投诉,特急,否,市政设施,建外街道,,\n");
  const auto errors = read(bad);
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0], "2 x1: 紧急程度: no mapping for '特急'");

  auto s = storage::sqlite::SqliteStore::Open({(dir_ / "demo.db").string(), 2, 512});
  ASSERT_TRUE(s.ok());
  Options o;
  o.rejects_path = (dir_ / "demo-rejects.csv").string();
  auto sum = Import(**s, *j, *m, (demo / "orders.csv").string(), o);
  ASSERT_TRUE(sum.ok()) << sum.error().ToString();
  EXPECT_EQ(sum->imported, 4);
  auto order = (*s)->GetOrder(1);
  ASSERT_TRUE(order.ok());
  EXPECT_EQ(order->draft.location.district_code, "110105");
}

}  // namespace
}  // namespace jiesu::importer
