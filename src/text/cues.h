// Request type (咨询/求助/投诉/举报/建议/表扬) and urgency hints from transparent cue rules.
// No labelled data exists for either, so these are rules an agent can read and confirm, not a
// model: each hint names the cue words that produced it.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace jiesu::text {

struct CueHint {
  std::string value;              // "投诉", "特急", … empty when no cue fired
  std::vector<std::string> cues;  // the cue words found, in text order
};

// The request type whose cues weigh most. A cue counts double in the first 40 characters (the
// title or opening sentence says what the writer wants); question forms count for 咨询.
CueHint RequestTypeHint(std::string_view normalized);

// 特急 for an immediate danger to people (燃气泄漏, 触电, 坠落, 起火, 被困, …), 紧急 for an
// outage or a hazard (停水, 停电, 安全隐患, 情况紧急, …) or for a danger word that is only
// feared ("一旦爆炸", "可能坍塌"); empty otherwise.
CueHint UrgencyHint(std::string_view normalized);

}  // namespace jiesu::text
