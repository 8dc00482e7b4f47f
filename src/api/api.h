// The JSON API: routes a request to its handler, authenticates it, reads and validates its
// input strictly, calls the services, and renders the result or the error. Independent of
// the HTTP server (see server.h) so it can be exercised directly. Thread-safe.
#pragma once

#include <boost/json.hpp>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "api/http.h"
#include "api/rate_limit.h"
#include "base/result.h"
#include "service/analytics.h"
#include "service/attachments.h"
#include "service/auth.h"
#include "service/citizen.h"
#include "service/evaluation.h"
#include "service/knowledge.h"
#include "service/orders.h"
#include "service/suggest.h"
#include "service/supervisions.h"
#include "service/topics.h"
#include "service/warnings.h"

namespace jiesu::api {

class Api {
 public:
  // `suggester` may be null (text understanding off): its routes then answer 503.
  Api(service::Auth& auth, service::Orders& orders, service::Evaluator& evaluator,
      service::Supervisions& supervisions, service::Analytics& analytics,
      service::Warnings& warnings, service::Topics& topics, service::Suggester* suggester = nullptr,
      service::Knowledge* knowledge = nullptr, service::Citizen* citizen = nullptr,
      service::Attachments* attachments = nullptr);

  // Never throws; every failure becomes a JSON error response.
  HttpResponse Handle(const HttpRequest& req);

  // True when the request's route never blocks (intake: it queues its write and answers when
  // the order is durable), so that a server can answer it with HandleAsync, without a thread
  // waiting on the commit. Every other request may block: run Handle on a thread that may.
  bool NeverBlocks(const HttpRequest& req);
  // Handles a request whose route never blocks. `done` gets the response exactly once: on the
  // calling thread when it is known at once (an error), or through `post` once the write is
  // durable.
  using Post = service::Orders::Post;
  void HandleAsync(const HttpRequest& req, Post post, std::function<void(HttpResponse)> done);

  // The largest request body the route of (`method`, `path`) takes: `usual`, or for uploads the
  // attachment size limit. UploadLimit() is that limit (0 without attachments).
  size_t BodyLimit(const std::string& method, const std::string& path, size_t usual) const;
  size_t UploadLimit() const;

  // Every route as (method, pattern), e.g. ("GET", "/api/v1/orders/{id}"), for checking the
  // API description against the code.
  std::vector<std::pair<std::string, std::string>> Routes() const;

 private:
  using Params = std::map<std::string, std::string>;
  struct Call {
    const HttpRequest& req;
    const Params& params;
    domain::Actor actor;  // empty for public routes
  };
  using Handler = std::function<Result<HttpResponse>(Call&)>;
  using Reply = std::function<void(Result<HttpResponse>)>;
  // Reads what it needs from the call before it returns; replies once, maybe later via Post.
  using AsyncHandler = std::function<void(Call&, Post, Reply)>;
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;  // "{name}" segments capture
    bool public_route;
    Handler handler;             // set for routes that may block
    AsyncHandler async_handler;  // set for routes that never block
    bool upload = false;         // the body is a file (AddUpload)
  };
  // A request's route (null when the path exists but not for the method), its path
  // parameters and, unless the route is public, the authenticated caller.
  struct Matched {
    const Route* route = nullptr;
    Params params;
    domain::Actor actor;
  };

  void Add(const std::string& method, const std::string& pattern, bool public_route, Handler h);
  // Routes that take a file as the body (raw bytes, up to the attachment size limit).
  void AddUpload(const std::string& method, const std::string& pattern, bool public_route,
                 Handler h);
  void AddAsync(const std::string& method, const std::string& pattern, AsyncHandler h);
  Result<Matched> Match(const HttpRequest& req, bool authenticate);
  Result<domain::Actor> Authenticate(const HttpRequest& req);
  Result<HttpResponse> Dispatch(const HttpRequest& req);

  Result<HttpResponse> Login(Call& c);
  Result<HttpResponse> Logout(Call& c);
  // Browser log-in by cookie (browser_session.h).
  Result<HttpResponse> CreateSession(Call& c);
  Result<HttpResponse> EndSession(Call& c);
  Result<HttpResponse> Me(Call& c);
  Result<HttpResponse> CreateUser(Call& c);
  Result<HttpResponse> Units(Call& c);
  Result<HttpResponse> Taxonomy(Call& c);
  Result<HttpResponse> Calendar(Call& c);
  Result<HttpResponse> SuggestDispatch(Call& c);
  void Intake(Call& c, Post post, Reply reply);
  Result<HttpResponse> GetOrder(Call& c);
  Result<HttpResponse> ListOrders(Call& c);
  Result<HttpResponse> AccessLog(Call& c);
  // Renders an order for the caller's role, recording a view of the caller's identity first.
  Result<HttpResponse> ShowOrder(Call& c, const domain::Order& o,
                                 const std::vector<domain::Event>* history);
  Result<HttpResponse> OrderAction(Call& c);
  Result<HttpResponse> LegAction(Call& c);

  // Deadline notices, the visitor queue and evaluation (api_evaluation.cc).
  void AddEvaluationRoutes();
  Result<HttpResponse> Notices(Call& c);
  Result<HttpResponse> VisitQueue(Call& c);
  Result<HttpResponse> Scores(Call& c);
  Result<HttpResponse> UnitScores(Call& c);
  Result<HttpResponse> ScoreOrders(Call& c);
  Result<HttpResponse> ScoreAudit(Call& c);
  Result<HttpResponse> FileClaim(Call& c);
  Result<HttpResponse> ListClaims(Call& c);
  Result<HttpResponse> GetClaim(Call& c);
  Result<HttpResponse> DecideClaim(Call& c);

  // 督办 supervision orders (api_supervision.cc).
  void AddSupervisionRoutes();

  // Text understanding: suggestions for a draft, 一类事 clusters (api_text.cc).
  void AddTextRoutes();
  Result<HttpResponse> Suggest(Call& c);
  Result<HttpResponse> Clusters(Call& c);
  Result<HttpResponse> GetClassifier(Call& c);
  Result<HttpResponse> ReloadClassifier(Call& c);
  Result<HttpResponse> SuggestionAgreement(Call& c);
  Result<HttpResponse> ImportKnowledge(Call& c);
  Result<HttpResponse> ExportKnowledge(Call& c);
  Result<HttpResponse> SaveKnowledge(Call& c, int64_t id);
  Result<HttpResponse> GetKnowledge(Call& c);
  Result<HttpResponse> DeleteKnowledge(Call& c);
  Result<HttpResponse> SearchKnowledge(Call& c);
  Result<HttpResponse> OpenSupervision(Call& c);
  Result<HttpResponse> ListSupervisions(Call& c);
  Result<HttpResponse> GetSupervision(Call& c);
  Result<HttpResponse> SupervisionAction(Call& c);

  // Analytics over the rollups (api_analytics.cc).
  Result<HttpResponse> AnalyticsQuery(Call& c);

  // Governance: early warnings and external events (api_governance.cc), topics, forecasts and
  // the monthly 民声热点 report (api_topics.cc).
  void AddGovernanceRoutes();
  void AddTopicRoutes();
  Result<HttpResponse> ListWarnings(Call& c);
  Result<HttpResponse> SaveEvent(Call& c, int64_t id);
  Result<HttpResponse> Forecast(Call& c);
  Result<HttpResponse> HotspotReport(Call& c);

  // The public citizen page and the area tree (api_public.cc).
  void AddPublicRoutes();
  Result<HttpResponse> Areas(Call& c);
  Result<HttpResponse> PublicChallenge(Call& c);
  Result<HttpResponse> PublicSubmit(Call& c);
  Result<HttpResponse> PublicTrack(Call& c);
  Result<HttpResponse> PublicNearby(Call& c);
  Result<HttpResponse> PublicRate(Call& c);
  Result<HttpResponse> PublicUpload(Call& c);

  // Attachments (api_attachments.cc).
  void AddAttachmentRoutes();
  Result<HttpResponse> UploadAttachment(Call& c);
  Result<HttpResponse> DownloadAttachment(Call& c);
  // The order as its citizen sees it (track and rate answer with it).
  Result<HttpResponse> PublicOrder(const domain::Order& order);

  service::Auth& auth_;
  service::Orders& orders_;
  service::Evaluator& evaluator_;
  service::Supervisions& supervisions_;
  service::Analytics& analytics_;
  service::Warnings* warnings_;
  service::Topics* topics_;
  service::Suggester* suggester_;
  service::Knowledge* knowledge_;
  service::Citizen* citizen_;
  service::Attachments* attachments_;
  // Per address: submissions (10 an hour), photos (30 an hour), the other public calls (120 a
  // minute).
  RateLimiter public_submits_{10, std::chrono::hours(1)};
  RateLimiter public_reads_{120, std::chrono::minutes(1)};
  RateLimiter public_uploads_{30, std::chrono::hours(1)};  // citizens' photos
  std::vector<Route> routes_;
};

// The HTTP status for an error code; the one place codes become statuses.
int HttpStatusFor(ErrorCode code);
HttpResponse ErrorResponse(const Error& e);
// 429 with Retry-After, for the per-address limits of the public routes.
HttpResponse TooMany(int64_t retry_after_s);

// Helpers shared by the handler files.
HttpResponse JsonResponse(int status, const boost::json::value& v);
Result<int64_t> PositiveId(const std::string& s, const char* what);
// SHA-256 of `s` in hex: the request hash that tells a retry from another body.
std::string Sha256Hex(const std::string& s);
// Governance objects as JSON (api_governance.cc); `events` are the external events shown beside
// a warning.
boost::json::object WarningJson(const storage::Warning& w,
                                const std::vector<storage::ExternalEvent>& events,
                                const domain::Jurisdiction& j);
boost::json::object EventJson(const storage::ExternalEvent& e, const domain::Jurisdiction& j);
// A list's next_cursor: the id as a string, or null when there is no next page (0).
boost::json::value Cursor(int64_t next);

}  // namespace jiesu::api
