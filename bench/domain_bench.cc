// make bench-domain: the per-request costs of the pure parts (Google Benchmark): deadline
// arithmetic over the holiday calendar, deciding an intake, the stored event form, and
// rebuilding an order from its history.
#include <benchmark/benchmark.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "config/loader.h"
#include "domain/lifecycle.h"
#include "storage/event_codec.h"

namespace {

using namespace jiesu;

const domain::Jurisdiction& Demo() {
  static const domain::Jurisdiction j =
      std::move(*config::LoadJurisdiction(std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing"));
  return j;
}

domain::OrderDraft Draft() {
  domain::OrderDraft d;
  d.content =
      "市民来电反映：12号楼附近暖气不热，室温只有十四度，已经持续5天，影响周边居民正常生活，"
      "之前也向社区反映过但没有明显改善。请相关部门尽快处理。";
  d.category = "010104";
  d.location.street_code = "110105001";
  d.caller = {"张先生", "13812345678", false, "0123456789abcdef"};
  return d;
}

const TimePoint kStart = *ParseRfc3339("2025-09-30T10:00:00+08:00");
const domain::Actor kAgent{1, "agent1", "agent", ""};

void BM_DeadlineWorkingDaysAcrossNationalDay(benchmark::State& state) {
  const domain::TimeLimit limit{15, domain::LimitUnit::kWorkingDays, true};
  for (auto _ : state) benchmark::DoNotOptimize(domain::Deadline(Demo().calendar, kStart, limit));
}
BENCHMARK(BM_DeadlineWorkingDaysAcrossNationalDay);

void BM_DecideIntake(benchmark::State& state) {
  const domain::OrderDraft d = Draft();
  for (auto _ : state) {
    benchmark::DoNotOptimize(domain::DecideIntake(1, "JS1", d, kAgent, {Demo(), kStart}));
  }
}
BENCHMARK(BM_DecideIntake);

void BM_EncodeDecodeReceivedEvent(benchmark::State& state) {
  auto events = domain::DecideIntake(1, "JS1", Draft(), kAgent, {Demo(), kStart});
  if (!events.ok()) std::abort();
  const domain::Event e = events.value().front();
  for (auto _ : state) {
    std::string s = storage::EncodeEvent(e);
    benchmark::DoNotOptimize(storage::DecodeEvent(1, 1, s));
  }
}
BENCHMARK(BM_EncodeDecodeReceivedEvent);

void BM_ReplayDispatchedOrder(benchmark::State& state) {
  auto first = domain::DecideIntake(1, "JS1", Draft(), kAgent, {Demo(), kStart});
  if (!first.ok()) std::abort();
  std::vector<domain::Event> history = first.value();
  domain::Order o = domain::Replay(history);
  auto step = [&](const domain::Command& c, const domain::Actor& a) {
    auto events = domain::Decide(o, c, a, {Demo(), kStart});
    if (!events.ok()) std::abort();
    for (const auto& e : events.value()) {
      domain::Apply(o, e);
      history.push_back(e);
    }
  };
  domain::Command send;
  send.action = domain::Action::kSendToDispatch;
  step(send, kAgent);
  domain::Command dispatch;
  dispatch.action = domain::Action::kDispatch;
  dispatch.lead_unit = "bj.heat";
  dispatch.co_units = {"110105"};
  step(dispatch, {2, "d", "dispatcher", ""});
  for (auto _ : state) benchmark::DoNotOptimize(domain::Replay(history));
  state.counters["events"] = static_cast<double>(history.size());
}
BENCHMARK(BM_ReplayDispatchedOrder);

// The console table, then one name=value line per benchmark (CPU nanoseconds per iteration)
// so runs can be compared line by line.
class NameValueReporter : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const auto& r : runs) {
      std::string name;
      for (char c : r.benchmark_name().substr(3)) {  // drop "BM_"
        if (std::isupper(static_cast<unsigned char>(c)) && !name.empty()) name += '_';
        name += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      lines_.push_back(name +
                       "_ns=" + std::to_string(static_cast<long long>(r.GetAdjustedCPUTime())));
    }
  }
  void Finalize() override {
    ConsoleReporter::Finalize();
    for (const auto& l : lines_) std::printf("%s\n", l.c_str());
  }

 private:
  std::vector<std::string> lines_;
};

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  NameValueReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();
  return 0;
}
