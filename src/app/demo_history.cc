#include "app/demo_history.h"

#include <algorithm>
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

struct Lead {
  const char* unit;
  const char* category;
  const char* street;  // where the problems are
  const char* text;
};

// Who gets what: districts and streets for local problems, utilities for theirs.
constexpr Lead kLeads[] = {
    {"110105", "0201", "110105001", "夜间工地施工噪音扰民，持续到凌晨。"},
    {"110105", "0103", "110105002", "小区门口道路破损，雨天积水严重。"},
    {"110108", "0303", "110108001", "路边违规停车占用消防通道。"},
    {"110108", "0102", "110108002", "物业不作为，楼道垃圾长期无人清理。"},
    {"110106", "0105", "110106001", "公园绿地内枯树有倒伏危险。"},
    {"110102", "0201", "110102001", "商户外放音响噪音扰民。"},
    {"110101", "0103", "110101001", "胡同内路灯不亮，夜间出行不便。"},
    {"110105001", "0102", "110105001", "小区电梯频繁故障，老人上下楼困难。"},
    {"110105002", "0105", "110105002", "垃圾桶满溢无人清运，气味难闻。"},
    {"110105003", "0303", "110105003", "共享单车堆放堵塞人行道。"},
    {"bj.heat", "010104", "110105001", "家中暖气不热，室温只有十四度。"},
    {"bj.water", "010101", "110108001", "小区停水一天，未见通知。"},
    {"bj.power", "010102", "110106001", "楼内频繁停电，影响生活。"},
    {"bj.gas", "010103", "110102001", "楼道内有燃气味，担心泄漏。"},
};

}  // namespace

Result<DemoHistoryStats> SeedDemoMonth(storage::Store& store, const domain::Jurisdiction& j,
                                       const service::CallerHasher& hasher,
                                       const std::string& month, int count, TimePoint not_after,
                                       uint64_t seed) {
  JIESU_ASSIGN_OR_RETURN(service::Period period, service::ParsePeriod(month, j.utc_offset_minutes));
  ManualClock clock(period.from);
  service::Orders orders(store, j, clock, hasher);
  service::Scheduler scheduler(store, clock);
  std::mt19937_64 rng(seed);
  auto uniform = [&](double lo, double hi) {
    return std::uniform_real_distribution<double>(lo, hi)(rng);
  };
  // Each unit's habits: how reliably it is on time and how citizens rate it.
  std::map<std::string, double> quality;
  for (const auto& l : kLeads) {
    if (!quality.count(l.unit)) quality[l.unit] = uniform(0.55, 0.98);
  }
  const domain::Actor agent{0, "demo-agent", "agent", ""};
  const domain::Actor dispatcher{0, "demo-dispatcher", "dispatcher", ""};
  const domain::Actor visitor{0, "demo-visitor", "visitor", ""};

  // Every step of every order, as (when, what) — run in time order so that the scheduler
  // sees the month pass as it would have.
  struct Step {
    TimePoint at;
    int order;  // index into `ids`
    std::function<Status(int64_t)> run;
  };
  std::vector<Step> steps;
  std::vector<int64_t> ids(static_cast<size_t>(count), 0);
  DemoHistoryStats stats;
  const auto span = std::chrono::duration_cast<Millis>(period.to - period.from);
  for (int i = 0; i < count; ++i) {
    const Lead& lead = kLeads[rng() % std::size(kLeads)];
    const double q = quality[lead.unit];
    TimePoint t = period.from + Millis(static_cast<int64_t>(uniform(0, 0.97) * span.count()));
    t = StartOfLocalDay(LocalDate(t, j.utc_offset_minutes), j.utc_offset_minutes) +
        hours(8) + minutes(rng() % 600);
    const domain::Actor unit{0, std::string("demo-") + lead.unit, "unit_handler", lead.unit};
    auto act = [&orders](const domain::Actor& who, domain::Command cmd) {
      return [&orders, who, cmd](int64_t id) { return orders.Act(who, id, cmd).status(); };
    };
    auto cmd = [](Action a, int leg = 0) {
      domain::Command c;
      c.action = a;
      c.leg = leg;
      return c;
    };
    auto reply = [&](int leg) {
      domain::Command c = cmd(Action::kReply, leg);
      c.text = "已现场核实并处理完毕，已向诉求人反馈。";
      c.reply_result = domain::ReplyResult::kResolved;
      return c;
    };
    auto visit = [&](domain::Satisfaction s, bool attributable) {
      domain::Command c = cmd(Action::kVisit);
      c.visit.reached = true;
      c.visit.contacted = true;
      c.visit.solved = s != domain::Satisfaction::kUnsatisfied;
      c.visit.satisfaction = s;
      c.visit.attributable = attributable;
      return c;
    };
    steps.push_back({t, i, [&, i, lead](int64_t) -> Status {
                       domain::OrderDraft d;
                       d.channel = i % 3 == 0 ? domain::Channel::kWeb : domain::Channel::kPhone;
                       d.request_type = domain::RequestType::kComplaint;
                       d.content = lead.text;
                       d.category = lead.category;
                       d.location.street_code = lead.street;
                       d.caller = {"市民", "1380000" + std::to_string(1000 + i), false, ""};
                       JIESU_ASSIGN_OR_RETURN(auto c, orders.Intake(agent, d, "", ""));
                       ids[static_cast<size_t>(i)] = c.order.id;
                       return Ok();
                     }});
    t += minutes(5);
    steps.push_back({t, i, act(agent, cmd(Action::kSendToDispatch))});
    t += minutes(10 + rng() % 50);
    domain::Command dispatch = cmd(Action::kDispatch);
    dispatch.lead_unit = lead.unit;
    steps.push_back({t, i, act(dispatcher, dispatch)});
    if (uniform(0, 1) < 0.05) {  // the unit says it is not theirs: returned, sent to the district
      domain::Command ret = cmd(Action::kRequestReturn, 1);
      ret.reason = "经核实不属于本单位职责范围";
      steps.push_back({t + hours(1), i, act(unit, ret)});
      steps.push_back({t + hours(2), i, act(dispatcher, cmd(Action::kApproveReturn, 1))});
      domain::Command again = cmd(Action::kDispatch);
      again.lead_unit = std::string(lead.street).substr(0, 6);
      steps.push_back({t + hours(3), i, act(dispatcher, again)});
      ++stats.returned;
      ++stats.orders;
      continue;  // the district's part of the story is left open
    }
    const bool punctual = uniform(0, 1) < q;
    t += punctual ? minutes(5 + rng() % 20) : hours(26 + rng() % 20);
    steps.push_back({t, i, act(unit, cmd(Action::kSign, 1))});
    t += punctual ? minutes(10 + rng() % 60) : hours(4 + rng() % 30);
    steps.push_back({t, i, act(unit, cmd(Action::kContact, 1))});
    const bool late = uniform(0, 1) > q;
    t += late ? hours(24 * (12 + rng() % 6)) : hours(24 + rng() % 72);
    stats.late_replies += late;
    steps.push_back({t, i, act(unit, reply(1))});
    t += hours(2);
    steps.push_back({t, i, act(dispatcher, cmd(Action::kAcceptReply))});
    t += hours(20 + rng() % 30);
    const double r = uniform(0, 1);
    const domain::Satisfaction s = r < q                     ? domain::Satisfaction::kSatisfied
                                   : r < q + (1 - q) * 0.5 ? domain::Satisfaction::kBasicallySatisfied
                                                           : domain::Satisfaction::kUnsatisfied;
    const bool reopen = s == domain::Satisfaction::kUnsatisfied && uniform(0, 1) < 0.6;
    steps.push_back({t, i, act(visitor, visit(s, reopen))});
    ++stats.visited;
    if (reopen) {
      ++stats.reopened;
      t += hours(24 + rng() % 48);
      steps.push_back({t, i, act(unit, reply(1))});
      t += hours(2);
      steps.push_back({t, i, act(dispatcher, cmd(Action::kAcceptReply))});
      t += hours(20);
      steps.push_back({t, i,
                       act(visitor, visit(uniform(0, 1) < 0.7 ? domain::Satisfaction::kSatisfied
                                                               : domain::Satisfaction::kUnsatisfied,
                                          false))});
    }
    ++stats.orders;
  }
  std::stable_sort(steps.begin(), steps.end(),
                   [](const Step& a, const Step& b) { return a.at < b.at; });
  for (const Step& s : steps) {
    if (s.at > not_after) break;
    clock.Set(s.at);
    JIESU_RETURN_IF_ERROR(scheduler.Tick().status());
    JIESU_RETURN_IF_ERROR(s.run(ids[static_cast<size_t>(s.order)]));
  }
  clock.Set(not_after);
  JIESU_RETURN_IF_ERROR(scheduler.Tick().status());
  return stats;
}

}  // namespace jiesu::app
