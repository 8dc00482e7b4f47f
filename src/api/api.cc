#include "api/api.h"

#include <sodium.h>

#include <algorithm>
#include <atomic>
#include <charconv>
#include <exception>

#include "api/browser_session.h"
#include "api/json_input.h"
#include "api/views.h"
#include "base/utf8.h"
#include "base/wait.h"

namespace jiesu::api {

namespace json = boost::json;
using domain::Action;

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kForbidden:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kIllegalTransition:
      return 409;
    case ErrorCode::kTooLarge:
      return 413;
    case ErrorCode::kUnsupportedType:
      return 415;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

HttpResponse ErrorResponse(const Error& e) {
  json::object body{{"code", ErrorCodeName(e.code)}, {"message", e.message}};
  if (!e.field.empty()) body["field"] = e.field;
  HttpResponse r;
  r.status = HttpStatusFor(e.code);
  r.body = json::serialize(body);
  if (e.code == ErrorCode::kUnauthenticated) r.headers.emplace_back("WWW-Authenticate", "Bearer");
  return r;
}

HttpResponse JsonResponse(int status, const json::value& v) {
  HttpResponse r;
  r.status = status;
  r.body = json::serialize(v);
  return r;
}

Result<int64_t> PositiveId(const std::string& s, const char* what) {
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) {
    return InvalidArgument(std::string(what) + " must be a positive integer, got '" + s + "'",
                           what);
  }
  return v;
}

boost::json::value Cursor(int64_t next) {
  return next == 0 ? json::value(nullptr) : json::value(std::to_string(next));
}

namespace {

std::vector<std::string> Split(const std::string& path) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    size_t j = path.find('/', i);
    if (j == std::string::npos) j = path.size();
    out.push_back(path.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

std::string Sha256Hex(const std::string& s) {
  unsigned char h[crypto_hash_sha256_BYTES];
  crypto_hash_sha256(h, reinterpret_cast<const unsigned char*>(s.data()), s.size());
  std::string out(sizeof h * 2, '\0');
  sodium_bin2hex(out.data(), out.size() + 1, h, sizeof h);
  return out;
}

namespace {

template <class E>
std::optional<E> ReadEnum(JsonReader& r, const std::string& key,
                          std::optional<E> (*parse)(std::string_view), std::span<const E> (*all)(),
                          bool required, std::optional<E> fallback = std::nullopt) {
  std::string s = r.String(key, required);
  if (s.empty()) return fallback;
  if (auto v = parse(s)) return v;
  std::string allowed;
  for (E e : all()) allowed += (allowed.empty() ? "" : ", ") + std::string(domain::Name(e));
  r.Merge(InvalidArgument(
      r.prefix() + key + ": unknown value '" + s + "' (expected one of: " + allowed + ")",
      r.prefix() + key));
  return fallback;
}

Result<domain::OrderDraft> ReadDraft(const std::string& body) {
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(body));
  JsonReader r(o);
  domain::OrderDraft d;
  d.channel = ReadEnum(r, "channel", domain::ParseChannel, domain::AllChannels, true,
                       {domain::Channel::kPhone})
                  .value_or(domain::Channel::kPhone);
  d.request_type = ReadEnum(r, "request_type", domain::ParseRequestType, domain::AllRequestTypes,
                            false, {domain::RequestType::kOther})
                       .value_or(domain::RequestType::kOther);
  d.urgency = ReadEnum(r, "urgency", domain::ParseUrgency, domain::AllUrgencys, false,
                       {domain::Urgency::kNormal})
                  .value_or(domain::Urgency::kNormal);
  d.category = r.String("category");
  d.title = r.String("title");
  d.content = r.String("content", true);
  d.confidential = r.Bool("confidential");
  d.call_id = r.String("call_id");
  d.recording_id = r.String("recording_id");
  d.requester_tags = r.Strings("requester_tags");
  if (auto t = r.Time("occurred_at")) d.occurred_at = *t;
  if (const json::object* c = r.Object("caller")) {
    JsonReader cr(*c, "caller.");
    d.caller.name = cr.String("name");
    d.caller.phone = cr.String("phone");
    d.caller.anonymous = cr.Bool("anonymous");
    r.Merge(cr.Finish());
  }
  if (const json::object* l = r.Object("location")) {
    JsonReader lr(*l, "location.");
    d.location.address = lr.String("address");
    d.location.district_code = lr.String("district_code");
    d.location.street_code = lr.String("street_code");
    d.location.community_code = lr.String("community_code");
    d.location.lat = lr.Double("lat");
    d.location.lon = lr.Double("lon");
    r.Merge(lr.Finish());
  }
  JIESU_RETURN_IF_ERROR(r.Finish());
  return d;
}

// Reads the body of a transition into a command; each action accepts only its own fields.
Result<domain::Command> ReadCommand(Action action, const std::string& body) {
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(body));
  JsonReader r(o);
  domain::Command c;
  c.action = action;
  switch (action) {
    case Action::kAnswer:
      c.text = r.String("text", true);
      break;
    case Action::kReject:
      c.reason = r.String("reason", true);
      c.proper_channel = r.String("proper_channel");
      break;
    case Action::kSendToDispatch:
      c.reason = r.String("reason");
      break;
    case Action::kDispatch:
      c.lead_unit = r.String("lead_unit", true);
      c.co_units = r.Strings("co_units");
      c.category = r.String("category");
      c.complex = r.Bool("complex");
      break;
    case Action::kMerge:
      c.parent_order = r.Int("parent", true).value_or(0);
      c.reason = r.String("reason");
      break;
    case Action::kAcceptReply:
      break;
    case Action::kRejectReply:
      c.reason = r.String("reason", true);
      break;
    case Action::kVisit:
      c.visit.reached = r.Bool("reached");
      c.visit.contacted = r.Bool("contacted");
      c.visit.solved = r.Bool("solved");
      c.visit.satisfaction =
          ReadEnum(r, "satisfaction", domain::ParseSatisfaction, domain::AllSatisfactions, false);
      c.visit.attributable = r.Bool("attributable");
      c.visit.comment = r.String("comment");
      if (!o.contains("reached")) r.Merge(InvalidArgument("reached: is required", "reached"));
      break;
    case Action::kSign:
    case Action::kContact:
      break;
    case Action::kRequestReturn:
    case Action::kApproveReturn:
    case Action::kRefuseReturn:
    case Action::kApproveExtension:
    case Action::kRefuseExtension:
      c.reason = r.String("reason", action == Action::kRequestReturn);
      break;
    case Action::kRequestExtension:
      c.days = static_cast<int>(std::clamp<int64_t>(r.Int("days", true).value_or(0), -1, 100000));
      c.reason = r.String("reason", true);
      break;
    case Action::kSubDispatch:
      c.unit = r.String("unit", true);
      c.reason = r.String("reason");
      break;
    case Action::kReply:
      c.text = r.String("text", true);
      c.public_text = r.String("public_text");
      if (const json::value* ids = o.if_contains("attachments"); ids != nullptr && !ids->is_null()) {
        r.Known("attachments");
        if (!ids->is_array()) {
          r.Merge(InvalidArgument("attachments: expected a list of attachment ids", "attachments"));
        } else {
          for (const auto& id : ids->as_array()) {
            if (!id.is_int64() || id.as_int64() <= 0) {
              r.Merge(InvalidArgument("attachments: expected positive integer ids", "attachments"));
              break;
            }
            c.attachments.push_back(id.as_int64());
          }
        }
      }
      c.reply_result =
          ReadEnum(r, "result", domain::ParseReplyResult, domain::AllReplyResults, true);
      break;
    case Action::kIntake:
    case Action::kViewScores:
    case Action::kFileClaim:
    case Action::kDecideClaim:
    case Action::kSupervise:
    case Action::kHandleSupervision:
    case Action::kManageKnowledge:
    case Action::kAnalyze:
      return InvalidArgument(std::string(domain::Name(action)) + " is not a transition");
  }
  JIESU_RETURN_IF_ERROR(r.Finish());
  return c;
}

// URL action names use hyphens ("send-to-dispatch"); domain names use underscores.
std::optional<Action> ActionFromUrl(const std::string& s) {
  if (s.find('_') != std::string::npos) return std::nullopt;
  std::string n = s;
  std::replace(n.begin(), n.end(), '-', '_');
  return domain::ParseAction(n);
}

}  // namespace

Api::Api(service::Auth& auth, service::Orders& orders, service::Evaluator& evaluator,
         service::Supervisions& supervisions, service::Analytics& analytics,
         service::Warnings& warnings, service::Topics& topics, service::Suggester* suggester,
         service::Knowledge* knowledge, service::Citizen* citizen,
         service::Attachments* attachments)
    : auth_(auth),
      orders_(orders),
      evaluator_(evaluator),
      supervisions_(supervisions),
      analytics_(analytics),
      warnings_(&warnings),
      topics_(&topics),
      suggester_(suggester),
      knowledge_(knowledge),
      citizen_(citizen),
      attachments_(attachments) {
  Add("POST", "/api/v1/auth/login", true, [this](Call& c) { return Login(c); });
  Add("POST", "/api/v1/auth/logout", false, [this](Call& c) { return Logout(c); });
  Add("GET", "/api/v1/me", false, [this](Call& c) { return Me(c); });
  Add("POST", "/api/v1/auth/session", true, [this](Call& c) { return CreateSession(c); });
  Add("DELETE", "/api/v1/auth/session", false, [this](Call& c) { return EndSession(c); });
  Add("POST", "/api/v1/users", false, [this](Call& c) { return CreateUser(c); });
  Add("GET", "/api/v1/units", false, [this](Call& c) { return Units(c); });
  Add("GET", "/api/v1/taxonomy", false, [this](Call& c) { return Taxonomy(c); });
  Add("GET", "/api/v1/calendar", false, [this](Call& c) { return Calendar(c); });
  Add("GET", "/api/v1/dispatch-suggestion", false, [this](Call& c) { return SuggestDispatch(c); });
  AddAsync("POST", "/api/v1/orders", [this](Call& c, Post post, Reply reply) {
    Intake(c, std::move(post), std::move(reply));
  });
  Add("GET", "/api/v1/orders", false, [this](Call& c) { return ListOrders(c); });
  Add("GET", "/api/v1/orders/{id}", false, [this](Call& c) { return GetOrder(c); });
  Add("GET", "/api/v1/orders/{id}/access-log", false, [this](Call& c) { return AccessLog(c); });
  AddAttachmentRoutes();  // before /orders/{id}/{action}, which would take .../attachments
  Add("POST", "/api/v1/orders/{id}/{action}", false, [this](Call& c) { return OrderAction(c); });
  Add("POST", "/api/v1/orders/{id}/legs/{leg}/{action}", false,
      [this](Call& c) { return LegAction(c); });
  AddEvaluationRoutes();
  AddSupervisionRoutes();
  AddTextRoutes();
  AddPublicRoutes();
  AddGovernanceRoutes();
  Add("GET", "/api/v1/analytics", false, [this](Call& c) { return AnalyticsQuery(c); });
  Add("GET", "/healthz", true, [](Call&) -> Result<HttpResponse> {
    return JsonResponse(200, json::object{{"status", "ok"}});
  });
}

void Api::Add(const std::string& method, const std::string& pattern, bool public_route, Handler h) {
  routes_.push_back(Route{method, pattern, Split(pattern), public_route, std::move(h), {}});
}

void Api::AddUpload(const std::string& method, const std::string& pattern, bool public_route,
                    Handler h) {
  Add(method, pattern, public_route, std::move(h));
  routes_.back().upload = true;
}

size_t Api::UploadLimit() const {
  return attachments_ == nullptr ? 0 : static_cast<size_t>(attachments_->options().max_bytes);
}

size_t Api::BodyLimit(const std::string& method, const std::string& path, size_t usual) const {
  if (attachments_ == nullptr) return usual;
  const auto segments = Split(path);
  for (const Route& route : routes_) {
    if (!route.upload || route.method != method || route.segments.size() != segments.size()) {
      continue;
    }
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& p = route.segments[i];
      match = (p.size() > 2 && p.front() == '{' && p.back() == '}') || p == segments[i];
    }
    if (match) return std::max(usual, UploadLimit());
  }
  return usual;
}

void Api::AddAsync(const std::string& method, const std::string& pattern, AsyncHandler h) {
  routes_.push_back(Route{method, pattern, Split(pattern), false, {}, std::move(h)});
}

std::vector<std::pair<std::string, std::string>> Api::Routes() const {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& r : routes_) out.emplace_back(r.method, r.pattern);
  return out;
}

namespace {

HttpResponse Render(Result<HttpResponse> r) {
  if (!r.ok()) return ErrorResponse(r.error());
  return std::move(*r);
}

HttpResponse Unexpected(const std::exception& e) {
  return ErrorResponse(Internal(std::string("unexpected failure: ") + e.what()));
}

}  // namespace

HttpResponse Api::Handle(const HttpRequest& req) {
  try {
    return Render(Dispatch(req));
  } catch (const std::exception& e) {
    return Unexpected(e);
  }
}

bool Api::NeverBlocks(const HttpRequest& req) {
  auto m = Match(req, false);
  return m.ok() && m->route != nullptr && m->route->async_handler;
}

void Api::HandleAsync(const HttpRequest& req, Post post, std::function<void(HttpResponse)> done) {
  // Exactly once, even if a handler throws after it has replied.
  auto once = [done = std::move(done),
               called = std::make_shared<std::atomic<bool>>(false)](HttpResponse r) {
    if (!called->exchange(true)) done(std::move(r));
  };
  try {
    auto m = Match(req, true);
    if (!m.ok()) return once(ErrorResponse(m.error()));
    if (m->route == nullptr || !m->route->async_handler) return once(Handle(req));
    Call call{req, m->params, m->actor};
    m->route->async_handler(call, std::move(post), [once](Result<HttpResponse> r) {
      try {
        once(Render(std::move(r)));
      } catch (const std::exception& e) {
        once(Unexpected(e));
      }
    });
  } catch (const std::exception& e) {
    once(Unexpected(e));
  }
}

Result<domain::Actor> Api::Authenticate(const HttpRequest& req) {
  if (!req.authorization.empty() || req.cookie.empty()) {
    std::string token;
    if (req.authorization.rfind("Bearer ", 0) == 0) token = req.authorization.substr(7);
    return auth_.Authenticate(token);
  }
  const std::string token = SessionCookieValue(req.cookie);
  JIESU_ASSIGN_OR_RETURN(domain::Actor actor, auth_.Authenticate(token));
  if (IsWrite(req.method) && !CsrfTokenMatches(req.csrf_token, token)) {
    return Forbidden("a change made from the browser needs its X-CSRF-Token header");
  }
  return actor;
}

Result<Api::Matched> Api::Match(const HttpRequest& req, bool authenticate) {
  if (!IsValidUtf8(req.path)) return InvalidArgument("the path is not valid UTF-8");
  const auto segments = Split(req.path);
  bool path_matched = false;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    Matched m;
    bool match = true;
    for (size_t i = 0; i < segments.size() && match; ++i) {
      const std::string& p = route.segments[i];
      if (p.size() > 2 && p.front() == '{' && p.back() == '}') {
        m.params[p.substr(1, p.size() - 2)] = segments[i];
      } else {
        match = p == segments[i];
      }
    }
    if (!match) continue;
    path_matched = true;
    if (route.method != req.method) continue;
    m.route = &route;
    if (authenticate && !route.public_route) {
      JIESU_ASSIGN_OR_RETURN(m.actor, Authenticate(req));
    }
    return m;
  }
  if (path_matched) return Matched{};
  return NotFound("no such endpoint: " + req.method + " " + req.path);
}

Result<HttpResponse> Api::Dispatch(const HttpRequest& req) {
  JIESU_ASSIGN_OR_RETURN(Matched m, Match(req, true));
  if (m.route == nullptr) {
    return JsonResponse(405,
                        json::object{{"code", "method_not_allowed"},
                                     {"message", "method " + req.method + " is not allowed here"}});
  }
  Call call{req, m.params, m.actor};
  if (m.route->handler) return m.route->handler(call);
  // A route that never blocks, called by a caller that may: wait for its reply here.
  return WaitFor<Result<HttpResponse>>([&](Reply reply) {
    m.route->async_handler(
        call, [](std::function<void()> f) { f(); }, std::move(reply));
  });
}

Result<HttpResponse> Api::Login(Call& c) {
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  std::string username = r.String("username", true);
  std::string password = r.String("password", true);
  JIESU_RETURN_IF_ERROR(r.Finish());
  JIESU_ASSIGN_OR_RETURN(service::LoginResult login, auth_.Login(username, password));
  const auto& j = orders_.jurisdiction();
  return JsonResponse(200, json::object{{"token", login.token},
                                        {"token_type", "Bearer"},
                                        {"expires_at", Time(login.expires_at, j)},
                                        {"user", UserJson(login.user)}});
}

Result<HttpResponse> Api::CreateSession(Call& c) {
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  std::string username = r.String("username", true);
  std::string password = r.String("password", true);
  JIESU_RETURN_IF_ERROR(r.Finish());
  JIESU_ASSIGN_OR_RETURN(service::LoginResult login, auth_.Login(username, password));
  HttpResponse resp =
      JsonResponse(200, json::object{{"csrf_token", CsrfTokenFor(login.token)},
                                     {"expires_at", Time(login.expires_at, orders_.jurisdiction())},
                                     {"user", UserJson(login.user)}});
  resp.headers.emplace_back("Set-Cookie", SessionCookieHeader(login.token));
  resp.headers.emplace_back("Cache-Control", "no-store");
  return resp;
}

Result<HttpResponse> Api::EndSession(Call& c) {
  const std::string token = c.req.authorization.rfind("Bearer ", 0) == 0
                                ? c.req.authorization.substr(7)
                                : SessionCookieValue(c.req.cookie);
  JIESU_RETURN_IF_ERROR(auth_.Logout(token));
  HttpResponse resp = JsonResponse(200, json::object{{"status", "logged out"}});
  resp.headers.emplace_back("Set-Cookie", ClearedSessionCookieHeader());
  return resp;
}

Result<HttpResponse> Api::Logout(Call& c) {
  JIESU_RETURN_IF_ERROR(auth_.Logout(c.req.authorization.substr(7)));
  return JsonResponse(200, json::object{{"status", "logged out"}});
}

Result<HttpResponse> Api::Me(Call& c) {
  const domain::RoleDef* role = orders_.jurisdiction().roles.Find(c.actor.role);
  json::array actions;
  if (role != nullptr) {
    for (Action a : role->actions) actions.emplace_back(domain::Name(a));
  }
  json::object me{{"id", c.actor.user_id},   {"username", c.actor.username},
                  {"role", c.actor.role},    {"role_label", role ? role->label : ""},
                  {"unit", c.actor.unit_id}, {"actions", std::move(actions)}};
  if (c.req.authorization.empty()) {
    // Signed in from the browser: the page gets back the CSRF token it needs to write.
    me["csrf_token"] = CsrfTokenFor(SessionCookieValue(c.req.cookie));
  }
  return JsonResponse(200, me);
}

Result<HttpResponse> Api::CreateUser(Call& c) {
  if (!orders_.jurisdiction().roles.ManagesUsers(c.actor.role))
    return Forbidden("only administrators may create users");
  JIESU_ASSIGN_OR_RETURN(json::object o, ParseObject(c.req.body));
  JsonReader r(o);
  service::NewUser u;
  u.username = r.String("username", true);
  u.display_name = r.String("display_name");
  u.role = r.String("role", true);
  u.unit_id = r.String("unit");
  u.password = r.String("password", true);
  JIESU_RETURN_IF_ERROR(r.Finish());
  JIESU_ASSIGN_OR_RETURN(storage::User created, auth_.AddUser(u));
  return JsonResponse(201, UserJson(created));
}

Result<HttpResponse> Api::Units(Call&) {
  json::array units;
  for (const auto& u : orders_.jurisdiction().units.all()) {
    units.emplace_back(json::object{{"id", u.id},
                                    {"name", u.name},
                                    {"class", domain::Name(u.unit_class)},
                                    {"parent", u.parent_id},
                                    {"area", u.area_code}});
  }
  return JsonResponse(200, json::object{{"units", std::move(units)}});
}

Result<HttpResponse> Api::Taxonomy(Call&) {
  const auto& t = orders_.jurisdiction().taxonomy;
  json::array cats;
  for (const auto& c : t.all()) cats.emplace_back(json::object{{"code", c.code}, {"name", c.name}});
  return JsonResponse(200, json::object{{"version", t.version()}, {"categories", std::move(cats)}});
}

Result<HttpResponse> Api::Calendar(Call&) {
  const domain::WorkCalendar& cal = orders_.jurisdiction().calendar;
  auto dates = [](const std::set<Date>& set) {
    json::array a;
    for (Date d : set) a.emplace_back(FormatDate(d));
    return a;
  };
  return JsonResponse(200, json::object{{"utc_offset_minutes", cal.utc_offset_minutes()},
                                        {"holidays", dates(cal.holidays())},
                                        {"workdays", dates(cal.workdays())}});
}

Result<HttpResponse> Api::SuggestDispatch(Call& c) {
  std::string category, area;
  for (const auto& [k, v] : c.req.query) {
    if (k == "category") {
      category = v;
    } else if (k == "area") {
      area = v;
    } else {
      return InvalidArgument("unknown query parameter '" + k + "'", k);
    }
  }
  const auto& j = orders_.jurisdiction();
  if (!category.empty() && j.taxonomy.Find(category) == nullptr) {
    return InvalidArgument("unknown category '" + category + "'", "category");
  }
  JIESU_ASSIGN_OR_RETURN(domain::DispatchSuggestion s,
                         j.catalogue.Suggest(category, area, j.units));
  json::array co;
  for (const auto& u : s.co_units) co.emplace_back(u);
  return JsonResponse(
      200,
      json::object{{"lead_unit", s.lead_unit}, {"co_units", std::move(co)}, {"reason", s.reason}});
}

void Api::Intake(Call& c, Post post, Reply reply) {
  if (c.req.idempotency_key.size() > 200 || !IsValidUtf8(c.req.idempotency_key)) {
    reply(InvalidArgument("Idempotency-Key must be at most 200 bytes of UTF-8", "Idempotency-Key"));
    return;
  }
  auto draft = ReadDraft(c.req.body);
  if (!draft.ok()) {
    reply(draft.error());
    return;
  }
  // The body's hash tells a retry from a different request under the same key; with no key
  // there is nothing to compare it with.
  std::string request_hash = c.req.idempotency_key.empty() ? "" : Sha256Hex(c.req.body);
  orders_.IntakeAsync(
      c.actor, std::move(*draft), c.req.idempotency_key, request_hash, std::move(post),
      [this, role = c.actor.role, reply = std::move(reply)](Result<storage::Created> created) {
        if (!created.ok()) {
          reply(created.error());
          return;
        }
        HttpResponse r = JsonResponse(created->replayed ? 200 : 201,
                                      OrderJson(created->order, nullptr, orders_.jurisdiction(),
                                                role, orders_.clock().Now()));
        r.headers.emplace_back("Location", "/api/v1/orders/" + std::to_string(created->order.id));
        if (created->replayed) r.headers.emplace_back("Idempotent-Replayed", "true");
        reply(std::move(r));
      });
}

Result<HttpResponse> Api::GetOrder(Call& c) {
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  JIESU_ASSIGN_OR_RETURN(domain::Order o, orders_.Get(c.actor, id));
  JIESU_ASSIGN_OR_RETURN(std::vector<domain::Event> history, orders_.History(c.actor, id));
  return ShowOrder(c, o, &history);
}

Result<HttpResponse> Api::ShowOrder(Call& c, const domain::Order& o,
                                    const std::vector<domain::Event>* history) {
  JIESU_RETURN_IF_ERROR(orders_.NoteCallerShown(c.actor, o));
  JIESU_ASSIGN_OR_RETURN(std::vector<storage::Attachment> files,
                         orders_.store().ListAttachments(o.id));
  return JsonResponse(200, OrderJson(o, history, orders_.jurisdiction(), c.actor.role,
                                     orders_.clock().Now(), files));
}

Result<HttpResponse> Api::ListOrders(Call& c) {
  storage::OrderFilter f;
  for (const auto& [k, v] : c.req.query) {
    if (!IsValidUtf8(v)) return InvalidArgument(k + " is not valid UTF-8", k);
    if (k == "state") {
      size_t i = 0;
      while (i <= v.size()) {
        size_t j = v.find(',', i);
        if (j == std::string::npos) j = v.size();
        std::string s = v.substr(i, j - i);
        auto st = domain::ParseOrderState(s);
        if (!st) return InvalidArgument("unknown state '" + s + "'", "state");
        f.states.push_back(*st);
        i = j + 1;
      }
    } else if (k == "leg_state") {
      size_t i = 0;
      while (i <= v.size()) {
        size_t j = v.find(',', i);
        if (j == std::string::npos) j = v.size();
        std::string s = v.substr(i, j - i);
        auto st = domain::ParseLegState(s);
        if (!st) return InvalidArgument("unknown leg state '" + s + "'", "leg_state");
        if (std::find(f.leg_states.begin(), f.leg_states.end(), *st) == f.leg_states.end()) {
          f.leg_states.push_back(*st);
        }
        i = j + 1;
      }
    } else if (k == "unit") {
      f.unit = v;
    } else if (k == "category") {
      f.category_prefix = v;
    } else if (k == "district") {
      f.district_code = v;
    } else if (k == "street") {
      f.street_code = v;
    } else if (k == "channel") {
      f.channel = domain::ParseChannel(v);
      if (!f.channel) return InvalidArgument("unknown channel '" + v + "'", "channel");
    } else if (k == "urgency") {
      f.urgency = domain::ParseUrgency(v);
      if (!f.urgency) return InvalidArgument("unknown urgency '" + v + "'", "urgency");
    } else if (k == "from" || k == "to") {
      auto t = ParseRfc3339(v);
      if (!t.ok()) return InvalidArgument(k + ": " + t.error().message, k);
      (k == "from" ? f.created_from : f.created_to) = *t;
    } else if (k == "overdue") {
      if (v != "true" && v != "false")
        return InvalidArgument("overdue must be true or false", "overdue");
      f.overdue = v == "true";
    } else if (k == "q") {
      if (Utf8Length(v) > 100) return InvalidArgument("q is longer than 100 characters", "q");
      f.text = v;
    } else if (k == "caller_phone") {
      // A caller's earlier orders, found by the keyed hash of the number (hotline roles only).
      if (domain::CallerViewFor(orders_.jurisdiction(), c.actor.role, false) !=
          domain::CallerView::kFull) {
        return Forbidden("only hotline roles may look up a caller's orders");
      }
      f.caller_hash = orders_.hasher().Hash(v);
      if (f.caller_hash.empty())
        return InvalidArgument("caller_phone has no digits", "caller_phone");
    } else if (k == "cursor") {
      JIESU_ASSIGN_OR_RETURN(f.before_id, PositiveId(v, "cursor"));
    } else if (k == "limit") {
      JIESU_ASSIGN_OR_RETURN(int64_t n, PositiveId(v, "limit"));
      if (n > 200) return InvalidArgument("limit must be between 1 and 200", "limit");
      f.limit = static_cast<int>(n);
    } else {
      return InvalidArgument("unknown query parameter '" + k + "'", k);
    }
  }
  JIESU_ASSIGN_OR_RETURN(storage::OrderPage page, orders_.List(c.actor, f));
  const auto& j = orders_.jurisdiction();
  const TimePoint now = orders_.clock().Now();
  json::array items;
  for (const auto& s : page.orders) items.emplace_back(SummaryJson(s, j, now));
  return JsonResponse(
      200, json::object{{"orders", std::move(items)}, {"next_cursor", Cursor(page.next_cursor)}});
}

Result<HttpResponse> Api::AccessLog(Call& c) {
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  int limit = 100;
  for (const auto& [k, v] : c.req.query) {
    if (k != "limit") return InvalidArgument("unknown query parameter '" + k + "'", k);
    JIESU_ASSIGN_OR_RETURN(int64_t n, PositiveId(v, "limit"));
    if (n > 1000) return InvalidArgument("limit must be between 1 and 1000", "limit");
    limit = static_cast<int>(n);
  }
  JIESU_ASSIGN_OR_RETURN(std::vector<storage::AccessRecord> log,
                         orders_.CallerAccessLog(c.actor, id, limit));
  json::array items;
  for (const auto& a : log) {
    items.emplace_back(json::object{{"at", Time(a.at, orders_.jurisdiction())},
                                    {"user_id", a.user_id},
                                    {"username", a.username},
                                    {"role", a.role},
                                    {"action", a.action}});
  }
  return JsonResponse(200, json::object{{"order_id", id}, {"accesses", std::move(items)}});
}

Result<HttpResponse> Api::OrderAction(Call& c) {
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  auto action = ActionFromUrl(c.params.at("action"));
  const domain::Transition* t = nullptr;
  for (const auto& row : domain::TransitionTable()) {
    if (action && row.action == *action) t = &row;
  }
  if (t == nullptr || t->on_leg) return NotFound("no such order action: " + c.params.at("action"));
  JIESU_ASSIGN_OR_RETURN(domain::Command cmd, ReadCommand(*action, c.req.body));
  JIESU_ASSIGN_OR_RETURN(domain::Order o, orders_.Act(c.actor, id, cmd));
  return ShowOrder(c, o, nullptr);
}

Result<HttpResponse> Api::LegAction(Call& c) {
  JIESU_ASSIGN_OR_RETURN(int64_t id, PositiveId(c.params.at("id"), "id"));
  JIESU_ASSIGN_OR_RETURN(int64_t leg, PositiveId(c.params.at("leg"), "leg"));
  auto action = ActionFromUrl(c.params.at("action"));
  const domain::Transition* t = nullptr;
  for (const auto& row : domain::TransitionTable()) {
    if (action && row.action == *action) t = &row;
  }
  if (t == nullptr || !t->on_leg) return NotFound("no such leg action: " + c.params.at("action"));
  JIESU_ASSIGN_OR_RETURN(domain::Command cmd, ReadCommand(*action, c.req.body));
  cmd.leg = static_cast<int>(std::min<int64_t>(leg, 1'000'000));
  JIESU_ASSIGN_OR_RETURN(domain::Order o, orders_.Act(c.actor, id, cmd));
  return ShowOrder(c, o, nullptr);
}

}  // namespace jiesu::api
