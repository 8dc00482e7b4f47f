#include "domain/score.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace jiesu::domain {
namespace {

constexpr std::array<std::pair<Metric, std::string_view>, kMetricCount> kMetrics{{
    {Metric::kResponse, "response"},
    {Metric::kTimelySign, "timely_sign"},
    {Metric::kOnTimeReply, "on_time_reply"},
    {Metric::kLateReply, "late_reply"},
    {Metric::kReturn, "return"},
    {Metric::kResolution, "resolution"},
    {Metric::kSatisfaction, "satisfaction"},
    {Metric::kReopen, "reopen"},
}};

bool Before(const std::optional<TimePoint>& t, TimePoint due) { return t && *t <= due; }

}  // namespace

std::string_view Name(Metric m) { return kMetrics[static_cast<int>(m)].second; }

std::optional<Metric> ParseMetric(std::string_view s) {
  for (const auto& [m, n] : kMetrics) {
    if (n == s) return m;
  }
  return std::nullopt;
}

bool IsLegMetric(Metric m) { return m <= Metric::kReturn; }

OrderFacts FactsOf(const Order& o) {
  OrderFacts facts;
  for (const Leg& l : o.legs) {
    LegFact f;
    f.order_id = o.id;
    f.leg = l.no;
    f.unit_id = l.unit_id;
    f.role = l.role;
    f.state = l.state;
    f.dispatched_at = l.dispatched_at;
    f.sign_due = l.sign_due;
    f.contact_due = l.contact_due == TimePoint{} ? l.reply_due : l.contact_due;
    f.reply_due = l.reply_due;
    f.signed_at = l.signed_at;
    f.contacted_at = l.contacted_at;
    f.replied_at = l.replied_at;
    facts.legs.push_back(std::move(f));
  }
  const Visit* first = nullptr;
  const Visit* last = nullptr;
  for (const Visit& v : o.visits) {
    if (!v.reached || !v.satisfaction) continue;
    if (first == nullptr) first = &v;
    last = &v;
  }
  const Leg* lead = o.LeadLeg();
  if (last != nullptr && lead != nullptr) {
    VisitFact v;
    v.order_id = o.id;
    v.unit_id = lead->unit_id;
    v.at = last->at;
    v.contacted = last->contacted;
    v.solved = last->solved;
    v.satisfaction = *last->satisfaction;
    v.first_satisfaction = *first->satisfaction;
    v.reopen_count = o.reopen_count;
    facts.visit = std::move(v);
  }
  return facts;
}

Outcome Judge(Metric m, const LegFact& f, TimePoint now) {
  if (f.state == LegState::kCancelled) return {};
  if (m == Metric::kReturn) return {true, f.state == LegState::kReturned ? 1.0 : 0.0};
  if (f.state == LegState::kReturned) return {};
  switch (m) {
    case Metric::kResponse: {
      const bool sign_ok = Before(f.signed_at, f.sign_due);
      const bool contact_ok = Before(f.contacted_at, f.contact_due);
      if (sign_ok && contact_ok) return {true, 1};
      const bool sign_failed = !sign_ok && (f.signed_at || now > f.sign_due);
      const bool contact_failed = !contact_ok && (f.contacted_at || now > f.contact_due);
      return {sign_failed || contact_failed, 0};
    }
    case Metric::kTimelySign: {
      if (Before(f.signed_at, f.sign_due)) return {true, 1};
      return {f.signed_at.has_value() || now > f.sign_due, 0};
    }
    case Metric::kOnTimeReply: {
      if (Before(f.replied_at, f.reply_due)) return {true, 1};
      return {f.replied_at.has_value() || now > f.reply_due, 0};
    }
    case Metric::kLateReply:
      if (!f.replied_at) return {};
      return {true, *f.replied_at > f.reply_due ? 1.0 : 0.0};
    default:
      return {};
  }
}

Outcome Judge(Metric m, const VisitFact& f, double w) {
  switch (m) {
    case Metric::kResolution:
      return {true, f.solved ? 1.0 : 0.0};
    case Metric::kSatisfaction:
      switch (f.satisfaction) {
        case Satisfaction::kSatisfied:
          return {true, 1};
        case Satisfaction::kBasicallySatisfied:
          return {true, w};
        case Satisfaction::kUnsatisfied:
          return {true, 0};
      }
      return {};
    case Metric::kReopen:
      return {true, f.reopen_count > 0 ? 1.0 : 0.0};
    default:
      return {};
  }
}

std::optional<double> Ratio::Percent() const {
  if (denominator == 0) return std::nullopt;
  return std::round(numerator * 10000.0 / static_cast<double>(denominator)) / 100.0;
}

void UnitScore::Add(const LegFact& f, TimePoint now) {
  for (const auto& [m, name] : kMetrics) {
    if (!IsLegMetric(m)) continue;
    const Outcome o = Judge(m, f, now);
    if (!o.counted) continue;
    (*this)[m].denominator += 1;
    (*this)[m].numerator += o.credit;
  }
}

void UnitScore::Add(const VisitFact& f, double w) {
  for (const auto& [m, name] : kMetrics) {
    if (IsLegMetric(m)) continue;
    const Outcome o = Judge(m, f, w);
    if (!o.counted) continue;
    (*this)[m].denominator += 1;
    (*this)[m].numerator += o.credit;
  }
}

std::optional<double> CompositeOf(const UnitScore& s, const CompositeWeights& w) {
  double sum = 0, weights = 0;
  auto add = [&](Metric m, double weight) {
    if (auto p = s[m].Percent(); p && weight > 0) {
      sum += weight * *p;
      weights += weight;
    }
  };
  add(Metric::kResponse, w.response);
  add(Metric::kResolution, w.resolution);
  add(Metric::kSatisfaction, w.satisfaction);
  if (weights == 0) return std::nullopt;
  return std::round(sum / weights * 100.0) / 100.0;
}

void RankScores(std::vector<UnitScore>& scores, const Evaluation& e, const std::string& month) {
  for (auto& s : scores) {
    s.composite = CompositeOf(s, e.WeightsFor(s.unit_class, month));
    s.rank = 0;
  }
  std::vector<UnitScore*> order;
  for (auto& s : scores) {
    if (s.composite) order.push_back(&s);
  }
  std::sort(order.begin(), order.end(), [](const UnitScore* a, const UnitScore* b) {
    if (a->unit_class != b->unit_class) return a->unit_class < b->unit_class;
    if (*a->composite != *b->composite) return *a->composite > *b->composite;
    const double sa = (*a)[Metric::kSatisfaction].Percent().value_or(0);
    const double sb = (*b)[Metric::kSatisfaction].Percent().value_or(0);
    if (sa != sb) return sa > sb;
    return a->unit_id < b->unit_id;
  });
  int rank = 0;
  for (size_t i = 0; i < order.size(); ++i) {
    rank = (i > 0 && order[i - 1]->unit_class == order[i]->unit_class) ? rank + 1 : 1;
    order[i]->rank = rank;
  }
}

}  // namespace jiesu::domain
