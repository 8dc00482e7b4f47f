// The public citizen page's endpoints (no log-in, under /api/v1/public/) and the area tree the
// pages pick places from. Every public call is limited per address, answered with 429 and
// Retry-After past the limit; nothing here returns a caller's name or phone.
#include "api/api.h"
#include "api/json_input.h"
#include "api/views.h"
#include "base/utf8.h"

namespace jiesu::api {

namespace json = boost::json;

HttpResponse TooMany(int64_t retry_after_s) {
  HttpResponse r = ErrorResponse(Error{
      ErrorCode::kRateLimited,
      "too many requests from this address; try again in " + std::to_string(retry_after_s) + " s",
      {}});
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

namespace {

std::string AreaName(const domain::Jurisdiction& j, const std::string& code) {
  const domain::Area* a = j.FindArea(code);
  return a == nullptr ? "" : a->name;
}

std::string CategoryName(const domain::Jurisdiction& j, const std::string& code) {
  const domain::Category* c = j.taxonomy.Find(code);
  return c == nullptr ? "" : c->name;
}

// The steps of an order a citizen is told of, by event type; the rest (cards, sub-dispatch,
// the hotline's review of a reply) are internal.
bool PublicStep(domain::EventType t) {
  using T = domain::EventType;
  switch (t) {
    case T::kReceived:
    case T::kAnswered:
    case T::kRejected:
    case T::kDispatched:
    case T::kSigned:
    case T::kExtensionApproved:
    case T::kOrderReplied:
    case T::kVisited:
    case T::kReopened:
    case T::kClosed:
    case T::kMerged:
      return true;
    default:
      return false;
  }
}

json::object PublicOrderJson(const domain::Order& o, const std::vector<domain::Event>& history,
                             const domain::Jurisdiction& j, const service::RatingOffer& offer) {
  json::array units;
  for (const auto& leg : o.legs) {
    if (leg.role == domain::LegRole::kSub) continue;
    const domain::Unit* u = j.units.Find(leg.unit_id);
    if (u != nullptr && std::find(units.begin(), units.end(), json::value(u->name)) == units.end())
      units.emplace_back(u->name);
  }
  json::array timeline;
  for (const auto& e : history) {
    if (PublicStep(e.type)) {
      timeline.emplace_back(json::object{{"at", Time(e.at, j)}, {"step", domain::Name(e.type)}});
    }
  }
  json::object out{{"tracking_code", o.code},
                   {"state", domain::Name(o.state)},
                   {"created_at", Time(o.created_at, j)},
                   {"content", o.draft.content},
                   {"category", o.draft.category},
                   {"category_name", CategoryName(j, o.draft.category)},
                   {"district", AreaName(j, o.draft.location.district_code)},
                   {"street", AreaName(j, o.draft.location.street_code)},
                   {"address", o.draft.location.address},
                   {"units", std::move(units)},
                   {"timeline", std::move(timeline)}};
  // What the hotline told the citizen: a direct answer, or where to turn instead.
  if (!o.answer.empty()) out["answer"] = o.answer;
  if (!o.proper_channel.empty()) out["proper_channel"] = o.proper_channel;
  // The units' reply as written for the citizen; the internal reply text never leaves here.
  const std::string reply = o.PublicReply();
  out["public_reply"] = reply.empty() ? json::value(nullptr) : json::value(reply);
  // What the page may offer: a rating (the return visit of this round) and 重办 with it.
  out["can_rate"] = offer.can_rate;
  out["reopen_until"] =
      offer.reopen_until ? json::value(Time(*offer.reopen_until, j)) : json::value(nullptr);
  out["can_reopen"] = offer.can_reopen;
  if (o.completed_at) out["completed_at"] = Time(*o.completed_at, j);
  return out;
}

domain::Location ReadLocation(JsonReader& r) {
  domain::Location l;
  if (const json::object* lo = r.Object("location")) {
    JsonReader lr(*lo, "location.");
    l.address = lr.String("address");
    l.district_code = lr.String("district_code");
    l.street_code = lr.String("street_code");
    l.lat = lr.Double("lat");
    l.lon = lr.Double("lon");
    r.Merge(lr.Finish());
  }
  return l;
}

}  // namespace

void Api::AddPublicRoutes() {
  Add("GET", "/api/v1/areas", true, [this](Call& c) { return Areas(c); });
  Add("GET", "/api/v1/public/challenge", true, [this](Call& c) { return PublicChallenge(c); });
  Add("POST", "/api/v1/public/requests", true, [this](Call& c) { return PublicSubmit(c); });
  Add("POST", "/api/v1/public/track", true, [this](Call& c) { return PublicTrack(c); });
  Add("GET", "/api/v1/public/nearby", true, [this](Call& c) { return PublicNearby(c); });
  Add("POST", "/api/v1/public/rate", true, [this](Call& c) { return PublicRate(c); });
}

Result<HttpResponse> Api::Areas(Call&) {
  json::array areas;
  for (const auto& [code, a] : orders_.jurisdiction().areas) {
    areas.emplace_back(json::object{{"code", a.code}, {"name", a.name}, {"parent", a.parent_code}});
  }
  return JsonResponse(200, json::object{{"areas", std::move(areas)}});
}

Result<HttpResponse> Api::PublicChallenge(Call& c) {
  if (citizen_ == nullptr) return NotFound("this server has no public page");
  if (int64_t wait = public_reads_.Take(c.req.remote_address, orders_.clock().Now())) {
    return TooMany(wait);
  }
  JIESU_ASSIGN_OR_RETURN(service::Challenge ch, citizen_->NewChallenge());
  return JsonResponse(200,
                      json::object{{"challenge", ch.token},
                                   {"bits", ch.bits},
                                   {"expires_at", Time(ch.expires_at, orders_.jurisdiction())}});
}

Result<HttpResponse> Api::PublicSubmit(Call& c) {
  if (citizen_ == nullptr) return NotFound("this server has no public page");
  if (c.req.idempotency_key.size() > 200 || !IsValidUtf8(c.req.idempotency_key)) {
    return InvalidArgument("Idempotency-Key must be at most 200 bytes of UTF-8", "Idempotency-Key");
  }
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  service::CitizenRequest req;
  req.content = r.String("content", true);
  req.confidential = r.Bool("confidential");
  req.challenge = r.String("challenge", true);
  req.nonce = r.String("nonce", true);
  req.location = ReadLocation(r);
  if (const json::object* ct = r.Object("contact")) {
    JsonReader cr(*ct, "contact.");
    req.name = cr.String("name");
    req.phone = cr.String("phone");
    r.Merge(cr.Finish());
  }
  JIESU_RETURN_IF_ERROR(r.Finish());
  if (int64_t wait = public_submits_.Take(c.req.remote_address, orders_.clock().Now())) {
    return TooMany(wait);
  }
  const std::string hash = c.req.idempotency_key.empty() ? "" : Sha256Hex(c.req.body);
  JIESU_ASSIGN_OR_RETURN(service::Submitted s,
                         citizen_->Submit(std::move(req), c.req.idempotency_key, hash));
  const auto& j = orders_.jurisdiction();
  HttpResponse resp = JsonResponse(s.replayed ? 200 : 201,
                                   json::object{{"tracking_code", s.order.code},
                                                {"access_key", s.access_key},
                                                {"state", domain::Name(s.order.state)},
                                                {"created_at", Time(s.order.created_at, j)}});
  resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

Result<HttpResponse> Api::PublicTrack(Call& c) {
  if (citizen_ == nullptr) return NotFound("this server has no public page");
  if (int64_t wait = public_reads_.Take(c.req.remote_address, orders_.clock().Now())) {
    return TooMany(wait);
  }
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  const std::string code = r.String("tracking_code", true);
  const std::string key = r.String("access_key");
  const std::string phone = r.String("phone");
  JIESU_RETURN_IF_ERROR(r.Finish());
  if (key.empty() && phone.empty()) {
    return InvalidArgument("give the access key or the phone number the request was made with",
                           "access_key");
  }
  JIESU_ASSIGN_OR_RETURN(domain::Order order, citizen_->Track(code, key, phone));
  return PublicOrder(order);
}

Result<HttpResponse> Api::PublicOrder(const domain::Order& order) {
  JIESU_ASSIGN_OR_RETURN(std::vector<domain::Event> history, citizen_->History(order));
  HttpResponse resp = JsonResponse(
      200, PublicOrderJson(order, history, orders_.jurisdiction(), citizen_->Offer(order)));
  resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

Result<HttpResponse> Api::PublicRate(Call& c) {
  if (citizen_ == nullptr) return NotFound("this server has no public page");
  if (int64_t wait = public_reads_.Take(c.req.remote_address, orders_.clock().Now())) {
    return TooMany(wait);
  }
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  const std::string code = r.String("tracking_code", true);
  const std::string key = r.String("access_key");
  const std::string phone = r.String("phone");
  const std::string satisfaction = r.String("satisfaction", true);
  service::CitizenRating rating;
  rating.solved = r.Bool("solved");
  rating.contacted = r.Bool("contacted");
  rating.comment = r.String("comment");
  rating.reopen = r.Bool("reopen");
  JIESU_RETURN_IF_ERROR(r.Finish());
  if (key.empty() && phone.empty()) {
    return InvalidArgument("give the access key or the phone number the request was made with",
                           "access_key");
  }
  auto s = domain::ParseSatisfaction(satisfaction);
  if (!s) {
    return InvalidArgument("satisfaction: unknown value '" + satisfaction +
                               "' (expected one of: satisfied, basically_satisfied, unsatisfied)",
                           "satisfaction");
  }
  rating.satisfaction = *s;
  // Not answered: taken from the rating (a satisfied citizen had the problem solved).
  if (!o.contains("solved") || o.at("solved").is_null()) {
    rating.solved = *s != domain::Satisfaction::kUnsatisfied;
  }
  JIESU_ASSIGN_OR_RETURN(domain::Order order, citizen_->Rate(code, key, phone, rating));
  return PublicOrder(order);
}

Result<HttpResponse> Api::PublicNearby(Call& c) {
  if (citizen_ == nullptr) return NotFound("this server has no public page");
  if (int64_t wait = public_reads_.Take(c.req.remote_address, orders_.clock().Now())) {
    return TooMany(wait);
  }
  domain::Location where;
  std::string text;
  for (const auto& [k, v] : c.req.query) {
    if (!IsValidUtf8(v) || v.size() > 2000) {
      return InvalidArgument(k + " must be at most 2,000 bytes of UTF-8", k);
    }
    std::string* slot = k == "street_code"     ? &where.street_code
                        : k == "district_code" ? &where.district_code
                        : k == "address"       ? &where.address
                        : k == "text"          ? &text
                                               : nullptr;
    if (slot == nullptr) return InvalidArgument("unknown query parameter '" + k + "'", k);
    *slot = v;
  }
  JIESU_ASSIGN_OR_RETURN(std::vector<service::NearbyRequest> found, citizen_->Nearby(where, text));
  const auto& j = orders_.jurisdiction();
  json::array out;
  for (const auto& n : found) {
    out.emplace_back(json::object{{"tracking_code", n.code},
                                  {"category_name", CategoryName(j, n.category)},
                                  {"district", AreaName(j, n.district_code)},
                                  {"street", AreaName(j, n.street_code)},
                                  {"state", domain::Name(n.state)},
                                  {"created_at", Time(n.created_at, j)},
                                  {"excerpt", n.excerpt},
                                  {"similar_text", n.similar_text}});
  }
  return JsonResponse(200, json::object{{"requests", std::move(out)}});
}

}  // namespace jiesu::api
