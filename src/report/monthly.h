// The monthly evaluation report (月度考核排名): every unit's figures and rank within its class,
// and the red and black lists, as an .xlsx workbook (libxlsxwriter; one sheet per unit class
// plus one for the lists) and as one UTF-8 CSV file. Figures are percentages as computed by
// service::Evaluator; an empty cell means the figure had nothing to count.
#pragma once

#include <filesystem>
#include <string>

#include "base/result.h"
#include "domain/jurisdiction.h"
#include "service/evaluation.h"

namespace jiesu::report {

struct MonthlyFiles {
  std::filesystem::path xlsx;
  std::filesystem::path csv;
};

// Writes scores-YYYY-MM.xlsx and scores-YYYY-MM.csv into `dir` (created if missing).
Result<MonthlyFiles> WriteMonthly(const service::MonthScores& m, const domain::Jurisdiction& j,
                                  const std::filesystem::path& dir);

// The CSV text (header and one row per unit, ranked units first by class and rank).
std::string MonthlyCsv(const service::MonthScores& m, const domain::Jurisdiction& j);

}  // namespace jiesu::report
