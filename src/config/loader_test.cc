#include "config/loader.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>

namespace jiesu::config {
namespace {

namespace fs = std::filesystem;

fs::path SourceDir() { return JIESU_SOURCE_DIR; }

fs::path DemoDir() { return SourceDir() / "config" / "demo-beijing"; }

// A copy of the demo configuration in a fresh temporary directory, to break on purpose.
class BrokenConfig {
 public:
  BrokenConfig() {
    dir_ = fs::temp_directory_path() /
           ("jiesu-config-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "cfg");
    fs::copy(DemoDir(), dir_ / "cfg");
    fs::create_directories(dir_ / "calendars");
    fs::copy(SourceDir() / "config" / "calendars", dir_ / "calendars");
  }
  ~BrokenConfig() { fs::remove_all(dir_); }
  fs::path cfg() const { return dir_ / "cfg"; }
  void Write(const std::string& name, const std::string& text) {
    std::ofstream(cfg() / name, std::ios::trunc) << text;
  }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

TEST(LoaderTest, DemoBeijingLoads) {
  auto j = LoadJurisdiction(DemoDir());
  ASSERT_TRUE(j.ok()) << j.error().message;
  EXPECT_EQ(j->id, "beijing-demo");
  int districts = 0, streets = 0;
  for (const auto& u : j->units.all()) {
    districts += u.unit_class == domain::UnitClass::kDistrict;
    streets += u.unit_class == domain::UnitClass::kStreet;
  }
  EXPECT_EQ(districts, 16);
  EXPECT_EQ(streets, 349);
  int level1 = 0;
  for (const auto& c : j->taxonomy.all()) level1 += c.code.size() == 2;
  EXPECT_EQ(level1, 15);
  // A classifier's labels: codes, or names (the most general category of that name).
  EXPECT_EQ(j->taxonomy.Resolve("010104")->name, "供暖");
  EXPECT_EQ(j->taxonomy.Resolve("城乡建设")->code, "01");
  EXPECT_EQ(j->taxonomy.Resolve("公共交通")->code, "0301");
  EXPECT_EQ(j->taxonomy.Resolve("宠物"), nullptr);
  ASSERT_NE(j->units.Find("110105001"), nullptr);
  EXPECT_EQ(j->units.Find("110105001")->parent_id, "110105");
  EXPECT_TRUE(j->roles.Allows("dispatcher", domain::Action::kDispatch));
  EXPECT_FALSE(j->roles.Allows("agent", domain::Action::kDispatch));
}

TEST(LoaderTest, DemoCatalogueRoutesAndFallsBack) {
  auto j = LoadJurisdiction(DemoDir());
  ASSERT_TRUE(j.ok());
  auto heat = j->catalogue.Suggest("010104", "110105001", j->units);
  ASSERT_TRUE(heat.ok());
  EXPECT_EQ(heat->lead_unit, "bj.heat");
  EXPECT_EQ(heat->co_units, std::vector<std::string>{"110105"});
  auto heat_elsewhere = j->catalogue.Suggest("010104", "110108001", j->units);
  EXPECT_TRUE(heat_elsewhere->co_units.empty());
  auto noise = j->catalogue.Suggest("0201", "110105001", j->units);
  ASSERT_TRUE(noise.ok());
  EXPECT_EQ(noise->lead_unit, "110105");  // the district government (兜底)
  EXPECT_NE(noise->reason.find("fallback"), std::string::npos);
}

TEST(LoaderTest, RealCalendarHasTheSpringFestival2026) {
  auto cal =
      LoadCalendarCsv(SourceDir() / "config" / "calendars" / "cn_holidays_2025_2026.csv", 480);
  ASSERT_TRUE(cal.ok()) << cal.error().message;
  EXPECT_TRUE(cal->IsWorkingDay(*ParseDate("2026-02-14")));   // Saturday make-up day
  EXPECT_FALSE(cal->IsWorkingDay(*ParseDate("2026-02-16")));  // Monday, 春节
  EXPECT_FALSE(cal->IsWorkingDay(*ParseDate("2026-02-23")));  // Monday, last day off
  EXPECT_TRUE(cal->IsWorkingDay(*ParseDate("2026-02-24")));
  EXPECT_TRUE(cal->IsWorkingDay(*ParseDate("2026-02-28")));  // Saturday make-up day
  // 5 working days from the next day, started Friday 2026-02-13: 02-14 (make-up Sat) is 1,
  // the holiday runs to 02-23, then 02-24..02-27 are 2..5.
  auto due = domain::Deadline(*cal, *ParseRfc3339("2026-02-13T10:00:00+08:00"),
                              {5, domain::LimitUnit::kWorkingDays, true});
  EXPECT_EQ(FormatRfc3339(due, 480), "2026-02-27T23:59:59+08:00");
}

TEST(LoaderTest, ErrorsNameFileLineAndField) {
  BrokenConfig c;
  c.Write("units.yaml",
          "units:\n"
          "  - {id: a, name: A, class: district}\n"
          "  - {id: b, name: B, class: township}\n"
          "  - {id: c, name: C, class: street, parent: nobody}\n"
          "  - {id: a, name: A2, class: district, colour: red}\n");
  auto j = LoadJurisdiction(c.cfg());
  ASSERT_FALSE(j.ok());
  const std::string& m = j.error().message;
  EXPECT_NE(m.find("units.yaml:3: units[1].class: unknown value 'township'"), std::string::npos)
      << m;
  EXPECT_NE(m.find("units.yaml:4: units[2].parent: unknown parent unit nobody"), std::string::npos)
      << m;
  EXPECT_NE(m.find("units.yaml:5: units[3].colour: unknown key"), std::string::npos) << m;
}

TEST(LoaderTest, SyntaxErrorsAndMissingFilesAreReported) {
  BrokenConfig c;
  c.Write("roles.yaml", "roles: [\n  {name: x\n");
  fs::remove(c.cfg() / "dispatch.yaml");
  auto j = LoadJurisdiction(c.cfg());
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().message.find("roles.yaml:"), std::string::npos);
  EXPECT_NE(j.error().message.find("YAML syntax error"), std::string::npos);
  EXPECT_NE(j.error().message.find("dispatch.yaml: cannot be read"), std::string::npos);
}

TEST(LoaderTest, ThePublicRoleIsOneAndSeesNoCaller) {
  auto demo = LoadJurisdiction(DemoDir());
  ASSERT_TRUE(demo.ok()) << demo.error().ToString();
  ASSERT_NE(demo->roles.PublicRole(), nullptr);
  EXPECT_EQ(demo->roles.PublicRole()->name, "citizen");
  BrokenConfig c;
  c.Write("roles.yaml",
          "roles:\n"
          "  - {name: admin, label: A, manage_users: true, actions: [view_scores]}\n"
          "  - {name: web, label: W, public: true, hotline: true, actions: [intake]}\n"
          "  - {name: app, label: P, public: true, actions: [intake]}\n");
  auto j = LoadJurisdiction(c.cfg());
  ASSERT_FALSE(j.ok());
  const std::string& m = j.error().message;
  EXPECT_NE(m.find("roles.yaml:3: roles[1].public: the public page's role cannot be hotline"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("roles.yaml:4: roles[2].public: only one role may be the public page's"),
            std::string::npos)
      << m;
}

TEST(LoaderTest, TimeLimitRulesAreChecked) {
  BrokenConfig c;
  c.Write("time_limits.yaml",
          "rules:\n"
          "  - {name: a, stage: dispatch, limit: {amount: 2, unit: hours}}\n"
          "  - {name: b, stage: sign, limit: {amount: 0, unit: hours}}\n"
          "  - {name: c, stage: reply, urgency: extreme, limit: {amount: 7, unit: fortnights}}\n"
          "  - {name: d, stage: return_window, limit: {amount: 2, unit: hours, from_next_day: "
          "true}}\n");
  auto j = LoadJurisdiction(c.cfg());
  ASSERT_FALSE(j.ok());
  const std::string& m = j.error().message;
  EXPECT_NE(m.find("rules[1].limit.amount: must be between 1"), std::string::npos) << m;
  EXPECT_NE(m.find("rules[2].urgency: unknown value 'extreme'"), std::string::npos) << m;
  EXPECT_NE(m.find("rules[2].limit.unit: unknown time unit 'fortnights'"), std::string::npos) << m;
  EXPECT_NE(m.find("rules[3].limit.from_next_day: only applies to day units"), std::string::npos)
      << m;
  EXPECT_NE(m.find("needs a catch-all rule (no conditions) for stage sign"), std::string::npos)
      << m;
}

TEST(LoaderTest, EvaluationAndWarningsAreReadAndChecked) {
  auto demo = LoadJurisdiction(DemoDir());
  ASSERT_TRUE(demo.ok());
  EXPECT_DOUBLE_EQ(demo->evaluation.basically_satisfied_weight, 0.6);
  EXPECT_EQ(demo->evaluation.WeightsFor(domain::UnitClass::kStreet, "2026-02").response, 20);
  EXPECT_EQ(demo->evaluation.WeightsFor(domain::UnitClass::kStreet, "2025-12").response, 30);
  EXPECT_EQ(demo->policy.yellow_card_before_minutes, 1440);

  BrokenConfig c;
  c.Write("jurisdiction.yaml",
          "id: x\nname: X\ncalendar: ../calendars/cn_holidays_2025_2026.csv\n"
          "policy: {max_urges: 99}\n"
          "evaluation:\n"
          "  basically_satisfied_weight: 1.5\n"
          "  weights:\n"
          "    - {from: 2026-13, response: 30, resolution: 35, satisfaction: 35}\n"
          "    - {unit_class: village, response: 0, resolution: 0, satisfaction: 0}\n"
          "  visit_sample:\n"
          "    - {unit_class: street, share: 0}\n"
          "    - {unit: nowhere, category: \"99\", share: 0.5}\n"
          "    - {unit: bj.heat}\n");
  auto j = LoadJurisdiction(c.cfg());
  ASSERT_FALSE(j.ok());
  const std::string& m = j.error().message;
  EXPECT_NE(m.find("policy.max_urges: must be between 0 and 20"), std::string::npos) << m;
  EXPECT_NE(m.find("evaluation.basically_satisfied_weight: must be between"), std::string::npos)
      << m;
  EXPECT_NE(m.find("weights[0].from: expected a month as YYYY-MM"), std::string::npos) << m;
  EXPECT_NE(m.find("weights[1].unit_class: unknown value 'village'"), std::string::npos) << m;
  EXPECT_NE(m.find("weights[1]: at least one weight must be positive"), std::string::npos) << m;
  EXPECT_NE(m.find("visit_sample[0].share: must be between"), std::string::npos) << m;
  EXPECT_NE(m.find("visit_sample[1].unit: unknown unit nowhere"), std::string::npos) << m;
  EXPECT_NE(m.find("visit_sample[1].category: unknown category 99"), std::string::npos) << m;
  EXPECT_NE(m.find("visit_sample[2].share: is required"), std::string::npos) << m;
}

TEST(LoaderTest, CalendarRowsAreChecked) {
  BrokenConfig c;
  std::ofstream(c.cfg() / ".." / "calendars" / "cn_holidays_2025_2026.csv", std::ios::trunc)
      << "date,kind,festival\n2026-01-01,holiday,元旦\n2026-01-05,workday,x\n";
  auto j = LoadJurisdiction(c.cfg());
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.error().message.find(":3: kind: 2026-01-05 is a weekday"), std::string::npos)
      << j.error().message;
}

}  // namespace
}  // namespace jiesu::config
