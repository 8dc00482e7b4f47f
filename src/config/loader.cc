#include "config/loader.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <sstream>

#include "config/yaml_reader.h"

namespace jiesu::config {
namespace {

namespace fs = std::filesystem;
using domain::Action;

template <class E>
std::optional<E> EnumField(MapReader& r, const std::string& key, bool required,
                           std::optional<E> (*parse)(std::string_view),
                           std::span<const E> (*all)()) {
  std::string s = r.String(key, required);
  if (s.empty()) return std::nullopt;
  if (auto v = parse(s)) return v;
  std::string allowed;
  for (E e : all()) allowed += (allowed.empty() ? "" : ", ") + std::string(domain::Name(e));
  r.Error(key, "unknown value '" + s + "' (expected one of: " + allowed + ")");
  return std::nullopt;
}

bool IsDigits(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

bool IsMonth(const std::string& s) {
  return s.size() == 7 && IsDigits(s.substr(0, 4)) && s[4] == '-' && IsDigits(s.substr(5)) &&
         s.substr(5) >= "01" && s.substr(5) <= "12";
}

// jurisdiction.yaml's `evaluation` section (考核): w, composite weights, list size, visit share.
void LoadEvaluation(MapReader& e, domain::Evaluation& out) {
  out.basically_satisfied_weight =
      e.Number<double>("basically_satisfied_weight", out.basically_satisfied_weight, 0.0, 1.0);
  out.list_size = e.Number<int>("list_size", out.list_size, 1, 100);
  YAML::Node weights = e.Get("weights");
  if (weights.IsDefined() && !weights.IsNull()) {
    ForEachItem(e, "weights", [&](MapReader& w) {
      domain::WeightRule rule;
      rule.from = w.String("from", false);
      if (!rule.from.empty() && !IsMonth(rule.from)) {
        w.Error("from", "expected a month as YYYY-MM, got '" + rule.from + "'");
      }
      rule.unit_class = EnumField<domain::UnitClass>(w, "unit_class", false, domain::ParseUnitClass,
                                                     domain::AllUnitClasss);
      rule.weights.response = w.Number<double>("response", 0, 0, 100);
      rule.weights.resolution = w.Number<double>("resolution", 0, 0, 100);
      rule.weights.satisfaction = w.Number<double>("satisfaction", 0, 0, 100);
      if (rule.weights.response + rule.weights.resolution + rule.weights.satisfaction <= 0) {
        w.Error("", "at least one weight must be positive");
      }
      out.weights.push_back(rule);
    });
  }
  YAML::Node sample = e.Get("visit_sample");
  if (sample.IsDefined() && !sample.IsNull()) {
    ForEachItem(e, "visit_sample", [&](MapReader& v) {
      domain::VisitRule rule;
      rule.unit = v.String("unit", false);
      rule.category_prefix = v.String("category", false);
      rule.unit_class = EnumField<domain::UnitClass>(v, "unit_class", false, domain::ParseUnitClass,
                                                     domain::AllUnitClasss);
      rule.share = v.Number<double>("share", 1.0, 0.01, 1.0);
      if (!v.Get("share").IsDefined()) v.Error("share", "is required");
      out.visit_sample.push_back(rule);
    });
  }
  e.RejectUnknownKeys();
}

// jurisdiction.yaml's `policy` section: the lifecycle's limits and the warning cards' timing.
void LoadPolicy(MapReader& p, domain::Policy& P) {
  P.max_failed_dispatches = p.Number<int>("max_failed_dispatches", P.max_failed_dispatches, 1, 20);
  P.max_extensions_per_leg =
      p.Number<int>("max_extensions_per_leg", P.max_extensions_per_leg, 0, 20);
  P.max_extension_days = p.Number<int>("max_extension_days", P.max_extension_days, 1, 365);
  P.max_reopens = p.Number<int>("max_reopens", P.max_reopens, 0, 20);
  P.citizen_reopen_days = p.Number<int>("citizen_reopen_days", P.citizen_reopen_days, 0, 365);
  P.max_visit_attempts = p.Number<int>("max_visit_attempts", P.max_visit_attempts, 1, 20);
  P.max_content_chars = p.Number<int>("max_content_chars", P.max_content_chars, 100, 100000);
  P.max_text_chars = p.Number<int>("max_text_chars", P.max_text_chars, 100, 100000);
  P.yellow_card_before_minutes =
      p.Number<int>("yellow_card_before_minutes", P.yellow_card_before_minutes, 0, 30 * 24 * 60);
  P.urge_every_minutes = p.Number<int>("urge_every_minutes", P.urge_every_minutes, 0, 30 * 24 * 60);
  P.max_urges = p.Number<int>("max_urges", P.max_urges, 0, 20);
  p.RejectUnknownKeys();
}

// jurisdiction.yaml's synonym groups for knowledge-base search: [[暖气, 供暖, 供热], …].
void LoadSynonyms(MapReader& r, const YAML::Node& syn, std::vector<std::vector<std::string>>& out) {
  if (!syn.IsSequence()) {
    r.ErrorAt(syn, "synonyms", "expected a list of lists of words");
    return;
  }
  size_t i = 0;
  for (const auto& group : syn) {
    const std::string at = "synonyms[" + std::to_string(i++) + "]";
    std::vector<std::string> words;
    bool ok = group.IsSequence() && group.size() >= 2;
    if (ok) {
      for (const auto& w : group) {
        if (!w.IsScalar() || w.Scalar().empty())
          ok = false;
        else
          words.push_back(w.Scalar());
      }
    }
    if (!ok) {
      r.ErrorAt(group, at, "expected a list of at least two words");
      continue;
    }
    out.push_back(std::move(words));
  }
}

// jurisdiction.yaml: identity, offset, policy, evaluation, synonyms. Returns the calendar file
// it names.
std::string LoadJurisdictionFile(MapReader& r, domain::Jurisdiction& j) {
  j.id = r.String("id", true);
  j.name = r.String("name", true);
  j.utc_offset_minutes = r.Number<int>("utc_offset_minutes", 480, -720, 840);
  std::string calendar_file = r.String("calendar", true);
  YAML::Node pol = r.Get("policy");
  if (pol.IsDefined() && !pol.IsNull()) {
    MapReader p(pol, r.file(), "policy", r.diag());
    if (p.ok()) LoadPolicy(p, j.policy);
  }
  YAML::Node ev = r.Get("evaluation");
  if (ev.IsDefined() && !ev.IsNull()) {
    MapReader e(ev, r.file(), "evaluation", r.diag());
    if (e.ok()) LoadEvaluation(e, j.evaluation);
  }
  YAML::Node syn = r.Get("synonyms");
  if (syn.IsDefined() && !syn.IsNull()) LoadSynonyms(r, syn, j.synonyms);
  return calendar_file;
}

// areas.yaml: administrative divisions, parents before their children.
void LoadAreas(MapReader& r, domain::Jurisdiction& j) {
  ForEachItem(r, "areas", [&](MapReader& a) {
    domain::Area area{a.String("code", true), a.String("name", true), a.String("parent", false),
                      a.Number<int64_t>("population", 0, 0, 2'000'000'000)};
    if (area.code.empty()) return;
    if (!IsDigits(area.code) ||
        (area.code.size() != 6 && area.code.size() != 9 && area.code.size() != 12)) {
      a.Error("code", "expected a 6-, 9- or 12-digit division code, got '" + area.code + "'");
    } else if (j.areas.count(area.code)) {
      a.Error("code", "duplicate area code " + area.code);
    } else if (!area.parent_code.empty() && !j.areas.count(area.parent_code)) {
      a.Error("parent", "unknown parent area " + area.parent_code + " (parents must come first)");
    } else if (!area.parent_code.empty() && area.code.rfind(area.parent_code, 0) != 0) {
      a.Error("parent", "area " + area.code + " does not lie under " + area.parent_code);
    } else {
      j.areas.emplace(area.code, area);
    }
  });
}

// units.yaml: the units orders are dispatched to, parents first; areas must be loaded.
void LoadUnits(MapReader& r, domain::Jurisdiction& j) {
  std::vector<domain::Unit> units;
  std::set<std::string> ids;
  ForEachItem(r, "units", [&](MapReader& u) {
    domain::Unit unit;
    unit.id = u.String("id", true);
    unit.name = u.String("name", true);
    auto cls = EnumField<domain::UnitClass>(u, "class", true, domain::ParseUnitClass,
                                            domain::AllUnitClasss);
    unit.parent_id = u.String("parent", false);
    unit.area_code = u.String("area", false);
    if (unit.id.empty() || !cls) return;
    unit.unit_class = *cls;
    if (ids.count(unit.id)) {
      u.Error("id", "duplicate unit id " + unit.id);
      return;
    }
    if (!unit.parent_id.empty() && !ids.count(unit.parent_id)) {
      u.Error("parent", "unknown parent unit " + unit.parent_id + " (parents must come first)");
      return;
    }
    if (!unit.area_code.empty() && !j.areas.count(unit.area_code)) {
      u.Error("area", "unknown area " + unit.area_code);
      return;
    }
    ids.insert(unit.id);
    units.push_back(std::move(unit));
  });
  j.units = domain::UnitDirectory(std::move(units));
}

// taxonomy.yaml: the category tree, two digits per level, parents first.
void LoadTaxonomy(MapReader& r, domain::Jurisdiction& j) {
  std::string version = r.String("version", true);
  std::vector<domain::Category> cats;
  std::set<std::string> codes;
  ForEachItem(r, "categories", [&](MapReader& c) {
    domain::Category cat{c.String("code", true), c.String("name", true)};
    if (cat.code.empty()) return;
    if (!IsDigits(cat.code) || cat.code.size() % 2 != 0) {
      c.Error("code", "expected two digits per level (\"01\", \"0103\"), got '" + cat.code + "'");
    } else if (codes.count(cat.code)) {
      c.Error("code", "duplicate category code " + cat.code);
    } else if (cat.code.size() > 2 && !codes.count(cat.code.substr(0, cat.code.size() - 2))) {
      c.Error("code", "parent category " + cat.code.substr(0, cat.code.size() - 2) +
                          " must be listed before " + cat.code);
    } else {
      codes.insert(cat.code);
      cats.push_back(std::move(cat));
    }
  });
  j.taxonomy = domain::Taxonomy(version, std::move(cats));
}

// dispatch.yaml: the catalogue of category × area → lead and co-units; areas, units and the
// taxonomy must be loaded.
void LoadDispatch(MapReader& r, domain::Jurisdiction& j) {
  std::vector<domain::CatalogueRow> rows;
  ForEachItem(r, "catalogue", [&](MapReader& c) {
    domain::CatalogueRow row{c.String("category", false), c.String("area", false),
                             c.String("lead", true), c.Strings("co")};
    if (!row.category_prefix.empty() && !j.taxonomy.Find(row.category_prefix)) {
      c.Error("category", "unknown category " + row.category_prefix);
      return;
    }
    if (!row.area_prefix.empty() && !j.areas.count(row.area_prefix)) {
      c.Error("area", "unknown area " + row.area_prefix);
      return;
    }
    for (const auto& u : row.co_units) {
      if (!j.units.Find(u)) c.Error("co", "unknown unit " + u);
    }
    if (!row.lead_unit.empty() && !j.units.Find(row.lead_unit)) {
      c.Error("lead", "unknown unit " + row.lead_unit);
      return;
    }
    rows.push_back(std::move(row));
  });
  j.catalogue = domain::DispatchCatalogue(std::move(rows));
}

// One rule of time_limits.yaml, or nothing when it is unusable (the errors are reported).
std::optional<domain::LimitRule> ReadLimitRule(MapReader& x, const domain::Jurisdiction& j) {
  domain::LimitRule rule;
  rule.name = x.String("name", true);
  std::string stage = x.String("stage", true);
  auto st = domain::ParseStage(stage);
  if (!stage.empty() && !st) {
    x.Error("stage",
            "unknown stage '" + stage + "' (expected dispatch, sign, reply or return_window)");
  }
  rule.urgency =
      EnumField<domain::Urgency>(x, "urgency", false, domain::ParseUrgency, domain::AllUrgencys);
  rule.request_type = EnumField<domain::RequestType>(
      x, "request_type", false, domain::ParseRequestType, domain::AllRequestTypes);
  rule.channel =
      EnumField<domain::Channel>(x, "channel", false, domain::ParseChannel, domain::AllChannels);
  rule.category_prefix = x.String("category", false);
  rule.complex = x.Bool("complex");
  if (!rule.category_prefix.empty() && !j.taxonomy.Find(rule.category_prefix)) {
    x.Error("category", "unknown category " + rule.category_prefix);
  }
  YAML::Node lim = x.Get("limit");
  if (!lim.IsDefined()) {
    x.Error("limit", "is required");
    return std::nullopt;
  }
  MapReader l(lim, x.file(), x.path() + ".limit", x.diag());
  if (!l.ok()) return std::nullopt;
  std::string unit = l.String("unit", true);
  auto u = domain::ParseLimitUnit(unit);
  if (!unit.empty() && !u.ok()) l.Error("unit", u.error().message);
  rule.limit.amount = l.Number<int64_t>("amount", 0, 1, 525600);
  rule.limit.from_next_day = l.Bool("from_next_day").value_or(false);
  l.RejectUnknownKeys();
  if (!st || !u.ok() || rule.limit.amount <= 0) return std::nullopt;
  rule.stage = *st;
  rule.limit.unit = *u;
  const bool days = rule.limit.unit == domain::LimitUnit::kCalendarDays ||
                    rule.limit.unit == domain::LimitUnit::kWorkingDays;
  if (days && rule.limit.amount > 3660) l.Error("amount", "at most 3660 days");
  if (!days && rule.limit.from_next_day) l.Error("from_next_day", "only applies to day units");
  return rule;
}

// time_limits.yaml: the rules, with a catch-all for every stage; the taxonomy must be loaded.
void LoadTimeLimits(MapReader& r, domain::Jurisdiction& j) {
  std::vector<domain::LimitRule> rules;
  std::set<domain::Stage> with_default;
  ForEachItem(r, "rules", [&](MapReader& x) {
    std::optional<domain::LimitRule> rule = ReadLimitRule(x, j);
    if (!rule) return;
    if (rule->Specificity() == 0) with_default.insert(rule->stage);
    rules.push_back(std::move(*rule));
  });
  for (auto st : {domain::Stage::kDispatch, domain::Stage::kSign, domain::Stage::kReply,
                  domain::Stage::kReturnWindow}) {
    if (!with_default.count(st)) {
      r.Error("rules", "needs a catch-all rule (no conditions) for stage " +
                           std::string(domain::StageName(st)));
    }
  }
  j.limits = domain::TimeLimitRules(std::move(rules));
}

// roles.yaml: each role's actions and what it may see and manage.
void LoadRoles(MapReader& r, domain::Jurisdiction& j) {
  std::vector<domain::RoleDef> roles;
  std::set<std::string> names;
  ForEachItem(r, "roles", [&](MapReader& x) {
    domain::RoleDef role;
    role.name = x.String("name", true);
    role.label = x.String("label", false);
    role.hotline = x.Bool("hotline").value_or(false);
    role.unit_scoped = x.Bool("unit_scoped").value_or(false);
    role.manage_users = x.Bool("manage_users").value_or(false);
    role.is_public = x.Bool("public").value_or(false);
    role.view_audit = x.Bool("view_audit").value_or(false);
    for (const auto& a : x.Strings("actions")) {
      if (auto act = domain::ParseAction(a)) {
        role.actions.insert(*act);
      } else {
        x.Error("actions", "unknown action '" + a + "'");
      }
    }
    if (role.hotline && role.unit_scoped)
      x.Error("unit_scoped", "a role cannot be both hotline and unit-scoped");
    if (role.is_public &&
        (role.hotline || role.unit_scoped || role.manage_users || role.view_audit)) {
      x.Error("public",
              "the public page's role cannot be hotline, unit-scoped, manage users or view the "
              "audit");
    }
    if (role.is_public && std::any_of(roles.begin(), roles.end(),
                                      [](const domain::RoleDef& d) { return d.is_public; })) {
      x.Error("public", "only one role may be the public page's");
    }
    if (role.name.empty()) return;
    if (names.count(role.name)) {
      x.Error("name", "duplicate role " + role.name);
      return;
    }
    names.insert(role.name);
    roles.push_back(std::move(role));
  });
  j.roles = domain::Roles(std::move(roles));
}

// Cross-file checks of jurisdiction.yaml's evaluation section: the units and categories it
// names exist.
void CheckEvaluationReferences(const domain::Jurisdiction& j, const std::string& file,
                               Diagnostics& diag) {
  for (size_t i = 0; i < j.evaluation.visit_sample.size(); ++i) {
    const auto& r = j.evaluation.visit_sample[i];
    const std::string at = "evaluation.visit_sample[" + std::to_string(i) + "]";
    if (!r.unit.empty() && j.units.Find(r.unit) == nullptr) {
      diag.Add(file, 0, at + ".unit", "unknown unit " + r.unit);
    }
    if (!r.category_prefix.empty() && j.taxonomy.Find(r.category_prefix) == nullptr) {
      diag.Add(file, 0, at + ".category", "unknown category " + r.category_prefix);
    }
  }
}

// Reads `name` in `dir` and, when it holds a mapping, hands it to `load`; then every key
// `load` did not read is an error.
void LoadFile(const fs::path& dir, const char* name, Diagnostics& diag,
              const std::function<void(MapReader&)>& load) {
  if (auto root = ReadYaml(dir, name, diag)) {
    MapReader r(*root, (dir / name).string(), "", diag);
    if (r.ok()) {
      load(r);
      r.RejectUnknownKeys();
    }
  }
}

}  // namespace

Result<domain::WorkCalendar> LoadCalendarCsv(const fs::path& file, int utc_offset_minutes) {
  std::ifstream in(file);
  if (!in) return InvalidArgument(file.string() + ": cannot be read (missing or unreadable)");
  std::string line;
  std::getline(in, line);
  if (line.rfind("date,kind", 0) != 0) {
    return InvalidArgument(file.string() + ":1: expected the header 'date,kind,festival'");
  }
  std::set<Date> holidays, workdays;
  int n = 1;
  while (std::getline(in, line)) {
    ++n;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::stringstream ss(line);
    std::string date, kind;
    std::getline(ss, date, ',');
    std::getline(ss, kind, ',');
    auto d = ParseDate(date);
    std::string where = file.string() + ":" + std::to_string(n) + ": ";
    if (!d.ok()) return InvalidArgument(where + "date: " + d.error().message);
    if (holidays.count(*d) || workdays.count(*d)) {
      return InvalidArgument(where + "date: " + date + " is listed twice");
    }
    std::chrono::weekday wd(*d);
    const bool weekend = wd == std::chrono::Saturday || wd == std::chrono::Sunday;
    if (kind == "holiday") {
      holidays.insert(*d);
    } else if (kind == "workday") {
      if (!weekend)
        return InvalidArgument(where + "kind: " + date +
                               " is a weekday; only a weekend day can be a make-up working day");
      workdays.insert(*d);
    } else {
      return InvalidArgument(where + "kind: expected holiday or workday, got '" + kind + "'");
    }
  }
  return domain::WorkCalendar(utc_offset_minutes, std::move(holidays), std::move(workdays));
}

Result<domain::Jurisdiction> LoadJurisdiction(const fs::path& dir) {
  Diagnostics diag;
  domain::Jurisdiction j;
  if (!fs::is_directory(dir)) {
    return InvalidArgument(dir.string() + ": not a configuration directory");
  }
  const std::string jurisdiction_file = (dir / "jurisdiction.yaml").string();
  std::string calendar_file;
  LoadFile(dir, "jurisdiction.yaml", diag,
           [&](MapReader& r) { calendar_file = LoadJurisdictionFile(r, j); });
  if (!calendar_file.empty()) {
    auto cal = LoadCalendarCsv(dir / calendar_file, j.utc_offset_minutes);
    if (cal.ok()) {
      j.calendar = std::move(*cal);
    } else {
      diag.Add(jurisdiction_file, 0, "calendar", cal.error().message);
    }
  }
  // In this order: each file may name what the ones before it define.
  LoadFile(dir, "areas.yaml", diag, [&](MapReader& r) { LoadAreas(r, j); });
  LoadFile(dir, "units.yaml", diag, [&](MapReader& r) { LoadUnits(r, j); });
  LoadFile(dir, "taxonomy.yaml", diag, [&](MapReader& r) { LoadTaxonomy(r, j); });
  LoadFile(dir, "dispatch.yaml", diag, [&](MapReader& r) { LoadDispatch(r, j); });
  LoadFile(dir, "time_limits.yaml", diag, [&](MapReader& r) { LoadTimeLimits(r, j); });
  LoadFile(dir, "roles.yaml", diag, [&](MapReader& r) { LoadRoles(r, j); });
  CheckEvaluationReferences(j, jurisdiction_file, diag);

  if (!diag.empty()) {
    std::string msg = dir.string() + ": " + std::to_string(diag.errors().size()) + " problem(s):";
    for (const auto& e : diag.errors()) msg += "\n  " + e;
    return InvalidArgument(msg);
  }
  return j;
}

}  // namespace jiesu::config
