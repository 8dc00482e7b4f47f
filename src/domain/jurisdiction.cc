#include "domain/jurisdiction.h"

#include <algorithm>

namespace jiesu::domain {

UnitDirectory::UnitDirectory(std::vector<Unit> units) : units_(std::move(units)) {
  for (size_t i = 0; i < units_.size(); ++i) {
    by_id_.emplace(units_[i].id, i);
    if (!units_[i].area_code.empty()) by_area_.emplace(units_[i].area_code, i);
  }
}

const Unit* UnitDirectory::Find(const std::string& id) const {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : &units_[it->second];
}

bool UnitDirectory::IsBelow(const std::string& descendant, const std::string& ancestor) const {
  const Unit* u = Find(descendant);
  // The loader rejects cycles; the bound is belt and braces against a malformed directory.
  for (size_t depth = 0; u != nullptr && depth <= units_.size(); ++depth) {
    if (u->parent_id.empty()) return false;
    if (u->parent_id == ancestor) return true;
    u = Find(u->parent_id);
  }
  return false;
}

const Unit* UnitDirectory::GoverningUnit(const std::string& area_code) const {
  // Area codes are hierarchical by prefix: 110105001 (street) is in 110105 (district).
  std::string code = area_code;
  while (!code.empty()) {
    auto it = by_area_.find(code);
    if (it != by_area_.end()) return &units_[it->second];
    code.resize(code.size() > 6 ? (code.size() > 9 ? 9 : 6) : 0);
  }
  return nullptr;
}

Taxonomy::Taxonomy(std::string version, std::vector<Category> categories)
    : version_(std::move(version)), categories_(std::move(categories)) {
  for (size_t i = 0; i < categories_.size(); ++i) by_code_.emplace(categories_[i].code, i);
}

const Category* Taxonomy::Find(const std::string& code) const {
  auto it = by_code_.find(code);
  return it == by_code_.end() ? nullptr : &categories_[it->second];
}

const Category* Taxonomy::Resolve(const std::string& code_or_name) const {
  if (const Category* c = Find(code_or_name)) return c;
  const Category* found = nullptr;
  for (const Category& c : categories_) {
    if (c.name == code_or_name && (found == nullptr || c.code.size() < found->code.size()))
      found = &c;
  }
  return found;
}

Result<DispatchSuggestion> DispatchCatalogue::Suggest(const std::string& category,
                                                      const std::string& area_code,
                                                      const UnitDirectory& units) const {
  const CatalogueRow* best = nullptr;
  for (const auto& row : rows_) {
    if (category.compare(0, row.category_prefix.size(), row.category_prefix) != 0) continue;
    if (area_code.compare(0, row.area_prefix.size(), row.area_prefix) != 0) continue;
    if (best == nullptr || row.category_prefix.size() > best->category_prefix.size() ||
        (row.category_prefix.size() == best->category_prefix.size() &&
         row.area_prefix.size() > best->area_prefix.size())) {
      best = &row;
    }
  }
  if (best != nullptr) {
    return DispatchSuggestion{
        best->lead_unit, best->co_units,
        "catalogue: " + (best->category_prefix.empty() ? "*" : best->category_prefix) + " × " +
            (best->area_prefix.empty() ? "*" : best->area_prefix) + " → " + best->lead_unit};
  }
  // Beijing's 兜底 rule: the government of the order's district (the county-level area, the
  // first six digits of a division code).
  const std::string district = area_code.substr(0, std::min<size_t>(area_code.size(), 6));
  if (const Unit* u = units.GoverningUnit(district)) {
    return DispatchSuggestion{u->id, {}, "fallback: government of district " + district};
  }
  return NotFound("no catalogue row and no governing unit for category '" + category +
                  "' in area '" + area_code + "'");
}

std::string_view StageName(Stage s) {
  switch (s) {
    case Stage::kDispatch:
      return "dispatch";
    case Stage::kSign:
      return "sign";
    case Stage::kReply:
      return "reply";
    case Stage::kReturnWindow:
      return "return_window";
    case Stage::kContact:
      return "contact";
  }
  return "?";
}

std::optional<Stage> ParseStage(std::string_view s) {
  for (Stage st :
       {Stage::kDispatch, Stage::kSign, Stage::kReply, Stage::kReturnWindow, Stage::kContact}) {
    if (StageName(st) == s) return st;
  }
  return std::nullopt;
}

bool LimitRule::Matches(Stage s, const RuleSubject& subject) const {
  return stage == s && (!urgency || *urgency == subject.urgency) &&
         (!request_type || *request_type == subject.request_type) &&
         (!channel || *channel == subject.channel) && (!complex || *complex == subject.complex) &&
         subject.category.compare(0, category_prefix.size(), category_prefix) == 0;
}

int LimitRule::Specificity() const {
  return (urgency ? 1 : 0) + (request_type ? 1 : 0) + (channel ? 1 : 0) + (complex ? 1 : 0) +
         (category_prefix.empty() ? 0 : 1);
}

Result<const LimitRule*> TimeLimitRules::Find(Stage stage, const RuleSubject& subject) const {
  const LimitRule* best = nullptr;
  for (const auto& r : rules_) {
    if (r.Matches(stage, subject) && (best == nullptr || r.Specificity() > best->Specificity())) {
      best = &r;
    }
  }
  if (best == nullptr)
    return NotFound("no time-limit rule for stage " + std::string(StageName(stage)));
  return best;
}

Roles::Roles(std::vector<RoleDef> roles) : roles_(std::move(roles)) {}

const RoleDef* Roles::Find(const std::string& name) const {
  for (const auto& r : roles_) {
    if (r.name == name) return &r;
  }
  return nullptr;
}

bool Roles::Allows(const std::string& role, Action action) const {
  const RoleDef* r = Find(role);
  return r != nullptr && r->actions.count(action) > 0;
}

const RoleDef* Roles::PublicRole() const {
  for (const RoleDef& r : roles_) {
    if (r.is_public) return &r;
  }
  return nullptr;
}

bool Roles::ManagesUsers(const std::string& role) const {
  const RoleDef* r = Find(role);
  return r != nullptr && r->manage_users;
}

CallerView CallerViewFor(const Jurisdiction& j, const std::string& role, bool confidential) {
  const RoleDef* r = j.roles.Find(role);
  if (r != nullptr && r->hotline) return CallerView::kFull;
  return confidential ? CallerView::kHidden : CallerView::kMasked;
}

CompositeWeights Evaluation::WeightsFor(UnitClass c, const std::string& month) const {
  CompositeWeights w;
  std::string best_from;
  bool best_specific = false;
  for (const auto& r : weights) {
    if (r.unit_class && *r.unit_class != c) continue;
    if (!r.from.empty() && r.from > month) continue;
    const bool specific = r.unit_class.has_value();
    if (r.from > best_from || (r.from == best_from && specific >= best_specific)) {
      w = r.weights;
      best_from = r.from;
      best_specific = specific;
    }
  }
  return w;
}

double Evaluation::VisitShare(const std::string& unit, UnitClass c,
                              const std::string& category) const {
  const VisitRule* best = nullptr;
  auto rank = [](const VisitRule& r) {
    return (r.unit.empty() ? 0 : 1000) + static_cast<int>(r.category_prefix.size()) * 10 +
           (r.unit_class ? 1 : 0);
  };
  for (const auto& r : visit_sample) {
    if (!r.unit.empty() && r.unit != unit) continue;
    if (r.unit_class && *r.unit_class != c) continue;
    if (category.compare(0, r.category_prefix.size(), r.category_prefix) != 0) continue;
    if (best == nullptr || rank(r) >= rank(*best)) best = &r;
  }
  return best == nullptr ? 1.0 : best->share;
}

const Area* Jurisdiction::FindArea(const std::string& code) const {
  auto it = areas.find(code);
  return it == areas.end() ? nullptr : &it->second;
}

}  // namespace jiesu::domain
