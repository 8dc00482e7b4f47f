#include "base/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace jiesu {
namespace {

TEST(Utf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("hello"));
  EXPECT_TRUE(IsValidUtf8("朝阳区望京街道暖气不热"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // U+1F600
  EXPECT_EQ(Utf8Length("朝阳区a"), 4u);
}

TEST(Utf8Test, RejectsMalformedText) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));            // surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));        // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE6\x9C"));                // truncated
  EXPECT_FALSE(IsValidUtf8(std::string("ab\xFF", 3)));  // invalid lead byte
  EXPECT_FALSE(IsValidUtf8("\x80"));                    // lone continuation
}

}  // namespace
}  // namespace jiesu
