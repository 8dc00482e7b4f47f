// A jurisdiction as data: its areas, units, taxonomy, dispatch catalogue, time-limit rules,
// calendar, roles and policy numbers. Loaded and validated by config/; immutable afterwards,
// so it is safe to share between threads.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.h"
#include "domain/calendar.h"
#include "domain/enums.h"

namespace jiesu::domain {

// An administrative area: district (区, 6-digit code), street/township (街乡镇, 9 digits) or
// community (社区/村, 12 digits).
struct Area {
  std::string code;
  std::string name;
  std::string parent_code;  // empty for the top level of the jurisdiction
  int64_t population = 0;   // residents, for 万人诉求比; 0 = unknown
};

struct Unit {
  std::string id;
  std::string name;
  UnitClass unit_class = UnitClass::kDistrict;
  std::string parent_id;  // empty for a top-level unit
  std::string area_code;  // the area it governs, if any (districts and streets)
};

class UnitDirectory {
 public:
  // REQUIRES: ids unique and parents present (checked by the config loader).
  explicit UnitDirectory(std::vector<Unit> units = {});

  const Unit* Find(const std::string& id) const;
  // True when `descendant` is strictly below `ancestor` in the unit tree.
  bool IsBelow(const std::string& descendant, const std::string& ancestor) const;
  // The unit that governs `area_code` or, walking up, the nearest governing area's unit.
  const Unit* GoverningUnit(const std::string& area_code) const;
  const std::vector<Unit>& all() const { return units_; }

 private:
  std::vector<Unit> units_;
  std::unordered_map<std::string, size_t> by_id_;
  std::unordered_map<std::string, size_t> by_area_;
};

struct Category {
  std::string code;  // two digits per level: "01", "0103", "010305"
  std::string name;
};

class Taxonomy {
 public:
  Taxonomy() = default;
  Taxonomy(std::string version, std::vector<Category> categories);
  const Category* Find(const std::string& code) const;
  // A category named by its code or, failing that, by its name (the shortest code with that
  // name: the most general): how a classifier's labels are read. Null when neither.
  const Category* Resolve(const std::string& code_or_name) const;
  // True when `code` lies below `ancestor` (codes take two digits per level).
  static bool IsBelow(const std::string& code, const std::string& ancestor) {
    return code.size() > ancestor.size() && code.rfind(ancestor, 0) == 0;
  }
  const std::string& version() const { return version_; }
  const std::vector<Category>& all() const { return categories_; }

 private:
  std::string version_;
  std::vector<Category> categories_;
  std::unordered_map<std::string, size_t> by_code_;
};

// One row of the dispatch catalogue (派单目录): orders whose category code starts with
// `category_prefix` and whose area code starts with `area_prefix` go to `lead_unit`, with
// `co_units` as 协办. Empty prefixes match everything.
struct CatalogueRow {
  std::string category_prefix;
  std::string area_prefix;
  std::string lead_unit;
  std::vector<std::string> co_units;
};

struct DispatchSuggestion {
  std::string lead_unit;
  std::vector<std::string> co_units;
  std::string reason;  // e.g. "catalogue: 0104 × 110105 → bj.heat" or "fallback: district 110105"
};

class DispatchCatalogue {
 public:
  DispatchCatalogue() = default;
  explicit DispatchCatalogue(std::vector<CatalogueRow> rows) : rows_(std::move(rows)) {}

  // The most specific row (longest category prefix, then longest area prefix) for the order;
  // with no row, the government of the order's district (Beijing's 兜底 rule). NotFound when
  // neither exists.
  Result<DispatchSuggestion> Suggest(const std::string& category, const std::string& area_code,
                                     const UnitDirectory& units) const;
  const std::vector<CatalogueRow>& rows() const { return rows_; }

 private:
  std::vector<CatalogueRow> rows_;
};

// The stages whose durations are limited.
enum class Stage {
  kDispatch,      // order received → dispatched (or answered); e.g. web requests within 2 h
  kSign,          // leg dispatched → signed
  kReply,         // leg dispatched (or reopened) → replied
  kReturnWindow,  // leg dispatched → last moment a return may be requested
  kContact,       // leg dispatched → the unit has contacted the caller (optional; else = reply)
};
std::string_view StageName(Stage s);
std::optional<Stage> ParseStage(std::string_view s);

// What a time-limit rule can be conditioned on.
struct RuleSubject {
  Urgency urgency = Urgency::kNormal;
  RequestType request_type = RequestType::kOther;
  Channel channel = Channel::kPhone;
  std::string category;
  bool complex = false;
};

struct LimitRule {
  std::string name;  // shown in the order's history ("reply.utilities")
  Stage stage = Stage::kReply;
  std::optional<Urgency> urgency;
  std::optional<RequestType> request_type;
  std::optional<Channel> channel;
  std::string category_prefix;  // empty = any
  std::optional<bool> complex;
  TimeLimit limit;

  bool Matches(Stage s, const RuleSubject& subject) const;
  int Specificity() const;
};

class TimeLimitRules {
 public:
  TimeLimitRules() = default;
  explicit TimeLimitRules(std::vector<LimitRule> rules) : rules_(std::move(rules)) {}
  // The most specific matching rule (most conditions set; earlier rows win ties).
  // NotFound when no rule matches (the loader requires a catch-all per stage).
  Result<const LimitRule*> Find(Stage stage, const RuleSubject& subject) const;
  const std::vector<LimitRule>& all() const { return rules_; }

 private:
  std::vector<LimitRule> rules_;
};

struct RoleDef {
  std::string name;
  std::string label;
  bool hotline = false;      // hotline staff see caller identity, also on 保密 orders
  bool unit_scoped = false;  // acts only on legs of its own unit; sees caller masked
  bool manage_users = false;
  bool view_audit = false;  // may read who viewed callers' identities
  std::set<Action> actions;
  // The role of requests made on the public page (no log-in): no account may have it, and a
  // jurisdiction without such a role has no public page.
  bool is_public = false;
};

class Roles {
 public:
  Roles() = default;
  explicit Roles(std::vector<RoleDef> roles);
  const RoleDef* Find(const std::string& name) const;
  bool Allows(const std::string& role, Action action) const;
  // Administrators: create accounts, replace the category model, see server paths.
  bool ManagesUsers(const std::string& role) const;
  // The public role (RoleDef::is_public), or null when the jurisdiction has none.
  const RoleDef* PublicRole() const;
  const std::vector<RoleDef>& all() const { return roles_; }

 private:
  std::vector<RoleDef> roles_;
};

// Numbers the rules of SPEC §2 use; defaults are the spec's.
struct Policy {
  int max_failed_dispatches =
      3;  // after this many approved lead returns, the handler is designated
  int max_extensions_per_leg = 2;
  int max_extension_days = 30;  // working days per request
  int max_reopens = 2;          // 重办 beyond this closes the order as unsatisfied
  // A citizen rating on the public page may ask for 重办 this many calendar days (24 h each)
  // after the unit's reply; 0: citizens cannot ask for it there.
  int citizen_reopen_days = 7;
  int max_visit_attempts = 3;   // unreached visits before the order is closed as unreachable
  int max_content_chars = 5000;
  int max_text_chars = 2000;  // replies, reasons, comments
  // Deadline warnings (SPEC §3): 黄牌 this long before a sign or reply deadline (never earlier
  // than half-way), 红牌 when it passes, then 催办 every `urge_every_minutes` while the reply
  // stays overdue, at most `max_urges` times.
  int yellow_card_before_minutes = 24 * 60;
  int urge_every_minutes = 24 * 60;
  int max_urges = 3;
};

// The weights of one composite score (SPEC §4), in points; they need not add up to 100.
struct CompositeWeights {
  double response = 30;
  double resolution = 35;
  double satisfaction = 35;
};

// A composite weighting that applies from month `from` (YYYY-MM) on, to one unit class or all.
struct WeightRule {
  std::string from;  // "" = since always
  std::optional<UnitClass> unit_class;
  CompositeWeights weights;
};

struct VisitRule {
  std::string unit;             // "" = any unit
  std::string category_prefix;  // "" = any category
  std::optional<UnitClass> unit_class;
  double share = 1.0;
};

// How units are evaluated (考核).
struct Evaluation {
  double basically_satisfied_weight = 0.6;  // w in 满意率 = (满意 + w × 基本满意) ÷ visited
  std::vector<WeightRule> weights;          // the latest matching rule wins
  int list_size = 3;                        // red and black lists: top and bottom N per class
  // Visit a sample of orders instead of all (回访抽样): the share (0..1] of replied orders
  // visited, by lead unit, category and unit class; the most specific rule wins (a unit over
  // a category over a class; a longer category prefix over a shorter one). Orders no rule
  // matches are all visited.
  std::vector<VisitRule> visit_sample;

  CompositeWeights WeightsFor(UnitClass c, const std::string& month) const;
  // The share of orders led by `unit` (of class `c`) in `category` that are visited.
  double VisitShare(const std::string& unit, UnitClass c, const std::string& category) const;
};

struct Jurisdiction {
  std::string id;
  std::string name;
  int utc_offset_minutes = 480;
  std::map<std::string, Area> areas;
  UnitDirectory units;
  Taxonomy taxonomy;
  DispatchCatalogue catalogue;
  TimeLimitRules limits;
  WorkCalendar calendar;
  Roles roles;
  Policy policy;
  Evaluation evaluation;
  // Words that mean the same to a citizen (暖气 = 供暖 = 供热), for knowledge-base search.
  std::vector<std::vector<std::string>> synonyms;

  const Area* FindArea(const std::string& code) const;
};

// What a role may see of an order's caller (SPEC §9): hotline roles see the caller in full;
// other roles see a masked name and number; on a 保密 order they see nothing of the caller.
enum class CallerView { kFull, kMasked, kHidden };
CallerView CallerViewFor(const Jurisdiction& j, const std::string& role, bool confidential);

}  // namespace jiesu::domain
