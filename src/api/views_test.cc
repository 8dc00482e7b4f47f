#include "api/views.h"

#include <gtest/gtest.h>

#include "api/json_input.h"

namespace jiesu::api {
namespace {

TEST(ViewsTest, MaskPhoneKeepsThePrefixAndTheLastFourDigits) {
  EXPECT_EQ(MaskPhone("13812341234"), "138****1234");
  EXPECT_EQ(MaskPhone("+86 138-1234-1234"), "861****1234");
  EXPECT_EQ(MaskPhone("010-6512345"), "010****2345");
  EXPECT_EQ(MaskPhone("12345"), "***45");
  EXPECT_EQ(MaskPhone("12"), "**");
  EXPECT_EQ(MaskPhone(""), "");
}

TEST(ViewsTest, MaskNameKeepsTheFirstCharacter) {
  EXPECT_EQ(MaskName("张三"), "张*");
  EXPECT_EQ(MaskName("欧阳修"), "欧*");
  EXPECT_EQ(MaskName("Li"), "L*");
  EXPECT_EQ(MaskName(""), "");
}

TEST(JsonInputTest, ReadsTypedFieldsAndRefusesTheRest) {
  auto o = ParseObject(R"({"a":"x","n":3,"b":true,"d":1.5,"l":["p","q"],"o":{"k":"v"}})");
  ASSERT_TRUE(o.ok());
  JsonReader r(*o);
  EXPECT_EQ(r.String("a"), "x");
  EXPECT_EQ(r.Int("n"), 3);
  EXPECT_TRUE(r.Bool("b"));
  EXPECT_EQ(r.Double("d"), 1.5);
  EXPECT_EQ(r.Strings("l"), (std::vector<std::string>{"p", "q"}));
  const auto* nested = r.Object("o");
  ASSERT_NE(nested, nullptr);
  JsonReader nr(*nested, "o.");
  EXPECT_EQ(nr.String("k"), "v");
  EXPECT_TRUE(nr.Finish().ok());
  EXPECT_TRUE(r.Finish().ok());

  JsonReader extra(*o);
  (void)extra.String("a");
  Status s = extra.Finish();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "n: unknown field");  // the first unread field

  JsonReader wrong(*o);
  (void)wrong.Int("a");
  EXPECT_EQ(wrong.Finish().error().field, "a");
  JsonReader missing(*o);
  (void)missing.String("zzz", true);
  EXPECT_EQ(missing.Finish().error().field, "zzz");
}

TEST(JsonInputTest, RefusesWhatIsNotAnObject) {
  EXPECT_TRUE(ParseObject("").ok());  // an empty body reads as {}
  EXPECT_FALSE(ParseObject("[]").ok());
  EXPECT_FALSE(ParseObject("{").ok());
  EXPECT_FALSE(ParseObject("{\"a\":\"\xC3\"}").ok());
  EXPECT_FALSE(ParseObject(std::string(20, '{') + std::string(20, '}')).ok());
  // An out-of-range number is refused either by the parser or by the reader.
  auto big = ParseObject("{\"n\":1e999}");
  if (big.ok()) {
    JsonReader r(*big);
    (void)r.Double("n");
    EXPECT_FALSE(r.Finish().ok());
  }
}

}  // namespace
}  // namespace jiesu::api
