#include "api/server.h"

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/url/parse.hpp>
#include <condition_variable>
#include <latch>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "api/static_files.h"
#include "base/thread_name.h"

namespace jiesu::api {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

// Room for a whole request of the usual size (an intake with its text is ~1.2 KB).
constexpr size_t kReadBufferBytes = 8 * 1024;

Result<HttpRequest> Convert(http::request<http::string_body>& req) {
  HttpRequest r;
  r.method = std::string(req.method_string());
  auto url = boost::urls::parse_origin_form(req.target());
  if (!url) return InvalidArgument("the request target is not a valid URL path");
  r.path = std::string(url->path());
  for (auto param : url->params()) r.query.emplace_back(param.key, param.value);
  r.authorization = std::string(req[http::field::authorization]);
  r.idempotency_key = std::string(req["Idempotency-Key"]);
  r.content_type = std::string(req[http::field::content_type]);
  r.cookie = std::string(req[http::field::cookie]);
  r.csrf_token = std::string(req["X-CSRF-Token"]);
  r.accept_encoding = std::string(req[http::field::accept_encoding]);
  r.file_name = std::string(req["X-File-Name"]);
  r.access_key = std::string(req["X-Access-Key"]);
  r.body = std::move(req.body());
  return r;
}

}  // namespace

int DefaultIoThreads(bool heavy_requests) {
  const int cores = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
  return heavy_requests ? cores : std::max(1, cores / 2);
}

struct HttpServer::Impl {
  Impl(Api& a, ServerOptions o)
      : api(a),
        options(std::move(o)),
        io_threads(options.io_threads > 0 ? options.io_threads : DefaultIoThreads(false)),
        ioc(io_threads),
        handlers(static_cast<size_t>(std::max(1, options.handler_threads))),
        acceptor(ioc) {}

  asio::awaitable<void> Accept() {
    while (true) {
      auto [ec, socket] = co_await acceptor.async_accept(asio::as_tuple(asio::use_awaitable));
      if (ec) {
        if (ec == asio::error::operation_aborted || !acceptor.is_open()) co_return;
        continue;  // e.g. EMFILE: keep serving the connections we have
      }
      asio::co_spawn(ioc, Session(std::move(socket)), asio::detached);
    }
  }

  // The status line and headers as one string, written with the body in one gather write.
  // Beast's serializer walked a generic buffer sequence for every response, ~4% of the intake
  // bench's CPU; the headers here are few and all ours (no 1xx, 204 or 304 is ever sent).
  // A response to HEAD has the headers of the GET and no body.
  asio::awaitable<void> Write(beast::tcp_stream& stream, unsigned version, bool keep_alive,
                              HttpResponse r, bool head_only = false) {
    std::string head = version == 10 ? "HTTP/1.0 " : "HTTP/1.1 ";
    head += std::to_string(r.status);
    head += ' ';
    head += http::obsolete_reason(static_cast<http::status>(r.status));
    head += "\r\nServer: jiesu\r\nContent-Type: ";
    head += r.content_type;
    head += "\r\n";
    for (const auto& [k, v] : r.headers) {
      if ((k + v).find_first_of("\r\n") != std::string::npos) continue;  // never split a header
      head += k;
      head += ": ";
      head += v;
      head += "\r\n";
    }
    if (version == 10 && keep_alive) head += "Connection: keep-alive\r\n";
    if (version != 10 && !keep_alive) head += "Connection: close\r\n";
    head += "Content-Length: ";
    head += std::to_string(r.body.size());
    head += "\r\n\r\n";
    if (head_only) r.body.clear();
    const std::array<asio::const_buffer, 2> buffers{asio::buffer(head), asio::buffer(r.body)};
    co_await asio::async_write(stream, buffers, asio::as_tuple(asio::use_awaitable));
  }

  // Intake never blocks: it is answered on this I/O thread and resumed when its write is
  // durable, with no thread waiting on the commit. Other handlers may block on the store:
  // they run on the handler pool, and the connection resumes on its I/O thread after.
  asio::awaitable<HttpResponse> Respond(std::shared_ptr<const HttpRequest> request) {
    if (!api.NeverBlocks(*request)) {
      auto work = [this, request]() -> asio::awaitable<HttpResponse> {
        co_return api.Handle(*request);
      };
      co_return co_await asio::co_spawn(handlers, std::move(work), asio::use_awaitable);
    }
    auto executor = co_await asio::this_coro::executor;
    co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(HttpResponse)>(
        [&](auto handler) {
          // The completion handler is move-only and runs once: share it with the callback.
          auto h = std::make_shared<decltype(handler)>(std::move(handler));
          auto post = [executor](std::function<void()> f) { asio::post(executor, std::move(f)); };
          api.HandleAsync(*request, post, [executor, h](HttpResponse r) {
            // Never resumed from inside this initiation: always through the executor.
            asio::post(executor, [h, r = std::move(r)]() mutable { (*h)(std::move(r)); });
          });
        },
        asio::use_awaitable);
  }

  asio::awaitable<void> Session(tcp::socket socket) {
    // Responses are small and written as header then body: without TCP_NODELAY, Nagle's
    // algorithm holds the second write until the client's delayed ACK (tens of ms).
    boost::system::error_code nodelay_ec;
    socket.set_option(tcp::no_delay(true), nodelay_ec);
    boost::system::error_code peer_ec;
    const auto peer = socket.remote_endpoint(peer_ec);
    const std::string remote_address = peer_ec ? "" : peer.address().to_string();
    beast::tcp_stream stream(std::move(socket));
    // Beast reads at most the buffer's free capacity (at least 512 bytes) per receive. Left to
    // grow on demand, the buffer settles just under the size of a typical request, and every
    // intake then takes two receives; with room for one, it takes one.
    beast::flat_buffer buffer;
    buffer.reserve(kReadBufferBytes);
    while (true) {
      http::request_parser<http::string_body> parser;
      // The largest body any route takes, until the header says which route it is.
      parser.body_limit(std::max<size_t>(options.body_limit, api.UploadLimit()));
      parser.header_limit(16 * 1024);
      size_t limit = options.body_limit;
      stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
      // The header first: an upload may have a larger body than other requests.
      auto [ec, n] = co_await http::async_read_header(stream, buffer, parser,
                                                      asio::as_tuple(asio::use_awaitable));
      if (!ec) {
        const auto& head = parser.get();
        const std::string_view target = head.target();
        limit = api.BodyLimit(std::string(head.method_string()),
                              std::string(target.substr(0, target.find('?'))), options.body_limit);
        parser.body_limit(limit);
        if (parser.content_length() && *parser.content_length() > limit) {
          ec = http::error::body_limit;
        } else if (!parser.is_done()) {
          auto [body_ec, body_n] = co_await http::async_read(stream, buffer, parser,
                                                             asio::as_tuple(asio::use_awaitable));
          ec = body_ec;
          n += body_n;
        }
      }
      if (ec == http::error::end_of_stream || ec == beast::error::timeout ||
          ec == asio::error::eof || ec == asio::error::connection_reset ||
          ec == asio::error::operation_aborted) {
        break;
      }
      if (ec) {
        // A request that cannot be read gets an error and the connection is closed. The
        // response is a named local: GCC 12 mishandles temporaries inside co_await arguments.
        HttpResponse refusal = ErrorResponse(
            ec == http::error::body_limit ? Error{ErrorCode::kTooLarge,
                                                  "the request body is larger than " +
                                                      std::to_string(limit) + " bytes",
                                                  {}}
                                          : InvalidArgument("malformed HTTP request"));
        co_await Write(stream, 11, false, std::move(refusal));
        break;
      }
      auto req = parser.release();
      const bool keep_alive = req.keep_alive();
      const unsigned version = req.version();
      const bool head_only = req.method() == http::verb::head;
      HttpResponse resp;
      auto converted = Convert(req);
      if (converted.ok()) converted->remote_address = remote_address;
      std::optional<HttpResponse> file;
      if (converted.ok() && web) file = web->Serve(*converted);
      if (!converted.ok()) {
        resp = ErrorResponse(converted.error());
      } else if (file) {
        resp = std::move(*file);
        AddSecurityHeaders(resp);
      } else {
        resp = co_await Respond(std::make_shared<const HttpRequest>(std::move(*converted)));
      }
      if (!file) resp.headers.emplace_back("X-Content-Type-Options", "nosniff");
      stream.expires_after(std::chrono::seconds(options.idle_timeout_seconds));
      co_await Write(stream, version, keep_alive, std::move(resp), head_only);
      if (!keep_alive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }

  Api& api;
  ServerOptions options;
  std::unique_ptr<StaticFiles> web;  // the front end's files, when options.web_dir is set
  int io_threads;
  asio::io_context ioc;
  asio::thread_pool handlers;
  tcp::acceptor acceptor;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::condition_variable stopped_cv;
  bool stopped = false;
};

HttpServer::HttpServer(Api& api, ServerOptions options)
    : impl_(std::make_unique<Impl>(api, std::move(options))) {}

HttpServer::~HttpServer() { Stop(); }

Result<uint16_t> HttpServer::Start() {
  // One naming task per handler thread: each waits until all have started, so that no thread
  // takes two.
  {
    const int n = std::max(1, impl_->options.handler_threads);
    // Shared: a task may still be inside arrive_and_wait when the last arrival frees this thread.
    auto named = std::make_shared<std::latch>(n);
    for (int i = 0; i < n; ++i) {
      asio::post(impl_->handlers, [named] {
        NameThisThread("jiesu-handler");
        named->arrive_and_wait();
      });
    }
    named->wait();
  }
  if (!impl_->options.web_dir.empty()) {
    JIESU_ASSIGN_OR_RETURN(impl_->web, StaticFiles::Load(impl_->options.web_dir));
  }
  boost::system::error_code ec;
  auto address = asio::ip::make_address(impl_->options.address, ec);
  if (ec) return InvalidArgument("not an IP address: " + impl_->options.address, "listen");
  tcp::endpoint endpoint(address, impl_->options.port);
  auto& acc = impl_->acceptor;
  acc.open(endpoint.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(endpoint, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("cannot listen on " + impl_->options.address + ":" +
                       std::to_string(impl_->options.port) + ": " + ec.message());
  }
  const uint16_t port = acc.local_endpoint().port();
  asio::co_spawn(impl_->ioc, impl_->Accept(), asio::detached);
  for (int i = 0; i < impl_->io_threads; ++i) {
    impl_->threads.emplace_back([this] {
      NameThisThread("jiesu-io");
      impl_->ioc.run();
    });
  }
  return port;
}

void HttpServer::Stop() {
  {
    std::lock_guard lock(impl_->mu);
    if (impl_->stopped) return;
    impl_->stopped = true;
  }
  asio::post(impl_->ioc, [this] {
    boost::system::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  impl_->ioc.stop();
  for (auto& t : impl_->threads) {
    if (t.joinable()) t.join();
  }
  impl_->handlers.join();
  impl_->stopped_cv.notify_all();
}

void HttpServer::Wait() {
  std::unique_lock lock(impl_->mu);
  impl_->stopped_cv.wait(lock, [&] { return impl_->stopped; });
}

}  // namespace jiesu::api
