#include "storage/sqlite/sqlite_store.h"

#include <unistd.h>

#include <filesystem>

#include "storage/store_contract.h"

namespace jiesu::storage::sqlite {
namespace {

namespace fs = std::filesystem;

class SqliteFactory final : public testing::StoreFactory {
 public:
  SqliteFactory() {
    dir_ = fs::temp_directory_path() /
           ("jiesu-sqlite-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  ~SqliteFactory() override { fs::remove_all(dir_); }
  std::unique_ptr<Store> Open() override {
    auto s = SqliteStore::Open(Options{(dir_ / "jiesu.db").string(), 2, 512});
    EXPECT_TRUE(s.ok()) << s.error().ToString();
    return s.ok() ? std::unique_ptr<Store>(std::move(*s)) : nullptr;
  }

 private:
  static inline int counter_ = 0;
  fs::path dir_;
};

std::unique_ptr<testing::StoreFactory> MakeSqliteFactory() { return std::make_unique<SqliteFactory>(); }

using testing::StoreContractTest;
INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(&MakeSqliteFactory),
                         [](const auto&) { return std::string("sqlite"); });

TEST(SqliteStoreTest, MigrateIsIdempotentAndReportsTheVersion) {
  fs::path dir = fs::temp_directory_path() / ("jiesu-migrate-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto v1 = SqliteStore::Migrate((dir / "m.db").string());
  ASSERT_TRUE(v1.ok()) << v1.error().ToString();
  EXPECT_EQ(*v1, SchemaVersion());
  auto v2 = SqliteStore::Migrate((dir / "m.db").string());
  EXPECT_EQ(*v2, *v1);
  fs::remove_all(dir);
}

TEST(SqliteStoreTest, UnopenablePathIsUnavailable) {
  auto s = SqliteStore::Open(Options{"/nonexistent-dir/x/jiesu.db", 1, 16});
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace jiesu::storage::sqlite
