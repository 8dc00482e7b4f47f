#include "text/boundaries.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "text/test_support.h"

namespace jiesu::text {
namespace {

namespace fs = std::filesystem;

TEST(Boundaries, PointsFallInTheirDistrict) {
  // Two squares, one with a hole, in a file written here.
  const fs::path file = fs::temp_directory_path() / "jiesu-boundaries-test.geojson";
  std::ofstream(file) << R"({"type":"FeatureCollection","features":[
    {"type":"Feature","properties":{"adcode":110101},"geometry":{"type":"Polygon",
     "coordinates":[[[0,0],[10,0],[10,10],[0,10],[0,0]],[[4,4],[6,4],[6,6],[4,6],[4,4]]]}},
    {"type":"Feature","properties":{"adcode":"110102"},"geometry":{"type":"MultiPolygon",
     "coordinates":[[[[10,0],[20,0],[20,10],[10,10],[10,0]]]]}}]})";
  auto b = Boundaries::Load(file.string());
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_EQ((*b)->size(), 2u);
  EXPECT_EQ((*b)->AreaAt(1, 1), "110101");
  EXPECT_EQ((*b)->AreaAt(15, 5), "110102");
  EXPECT_EQ((*b)->AreaAt(5, 5), std::nullopt);  // in the hole
  EXPECT_EQ((*b)->AreaAt(-1, 5), std::nullopt);

  std::ofstream(file)
      << R"({"type":"FeatureCollection","features":[{"type":"Feature","properties":{},
    "geometry":{"type":"Point","coordinates":[1,1]}}]})";
  auto missing = Boundaries::Load(file.string());
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("no 'adcode' property"), std::string::npos);
  std::ofstream(file) << "not json";
  EXPECT_EQ(Boundaries::Load(file.string()).error().code, ErrorCode::kInvalidArgument);
  fs::remove(file);
  EXPECT_EQ(Boundaries::Load(file.string()).error().code, ErrorCode::kNotFound);
}

// Beijing's 16 districts (AMap-derived, GCJ-02; read from ../shared/data, never shipped).
TEST(Boundaries, BeijingDistricts) {
  const fs::path file =
      SharedDataDir() / "beijing-boundaries" / "beijing_16_districts_datav_merged.geojson";
  if (!fs::exists(file)) GTEST_SKIP() << file << " not found (set JIESU_DATA_DIR)";
  auto b = Boundaries::Load(file.string());
  ASSERT_TRUE(b.ok()) << b.error().ToString();
  EXPECT_EQ((*b)->size(), 16u);
  EXPECT_EQ((*b)->AreaAt(116.3975, 39.9087), "110101");      // Tiananmen: 东城区
  EXPECT_EQ((*b)->AreaAt(116.4700, 39.9970), "110105");      // 望京: 朝阳区
  EXPECT_EQ((*b)->AreaAt(116.3100, 39.9920), "110108");      // 中关村: 海淀区
  EXPECT_EQ((*b)->AreaAt(121.4737, 31.2304), std::nullopt);  // Shanghai
}

}  // namespace
}  // namespace jiesu::text
