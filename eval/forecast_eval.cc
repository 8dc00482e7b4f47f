// make eval-forecast: daily request volume forecasts on Boston 311 (2015), against the
// seasonal-naive forecast (same weekday last week).
//
// Protocol: daily counts by OPEN_DT (local time). Train on the days before 2015-11-01; the
// smoothing parameters are chosen on the last 8 weeks of training (2015-09-06..10-31) only;
// test on 2015-11-01..12-31 (61 days), reported once. Forecasts are rolling: each test day is
// forecast from the data up to h days before it. The primary figure uses h = 7, the same
// information the seasonal-naive forecast has; h = 1 (tomorrow's volume) is printed too.
// MASE here = MAE(model) ÷ MAE(seasonal naive) on the test days (so the baseline is 1.0); the
// classic in-sample-scaled MASE (Hyndman & Koehler) of both is printed beside it. Holidays are
// Boston's 2015 public holidays (config/calendars/us_boston_holidays_2015.csv).
// Ends with name=value lines; mase_boston is the primary figure.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "analytics/csv.h"
#include "analytics/forecast.h"
#include "config/loader.h"
#include "data_dir.h"

namespace {

namespace fs = std::filesystem;
using namespace jiesu;
using analytics::DailySeries;

// "01/31/2015 12:20:09 AM" → the date.
std::optional<Date> OpenDate(const std::string& s) {
  if (s.size() < 10 || s[2] != '/' || s[5] != '/') return std::nullopt;
  const int m = std::stoi(s.substr(0, 2)), d = std::stoi(s.substr(3, 2)),
            y = std::stoi(s.substr(6, 4));
  const std::chrono::year_month_day ymd{std::chrono::year{y}, std::chrono::month{unsigned(m)},
                                        std::chrono::day{unsigned(d)}};
  if (!ymd.ok()) return std::nullopt;
  return std::chrono::sys_days(ymd);
}

struct Result2 {
  double mae_model = 0, mae_naive = 0, mase_rel = 0, mase_model = 0, mase_naive = 0;
};

// In-sample scale: MAE of the seasonal naive over the training days.
double InSampleScale(const DailySeries& s, size_t train_end) {
  double sum = 0;
  int n = 0;
  for (size_t i = 7; i < train_end; ++i) {
    sum += std::fabs(s.values[i] - s.values[i - 7]);
    ++n;
  }
  return n > 0 ? sum / n : 1.0;
}

Result2 Evaluate(const DailySeries& s, const std::set<Date>& holidays, int h, size_t test_from,
                 size_t test_to, bool median) {
  const size_t dev_from = test_from - 56;
  const auto p = analytics::TuneParams(s, holidays, h, dev_from, test_from, median);
  auto f = analytics::HoltWintersForecasts(s, holidays, p, h);
  if (median) f = analytics::PointForecasts(f, p.dispersion);
  const auto naive = analytics::SeasonalNaiveForecasts(s);
  Result2 r;
  r.mae_model = analytics::MeanAbsoluteError(s, f, test_from, test_to);
  r.mae_naive = analytics::MeanAbsoluteError(s, naive, test_from, test_to);
  r.mase_rel = r.mae_naive > 0 ? r.mae_model / r.mae_naive : 0;
  const double scale = InSampleScale(s, test_from);
  r.mase_model = r.mae_model / scale;
  r.mase_naive = r.mae_naive / scale;
  return r;
}

}  // namespace

int main(int argc, char** argv) {
  fs::path data = eval::DataDir();
  // --dev: score on 2015-09-01..10-31 (tuned on the 8 weeks before) to choose between model
  // variants without looking at the test days. --point mean|median: the point forecast.
  bool dev = false, median = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--dev") {
      dev = true;
    } else if (a == "--point" && i + 1 < argc) {
      median = std::string(argv[++i]) == "median";
    } else {
      data = a;
    }
  }
  const fs::path file = data / "boston311-2015" / "boston311_2015_all_types_except5.csv.gz";
  if (eval::SkipWithout(file)) return 0;
  auto cal = config::LoadCalendarCsv(
      std::string(JIESU_SOURCE_DIR) + "/config/calendars/us_boston_holidays_2015.csv", -300);
  if (!cal.ok()) {
    std::fprintf(stderr, "%s\n", cal.error().message.c_str());
    return 1;
  }
  const std::set<Date> holidays(cal->holidays().begin(), cal->holidays().end());

  const Date first = *OpenDate("01/01/2015"), last = *OpenDate("12/31/2015");
  const size_t days = static_cast<size_t>((last - first).count()) + 1;
  DailySeries total{first, std::vector<double>(days, 0)};
  std::map<std::string, std::vector<double>> by_type;
  int64_t rows = 0, skipped = 0;
  int type_col = -1, open_col = -1;
  auto st = analytics::ReadCsv(file.string(), [&](const analytics::CsvRow& r) {
    if (r.line == 1) {
      for (size_t i = 0; i < r.fields.size(); ++i) {
        if (r.fields[i] == "TYPE") type_col = static_cast<int>(i);
        if (r.fields[i] == "OPEN_DT") open_col = static_cast<int>(i);
      }
      return type_col >= 0 && open_col >= 0;
    }
    auto d = OpenDate(r.fields.size() > size_t(open_col) ? r.fields[size_t(open_col)] : "");
    if (!d || *d < first || *d > last) {
      ++skipped;
      return true;
    }
    const size_t i = static_cast<size_t>((*d - first).count());
    total.values[i] += 1;
    auto& v = by_type[r.fields[size_t(type_col)]];
    if (v.empty()) v.assign(days, 0);
    v[i] += 1;
    ++rows;
    return true;
  });
  if (!st.ok() || type_col < 0) {
    std::fprintf(stderr, "%s\n",
                 st.ok() ? "no TYPE/OPEN_DT columns" : st.error().ToString().c_str());
    return 1;
  }
  const size_t test_from = *total.IndexOf(*OpenDate(dev ? "09/01/2015" : "11/01/2015"));
  const size_t test_to = dev ? *total.IndexOf(*OpenDate("11/01/2015")) : total.values.size();
  std::printf("Boston 311 2015: %lld requests over %zu days (%lld rows skipped), %zu types\n",
              static_cast<long long>(rows), days, static_cast<long long>(skipped), by_type.size());
  if (dev) {
    std::printf("DEV: train 2015-01-01..08-31 (tuned on 07-06..08-31), score 2015-09-01..10-31\n");
  } else {
    std::printf("train 2015-01-01..10-31 (tuned on 09-06..10-31), test 2015-11-01..12-31\n");
  }
  std::printf("point forecast: %s\n\n",
              median ? "median of a negative binomial with the forecast as its mean and the "
                       "dispersion fit on the tuning days"
                     : "mean");

  // The ten largest types by training volume.
  std::vector<std::pair<double, std::string>> sizes;
  for (const auto& [type, v] : by_type) {
    double n = 0;
    for (size_t i = 0; i < test_from; ++i) n += v[i];
    sizes.emplace_back(n, type);
  }
  std::sort(sizes.rbegin(), sizes.rend());
  sizes.resize(std::min<size_t>(10, sizes.size()));

  std::map<int, double> overall, mean_top;
  for (int h : {7, 1}) {
    const Result2 r = Evaluate(total, holidays, h, test_from, test_to, median);
    overall[h] = r.mase_rel;
    std::printf(
        "h=%d  all requests                         MAE %7.2f  naive %7.2f  MASE %.3f "
        "(in-sample scaled: model %.3f, naive %.3f)\n",
        h, r.mae_model, r.mae_naive, r.mase_rel, r.mase_model, r.mase_naive);
    double sum = 0;
    for (const auto& [n, type] : sizes) {
      const DailySeries s{first, by_type[type]};
      const Result2 t = Evaluate(s, holidays, h, test_from, test_to, median);
      sum += t.mase_rel;
      std::printf("h=%d  %-38.38s MAE %7.2f  naive %7.2f  MASE %.3f\n", h, type.c_str(),
                  t.mae_model, t.mae_naive, t.mase_rel);
    }
    mean_top[h] = sum / static_cast<double>(sizes.size());
    std::printf("h=%d  mean over the 10 largest types: MASE %.3f\n\n", h, mean_top[h]);
  }
  std::printf("mase_boston=%.3f\n", overall[7]);
  std::printf("mase_boston_top10_mean=%.3f\n", mean_top[7]);
  std::printf("mase_boston_h1=%.3f\n", overall[1]);
  std::printf("mase_boston_top10_mean_h1=%.3f\n", mean_top[1]);
  return 0;
}
