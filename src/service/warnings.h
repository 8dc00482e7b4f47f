// Early warnings (未诉先办, SPEC §8): runs the detectors over the store's rollups, callers and
// the text module's clusters, keeps what they find as warnings an analyst lists, acknowledges
// or turns into a 督办; and keeps the external events (weather warnings, works notices) shown
// beside the warnings they may explain. Thread-safe.
//
// Detectors and what each reads:
//   high_frequency    rollup_area by day × category × district, the last baseline_weeks weeks;
//                     examines yesterday and today so far.
//   sudden_change     rollups by day × first-level category and the city total over
//                     change_history_days; examines yesterday (a whole day: a partial day would
//                     look like a drop).
//   one_caller_many   callers with an order in the last day and caller_min_orders orders in
//                     caller_window_days (one warning per caller and month).
//   many_callers_one  一类事 clusters with orders in cluster_window_days from at least
//                     cluster_min_callers distinct callers (needs text understanding).
//   repeat_calls      one caller with repeat_min_calls orders in one cluster.
#pragma once

#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "analytics/detect.h"
#include "base/periodic.h"
#include "base/result.h"
#include "base/time.h"
#include "domain/jurisdiction.h"
#include "service/suggest.h"
#include "service/supervisions.h"
#include "storage/store.h"

namespace jiesu::service {

struct WarningOptions {
  analytics::DetectorOptions detect;
  int change_history_days = 120;
  int caller_window_days = 30;
  int caller_min_orders = 5;
  int cluster_window_days = 7;
  int cluster_min_callers = 5;
  int repeat_min_calls = 3;
  size_t evidence_limit = 200;      // orders kept with a warning
  Millis interval{10 * 60 * 1000};  // how often `jiesu serve` runs the detectors
};

struct DetectionRun {
  TimePoint at{};
  int raised = 0;                    // new warnings
  int updated = 0;                   // known warnings whose evidence changed
  std::vector<std::string> skipped;  // detectors that could not run, with why
};

class Warnings {
 public:
  // `suggester` may be null (text understanding off): the cluster detectors are then skipped.
  Warnings(storage::Store& store, const domain::Jurisdiction& j, const Clock& clock,
           Supervisions& supervisions, const Suggester* suggester, WarningOptions options = {});
  ~Warnings() { Stop(); }
  Warnings(const Warnings&) = delete;
  Warnings& operator=(const Warnings&) = delete;

  // Runs every detector as of `now`.
  Result<DetectionRun> Detect(TimePoint now);
  // The same, for an analyst, at the clock's now.
  Result<DetectionRun> Run(const domain::Actor& actor);

  Result<std::vector<storage::Warning>> List(const domain::Actor& actor,
                                             const storage::WarningFilter& filter);
  Result<storage::Warning> Get(const domain::Actor& actor, int64_t id);
  Result<storage::Warning> Acknowledge(const domain::Actor& actor, int64_t id,
                                       const std::string& note);
  // Opens a 督办 on the units named in `req` about what the warning found (title and demand
  // default from the warning) and marks the warning supervised.
  Result<std::pair<storage::Warning, domain::Supervision>> Supervise(
      const domain::Actor& actor, int64_t id, domain::SupervisionRequest req);

  // External events.
  Result<storage::ExternalEvent> SaveEvent(const domain::Actor& actor, storage::ExternalEvent e);
  Result<storage::ExternalEvent> GetEvent(const domain::Actor& actor, int64_t id);
  Status DeleteEvent(const domain::Actor& actor, int64_t id);
  Result<std::vector<storage::ExternalEvent>> ListEvents(const domain::Actor& actor, TimePoint from,
                                                         TimePoint to);
  // The events that may explain `w`: overlapping its window (± a day), in its district (or
  // city-wide) and, when an event names a category, about the same problem.
  Result<std::vector<storage::ExternalEvent>> EventsFor(const storage::Warning& w);

  // Runs Detect every `interval` on a background thread until Stop(); errors go to stderr.
  void Start();
  void Stop();

  Status CheckAnalyst(const domain::Actor& actor) const;

 private:
  Status DetectHighFrequency(TimePoint now, DetectionRun& run);
  Status DetectSuddenChange(TimePoint now, DetectionRun& run);
  Status DetectFrequentCallers(TimePoint now, DetectionRun& run);
  Status DetectClusters(TimePoint now, DetectionRun& run);
  Status Keep(storage::Warning w, TimePoint now, DetectionRun& run);
  // Up to evidence_limit orders matching the filter, oldest first.
  Result<std::vector<int64_t>> OrdersOf(storage::OrderFilter f);
  std::string CategoryName(const std::string& code) const;
  std::string AreaName(const std::string& code) const;

  storage::Store& store_;
  const domain::Jurisdiction& j_;
  const Clock& clock_;
  Supervisions& supervisions_;
  const Suggester* suggester_;
  WarningOptions options_;
  std::mutex detect_mu_;  // one detection at a time

  Periodic thread_;
};

}  // namespace jiesu::service
