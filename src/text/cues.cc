#include "text/cues.h"

#include <algorithm>
#include <array>
#include <map>

#include "base/utf8.h"

namespace jiesu::text {

namespace {

struct Cue {
  const char* word;
  const char* type;
  int weight;
};

// Strong cues name the act ("举报"), weak ones describe it ("乱收费" is usually a complaint).
constexpr std::array kTypeCues = {
    Cue{"举报", "举报", 3},     Cue{"实名举报", "举报", 2}, Cue{"涉嫌", "举报", 1},
    Cue{"违法", "举报", 1},     Cue{"非法", "举报", 1},     Cue{"偷排", "举报", 1},
    Cue{"投诉", "投诉", 3},     Cue{"不作为", "投诉", 1},   Cue{"乱收费", "投诉", 1},
    Cue{"扰民", "投诉", 1},     Cue{"态度恶劣", "投诉", 1}, Cue{"态度蛮横", "投诉", 1},
    Cue{"拖欠", "投诉", 1},     Cue{"维权", "投诉", 1},     Cue{"不合理", "投诉", 1},
    Cue{"建议", "建议", 3},     Cue{"提议", "建议", 3},     Cue{"呼吁", "建议", 1},
    Cue{"增设", "建议", 1},     Cue{"增开", "建议", 1},     Cue{"希望能", "建议", 1},
    Cue{"能否", "咨询", 1},     Cue{"请问", "咨询", 3},     Cue{"咨询", "咨询", 3},
    Cue{"怎么办理", "咨询", 2}, Cue{"如何办理", "咨询", 2}, Cue{"是否", "咨询", 1},
    Cue{"什么时候", "咨询", 1}, Cue{"何时", "咨询", 1},     Cue{"需要什么", "咨询", 1},
    Cue{"求助", "求助", 3},     Cue{"求救", "求助", 3},     Cue{"帮帮", "求助", 2},
    Cue{"急需", "求助", 2},     Cue{"无处", "求助", 1},     Cue{"救救", "求助", 3},
    Cue{"反映", "求助", 1},     Cue{"请求", "求助", 1},     Cue{"帮忙", "求助", 2},
    Cue{"表扬", "表扬", 3},     Cue{"感谢", "表扬", 2},     Cue{"致谢", "表扬", 3},
    Cue{"锦旗", "表扬", 3},     Cue{"点赞", "表扬", 2},     Cue{"得到了重视", "表扬", 2},
};

constexpr std::array kImmediate = {
    "燃气泄漏", "煤气泄漏", "天然气泄漏", "漏气", "触电",     "漏电",  "坠落", "坠楼",
    "起火",     "着火了",   "火灾",       "爆炸", "坍塌",     "塌陷",  "被困", "溺水",
    "井盖丢失", "没有井盖", "有人受伤",   "昏迷", "急需输血", "熊猫血"};
constexpr std::array kSerious = {"停水", "停电",     "停气", "停暖",     "没有暖气", "断水",
                                 "断电", "安全隐患", "危险", "情况紧急", "紧急",     "随时可能"};
// A danger word after one of these (within a few characters) is feared, not happening.
// So is one reported from elsewhere or the past ("网上看到…坍塌事故", "前几年…爆炸事件").
constexpr std::array kHypothetical = {"一旦", "可能", "如果",   "万一", "以免",   "防止",
                                      "避免", "隐患", "担心",   "害怕", "会不会", "试想",
                                      "看到", "新闻", "前几年", "以前", "曾经"};

// Byte offsets of every occurrence of `word` in `s`.
std::vector<size_t> Find(std::string_view s, std::string_view word) {
  std::vector<size_t> at;
  for (size_t p = s.find(word); p != std::string_view::npos; p = s.find(word, p + word.size())) {
    at.push_back(p);
  }
  return at;
}

void AddCue(std::vector<std::pair<size_t, std::string>>& found, size_t at, const char* word) {
  for (const auto& [pos, w] : found) {
    if (w == word) return;
  }
  found.emplace_back(at, word);
}

std::vector<std::string> InOrder(std::vector<std::pair<size_t, std::string>> found) {
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& [pos, w] : found) out.push_back(std::move(w));
  return out;
}

}  // namespace

CueHint RequestTypeHint(std::string_view s) {
  const size_t opening = Utf8Prefix(s, 40).size();
  std::map<std::string, int> score;
  std::map<std::string, std::vector<std::pair<size_t, std::string>>> cues;
  for (const Cue& c : kTypeCues) {
    for (size_t at : Find(s, c.word)) {
      score[c.type] += c.weight * (at < opening ? 2 : 1);
      AddCue(cues[c.type], at, c.word);
    }
  }
  // Question forms: a question mark, or a sentence ending in 吗.
  for (std::string_view q : {"?", "吗"}) {
    for (size_t at : Find(s, q)) {
      score["咨询"] += at < opening ? 2 : 1;
      AddCue(cues["咨询"], at, q == "?" ? "?" : "吗");
    }
  }
  CueHint hint;
  int best = 0;
  for (const auto& [type, points] : score) {
    if (points > best) {
      best = points;
      hint.value = type;
    }
  }
  if (!hint.value.empty()) hint.cues = InOrder(cues[hint.value]);
  return hint;
}

CueHint UrgencyHint(std::string_view s) {
  std::vector<std::pair<size_t, std::string>> immediate, serious;
  for (const char* w : kImmediate) {
    for (size_t at : Find(s, w)) {
      // Feared or reported, not happening: a marker in the 12 characters before it.
      const size_t from = at >= 36 ? at - 36 : 0;
      std::string_view before = s.substr(from, at - from);
      const bool feared =
          std::any_of(kHypothetical.begin(), kHypothetical.end(),
                      [&](const char* h) { return before.find(h) != std::string_view::npos; });
      AddCue(feared ? serious : immediate, at, w);
    }
  }
  for (const char* w : kSerious) {
    for (size_t at : Find(s, w)) AddCue(serious, at, w);
  }
  CueHint hint;
  if (!immediate.empty()) {
    hint.value = "特急";
    hint.cues = InOrder(std::move(immediate));
  } else if (!serious.empty()) {
    hint.value = "紧急";
    hint.cues = InOrder(std::move(serious));
  }
  return hint;
}

}  // namespace jiesu::text
