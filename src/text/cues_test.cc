#include "text/cues.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>

#include "text/normalize.h"
#include "text/test_support.h"
#include "text/training_data.h"

namespace jiesu::text {
namespace {

namespace fs = std::filesystem;

TEST(Cues, TypeAndUrgencyOnWrittenSentences) {
  auto type = [](const char* s) { return RequestTypeHint(TestNormalizer()->Normalize(s)); };
  auto urgency = [](const char* s) { return UrgencyHint(TestNormalizer()->Normalize(s)); };
  EXPECT_EQ(type("请问办理居住证需要什么材料？").value, "咨询");
  EXPECT_EQ(type("举报某饭店油烟直排").value, "举报");
  EXPECT_EQ(type("表扬朝阳区城管委工作人员").value, "表扬");
  EXPECT_EQ(type("今天天气不错").value, "");
  auto gas = urgency("楼道里燃气泄漏，味道很大");
  EXPECT_EQ(gas.value, "特急");
  EXPECT_EQ(gas.cues, std::vector<std::string>{"燃气泄漏"});
  // Feared, not happening: a hazard, not an emergency.
  EXPECT_EQ(urgency("液化气罐放在路边，一旦爆炸后果不堪设想").value, "紧急");
  EXPECT_EQ(urgency("小区停水两天了").value, "紧急");
  EXPECT_EQ(urgency("建议增开公交线路").value, "");
}

// Real messages from 附件3 (fj3) and 附件4 (fj4) of the Teddy Cup files, each read and
// labelled by hand (type; urgency: 特急 = people in danger now, 紧急 = outage or hazard).
// Known misses are listed with the rule's answer, so a new miss fails and a fix shows.
struct Golden {
  const char* id;
  const char* type;
  const char* urgency;
  const char* rule_type_if_miss = nullptr;
  const char* rule_urgency_if_miss = nullptr;
};

TEST(Cues, HandCheckedTeddyCupMessages) {
  const fs::path dir = SharedDataDir() / "teddycup2020-gov-messages";
  if (!fs::exists(dir / "fj4_messages_replies_2816.csv")) {
    GTEST_SKIP() << dir << " not found (set JIESU_DATA_DIR to the shared data folder)";
  }
  const std::vector<Golden> golden = {
      {"272351", "求助", "特急"},             // fj3: a patient urgently needs RH-negative blood
      {"2574", "建议", ""},                   // fj4: rename a bus stop
      {"3704", "举报", ""},                   // fj4: a lending platform suspected of fraud
      {"3713", "建议", ""},                   // fj4: more buses on route 261
      {"3720", "建议", "紧急"},               // fj4: a narrowed, dangerous junction
      {"3727", "投诉", ""},                   // fj4: a pharmacy selling short weight
      {"3877", "投诉", ""},                   // fj4: parking overcharges
      {"3906", "举报", ""},                   // fj4: franchise fee fraud
      {"3910", "举报", ""},                   // fj4: a property manager's violations
      {"3994", "建议", "紧急"},               // fj4: pedestrians walking in the carriageway
      {"4040", "投诉", ""},                   // fj4: a visitor's complaint about 城管
      {"5492", "投诉", "", nullptr, "紧急"},  // fj4: water fees; "乱停水" of an empty flat
      {"7019", "求助", "紧急"},               // fj4: water pressure, frequent outages
      {"20121", "表扬", ""},                  // fj4: thanks for an answer on noise
      {"21552", "表扬", ""},                  // fj4: thanks, the problem is being solved
      {"34239", "举报", "紧急"},              // fj4: a boiler by the railway, "随时可能爆炸"
      {"35462", "咨询", ""},                  // fj4: when will the side roads open
      {"37459", "咨询", ""},                  // fj4: which papers for a child's vaccination
      {"41458", "咨询", ""},                  // fj4: when does work on the park start
      {"46027", "求助", ""},                  // fj4: migrant workers' unpaid wages
      {"16503", "投诉", "紧急", "求助"},      // fj4: street stalls with gas cylinders ("反映")
  };
  std::map<std::string, std::string> text;
  for (const char* f : {"fj3_messages_votes_4326.csv", "fj4_messages_replies_2816.csv"}) {
    CsvSelection s;
    s.text = "title+detail";
    s.label = "msg_id";
    auto rows = ReadLabelledCsv((dir / f).string(), s);
    ASSERT_TRUE(rows.ok()) << rows.error().ToString();
    for (auto& r : rows->rows) text[r.label] = r.text;
  }
  int type_right = 0, urgency_right = 0;
  for (const Golden& g : golden) {
    ASSERT_TRUE(text.count(g.id)) << g.id;
    const std::string norm = TestNormalizer()->Normalize(text[g.id]);
    const std::string t = RequestTypeHint(norm).value, u = UrgencyHint(norm).value;
    EXPECT_EQ(t, g.rule_type_if_miss ? g.rule_type_if_miss : g.type) << g.id;
    EXPECT_EQ(u, g.rule_urgency_if_miss ? g.rule_urgency_if_miss : g.urgency) << g.id;
    type_right += t == g.type;
    urgency_right += u == g.urgency;
  }
  std::printf("request type agrees on %d of %zu hand-checked messages, urgency on %d\n", type_right,
              golden.size(), urgency_right);
}

}  // namespace
}  // namespace jiesu::text
