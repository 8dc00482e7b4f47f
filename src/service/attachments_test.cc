#include "service/attachments.h"

#include <gtest/gtest.h>

namespace jiesu::service {
namespace {

TEST(SniffMediaTypeTest, KnowsFourKindsByTheirFirstBytesAndNothingElse) {
  using namespace std::string_literals;
  EXPECT_EQ(SniffMediaType("\xFF\xD8\xFF\xE0\0\x10JFIF"s), "image/jpeg");
  EXPECT_EQ(SniffMediaType("\x89PNG\r\n\x1A\n\0\0\0\rIHDR"s), "image/png");
  EXPECT_EQ(SniffMediaType("RIFF\x24\0\0\0WEBPVP8 "s), "image/webp");
  EXPECT_EQ(SniffMediaType("%PDF-1.4\n"), "application/pdf");
  EXPECT_EQ(SniffMediaType("RIFF\x24\0\0\0WAVEfmt "s), std::nullopt) << "a RIFF that is no WebP";
  EXPECT_EQ(SniffMediaType("GIF89a"), std::nullopt);
  EXPECT_EQ(SniffMediaType("<svg xmlns=\"http://www.w3.org/2000/svg\"/>"), std::nullopt);
  EXPECT_EQ(SniffMediaType("<html><script>alert(1)</script>"), std::nullopt);
  EXPECT_EQ(SniffMediaType("\x89PNG"), std::nullopt) << "cut short";
  EXPECT_EQ(SniffMediaType(""), std::nullopt);
}

}  // namespace
}  // namespace jiesu::service
