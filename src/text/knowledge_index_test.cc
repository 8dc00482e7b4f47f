#include "text/knowledge_index.h"

#include <gtest/gtest.h>

namespace jiesu::text {
namespace {

using Words = std::vector<std::string>;

KnowledgeIndex::Point P(Words question, Words answer, bool published = true) {
  KnowledgeIndex::Point p;
  p.question = std::move(question);
  p.answer = std::move(answer);
  p.published = published;
  return p;
}

std::vector<int64_t> Ids(const std::vector<KnowledgeIndex::Hit>& hits) {
  std::vector<int64_t> out;
  for (const auto& h : hits) out.push_back(h.id);
  return out;
}

class KnowledgeIndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    index_.Put(1, P({"暖气", "不热", "怎么办"}, {"室温", "低于", "18", "度", "可", "报修"}));
    index_.Put(2, P({"公交卡", "怎么", "退"}, {"到", "公交卡", "服务", "网点", "办理", "退卡"}));
    index_.Put(3, P({"暖气费", "怎么", "交"}, {"在", "营业厅", "交", "暖气", "费用"}, false));
    index_.Put(4, P({"停车", "收费", "标准"}, {"按", "时段", "收费", "报修", "无关"}));
  }
  KnowledgeIndex index_;
};

TEST_F(KnowledgeIndexTest, QuestionWordsOutrankAnswerWords) {
  auto hits = index_.Search({{"暖气"}}, false, 0, 10);
  ASSERT_EQ(Ids(hits), (std::vector<int64_t>{1, 3}));  // in 1's question, in 3's answer
  EXPECT_GT(hits[0].score, hits[1].score);
  EXPECT_EQ(index_.Frequency("暖气"), 2);
  EXPECT_EQ(index_.Frequency("怎么"), 2);  // not 怎么办
  EXPECT_EQ(index_.Frequency("没有"), 0);
}

TEST_F(KnowledgeIndexTest, RareWordsWeighMoreAndMatchesAddUp) {
  // 报修 is in two answers; 不热 only in point 1: 1 holds both and comes first.
  auto hits = index_.Search({{"报修"}, {"不热"}}, false, 0, 10);
  ASSERT_EQ(Ids(hits), (std::vector<int64_t>{1, 4}));
  auto one = index_.Search({{"不热"}}, false, 0, 10);
  EXPECT_GT(hits[0].score, one[0].score);
}

TEST_F(KnowledgeIndexTest, ContextTermsRankButFindNothing) {
  // 怎么 (in the questions of 2 and 3) alone finds nothing, nor does it bring 2 or 3 in
  // beside a term that only 4 holds.
  EXPECT_TRUE(index_.Search({}, false, 0, 10, {"怎么"}).empty());
  EXPECT_EQ(Ids(index_.Search({{"标准"}}, false, 0, 10, {"怎么"})), (std::vector<int64_t>{4}));
  // Beside 暖气 it lifts 3, which asks 怎么, over 1, which asks 怎么办; 2 stays out. (With a
  // fifth point 怎么 is in fewer than half of them; in half or more it would add nothing.)
  index_.Put(5, P({"路灯", "不亮"}, {"报修"}));
  auto plain = index_.Search({{"暖气"}}, false, 0, 10);
  auto ranked = index_.Search({{"暖气"}}, false, 0, 10, {"怎么"});
  ASSERT_EQ(Ids(plain), (std::vector<int64_t>{1, 3}));
  ASSERT_EQ(Ids(ranked), (std::vector<int64_t>{3, 1}));
  EXPECT_DOUBLE_EQ(ranked[1].score, plain[0].score);
  EXPECT_GT(ranked[0].score, plain[1].score);
  // Each hit says what it was found and ranked by.
  EXPECT_EQ(ranked[0].matched, (Words{"暖气", "怎么"}));
  EXPECT_EQ(ranked[1].matched, (Words{"暖气"}));
}

TEST_F(KnowledgeIndexTest, PhrasesNeedConsecutiveWords) {
  auto phrase = index_.Search({{"退卡"}, {"服务", "网点"}}, false, 0, 10);
  ASSERT_EQ(Ids(phrase), (std::vector<int64_t>{2}));
  EXPECT_EQ(phrase[0].matched, (Words{"退卡", "服务网点"}));
  EXPECT_TRUE(index_.Search({{"网点", "服务"}}, false, 0, 10).empty());
  EXPECT_TRUE(index_.Search({{"公交卡", "暖气"}}, false, 0, 10).empty());
}

TEST_F(KnowledgeIndexTest, CurrentOnlyKeepsPublishedPointsValidNow) {
  EXPECT_EQ(Ids(index_.Search({{"暖气"}}, true, 0, 10)), (std::vector<int64_t>{1}));
  auto p = P({"暖气", "不热", "怎么办"}, {"报修"});
  p.valid_from_ms = 100;
  p.valid_to_ms = 200;
  index_.Put(1, p);
  EXPECT_TRUE(index_.Search({{"暖气"}}, true, 99, 10).empty());
  EXPECT_EQ(Ids(index_.Search({{"暖气"}}, true, 100, 10)), (std::vector<int64_t>{1}));
  EXPECT_TRUE(index_.Search({{"暖气"}}, true, 200, 10).empty());  // valid_to is exclusive
  EXPECT_EQ(index_.Search({{"暖气"}}, false, 200, 10).size(), 2u);
}

TEST_F(KnowledgeIndexTest, ReplacingAndRemovingKeepTheCounts) {
  index_.Put(2, P({"地铁", "票价"}, {"按", "里程", "计价"}));
  EXPECT_EQ(index_.Frequency("公交卡"), 0);
  EXPECT_EQ(Ids(index_.Search({{"票价"}}, false, 0, 10)), (std::vector<int64_t>{2}));
  index_.Remove(2);
  index_.Remove(2);  // twice: nothing happens
  EXPECT_EQ(index_.size(), 3u);
  EXPECT_TRUE(index_.Search({{"票价"}}, false, 0, 10).empty());
  EXPECT_EQ(index_.Frequency("怎么"), 1);
  EXPECT_EQ(index_.Search({{"怎么"}, {"报修"}, {"收费"}}, false, 0, 2).size(), 2u);  // limit
}

}  // namespace
}  // namespace jiesu::text
