#include "text/classifier.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "text/leak_filter.h"
#include "text/test_support.h"
#include "text/training_data.h"

namespace jiesu::text {
namespace {

namespace fs = std::filesystem;

std::vector<LabelledText> Rows() {
  return {
      {"小区暖气不热，室温只有十五度", "供暖"}, {"家里暖气片冰凉，供暖公司不管", "供暖"},
      {"暖气管道漏水，屋里不热", "供暖"},       {"供暖温度不达标，暖气不热", "供暖"},
      {"楼下饭店油烟太大，噪音扰民", "环境"},   {"工地夜间施工噪音很大，无法休息", "环境"},
      {"河道有异味，污水直排", "环境"},         {"垃圾焚烧冒黑烟，空气难闻", "环境"},
      {"公交车不按站停车，司机态度差", "交通"}, {"公交线路取消，出行不便", "交通"},
      {"路口红绿灯坏了，车辆乱行", "交通"},     {"出租车拒载，绕路多收费", "交通"},
  };
}

TEST(Classifier, LearnsSavesAndLoads) {
  ClassifierOptions options;
  options.min_df = 1;
  auto model = Classifier::Train(TestNormalizer(), Rows(), options);
  ASSERT_TRUE(model.ok()) << model.error().ToString();
  EXPECT_EQ((*model)->labels().size(), 3u);
  auto top = (*model)->Predict("我家暖气一点也不热", 3);
  ASSERT_EQ(top.size(), 3u);
  EXPECT_EQ(top[0].label, "供暖");
  EXPECT_GT(top[0].confidence, top[1].confidence);
  double sum = top[0].confidence + top[1].confidence + top[2].confidence;
  EXPECT_NEAR(sum, 1.0, 1e-9);
  // Traditional characters and full-width punctuation reach the same features.
  EXPECT_EQ((*model)->Predict("公車司機態度差！", 1)[0].label, "交通");

  const fs::path path = fs::temp_directory_path() / "jiesu_classifier_test.model";
  ASSERT_TRUE((*model)->Save(path.string()).ok());
  auto loaded = Classifier::Load(TestNormalizer(), path.string());
  ASSERT_TRUE(loaded.ok()) << loaded.error().ToString();
  for (const char* t : {"我家暖气一点也不热", "夜里施工太吵", "公交不停站"}) {
    auto a = (*model)->Predict(t, 3);
    auto b = (*loaded)->Predict(t, 3);
    ASSERT_EQ(a.size(), b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      EXPECT_EQ(a[i].label, b[i].label);
      EXPECT_DOUBLE_EQ(a[i].confidence, b[i].confidence);
    }
  }
  // A truncated file and a file that is not a model are refused with a clear error.
  const auto size = fs::file_size(path);
  fs::resize_file(path, size - 10);
  auto damaged = Classifier::Load(TestNormalizer(), path.string());
  ASSERT_FALSE(damaged.ok());
  EXPECT_NE(damaged.error().message.find("damaged"), std::string::npos);
  std::ofstream(path) << "hello";
  EXPECT_EQ(Classifier::Load(TestNormalizer(), path.string()).error().code,
            ErrorCode::kInvalidArgument);
  fs::remove(path);
  EXPECT_EQ(Classifier::Load(TestNormalizer(), path.string()).error().code, ErrorCode::kNotFound);
}

TEST(Classifier, RefusesUselessTrainingSets) {
  EXPECT_FALSE(Classifier::Train(TestNormalizer(), {}, {}).ok());
  EXPECT_FALSE(
      Classifier::Train(TestNormalizer(), {{"只有一类", "a"}, {"还是一类", "a"}}, {}).ok());
}

TEST(Score, MacroF1AndConfusion) {
  // gold a a a b b c; predicted a a b b c c
  auto r = Score({"a", "a", "a", "b", "b", "c"}, {"a", "a", "b", "b", "c", "c"});
  EXPECT_NEAR(r.accuracy, 4.0 / 6, 1e-12);
  // a: p 1, r 2/3 → 0.8; b: p 1/2, r 1/2 → 0.5; c: p 1/2, r 1 → 2/3.
  EXPECT_NEAR(r.macro_f1, (0.8 + 0.5 + 2.0 / 3) / 3, 1e-12);
  EXPECT_EQ(r.confusion[0][1], 1);
  EXPECT_NE(FormatReport(r).find("macro_f1=0.6556"), std::string::npos);
}

TEST(LeakFilter, DropsDisguisedCopiesAndKeepsOthers) {
  const std::string held =
      "尊敬的领导：我们小区位于A3区火炬路，今年冬天暖气一直不热，室内温度只有十二度，"
      "多次打电话给供暖公司都没有人来处理，老人孩子都冻病了，请有关部门尽快解决。";
  LeakFilter filter(TestNormalizer(), {held, "另一条完全无关的留言，关于学校收费的问题。"});
  // The same text segmented, stop-words removed, title in front: a copy.
  EXPECT_TRUE(
      filter.IsCopy("小区 暖气 不热 尊敬 领导 小区 位于 A3 区 火炬 路 今年 冬天 暖气 "
                    "一直 不热 室内 温度 十二度 多次 打电话 供暖 公司 没有 人来 处理 "
                    "老人 孩子 冻病 请 有关 部门 尽快 解决"));
  EXPECT_TRUE(filter.IsCopy(held));
  // The same problem in other words, and unrelated text: not copies.
  EXPECT_FALSE(filter.IsCopy("A3区一个小区的住户反映家里供暖温度不够，希望供热单位上门检查。"));
  EXPECT_FALSE(filter.IsCopy("公交车司机不按站停车，乘客上下车很不方便。"));
}

// The leakage filter on the real Teddy Cup files: the segmented file holds every held-out text
// (its known copies), so at least one segmented row per held-out text is dropped, and few
// dev rows are.
TEST(LeakFilter, OnTheTeddyCupFiles) {
  const fs::path dir = SharedDataDir() / "teddycup2020-gov-messages";
  if (!fs::exists(dir / "fj2_raw_details_subset_4449.csv")) {
    GTEST_SKIP() << dir << " not found (set JIESU_DATA_DIR to the shared data folder)";
  }
  CsvSelection test_rows;
  test_rows.text = "detail";
  test_rows.label = "label_l1";
  test_rows.where = {{"origin_split", "split2020-05-07_test"}};
  auto held = ReadLabelledCsv((dir / "fj2_raw_details_subset_4449.csv").string(), test_rows);
  ASSERT_TRUE(held.ok()) << held.error().ToString();
  ASSERT_EQ(held->rows.size(), 1831u);
  std::vector<std::string> texts;
  for (auto& r : held->rows) texts.push_back(r.text);
  LeakFilter filter(TestNormalizer(), texts);

  // The dev rows are other messages: few of them may look like copies (a citizen who wrote
  // twice, a form letter signed by many).
  CsvSelection dev_rows = test_rows;
  dev_rows.where.clear();
  dev_rows.where_not = {{"origin_split", "split2020-05-07_test"}};
  auto dev = ReadLabelledCsv((dir / "fj2_raw_details_subset_4449.csv").string(), dev_rows);
  ASSERT_TRUE(dev.ok());
  ASSERT_EQ(dev->rows.size(), 2618u);
  size_t dev_dropped = 0;
  for (const auto& r : dev->rows) dev_dropped += filter.IsCopy(r.text) ? 1 : 0;
  EXPECT_LT(dev_dropped * 50, dev->rows.size());  // under 2%

  CsvSelection seg;
  seg.text = "text_segmented";
  seg.label = "label_l1";
  auto segmented = ReadLabelledCsv((dir / "fj2_full_segmented_9210.csv").string(), seg);
  ASSERT_TRUE(segmented.ok());
  size_t dropped = 0;
  for (const auto& r : segmented->rows) dropped += filter.IsCopy(r.text) ? 1 : 0;
  // Every held-out text is in the segmented file (some twice: 262 rows there are repeats).
  EXPECT_GE(dropped, 1831u);
  EXPECT_LE(dropped, 1831u * 115 / 100);
}

}  // namespace
}  // namespace jiesu::text
