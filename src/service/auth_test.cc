#include "service/auth.h"

#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>

#include <filesystem>

#include "domain/test_jurisdiction.h"
#include "storage/sqlite/sqlite_store.h"

namespace jiesu::service {
namespace {

namespace fs = std::filesystem;

class AuthTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(InitCrypto().ok());
    dir_ = fs::temp_directory_path() / ("jiesu-auth-" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    auto s = storage::sqlite::SqliteStore::Open({(dir_ / "a.db").string(), 1, 16});
    ASSERT_TRUE(s.ok());
    store_ = std::move(*s);
    options_.pwhash_opslimit = crypto_pwhash_OPSLIMIT_MIN;
    options_.pwhash_memlimit = crypto_pwhash_MEMLIMIT_MIN;
    options_.token_ttl = std::chrono::minutes(60);
    options_.cache_ttl = std::chrono::seconds(30);
    auth_ = std::make_unique<Auth>(*store_, j_, clock_, options_);
  }
  void TearDown() override {
    auth_.reset();
    store_.reset();
    fs::remove_all(dir_);
  }

  domain::Jurisdiction j_ = domain::testing::MakeTestJurisdiction();
  ManualClock clock_{*ParseRfc3339("2026-01-05T09:00:00+08:00")};
  AuthOptions options_;
  fs::path dir_;
  std::unique_ptr<storage::sqlite::SqliteStore> store_;
  std::unique_ptr<Auth> auth_;
};

TEST_F(AuthTest, PasswordsAreStoredAsArgon2idAndVerified) {
  auto u = auth_->AddUser({"cy1", "朝阳 承办人", "unit", "110105", "correct horse"});
  ASSERT_TRUE(u.ok()) << u.error().ToString();
  EXPECT_EQ(u->password_hash.rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(u->password_hash.find("correct horse"), std::string::npos);
  EXPECT_TRUE(auth_->Login("cy1", "correct horse").ok());
  auto wrong = auth_->Login("cy1", "wrong horse");
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, ErrorCode::kUnauthenticated);
  // The same message for an unknown user, so names cannot be probed.
  EXPECT_EQ(auth_->Login("nobody", "correct horse").error().message, wrong.error().message);
}

TEST_F(AuthTest, AccountsAreValidated) {
  EXPECT_EQ(auth_->AddUser({"Bad Name", "", "agent", "", "12345678"}).error().field, "username");
  EXPECT_EQ(auth_->AddUser({"x", "", "astronaut", "", "12345678"}).error().field, "role");
  EXPECT_EQ(auth_->AddUser({"x", "", "unit", "", "12345678"}).error().field, "unit");
  EXPECT_EQ(auth_->AddUser({"x", "", "unit", "nowhere", "12345678"}).error().field, "unit");
  EXPECT_EQ(auth_->AddUser({"x", "", "agent", "", "short"}).error().field, "password");
  ASSERT_TRUE(auth_->AddUser({"x", "", "agent", "", "12345678"}).ok());
  EXPECT_EQ(auth_->AddUser({"x", "", "agent", "", "12345678"}).error().code, ErrorCode::kConflict);
}

TEST_F(AuthTest, TokensExpireAndLogoutEndsThem) {
  ASSERT_TRUE(auth_->AddUser({"disp", "", "dispatcher", "", "long-enough"}).ok());
  auto login = auth_->Login("disp", "long-enough");
  ASSERT_TRUE(login.ok());
  EXPECT_EQ(login->token.size(), 64u);
  auto actor = auth_->Authenticate(login->token);
  ASSERT_TRUE(actor.ok());
  EXPECT_EQ(actor->role, "dispatcher");
  clock_.Advance(std::chrono::minutes(59));
  EXPECT_TRUE(auth_->Authenticate(login->token).ok());
  clock_.Advance(std::chrono::minutes(2));  // past the 60-minute lifetime, cached or not
  EXPECT_EQ(auth_->Authenticate(login->token).error().code, ErrorCode::kUnauthenticated);

  auto second = auth_->Login("disp", "long-enough");
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(auth_->Authenticate(second->token).ok());
  ASSERT_TRUE(auth_->Logout(second->token).ok());
  EXPECT_FALSE(auth_->Authenticate(second->token).ok());
  EXPECT_FALSE(auth_->Authenticate("").ok());
  EXPECT_FALSE(auth_->Authenticate(std::string(64, 'a')).ok());
}

TEST_F(AuthTest, FailedLogInsLockTheNameForTheWindow) {
  ASSERT_TRUE(auth_->AddUser({"v", "", "visitor", "", "long-enough"}).ok());
  for (int i = 0; i < options_.max_failed_logins; ++i) EXPECT_FALSE(auth_->Login("v", "nope").ok());
  EXPECT_EQ(auth_->Login("v", "long-enough").error().code, ErrorCode::kRateLimited);
  clock_.Advance(options_.failed_login_window);
  EXPECT_TRUE(auth_->Login("v", "long-enough").ok());
}

TEST(CallerHasherTest, HashesDigitsWithTheKey) {
  CallerHasher a(std::string(32, 'k')), b(std::string(32, 'q'));
  EXPECT_EQ(a.Hash("138-1234 5678"), a.Hash("13812345678"));
  EXPECT_NE(a.Hash("13812345678"), b.Hash("13812345678"));
  EXPECT_NE(a.Hash("13812345678"), a.Hash("13812345679"));
  EXPECT_EQ(a.Hash(""), "");
  EXPECT_EQ(a.Hash("13812345678").size(), 32u);
}

}  // namespace
}  // namespace jiesu::service
