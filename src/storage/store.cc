#include "storage/store.h"

namespace jiesu::storage {

std::string_view Name(ClaimKind k) { return k == ClaimKind::kAppeal ? "appeal" : "unreasonable"; }

std::optional<ClaimKind> ParseClaimKind(std::string_view s) {
  if (s == "appeal") return ClaimKind::kAppeal;
  if (s == "unreasonable") return ClaimKind::kUnreasonable;
  return std::nullopt;
}

std::string_view Name(ClaimState s) {
  switch (s) {
    case ClaimState::kPending:
      return "pending";
    case ClaimState::kUpheld:
      return "upheld";
    case ClaimState::kDismissed:
      return "dismissed";
  }
  return "?";
}

std::optional<ClaimState> ParseClaimState(std::string_view s) {
  for (auto st : {ClaimState::kPending, ClaimState::kUpheld, ClaimState::kDismissed}) {
    if (Name(st) == s) return st;
  }
  return std::nullopt;
}

}  // namespace jiesu::storage
