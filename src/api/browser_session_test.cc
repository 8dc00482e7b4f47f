#include "api/browser_session.h"

#include <gtest/gtest.h>
#include <sodium.h>

namespace jiesu::api {
namespace {

TEST(BrowserSessionTest, FindsTheSessionCookieAmongOthers) {
  EXPECT_EQ(SessionCookieValue("jiesu_session=abc"), "abc");
  EXPECT_EQ(SessionCookieValue("theme=dark; jiesu_session=abc; lang=en"), "abc");
  EXPECT_EQ(SessionCookieValue("xjiesu_session=abc; jiesu_sessionx=def"), "");
  EXPECT_EQ(SessionCookieValue(""), "");
}

TEST(BrowserSessionTest, TheCsrfTokenBelongsToOneSession) {
  ASSERT_GE(sodium_init(), 0);
  const std::string a = CsrfTokenFor("token-a");
  EXPECT_EQ(a.size(), 43u);
  EXPECT_EQ(a, CsrfTokenFor("token-a"));
  EXPECT_NE(a, CsrfTokenFor("token-b"));
  EXPECT_TRUE(CsrfTokenMatches(a, "token-a"));
  EXPECT_FALSE(CsrfTokenMatches(a, "token-b"));
  EXPECT_FALSE(CsrfTokenMatches("", "token-a"));
  EXPECT_FALSE(CsrfTokenMatches(a.substr(1), "token-a"));
}

TEST(BrowserSessionTest, TheCookieIsHttpOnlyAndStrict) {
  const std::string set = SessionCookieHeader("t0k");
  EXPECT_EQ(set.rfind("jiesu_session=t0k;", 0), 0u);
  EXPECT_NE(set.find("HttpOnly"), std::string::npos);
  EXPECT_NE(set.find("SameSite=Strict"), std::string::npos);
  EXPECT_NE(ClearedSessionCookieHeader().find("Max-Age=0"), std::string::npos);
  EXPECT_TRUE(IsWrite("POST"));
  EXPECT_TRUE(IsWrite("DELETE"));
  EXPECT_FALSE(IsWrite("GET"));
  EXPECT_FALSE(IsWrite("HEAD"));
}

}  // namespace
}  // namespace jiesu::api
