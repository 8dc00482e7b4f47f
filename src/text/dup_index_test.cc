#include "text/dup_index.h"

#include <gtest/gtest.h>

#include "text/normalize.h"
#include "text/test_support.h"

namespace jiesu::text {
namespace {

std::string Content(const std::string& s) { return TestNormalizer()->Content(s); }

const std::string kHeat = "望京西园三区12号楼暖气不热，室温只有十五度，已经一周了，请尽快处理";
const std::string kHeatAgain = "望京西园三区12号楼的暖气还是不热，室温只有十五度，已经一周了";
const std::string kNoise = "楼下饭店每天夜里十二点还在营业，噪音太大无法休息";

TEST(DuplicateIndex, FindsRewordedRepeatsAndRanksSameAreaFirst) {
  DupOptions o;
  o.capacity = 1024;
  o.bucket_bits = 10;
  DuplicateIndex index(o);
  index.Add(1, Content(kHeat), 100, "110105", "010104");
  index.Add(2, Content(kNoise), 100, "110105", "0201");
  index.Add(3, Content(kHeat), 101, "110108", "010104");  // same words, another district
  auto top = index.Query(Content(kHeatAgain), 102, "110105", "010104", 5);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].order_id, 1);  // same district wins the tie
  EXPECT_TRUE(top[0].same_area);
  EXPECT_TRUE(top[0].same_category);
  EXPECT_EQ(top[0].days_apart, 2);
  EXPECT_GE(top[0].similarity, 0.3);
  EXPECT_EQ(top[1].order_id, 3);
  EXPECT_TRUE(index.Query(Content("公交车不按站停车，司机态度很差"), 102, "", "", 5).empty());
  // Outside the time window nothing is a duplicate.
  EXPECT_TRUE(index.Query(Content(kHeat), 100 + o.window_days + 5, "", "", 5).empty());
}

TEST(DuplicateIndex, ForgetsTheOldestWhenFull) {
  DupOptions o;
  o.capacity = 4;
  o.bucket_bits = 8;
  DuplicateIndex index(o);
  index.Add(1, Content(kHeat), 10, "", "");
  for (int i = 0; i < 4; ++i) index.Add(10 + i, Content(kNoise + std::to_string(i)), 10, "", "");
  EXPECT_EQ(index.size(), 4u);
  for (const auto& c : index.Query(Content(kHeat), 10, "", "", 5)) EXPECT_NE(c.order_id, 1);
}

TEST(DuplicateIndex, GroupsCloseRepeatsIntoClusters) {
  DupOptions o;
  o.capacity = 1024;
  o.bucket_bits = 10;
  DuplicateIndex index(o);
  const uint32_t a = index.Add(1, Content(kHeat), 100, "110105", "010104");
  EXPECT_EQ(index.Add(2, Content(kHeat + "。"), 101, "110105", "010104"), a);
  EXPECT_EQ(index.Add(3, Content(kHeat + "!!"), 103, "110105", "010104"), a);
  EXPECT_NE(index.Add(4, Content(kNoise), 103, "110105", "0201"), a);
  auto clusters = index.Clusters(2, 0, 10);
  ASSERT_EQ(clusters.size(), 1u);
  EXPECT_EQ(clusters[0].orders, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(clusters[0].area, "110105");
  EXPECT_EQ(clusters[0].category, "010104");
  EXPECT_EQ(clusters[0].first_day, 100);
  EXPECT_EQ(clusters[0].last_day, 103);
  EXPECT_TRUE(index.Clusters(2, 104, 10).empty());
}

}  // namespace
}  // namespace jiesu::text
