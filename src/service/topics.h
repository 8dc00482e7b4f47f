// Governance topics (SPEC §8): 每月一题 candidates — problems with high volume, wide impact,
// long unresolved and solvable — and 治理类街乡 candidates — streets and townships with high
// volume and low resolution — each with the orders behind it; an analyst promotes a candidate
// to a topic, whose monthly volume is then tracked against the months before. And the monthly
// 民声热点 report that puts top and rising problems, warnings and topics together.
// Read from the rollups and the unit scores, never by scanning orders. Thread-safe.
//
// 每月一题 score (docs/ANALYTICS.md), per leaf category with at least `min_volume` requests in the
// month, each part in 0..1:
//   0.35 × volume      received ÷ the largest candidate's received
//   0.20 × breadth     districts it came from ÷ districts with any request that month
//   0.25 × unresolved  ½ × (1 − completed ÷ received in the month)
//                      + ½ × min(1, mean days to complete ÷ 15)
//   0.20 × solvable    the share of its dispatched requests led by its most common lead unit
//                      (one owner can act on it)
// 治理类街乡: units of class 街乡镇 whose received count is at least the median street's and whose
// 解决率 is below the mean of the streets with visits; score = received ÷ the largest such
// street's × (1 − 解决率).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "service/evaluation.h"
#include "service/warnings.h"
#include "storage/store.h"

namespace jiesu::service {

struct TopicCandidate {
  std::string kind;  // monthly | street
  std::string category;
  std::string unit_id;
  std::string title;
  int64_t received = 0;
  double score = 0;
  // monthly
  double volume = 0, breadth = 0, unresolved = 0, solvable = 0;
  int districts = 0;
  int64_t completed = 0;
  std::optional<double> mean_days_to_complete;
  std::string lead_unit;
  // street
  std::optional<double> resolution;  // 解决率, percent
  std::optional<double> satisfaction;
  std::vector<int64_t> orders;  // the newest orders behind it (up to 50)
};

struct MonthlyVolume {
  std::string month;  // YYYY-MM
  int64_t received = 0;
};

struct TopicTracking {
  storage::Topic topic;
  std::vector<MonthlyVolume> months;  // six months before the topic's month to now (≤ 13)
  std::optional<double> baseline;     // mean received over the three months before
  std::optional<double> change_pct;   // the latest whole month after against the baseline
};

struct HotspotRow {
  std::string key;  // category code or district code
  std::string name;
  int64_t received = 0;
  int64_t previous = 0;  // the month before (top problems), or the mean of the three
                         // months before (rising problems)
  std::optional<double> change_pct;
  std::optional<double> per_10k;  // districts with a known population
};

struct HotspotReport {
  std::string month;
  TimePoint generated_at{};
  int64_t received = 0, previous_received = 0, completed = 0, completed_on_time = 0;
  std::vector<HotspotRow> top;             // top problems by volume
  std::vector<HotspotRow> rising;          // largest rises against the three months before
  std::vector<HotspotRow> districts;       // volume by district
  std::vector<storage::Warning> warnings;  // raised about the month
  std::vector<TopicTracking> topics;       // active topics
};

struct TopicOptions {
  int64_t min_volume = 10;  // 每月一题: categories with fewer requests are not candidates
  size_t limit = 10;        // candidates of each kind
};

class Topics {
 public:
  Topics(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
         Evaluator& evaluator, Warnings& warnings, TopicOptions options = {})
      : store_(store),
        j_(j),
        clock_(clock),
        evaluator_(evaluator),
        warnings_(warnings),
        options_(options) {}

  // Candidates of `kind` ("monthly" or "street") for `month` (YYYY-MM), best first.
  Result<std::vector<TopicCandidate>> Candidates(const domain::Actor& actor,
                                                 const std::string& kind, const std::string& month);
  // Makes a topic of the candidate named by (kind, category | unit_id) in `month` (its score and
  // orders are recomputed, so what is stored is what the candidate list showed).
  Result<storage::Topic> Promote(const domain::Actor& actor, storage::Topic t);
  Result<TopicTracking> Get(const domain::Actor& actor, int64_t id);
  Result<std::vector<storage::Topic>> List(const domain::Actor& actor, const std::string& status);
  Result<storage::Topic> SetStatus(const domain::Actor& actor, int64_t id,
                                   const std::string& status, const std::string& note);

  // The monthly 民声热点 report (Build: without the role check, for the CLI).
  Result<HotspotReport> Report(const domain::Actor& actor, const std::string& month);
  Result<HotspotReport> BuildReport(const std::string& month);

 private:
  Result<std::vector<TopicCandidate>> MonthlyCandidates(const Period& p);
  Result<std::vector<TopicCandidate>> StreetCandidates(const domain::Actor& actor, const Period& p);
  // The best `limit` candidates, each with the newest orders behind it.
  Result<std::vector<TopicCandidate>> Best(std::vector<TopicCandidate> out, const Period& p);
  Result<TopicTracking> Track(storage::Topic t);
  // Received per category (or per district with `by` = "district") over [from, to) days.
  Result<std::vector<storage::RollupGroup>> Sum(Date from, Date to, std::vector<std::string> by,
                                                const std::string& category = "",
                                                const std::string& unit = "");
  Result<std::vector<int64_t>> Evidence(storage::OrderFilter f, const Period& p);

  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
  Evaluator& evaluator_;
  Warnings& warnings_;
  TopicOptions options_;
};

}  // namespace jiesu::service
