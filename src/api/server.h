// The HTTP/1.1 server (Boost.Beast): accepts connections on I/O threads, reads each request
// under a body-size limit, and writes the response. Intake is answered without blocking a
// thread (Api::HandleAsync: the connection resumes when the order is durable); every other
// handler runs on a separate pool, as it may block on the store without stalling I/O.
// Keep-alive is supported; idle connections time out.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "api/api.h"
#include "base/result.h"

namespace jiesu::api {

// How many I/O threads suit the work each request brings. Intake runs on an I/O thread; with
// text understanding each order also carries ~0.3 ms of CPU there (`heavy_requests`), and one
// I/O thread per core shares it across the cores. Without it, the store's threads (writer,
// syncer, indexer, checkpointer) take about as much CPU as the I/O threads: half the cores, at
// least one. On 2 cores one I/O thread spent a tenth less CPU per order than two without text
// understanding, and took 7,300 orders/s against 9,000 with it (docs/BENCHMARKS.md).
int DefaultIoThreads(bool heavy_requests);

struct ServerOptions {
  std::string address = "127.0.0.1";
  uint16_t port = 8345;      // 0 picks a free port
  int io_threads = 0;        // 0: DefaultIoThreads(false), or as the application decides
  int handler_threads = 64;  // for the handlers that may block (all but intake)
  size_t body_limit = 1 << 20;
  int idle_timeout_seconds = 60;
  // The built web front end (web/dist) to serve at every path outside /api/; empty: none.
  std::string web_dir;
};

class HttpServer {
 public:
  HttpServer(Api& api, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts serving; returns the bound port. kUnavailable if the address is taken;
  // kInvalidArgument if `web_dir` is set but holds no built front end.
  Result<uint16_t> Start();
  // Stops accepting, closes connections and joins the threads. Idempotent.
  void Stop();
  // Blocks until Stop() is called from another thread or a signal handler thread.
  void Wait();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace jiesu::api
