// Evaluation of units (考核, SPEC §4): monthly scores and rankings, drill-down to the orders
// behind every figure, and the claims (考核申诉, 不合理诉求) that take an order out of a unit's
// scores. Scores are computed from the store's evaluation facts with domain::Judge, the same
// function the drill-down uses. Thread-safe.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <boost/json.hpp>

#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "domain/score.h"
#include "storage/store.h"

namespace jiesu::service {

// A calendar month in the jurisdiction's time zone.
struct Period {
  std::string month;  // YYYY-MM
  TimePoint from{};   // first instant
  TimePoint to{};     // first instant of the next month
};
Result<Period> ParsePeriod(const std::string& month, int utc_offset_minutes);

struct MonthScores {
  Period period;
  TimePoint as_of{};                     // leg deadlines after this are not yet decided
  std::vector<domain::UnitScore> units;  // every unit of the directory, ranked within class
  // Red list (best N) and black list (worst N) of each class, as indexes into `units`.
  std::map<domain::UnitClass, std::vector<size_t>> red, black;
};

// One fact behind a figure: the order, the leg (0 for a visit), whether it counts and its
// credit.
struct DrillRow {
  int64_t order_id = 0;
  int leg = 0;
  TimePoint at{};  // dispatch time for legs, visit time for visits
  domain::Outcome outcome;
  bool excluded = false;  // taken out by an upheld claim
};

struct Drilldown {
  std::string unit_id;
  Period period;
  domain::Metric metric = domain::Metric::kResponse;
  domain::Ratio ratio;          // equals the unit's figure in MonthScores
  std::vector<DrillRow> rows;   // counted rows (passed and failed), then excluded ones
};

class Evaluator {
 public:
  Evaluator(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock)
      : store_(store), j_(j), clock_(clock) {}

  // Every unit's figures for `month`, ranked.
  Result<MonthScores> Month(const domain::Actor& actor, const std::string& month);
  // One unit's figures, for anyone allowed to see them.
  Result<domain::UnitScore> UnitMonth(const domain::Actor& actor, const std::string& unit_id,
                                      const std::string& month);
  // The facts behind one figure. `passed`: only rows with (true) or without (false) credit.
  Result<Drilldown> Drill(const domain::Actor& actor, const std::string& unit_id,
                          const std::string& month, domain::Metric metric,
                          std::optional<bool> passed);

  // A unit files a claim about one of its orders; a supervisor decides it.
  Result<storage::Claim> FileClaim(const domain::Actor& actor, storage::Claim claim);
  Result<storage::Claim> DecideClaim(const domain::Actor& actor, int64_t claim_id, bool uphold,
                                     const std::string& decision);
  Result<std::vector<storage::Claim>> ListClaims(const domain::Actor& actor,
                                                 storage::ClaimFilter filter);
  Result<std::vector<storage::ScoreAudit>> Audit(const domain::Actor& actor,
                                                 const std::string& unit_id,
                                                 const std::string& month);

 private:
  using Excluded = std::set<std::pair<std::string, int64_t>>;  // (unit, order)
  Result<Excluded> Exclusions(const std::string& month);
  Result<domain::UnitScore> Compute(const domain::Unit& unit, const Period& p, TimePoint now,
                                    const Excluded& excluded);
  // Whether the actor may see `unit_id`'s drill-down, claims and audit.
  Status CheckUnitAccess(const domain::Actor& actor, const std::string& unit_id) const;

  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
};

// The figures of one unit as a JSON object (used by the API and the score audit).
boost::json::object UnitScoreJson(const domain::UnitScore& s);
// A figure as JSON: an integer when it is whole (counts, 100%), else a double; null for none.
boost::json::value FigureJson(std::optional<double> v);

}  // namespace jiesu::service
