#include "api/static_files.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace jiesu::api {
namespace {

namespace fs = std::filesystem;

std::string Header(const HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("jiesu-static-" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) +
            "-" + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_ / "assets");
    Write("index.html", "<!doctype html><title>console</title>");
    Write("h5.html", "<!doctype html><title>citizen</title>");
    Write("assets/index-abc123.js", "console.log(1)");
    Write("assets/index-abc123.js.gz", "GZIPPED");
    Write("favicon.svg", "<svg/>");
  }
  void TearDown() override { fs::remove_all(dir_); }
  void Write(const std::string& rel, const std::string& body) {
    std::ofstream(dir_ / rel, std::ios::binary) << body;
  }
  HttpResponse Get(const StaticFiles& f, const std::string& path, const std::string& enc = "") {
    HttpRequest req;
    req.method = "GET";
    req.path = path;
    req.accept_encoding = enc;
    auto r = f.Serve(req);
    EXPECT_TRUE(r.has_value()) << path;
    return r.value_or(HttpResponse{});
  }
  fs::path dir_;
};

TEST_F(StaticFilesTest, HashedAssetsAreImmutableAndPagesAreRevalidated) {
  auto f = StaticFiles::Load(dir_.string());
  ASSERT_TRUE(f.ok()) << f.error().ToString();
  auto asset = Get(**f, "/assets/index-abc123.js");
  EXPECT_EQ(asset.status, 200);
  EXPECT_EQ(asset.body, "console.log(1)");
  EXPECT_EQ(asset.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(Header(asset, "Cache-Control"), "public, max-age=31536000, immutable");
  auto index = Get(**f, "/");
  EXPECT_EQ(index.body, "<!doctype html><title>console</title>");
  EXPECT_EQ(Header(index, "Cache-Control"), "no-cache");
  EXPECT_EQ(Get(**f, "/favicon.svg").content_type, "image/svg+xml");
}

TEST_F(StaticFilesTest, PrecompressedFilesGoToClientsThatAcceptGzip) {
  auto f = StaticFiles::Load(dir_.string());
  ASSERT_TRUE(f.ok());
  auto gz = Get(**f, "/assets/index-abc123.js", "gzip, deflate, br");
  EXPECT_EQ(gz.body, "GZIPPED");
  EXPECT_EQ(Header(gz, "Content-Encoding"), "gzip");
  EXPECT_EQ(Header(gz, "Vary"), "Accept-Encoding");
  auto plain = Get(**f, "/assets/index-abc123.js", "identity");
  EXPECT_EQ(plain.body, "console.log(1)");
  EXPECT_EQ(Header(plain, "Content-Encoding"), "");
  // The .gz file itself is not a page of its own.
  EXPECT_EQ(Get(**f, "/assets/index-abc123.js.gz").status, 404);
}

TEST_F(StaticFilesTest, PageRoutesFallBackToTheirEntryAndMissingFilesAre404) {
  auto f = StaticFiles::Load(dir_.string());
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(Get(**f, "/intake").body, "<!doctype html><title>console</title>");
  EXPECT_EQ(Get(**f, "/orders/12").body, "<!doctype html><title>console</title>");
  EXPECT_EQ(Get(**f, "/h5").body, "<!doctype html><title>citizen</title>");
  EXPECT_EQ(Get(**f, "/h5/track/ABC").body, "<!doctype html><title>citizen</title>");
  EXPECT_EQ(Get(**f, "/assets/missing-1.js").status, 404);
  // Paths are only looked up among the files read at start, never joined to the directory.
  EXPECT_EQ(Get(**f, "/../../etc/passwd").body, "<!doctype html><title>console</title>");
  EXPECT_EQ(Get(**f, "/../static-test/index.html").status, 404);
}

TEST_F(StaticFilesTest, TheApiKeepsItsOwnPaths) {
  auto f = StaticFiles::Load(dir_.string());
  ASSERT_TRUE(f.ok());
  for (const char* path : {"/api/v1/nothing", "/api", "/healthz"}) {
    HttpRequest req;
    req.method = "GET";
    req.path = path;
    EXPECT_FALSE(f.value()->Serve(req).has_value()) << path;
  }
  HttpRequest post;
  post.method = "POST";
  post.path = "/intake";
  auto r = f.value()->Serve(post);
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 405);
  EXPECT_EQ(Header(*r, "Allow"), "GET, HEAD");
}

TEST_F(StaticFilesTest, ADirectoryWithoutABuildIsRefused) {
  fs::remove(dir_ / "index.html");
  auto f = StaticFiles::Load(dir_.string());
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.error().message.find("no index.html"), std::string::npos);
  EXPECT_FALSE(StaticFiles::Load((dir_ / "nope").string()).ok());
}

TEST(SecurityHeadersTest, NoInlineScriptNoFramingNoSniffing) {
  HttpResponse r;
  AddSecurityHeaders(r);
  const std::string csp = Header(r, "Content-Security-Policy");
  EXPECT_NE(csp.find("script-src 'self';"), std::string::npos);
  EXPECT_EQ(csp.find("unsafe-eval"), std::string::npos);
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos);
  EXPECT_EQ(Header(r, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(Header(r, "X-Frame-Options"), "DENY");
  EXPECT_EQ(Header(r, "Referrer-Policy"), "same-origin");
}

}  // namespace
}  // namespace jiesu::api
