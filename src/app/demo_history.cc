#include "app/demo_history.h"

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <vector>

#include "service/evaluation.h"
#include "service/orders.h"
#include "service/scheduler.h"

namespace jiesu::app {
namespace {

using domain::Action;
using std::chrono::hours;
using std::chrono::minutes;

domain::Command Cmd(Action a, int leg = 0) {
  domain::Command c;
  c.action = a;
  c.leg = leg;
  return c;
}

// The unit's reply: handled on site.
domain::Command Reply(int leg) {
  domain::Command c = Cmd(Action::kReply, leg);
  c.text = "已现场核实并处理完毕，已向诉求人反馈。";
  c.reply_result = domain::ReplyResult::kResolved;
  return c;
}

// A return visit that reached the citizen.
domain::Command Visit(domain::Satisfaction s, bool attributable) {
  domain::Command c = Cmd(Action::kVisit);
  c.visit.reached = true;
  c.visit.contacted = true;
  c.visit.solved = s != domain::Satisfaction::kUnsatisfied;
  c.visit.satisfaction = s;
  c.visit.attributable = attributable;
  return c;
}

// Plans every step of every order as (when, what), then runs them in time order so that the
// scheduler sees the month pass as it would have. The random draws come in a fixed order, so
// the same seed gives the same month.
class DemoMonth {
 public:
  DemoMonth(storage::Store& store, const domain::Jurisdiction& j,
            const service::CallerHasher& hasher, const std::vector<domain::ImportedCase>& leads,
            const service::Period& period, uint64_t seed)
      : j_(j),
        leads_(leads),
        period_(period),
        clock_(period.from),
        orders_(store, j, clock_, hasher),
        scheduler_(store, clock_),
        rng_(seed) {
    // Each unit's habits: how reliably it is on time and how citizens rate it.
    for (const auto& l : leads_) {
      if (!quality_.count(l.unit)) quality_[l.unit] = Uniform(0.55, 0.98);
    }
  }

  void Plan(int count) {
    ids_.assign(static_cast<size_t>(count), 0);
    for (int i = 0; i < count; ++i) PlanOrder(i);
  }

  Result<DemoHistoryStats> Run(TimePoint not_after) {
    std::stable_sort(steps_.begin(), steps_.end(),
                     [](const Step& a, const Step& b) { return a.at < b.at; });
    for (const Step& s : steps_) {
      if (s.at > not_after) break;
      clock_.Set(s.at);
      JIESU_RETURN_IF_ERROR(scheduler_.Tick().status());
      JIESU_RETURN_IF_ERROR(s.run(ids_[static_cast<size_t>(s.order)]));
    }
    clock_.Set(not_after);
    JIESU_RETURN_IF_ERROR(scheduler_.Tick().status());
    return stats_;
  }

 private:
  struct Step {
    TimePoint at;
    int order;  // index into `ids_`
    std::function<Status(int64_t)> run;
  };

  double Uniform(double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng_);
  }

  std::function<Status(int64_t)> Act(const domain::Actor& who, domain::Command cmd) {
    return [this, who, cmd](int64_t id) { return orders_.Act(who, id, cmd).status(); };
  }

  // Order `i`: received on a working hour of the month, sent to dispatch, dispatched; then
  // returned by its unit or handled.
  void PlanOrder(int i) {
    const domain::ImportedCase& lead = leads_[rng_() % leads_.size()];
    const double q = quality_[lead.unit];
    const auto span = std::chrono::duration_cast<Millis>(period_.to - period_.from);
    TimePoint t = period_.from + Millis(static_cast<int64_t>(Uniform(0, 0.97) * span.count()));
    t = StartOfLocalDay(LocalDate(t, j_.utc_offset_minutes), j_.utc_offset_minutes) + hours(8) +
        minutes(rng_() % 600);
    const domain::Actor unit{0, std::string("demo-") + lead.unit, "unit_handler", lead.unit};
    steps_.push_back({t, i, [this, i, &lead](int64_t) -> Status {
                        domain::OrderDraft d = lead.draft;
                        d.channel = i % 3 == 0 ? domain::Channel::kWeb : domain::Channel::kPhone;
                        d.caller = {"市民", "1380000" + std::to_string(1000 + i), false, ""};
                        JIESU_ASSIGN_OR_RETURN(auto c, orders_.Intake(agent_, d, "", ""));
                        ids_[static_cast<size_t>(i)] = c.order.id;
                        return Ok();
                      }});
    t += minutes(5);
    steps_.push_back({t, i, Act(agent_, Cmd(Action::kSendToDispatch))});
    t += minutes(10 + rng_() % 50);
    domain::Command dispatch = Cmd(Action::kDispatch);
    dispatch.lead_unit = lead.unit;
    steps_.push_back({t, i, Act(dispatcher_, dispatch)});
    if (Uniform(0, 1) < 0.05) {
      PlanReturn(i, lead, unit, t);
    } else {
      PlanHandling(i, q, unit, t);
    }
    ++stats_.orders;
  }

  // The unit says the order is not theirs: returned, and sent to the street's district, whose
  // part of the story is left open.
  void PlanReturn(int i, const domain::ImportedCase& lead, const domain::Actor& unit, TimePoint t) {
    domain::Command ret = Cmd(Action::kRequestReturn, 1);
    ret.reason = "经核实不属于本单位职责范围";
    steps_.push_back({t + hours(1), i, Act(unit, ret)});
    steps_.push_back({t + hours(2), i, Act(dispatcher_, Cmd(Action::kApproveReturn, 1))});
    domain::Command again = Cmd(Action::kDispatch);
    again.lead_unit = lead.draft.location.street_code.substr(0, 6);
    steps_.push_back({t + hours(3), i, Act(dispatcher_, again)});
    ++stats_.returned;
  }

  // Signed, contacted and replied to (on time or late, as the unit's quality `q` makes
  // likely), accepted, visited; an unsatisfied citizen may have it reopened.
  void PlanHandling(int i, double q, const domain::Actor& unit, TimePoint t) {
    const bool punctual = Uniform(0, 1) < q;
    t += punctual ? minutes(5 + rng_() % 20) : hours(26 + rng_() % 20);
    steps_.push_back({t, i, Act(unit, Cmd(Action::kSign, 1))});
    t += punctual ? minutes(10 + rng_() % 60) : hours(4 + rng_() % 30);
    steps_.push_back({t, i, Act(unit, Cmd(Action::kContact, 1))});
    const bool late = Uniform(0, 1) > q;
    t += late ? hours(24 * (12 + rng_() % 6)) : hours(24 + rng_() % 72);
    stats_.late_replies += late;
    steps_.push_back({t, i, Act(unit, Reply(1))});
    t += hours(2);
    steps_.push_back({t, i, Act(dispatcher_, Cmd(Action::kAcceptReply))});
    t += hours(20 + rng_() % 30);
    const double r = Uniform(0, 1);
    const domain::Satisfaction s = r < q ? domain::Satisfaction::kSatisfied
                                   : r < q + (1 - q) * 0.5
                                       ? domain::Satisfaction::kBasicallySatisfied
                                       : domain::Satisfaction::kUnsatisfied;
    const bool reopen = s == domain::Satisfaction::kUnsatisfied && Uniform(0, 1) < 0.6;
    steps_.push_back({t, i, Act(visitor_, Visit(s, reopen))});
    ++stats_.visited;
    if (reopen) PlanReopening(i, unit, t);
  }

  // Reopened after an unsatisfied visit: replied to again, accepted, visited again.
  void PlanReopening(int i, const domain::Actor& unit, TimePoint t) {
    ++stats_.reopened;
    t += hours(24 + rng_() % 48);
    steps_.push_back({t, i, Act(unit, Reply(1))});
    t += hours(2);
    steps_.push_back({t, i, Act(dispatcher_, Cmd(Action::kAcceptReply))});
    t += hours(20);
    steps_.push_back({t, i,
                      Act(visitor_, Visit(Uniform(0, 1) < 0.7 ? domain::Satisfaction::kSatisfied
                                                              : domain::Satisfaction::kUnsatisfied,
                                          false))});
  }

  const domain::Jurisdiction& j_;
  const std::vector<domain::ImportedCase>& leads_;
  const service::Period period_;
  ManualClock clock_;
  service::Orders orders_;
  service::Scheduler scheduler_;
  std::mt19937_64 rng_;
  std::map<std::string, double> quality_;
  const domain::Actor agent_{0, "demo-agent", "agent", ""};
  const domain::Actor dispatcher_{0, "demo-dispatcher", "dispatcher", ""};
  const domain::Actor visitor_{0, "demo-visitor", "visitor", ""};
  std::vector<Step> steps_;
  std::vector<int64_t> ids_;
  DemoHistoryStats stats_;
};

}  // namespace

Result<DemoHistoryStats> SeedDemoMonth(storage::Store& store, const domain::Jurisdiction& j,
                                       const service::CallerHasher& hasher,
                                       const std::vector<domain::ImportedCase>& leads,
                                       const std::string& month, int count, TimePoint not_after,
                                       uint64_t seed) {
  JIESU_ASSIGN_OR_RETURN(service::Period period, service::ParsePeriod(month, j.utc_offset_minutes));
  if (leads.empty()) return InvalidArgument("the demo history needs at least one case");
  DemoMonth demo(store, j, hasher, leads, period, seed);
  demo.Plan(count);
  return demo.Run(not_after);
}

}  // namespace jiesu::app
