#include "text/normalize.h"

#include <gtest/gtest.h>

#include "text/segment.h"
#include "text/test_support.h"

namespace jiesu::text {
namespace {

TEST(Normalizer, FoldsWidthAndScript) {
  // Full-width letters, digits and punctuation fold; traditional characters become simplified.
  EXPECT_EQ(TestNormalizer()->Normalize("ＡＢＣ１２３，朝陽區　暖氣不熱！"),
            "abc123,朝阳区 暖气不热!");
  EXPECT_EQ(TestNormalizer()->Normalize("  多个\t\n 空白  "), "多个 空白");
}

TEST(Normalizer, ContentKeepsOnlyLettersAndDigits) {
  EXPECT_EQ(TestNormalizer()->Content("你好，A3区！ 12号楼。"), "你好a3区12号楼");
}

TEST(Segmenter, UsesIcuAndTheUserDictionary) {
  auto plain = Segmenter::Create({});
  ASSERT_TRUE(plain.ok());
  auto with_dict = Segmenter::Create({"望京街道", "朝阳区城管委", "望京"});
  ASSERT_TRUE(with_dict.ok());
  const std::string text =
      TestNormalizer()->Normalize("朝阳区城管委：望京街道小区暖气不热，请尽快处理。");
  std::string words = with_dict.value()->Joined(text);
  EXPECT_EQ(words.rfind("朝阳区城管委 望京街道 ", 0), 0u) << words;
  EXPECT_NE(words.find("暖气"), std::string::npos) << words;
  // Without the dictionary ICU splits the names; punctuation never becomes a token.
  std::string plain_words = plain.value()->Joined(text);
  EXPECT_EQ(plain_words.find("望京街道"), std::string::npos) << plain_words;
  EXPECT_EQ(plain_words.find("，"), std::string::npos);
  EXPECT_EQ(with_dict.value()->user_word_count(), 3u);
  for (const Token& t : with_dict.value()->Segment(text)) {
    EXPECT_EQ(text.substr(t.begin, t.end - t.begin), t.text);
  }
}

}  // namespace
}  // namespace jiesu::text
