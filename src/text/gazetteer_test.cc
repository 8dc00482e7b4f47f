#include "text/gazetteer.h"

#include <gtest/gtest.h>

#include "text/test_support.h"

namespace jiesu::text {
namespace {

// The shipped division codes (data/divisions), with Beijing as the jurisdiction.
const Gazetteer& Beijing() {
  static auto g = Gazetteer::Load(TestNormalizer(), JIESU_SOURCE_DIR "/data/divisions", {"11"});
  EXPECT_TRUE(g.ok()) << g.error().ToString();
  return *g.value();
}

Location Locate(const std::string& text) {
  return Beijing().Locate(TestNormalizer()->Normalize(text));
}

TEST(Gazetteer, FindsTheChainWithCodesAndSpans) {
  const std::string text = TestNormalizer()->Normalize("北京市朝阳区望京街道望京西园三区暖气不热");
  Location loc = Beijing().Locate(text);
  ASSERT_NE(loc.best, nullptr);
  EXPECT_EQ(loc.best->name, "望京街道");
  EXPECT_EQ(loc.district_code, "110105");
  EXPECT_EQ(loc.street_code.substr(0, 6), "110105");
  ASSERT_GE(loc.mentions.size(), 3u);
  EXPECT_EQ(loc.mentions[0].place->code, "11");
  EXPECT_EQ(text.substr(loc.mentions[1].begin, loc.mentions[1].end - loc.mentions[1].begin),
            "朝阳区");
}

TEST(Gazetteer, ResolvesAmbiguousNamesWithContext) {
  // 朝阳区 is in Beijing (110105) and in Changchun (220104).
  Location beijing = Locate("朝阳区三里屯路口垃圾没人清");
  EXPECT_EQ(beijing.district_code, "110105");
  EXPECT_EQ(beijing.mentions[0].reason, "with 三里屯街道 (110105004) also named");
  EXPECT_EQ(Locate("朝阳区一个小区停水").mentions[0].reason, "in the jurisdiction");
  Location changchun = Locate("吉林省长春市朝阳区人民大街路灯不亮");
  EXPECT_EQ(changchun.district_code, "220104");
  EXPECT_EQ(changchun.mentions.back().reason, "with 吉林省 (22) also named");
}

TEST(Gazetteer, HandlesAbbreviations) {
  Location wangjing = Locate("望京这边的小区暖气不热");
  ASSERT_NE(wangjing.best, nullptr);
  EXPECT_EQ(wangjing.best->name, "望京街道");
  EXPECT_TRUE(wangjing.mentions[0].abbreviated);
  Location chaoyang = Locate("我住在朝阳，楼下施工噪音很大");
  EXPECT_EQ(chaoyang.district_code, "110105");
  Location community = Locate("多福巷社区门口有积水");
  EXPECT_EQ(community.community_code, "110101001001");
  EXPECT_EQ(community.district_code, "110101");
}

TEST(Gazetteer, IgnoresWordsThatAreOnlyPlacesElsewhere) {
  // 城区 and 郊区 are full district names in other provinces, and ordinary words here.
  EXPECT_TRUE(Locate("城区道路拥堵，郊区公交太少").mentions.empty());
  EXPECT_EQ(Locate("今天天气不错").best, nullptr);
}

TEST(Gazetteer, ExtraPlacesForMaskedNames) {
  auto g = Gazetteer::FromPlaces(TestNormalizer(),
                                 {{"A", "A市", PlaceLevel::kCity, ""},
                                  {"A3", "A3区", PlaceLevel::kDistrict, "A"},
                                  {"A7", "A7县", PlaceLevel::kDistrict, "A"}},
                                 {"A"});
  Location loc = g->Locate(TestNormalizer()->Normalize("A市A3区桐梓坡路益丰大药房"));
  ASSERT_NE(loc.best, nullptr);
  EXPECT_EQ(loc.best->code, "A3");
  EXPECT_EQ(loc.mentions.size(), 2u);
}

}  // namespace
}  // namespace jiesu::text
