#include "service/knowledge.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <set>
#include <string_view>
#include <unordered_set>

#include "analytics/csv.h"
#include "base/utf8.h"

namespace jiesu::service {

namespace {

// The words of the segmenter's space-separated output.
std::vector<std::string> SplitWords(const std::string& text) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < text.size()) {
    size_t j = text.find(' ', i);
    if (j == std::string::npos) j = text.size();
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

// Words that say nothing about what a request is about: question and function words, and the
// hotline's boilerplate (希望有关部门尽快处理). A knowledge point that shares only these with a
// request does not answer it, yet in a small knowledge base they are rare enough to rank it
// first; so they only rank the points the request's other words find (什么时候 still prefers
// the point asking when). Request-type words (投诉, 咨询, 举报, 建议) are not among them: a point
// may be about how to complain. The forms are those the segmenter (ICU) gives.
bool IsGeneric(std::string_view w) {
  static const std::unordered_set<std::string_view> kGeneric = {
      // questions
      "请问", "怎么办", "怎么", "怎样", "如何", "什么", "什么时候", "为什么", "为何", "哪里",
      "哪儿", "哪个", "哪些", "何时", "是否", "能否", "可否", "可以", "能够", "应该", "需要",
      "多少", "多久",
      // pronouns and deixis
      "我们", "你们", "您们", "他们", "她们", "这个", "那个", "这些", "那些", "这样", "那样",
      "这里", "那里", "本人", "自己", "大家", "有人", "所在", "附近", "其中",
      // time and degree
      "一直", "已经", "还是", "现在", "目前", "当前", "今天", "今年", "每天", "经常", "总是",
      "多次", "非常", "特别", "十分", "比较", "严重", "尽快", "马上", "立即", "及时", "仍然",
      "一下", "一个", "一些",
      // the hotline's boilerplate
      "希望", "要求", "请求", "恳请", "反映", "问题", "情况", "事情", "有关", "相关", "部门",
      "单位", "领导", "政府", "处理", "解决", "落实", "核实", "协调", "帮忙", "帮助", "回复",
      "答复", "市民", "群众", "居民", "老百姓", "来电", "热线", "谢谢", "感谢", "你好", "您好",
      // verbs of being and happening
      "没有", "不是", "存在", "进行", "出现", "发生", "导致", "造成", "影响"};
  return kGeneric.count(w) > 0;
}

std::string Join(const std::vector<std::string>& words) {
  std::string out;
  for (const auto& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

}  // namespace

Knowledge::Knowledge(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
                     const Suggester& text)
    : store_(store), j_(j), clock_(clock), text_(text) {
  for (const auto& group : j_.synonyms) {
    std::vector<std::vector<std::string>> words;
    for (const auto& g : group) words.push_back(SplitWords(text_.Words(g)));
    for (const auto& w : words) {
      auto& all = synonyms_[Join(w)];
      all.insert(all.end(), words.begin(), words.end());
    }
  }
}

text::KnowledgeIndex::Point Knowledge::Indexed(const storage::KnowledgePoint& p) const {
  text::KnowledgeIndex::Point out;
  out.question = SplitWords(text_.Words(p.question));
  out.answer = SplitWords(text_.Words(p.answer + " " + p.basis));
  out.published = p.status == "published";
  if (p.valid_from) out.valid_from_ms = ToUnixMillis(*p.valid_from);
  if (p.valid_to) out.valid_to_ms = ToUnixMillis(*p.valid_to);
  return out;
}

int Knowledge::Frequency(const std::vector<std::string>& words) const {
  int rarest = -1;
  for (const auto& w : words) {
    const int n = index_.Frequency(w);
    rarest = rarest < 0 ? n : std::min(rarest, n);
  }
  return std::max(rarest, 0);
}

Status Knowledge::ForEachStored(const std::function<void(storage::KnowledgePoint&)>& fn) {
  int64_t after = 0;
  while (true) {
    JIESU_ASSIGN_OR_RETURN(auto page, store_.ListKnowledge(after, 500));
    for (auto& p : page) fn(p);
    if (page.size() < 500) return {};
    after = page.back().id;
  }
}

Status Knowledge::Warm() {
  std::lock_guard write(write_mu_);
  return ForEachStored([&](storage::KnowledgePoint& p) {
    auto indexed = Indexed(p);
    std::unique_lock lock(mu_);
    index_.Put(p.id, std::move(indexed));
  });
}

Knowledge::Query Knowledge::QueryTerms(const std::vector<std::string>& words) const {
  // Single characters only when every longer word is generic: they match nearly everything.
  // (社保怎么查 is 社 保 怎么 查 to the segmenter.)
  bool longer = false;
  for (const auto& w : words) longer = longer || (Utf8Length(w) >= 2 && !IsGeneric(w));
  // The words that can match (themselves or a synonym), rarest in the knowledge base first;
  // at most kMaxWords: the rarest say most about what the text is about, and every extra word
  // ranks more points.
  constexpr size_t kMaxWords = 6;
  std::vector<std::pair<int, std::string>> candidates;  // (frequency, word), in text order
  Query q;
  {
    std::shared_lock lock(mu_);
    std::set<std::string> seen;
    for (const auto& w : words) {
      if ((longer && Utf8Length(w) < 2) || !seen.insert(w).second) continue;
      const int n = index_.Frequency(w);
      if (IsGeneric(w)) {
        if (n > 0) q.context.push_back(w);
        continue;
      }
      int any = n;
      if (auto it = synonyms_.find(w); it != synonyms_.end()) {
        for (const auto& s : it->second) any = std::max(any, Frequency(s));
      }
      if (any == 0) continue;  // nothing in the knowledge base holds it
      candidates.emplace_back(n > 0 ? n : any, w);
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  if (candidates.size() > kMaxWords) candidates.resize(kMaxWords);
  std::set<std::vector<std::string>> terms;
  for (const auto& [n, w] : candidates) {
    terms.insert({w});
    if (auto it = synonyms_.find(w); it != synonyms_.end()) {
      for (const auto& s : it->second) {
        if (!s.empty()) terms.insert(s);
      }
    }
  }
  q.terms.assign(terms.begin(), terms.end());
  return q;
}

Status Knowledge::Validate(const storage::KnowledgePoint& p) const {
  const size_t limit = static_cast<size_t>(j_.policy.max_content_chars);
  for (auto [field, value] : {std::pair<const char*, const std::string*>{"question", &p.question},
                              {"answer", &p.answer}}) {
    if (value->empty()) return InvalidArgument(std::string(field) + " is required", field);
  }
  for (auto [field, value] : {std::pair<const char*, const std::string*>{"question", &p.question},
                              {"answer", &p.answer},
                              {"basis", &p.basis}}) {
    if (Utf8Length(*value) > limit) {
      return Error{ErrorCode::kTooLarge,
                   std::string(field) + " is longer than " + std::to_string(limit) + " characters",
                   field};
    }
  }
  if (p.status != "draft" && p.status != "published" && p.status != "retired") {
    return InvalidArgument("status must be draft, published or retired", "status");
  }
  if (!p.owner_unit.empty() && j_.units.Find(p.owner_unit) == nullptr) {
    return InvalidArgument("unknown unit '" + p.owner_unit + "'", "owner_unit");
  }
  if (p.valid_from && p.valid_to && *p.valid_to <= *p.valid_from) {
    return InvalidArgument("valid_to must be after valid_from", "valid_to");
  }
  return Ok();
}

Status Knowledge::MayChange(const domain::Actor& actor) const {
  if (!j_.roles.Allows(actor.role, domain::Action::kManageKnowledge)) {
    return Forbidden("role " + actor.role + " may not change the knowledge base");
  }
  return Ok();
}

Result<storage::KnowledgePoint> Knowledge::Save(const domain::Actor& actor,
                                                storage::KnowledgePoint p) {
  JIESU_RETURN_IF_ERROR(MayChange(actor));
  JIESU_RETURN_IF_ERROR(Validate(p));
  std::vector<storage::KnowledgePoint> one;
  one.push_back(std::move(p));
  JIESU_ASSIGN_OR_RETURN(auto saved, Commit(std::move(one)));
  return std::move(saved.front());
}

Result<std::vector<storage::KnowledgePoint>> Knowledge::SaveAll(
    const domain::Actor& actor, std::vector<storage::KnowledgePoint> points) {
  JIESU_RETURN_IF_ERROR(MayChange(actor));
  for (size_t i = 0; i < points.size(); ++i) {
    if (Status s = Validate(points[i]); !s.ok()) {
      Error e = s.error();
      const std::string at = "points[" + std::to_string(i) + "]";
      e.message = at + ": " + e.message;
      e.field = at + "." + e.field;
      return e;
    }
  }
  return Commit(std::move(points));
}

Result<std::vector<storage::KnowledgePoint>> Knowledge::Commit(
    std::vector<storage::KnowledgePoint> points) {
  const TimePoint now = clock_.Now();
  std::vector<text::KnowledgeIndex::Point> indexed;
  indexed.reserve(points.size());
  for (auto& p : points) {
    p.updated_at = now;
    indexed.push_back(Indexed(p));
  }
  std::lock_guard write(write_mu_);
  JIESU_ASSIGN_OR_RETURN(auto saved, store_.SaveKnowledgePoints(std::move(points)));
  std::unique_lock lock(mu_);
  for (size_t i = 0; i < saved.size(); ++i) index_.Put(saved[i].id, std::move(indexed[i]));
  return saved;
}

Result<storage::KnowledgePoint> Knowledge::Get(int64_t id) { return store_.GetKnowledge(id); }

Result<std::vector<storage::KnowledgePoint>> Knowledge::All(const domain::Actor& actor) {
  JIESU_RETURN_IF_ERROR(MayChange(actor));
  std::vector<storage::KnowledgePoint> out;
  JIESU_RETURN_IF_ERROR(
      ForEachStored([&](storage::KnowledgePoint& p) { out.push_back(std::move(p)); }));
  return out;
}

Status Knowledge::Delete(const domain::Actor& actor, int64_t id) {
  JIESU_RETURN_IF_ERROR(MayChange(actor));
  std::lock_guard write(write_mu_);
  JIESU_RETURN_IF_ERROR(store_.DeleteKnowledge(id));
  std::unique_lock lock(mu_);
  index_.Remove(id);
  return {};
}

Result<std::vector<KnowledgeHit>> Knowledge::Search(const std::string& text, bool current_only,
                                                    int limit) {
  return SearchWords(text_.TopicWords(text), current_only, limit);
}

Result<std::vector<KnowledgeHit>> Knowledge::SearchWords(const std::vector<std::string>& words,
                                                         bool current_only, int limit) {
  if (limit < 1 || limit > 100) return InvalidArgument("limit must be between 1 and 100", "limit");
  const Query q = QueryTerms(words);
  std::vector<KnowledgeHit> out;
  if (q.terms.empty()) return out;
  std::vector<text::KnowledgeIndex::Hit> hits;
  {
    std::shared_lock lock(mu_);
    hits = index_.Search(q.terms, current_only, ToUnixMillis(clock_.Now()),
                         static_cast<size_t>(limit), q.context);
  }
  for (auto& h : hits) {
    auto p = store_.GetKnowledge(h.id);
    if (!p.ok()) {
      if (p.error().code == ErrorCode::kNotFound) continue;  // deleted since
      return p.error();
    }
    out.push_back({std::move(*p), h.score, std::move(h.matched)});
  }
  return out;
}

Result<std::vector<storage::KnowledgePoint>> KnowledgeFromCsv(const std::string& body,
                                                              const domain::Jurisdiction& j,
                                                              std::vector<int64_t>& lines) {
  std::vector<int> column;  // per CSV field: its index in kKnowledgeColumns
  std::vector<storage::KnowledgePoint> out;
  Status problem;
  auto fail = [&](int64_t line, const std::string& msg, const std::string& field) {
    problem = InvalidArgument("line " + std::to_string(line) + ": " + msg, field);
    return false;
  };
  JIESU_RETURN_IF_ERROR(analytics::ParseCsv(body, "body", [&](const analytics::CsvRow& row) {
    if (column.empty()) {
      bool question = false, answer = false;
      for (std::string name : row.fields) {
        // A spreadsheet's UTF-8 mark (the export writes one for Excel).
        if (column.empty() && name.rfind("\xEF\xBB\xBF", 0) == 0) name.erase(0, 3);
        auto it = std::find(kKnowledgeColumns.begin(), kKnowledgeColumns.end(), name);
        if (it == kKnowledgeColumns.end())
          return fail(row.line, "unknown column '" + name + "'", name);
        const int k = static_cast<int>(it - kKnowledgeColumns.begin());
        if (std::find(column.begin(), column.end(), k) != column.end())
          return fail(row.line, "column '" + name + "' appears twice", name);
        column.push_back(k);
        question = question || name == "question";
        answer = answer || name == "answer";
      }
      if (!question || !answer)
        return fail(row.line, "question and answer columns are required", "");
      return true;
    }
    if (row.fields.size() != column.size()) {
      return fail(row.line,
                  std::to_string(row.fields.size()) + " fields where the header has " +
                      std::to_string(column.size()),
                  "");
    }
    storage::KnowledgePoint p;
    p.status = "published";
    for (size_t i = 0; i < column.size(); ++i) {
      const std::string& v = row.fields[i];
      const std::string& name = kKnowledgeColumns[static_cast<size_t>(column[i])];
      if (!IsValidUtf8(v)) return fail(row.line, name + " is not valid UTF-8", name);
      if (name == "id") {
        if (v.empty()) continue;
        int64_t id = 0;
        auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), id);
        if (ec != std::errc() || end != v.data() + v.size() || id <= 0)
          return fail(row.line, "id must be a positive integer", name);
        p.id = id;
      } else if (name == "valid_from" || name == "valid_to") {
        if (v.empty()) continue;
        std::optional<TimePoint> t;
        if (auto d = ParseDate(v); d.ok()) {
          t = StartOfLocalDay(*d, j.utc_offset_minutes);
        } else if (auto rfc = ParseRfc3339(v); rfc.ok()) {
          t = *rfc;
        } else {
          return fail(row.line, name + " must be a date (YYYY-MM-DD) or an RFC 3339 time", name);
        }
        (name == "valid_from" ? p.valid_from : p.valid_to) = t;
      } else if (name == "status") {
        if (!v.empty()) p.status = v;
      } else {
        (name == "question" ? p.question
         : name == "answer" ? p.answer
         : name == "basis"  ? p.basis
                            : p.owner_unit) = v;
      }
    }
    out.push_back(std::move(p));
    lines.push_back(row.line);
    return true;
  }));
  if (!problem.ok()) return problem.error();
  if (column.empty()) return InvalidArgument("the CSV body is empty: it needs a header row");
  return out;
}

}  // namespace jiesu::service
