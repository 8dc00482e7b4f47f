// Orders brought in from another system's history (issue 5, `jiesu import`): one case becomes
// an order whose history says what the source said — received, dispatched to the unit that
// handled it (its leg signed and contacted at once: the source does not record those steps;
// for a case closed there, replied at the source's closing time), then closed. Pure.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "base/result.h"
#include "domain/lifecycle.h"
#include "domain/order.h"

namespace jiesu::domain {

struct ImportedCase {
  std::string source;  // e.g. "boston311-2015"
  std::string key;     // the source system's id
  OrderDraft draft;
  std::string unit;
  TimePoint received_at{};
  std::optional<TimePoint> due_at;     // the source's target date, if it had one
  std::optional<TimePoint> closed_at;  // when closed there; nothing for open cases
  std::string reply_text;
};

// Checks the case against the jurisdiction and returns the events recording order `id`.
// A closing time before the receiving time (seen in real data) is taken as the receiving time.
Result<std::vector<Event>> DecideImport(int64_t id, const std::string& code,
                                        const ImportedCase& c, const Context& ctx);

}  // namespace jiesu::domain
