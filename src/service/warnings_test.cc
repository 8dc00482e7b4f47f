// The detectors over a real store: twelve weeks of ordinary days raise nothing; a surge of one
// problem in one district raises 高频 for that category × district and 异动 for its first-level
// category, each explained, with the orders behind it, and a second run raises nothing new.
#include "service/warnings.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <random>

#include "config/loader.h"
#include "domain/lifecycle.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::service {
namespace {

namespace fs = std::filesystem;

class WarningsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto j = config::LoadJurisdiction(fs::path(JIESU_SOURCE_DIR) / "config" / "demo-beijing");
    ASSERT_TRUE(j.ok()) << j.error().message;
    j_ = std::move(*j);
    dir_ = fs::temp_directory_path() / ("jiesu-warnings-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    storage::sqlite::Options o;
    o.path = (dir_ / "j.db").string();
    o.durable = false;  // a throw-away database
    auto s = storage::sqlite::SqliteStore::Open(o);
    ASSERT_TRUE(s.ok()) << s.error().ToString();
    store_ = std::move(*s);
    supervisions_ = std::make_unique<Supervisions>(*store_, j_, clock_);
    warnings_ = std::make_unique<Warnings>(*store_, j_, clock_, *supervisions_, nullptr);
  }
  void TearDown() override {
    warnings_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }
  void Create(TimePoint at, const std::string& category, const std::string& street, int n) {
    for (int i = 0; i < n; ++i) {
      domain::OrderDraft d;
      d.content = "诉求内容";
      d.category = category;
      d.location.street_code = street;
      d.caller = {"", "", true, ""};
      const domain::Context ctx{j_, at + std::chrono::minutes(i)};
      auto c = store_->CreateOrder(std::nullopt, [&](int64_t id) {
        return domain::DecideIntake(id, "C" + std::to_string(id), d, agent_, ctx);
      });
      ASSERT_TRUE(c.ok()) << c.error().ToString();
    }
  }
  // `days` ordinary days from `first`: heating complaints (供暖, 010104) in 建外街道 and noise
  // (0201) in 海淀, Poisson around a weekday pattern.
  void Ordinary(Date first, int days) {
    std::mt19937_64 rng(42);
    const double week[7] = {1.3, 1.2, 1.1, 1.1, 1.0, 0.7, 0.6};
    for (int i = 0; i < days; ++i) {
      const Date d = first + std::chrono::days(i);
      const TimePoint nine = StartOfLocalDay(d, 480) + std::chrono::hours(9);
      const double w = week[std::chrono::weekday(d).iso_encoding() - 1];
      Create(nine, "010104", "110105001", std::poisson_distribution<int>(4 * w)(rng));
      Create(nine, "0201", "110108001", std::poisson_distribution<int>(6 * w)(rng));
    }
  }
  std::vector<storage::Warning> Of(const std::string& kind) {
    storage::WarningFilter f;
    f.kind = kind;
    return *store_->ListWarnings(f);
  }

  domain::Jurisdiction j_;
  fs::path dir_;
  ManualClock clock_{*ParseRfc3339("2025-12-01T00:00:00+08:00")};
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  std::unique_ptr<Supervisions> supervisions_;
  std::unique_ptr<Warnings> warnings_;
  domain::Actor agent_{1, "agent1", "agent", ""};
};

TEST_F(WarningsTest, QuietOnOrdinaryDaysAndExplainedOnASurge) {
  const Date first = *ParseDate("2025-09-01");
  Ordinary(first, 92);  // to 2025-12-01
  const TimePoint morning = *ParseRfc3339("2025-12-01T08:00:00+08:00");
  auto run = warnings_->Detect(morning);
  ASSERT_TRUE(run.ok()) << run.error().ToString();
  EXPECT_EQ(run->raised, 0);
  EXPECT_EQ(run->skipped.size(), 1u);  // the cluster detectors: no text understanding here
  EXPECT_TRUE(Of("high_frequency").empty());
  EXPECT_TRUE(Of("sudden_change").empty());

  // 2025-12-01: thirty heating complaints in 建外 by the afternoon.
  Create(*ParseRfc3339("2025-12-01T10:00:00+08:00"), "010104", "110105001", 30);
  run = warnings_->Detect(*ParseRfc3339("2025-12-01T16:00:00+08:00"));
  ASSERT_TRUE(run.ok());
  auto high = Of("high_frequency");
  ASSERT_EQ(high.size(), 1u);
  EXPECT_EQ(high[0].category, "010104");
  EXPECT_EQ(high[0].district, "110105");
  EXPECT_GE(high[0].observed, 30);
  EXPECT_LT(high[0].expected, 10);
  EXPECT_NE(high[0].explanation.find("so far"), std::string::npos);
  EXPECT_EQ(high[0].orders.size(), static_cast<size_t>(high[0].observed));
  EXPECT_TRUE(Of("sudden_change").empty());  // it examines whole days only

  // The next morning the whole day is examined: 高频 for yesterday, 异动 for 01 and the total.
  run = warnings_->Detect(*ParseRfc3339("2025-12-02T08:00:00+08:00"));
  ASSERT_TRUE(run.ok());
  high = Of("high_frequency");
  ASSERT_EQ(high.size(), 1u);  // the same day's warning, its evidence now the whole day
  EXPECT_EQ(high[0].explanation.find("so far"), std::string::npos);
  auto change = Of("sudden_change");
  ASSERT_GE(change.size(), 1u);
  bool heating = false;
  for (const auto& w : change) {
    if (w.category == "01") {
      heating = true;
      EXPECT_GT(w.observed, 2 * w.expected);
      EXPECT_NE(w.explanation.find("forecast"), std::string::npos);
      EXPECT_GE(w.orders.size(), 30u);
    }
    EXPECT_NE(w.category, "02");  // noise was ordinary
  }
  EXPECT_TRUE(heating);
  // Nothing new when run again.
  run = warnings_->Detect(*ParseRfc3339("2025-12-02T08:10:00+08:00"));
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->raised, 0);
}

}  // namespace
}  // namespace jiesu::service
