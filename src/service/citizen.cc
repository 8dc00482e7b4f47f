#include "service/citizen.h"

#include <sodium.h>

#include <algorithm>
#include <charconv>

#include "base/utf8.h"

namespace jiesu::service {

namespace {

constexpr std::string_view kChallengePurpose = "public challenge v1";
constexpr std::string_view kAccessPurpose = "citizen access v1";
constexpr size_t kExcerptChars = 40;

int LeadingZeroBits(const unsigned char* h, size_t n) {
  int bits = 0;
  for (size_t i = 0; i < n; ++i) {
    if (h[i] == 0) {
      bits += 8;
      continue;
    }
    for (int b = 7; b >= 0 && !(h[i] & (1u << b)); --b) ++bits;
    break;
  }
  return bits;
}

int WorkBits(const std::string& token, const std::string& nonce) {
  const std::string s = token + ":" + nonce;
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  return LeadingZeroBits(h, sizeof h);
}

std::string RandomHex(size_t bytes) {
  std::string raw(bytes, '\0');
  randombytes_buf(raw.data(), raw.size());
  std::string out(bytes * 2, '\0');
  sodium_bin2hex(out.data(), out.size() + 1, reinterpret_cast<const unsigned char*>(raw.data()),
                 raw.size());
  return out;
}

bool SameSecret(const std::string& a, const std::string& b) {
  return a.size() == b.size() && !a.empty() && sodium_memcmp(a.data(), b.data(), a.size()) == 0;
}

// The first characters of a text for strangers to see: runs of 5 or more digits (phone, ID and
// house-key numbers) become asterisks.
std::string Excerpt(const std::string& text) {
  std::string cut = Utf8Prefix(text, kExcerptChars);
  if (cut.size() < text.size()) cut += "…";
  std::string out;
  size_t i = 0;
  while (i < cut.size()) {
    size_t j = i;
    while (j < cut.size() && cut[j] >= '0' && cut[j] <= '9') ++j;
    if (j - i >= 5) {
      out.append(j - i, '*');
    } else {
      out.append(cut, i, j - i);
    }
    if (j == i) out += cut[j++];
    i = j;
  }
  return out;
}

bool IsOpen(domain::OrderState s) {
  using S = domain::OrderState;
  return s == S::kReceived || s == S::kDispatching || s == S::kInProgress || s == S::kReplied ||
         s == S::kVisiting || s == S::kReopened;
}

}  // namespace

Citizen::Citizen(Orders& orders, const CallerHasher& hasher, const Clock& clock,
                 Suggester* suggester, CitizenOptions options)
    : orders_(orders), hasher_(hasher), clock_(clock), suggester_(suggester), options_(options) {}

Result<domain::Actor> Citizen::PublicActor() const {
  const domain::RoleDef* role = orders_.jurisdiction().roles.PublicRole();
  if (role == nullptr) return NotFound("this jurisdiction has no public page");
  return domain::Actor{0, "public", role->name, ""};
}

Result<Challenge> Citizen::NewChallenge() {
  JIESU_RETURN_IF_ERROR(PublicActor().status());
  Challenge c;
  c.bits = options_.challenge_bits;
  c.expires_at = clock_.Now() + options_.challenge_ttl;
  const std::string body = std::to_string(ToUnixMillis(c.expires_at)) + "." + RandomHex(16) + "." +
                           std::to_string(c.bits);
  c.token = body + "." + hasher_.Mac(kChallengePurpose, body);
  return c;
}

Status Citizen::CheckChallenge(const std::string& token, const std::string& nonce,
                               const std::string& retry) {
  const auto refused = [](const std::string& why) {
    return InvalidArgument("the challenge " + why + "; ask for a new one", "challenge");
  };
  auto mac_at = token.rfind('.');
  if (mac_at == std::string::npos) return refused("is malformed");
  const std::string body = token.substr(0, mac_at);
  if (!SameSecret(token.substr(mac_at + 1), hasher_.Mac(kChallengePurpose, body))) {
    return refused("was not issued by this server");
  }
  int64_t expires_ms = 0;
  std::from_chars(body.data(), body.data() + body.find('.'), expires_ms);
  const int bits = std::atoi(body.substr(body.rfind('.') + 1).c_str());
  const TimePoint now = clock_.Now();
  const TimePoint expires = FromUnixMillis(expires_ms);
  if (expires <= now) return refused("has expired");
  if (nonce.empty() || nonce.size() > 32 || WorkBits(token, nonce) < bits) {
    return refused("is not answered");
  }
  std::lock_guard lock(mu_);
  std::erase_if(used_, [&](const auto& kv) { return kv.second.expires_at <= now; });
  auto [it, fresh] = used_.emplace(token, Used{expires, retry});
  if (!fresh && (retry.empty() || it->second.retry != retry)) return refused("was used already");
  return Ok();
}

std::string Citizen::Solve(const std::string& token, int bits) {
  for (uint64_t n = 0;; ++n) {
    std::string nonce = std::to_string(n);
    if (WorkBits(token, nonce) >= bits) return nonce;
  }
}

std::string Citizen::AccessKeyFor(const std::string& code) const {
  // 128 bits are plenty for a key that is checked online under a rate limit.
  return hasher_.Mac(kAccessPurpose, code).substr(0, 32);
}

Result<Submitted> Citizen::Submit(CitizenRequest r, const std::string& idempotency_key,
                                  const std::string& request_hash) {
  JIESU_ASSIGN_OR_RETURN(domain::Actor actor, PublicActor());
  JIESU_RETURN_IF_ERROR(CheckChallenge(
      r.challenge, r.nonce, idempotency_key.empty() ? "" : idempotency_key + " " + request_hash));
  domain::OrderDraft d;
  d.channel = domain::Channel::kWeb;
  d.content = std::move(r.content);
  d.location = std::move(r.location);
  d.caller.name = std::move(r.name);
  d.caller.phone = std::move(r.phone);
  d.caller.anonymous = d.caller.name.empty() && d.caller.phone.empty();
  d.confidential = r.confidential;
  JIESU_ASSIGN_OR_RETURN(storage::Created created,
                         orders_.Intake(actor, std::move(d), idempotency_key, request_hash));
  Submitted s;
  s.access_key = AccessKeyFor(created.order.code);
  s.replayed = created.replayed;
  s.order = std::move(created.order);
  return s;
}

Result<domain::Order> Citizen::Track(const std::string& code, const std::string& access_key,
                                     const std::string& phone) {
  JIESU_ASSIGN_OR_RETURN(domain::Actor actor, PublicActor());
  const Error unknown{ErrorCode::kNotFound, "no request with this code and key or phone", {}};
  // The code ends with the order's id (Orders::CodeFor).
  if (code.size() < 9) return unknown;
  int64_t id = 0;
  auto [p, ec] = std::from_chars(code.data() + code.size() - 8, code.data() + code.size(), id);
  if (ec != std::errc() || p != code.data() + code.size() || id <= 0) return unknown;
  auto order = orders_.Get(actor, id);
  if (!order.ok() || order->code != code) return unknown;
  bool allowed = !access_key.empty() && SameSecret(access_key, AccessKeyFor(code));
  if (!allowed && !phone.empty()) {
    const std::string h = hasher_.Hash(phone);
    allowed = !h.empty() && h == order->draft.caller.phone_hash;
  }
  if (!allowed) return unknown;
  return order;
}

Result<std::vector<domain::Event>> Citizen::History(const domain::Order& order) {
  JIESU_ASSIGN_OR_RETURN(domain::Actor actor, PublicActor());
  return orders_.History(actor, order.id);
}

Result<domain::Order> Citizen::Rate(const std::string& code, const std::string& access_key,
                                    const std::string& phone, const CitizenRating& rating) {
  JIESU_ASSIGN_OR_RETURN(domain::Actor actor, PublicActor());
  JIESU_ASSIGN_OR_RETURN(domain::Order order, Track(code, access_key, phone));
  if (!orders_.jurisdiction().roles.Allows(actor.role, domain::Action::kVisit)) {
    return Forbidden("this hotline takes ratings by its return calls, not on this page");
  }
  domain::Command cmd;
  cmd.action = domain::Action::kVisit;
  cmd.visit.channel = domain::Channel::kWeb;
  cmd.visit.reached = true;
  cmd.visit.satisfaction = rating.satisfaction;
  cmd.visit.solved = rating.solved;
  cmd.visit.contacted = rating.contacted;
  cmd.visit.comment = rating.comment;
  cmd.visit.attributable = rating.reopen;
  return orders_.Act(actor, order.id, cmd);
}

RatingOffer Citizen::Offer(const domain::Order& order) const {
  RatingOffer offer;
  const domain::Jurisdiction& j = orders_.jurisdiction();
  const domain::RoleDef* role = j.roles.PublicRole();
  offer.can_rate = role != nullptr && j.roles.Allows(role->name, domain::Action::kVisit) &&
                   domain::CitizenMayRate(order).ok();
  if (!offer.can_rate) return offer;
  offer.reopen_until = domain::CitizenReopenUntil(order, j.policy);
  offer.can_reopen = offer.reopen_until && clock_.Now() <= *offer.reopen_until;
  return offer;
}

Result<std::vector<NearbyRequest>> Citizen::Nearby(const domain::Location& location,
                                                   const std::string& text) {
  JIESU_ASSIGN_OR_RETURN(domain::Actor actor, PublicActor());
  const TimePoint now = clock_.Now();
  storage::OrderFilter f;
  f.street_code = location.street_code;
  f.district_code = location.street_code.empty() ? location.district_code : "";
  if (f.street_code.empty() && f.district_code.empty() && suggester_ != nullptr && !text.empty()) {
    // No place picked: the place the text or address names.
    Suggestion s = suggester_->Suggest(text, location.address, now, location.lat, location.lon);
    f.street_code = s.street_code;
    f.district_code = s.street_code.empty() ? s.district_code : "";
  }
  if (f.street_code.empty() && f.district_code.empty()) return std::vector<NearbyRequest>{};
  f.states = {domain::OrderState::kReceived,   domain::OrderState::kDispatching,
              domain::OrderState::kInProgress, domain::OrderState::kReplied,
              domain::OrderState::kVisiting,   domain::OrderState::kReopened};
  f.created_from = now - options_.nearby_window;
  f.now = now;
  f.limit = 50;
  JIESU_ASSIGN_OR_RETURN(storage::OrderPage page, orders_.List(actor, f));
  std::vector<int64_t> similar;
  if (suggester_ != nullptr && !text.empty()) {
    for (const auto& d : suggester_->Suggest(text, location.address, now).duplicates) {
      similar.push_back(d.order_id);
    }
  }
  std::vector<NearbyRequest> out;
  for (const auto& o : page.orders) {
    if (o.confidential || !IsOpen(o.state)) continue;
    NearbyRequest n;
    n.code = o.code;
    n.category = o.category;
    n.street_code = o.street_code;
    n.district_code = o.district_code;
    n.state = o.state;
    n.created_at = o.created_at;
    n.excerpt = Excerpt(o.title.empty() ? o.content : o.title);
    n.similar_text = std::find(similar.begin(), similar.end(), o.id) != similar.end();
    out.push_back(std::move(n));
  }
  std::stable_sort(out.begin(), out.end(), [](const NearbyRequest& a, const NearbyRequest& b) {
    return a.similar_text && !b.similar_text;
  });
  if (out.size() > 10) out.resize(10);
  return out;
}

}  // namespace jiesu::service
