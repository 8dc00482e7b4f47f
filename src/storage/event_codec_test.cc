// Stored events: documents written before empty fields were left out still read the same, and
// what EncodeEvent writes now reads back to the same event.
#include "storage/event_codec.h"

#include <gtest/gtest.h>

namespace jiesu::storage {
namespace {

// A received event as session 8 stored it, every field written out.
constexpr std::string_view kOldReceived =
    R"j({"type":"received","leg":0,"actor":{"id":2,"username":"agent1","role":"agent","unit":""},)j"
    R"j("at":1795989912626,"from":"","to":"received","text":"dispatch=dispatch.default (2 hours)",)j"
    R"j("code":"JS2026113000000001","draft":{"channel":"phone","request_type":"complaint",)j"
    R"j("urgency":"normal","category":"010104","title":"","content":"暖气不热",)j"
    R"j("caller":{"name":"张先生","phone":"13812345678","anonymous":false,)j"
    R"j("phone_hash":"f6e4"},"confidential":false,"call_id":"","recording_id":"",)j"
    R"j("location":{"address":"朝阳区建外街道","district":"110105","street":"110105001",)j"
    R"j("community":""},"tags":[]},"deadline":1795997112626})j";

TEST(EventCodecTest, OldDocumentsReadTheSameAndNewOnesLeaveOutEmptyFields) {
  auto old = DecodeEvent(7, 1, kOldReceived);
  ASSERT_TRUE(old.ok()) << old.error().ToString();
  EXPECT_EQ(old->type, domain::EventType::kReceived);
  EXPECT_EQ(old->actor.username, "agent1");
  EXPECT_EQ(old->to_state, "received");
  ASSERT_TRUE(old->draft.has_value());
  EXPECT_EQ(old->draft->content, "暖气不热");
  EXPECT_EQ(old->draft->caller.phone, "13812345678");
  EXPECT_EQ(old->draft->location.street_code, "110105001");
  ASSERT_TRUE(old->deadline.has_value());

  const std::string now = EncodeEvent(*old);
  EXPECT_LT(now.size(), kOldReceived.size());
  for (const char* gone :
       {"\"leg\"", "\"from\"", "\"title\"", "\"anonymous\"", "\"confidential\"", "\"call_id\"",
        "\"recording_id\"", "\"community\"", "\"tags\"", "\"unit\""}) {
    EXPECT_EQ(now.find(gone), std::string::npos) << gone << " in " << now;
  }
  auto again = DecodeEvent(7, 1, now);
  ASSERT_TRUE(again.ok()) << again.error().ToString();
  EXPECT_EQ(EncodeEvent(*again), now);
  EXPECT_EQ(again->draft->caller.phone_hash, "f6e4");
  EXPECT_EQ(again->draft->location.district_code, "110105");
  EXPECT_EQ(again->draft->channel, old->draft->channel);
  EXPECT_EQ(again->draft->request_type, old->draft->request_type);
  EXPECT_EQ(again->draft->urgency, old->draft->urgency);
  EXPECT_EQ(again->deadline, old->deadline);
  EXPECT_EQ(again->code, old->code);

  // Set fields are kept.
  domain::Event e = *old;
  e.leg = 2;
  e.from_state = "dispatched";
  e.draft->confidential = true;
  e.draft->caller.anonymous = true;
  e.draft->requester_tags = {"老年人"};
  auto kept = DecodeEvent(7, 1, EncodeEvent(e));
  ASSERT_TRUE(kept.ok());
  EXPECT_EQ(kept->leg, 2);
  EXPECT_EQ(kept->from_state, "dispatched");
  EXPECT_TRUE(kept->draft->confidential);
  EXPECT_TRUE(kept->draft->caller.anonymous);
  EXPECT_EQ(kept->draft->requester_tags, std::vector<std::string>{"老年人"});
}

}  // namespace
}  // namespace jiesu::storage
