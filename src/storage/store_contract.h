// The contract every Store backend must meet, as one parameterised test suite. A backend's
// test file instantiates it with a factory:
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreContractTest, ::testing::Values(&MakeSqliteFactory));
// and compiles store_contract_test.cc into its test binary.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "storage/store.h"

namespace jiesu::storage::testing {

class StoreFactory {
 public:
  virtual ~StoreFactory() = default;
  // Opens the store over the same data each time (a reopen after the previous one is gone).
  virtual std::unique_ptr<Store> Open() = 0;
};

using FactoryMaker = std::unique_ptr<StoreFactory> (*)();

class StoreContractTest : public ::testing::TestWithParam<FactoryMaker> {
 protected:
  void SetUp() override {
    factory_ = GetParam()();
    store_ = factory_->Open();
    ASSERT_NE(store_, nullptr);
  }
  void Reopen() {
    store_.reset();
    store_ = factory_->Open();
    ASSERT_NE(store_, nullptr);
  }

  std::unique_ptr<StoreFactory> factory_;
  std::unique_ptr<Store> store_;
};

}  // namespace jiesu::storage::testing
