// The stored form of an event: a JSON document holding every field of domain::Event.
// Shared by all backends so that a history moved between them reads the same.
#pragma once

#include <string>
#include <string_view>

#include "base/result.h"
#include "domain/order.h"
#include "domain/supervision.h"

namespace jiesu::storage {

std::string EncodeEvent(const domain::Event& e);

// kInternal when `json` is not a document EncodeEvent wrote (a corrupted row).
Result<domain::Event> DecodeEvent(int64_t order_id, int64_t seq, std::string_view json);

// The same for the history of a supervision order (督办).
std::string EncodeSupervisionEvent(const domain::SupervisionEvent& e);
Result<domain::SupervisionEvent> DecodeSupervisionEvent(int64_t supervision_id, int64_t seq,
                                                        std::string_view json);

}  // namespace jiesu::storage
