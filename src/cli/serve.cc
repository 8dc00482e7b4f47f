#include <signal.h>

#include <cstdio>
#include <iostream>

#include "app/app.h"
#include "cli/commands.h"
#include "cli/flags.h"

namespace jiesu::cli {

namespace {

int Fail(const Error& e, int code) {
  std::fprintf(stderr, "jiesu serve: %s\n", e.ToString().c_str());
  return code;
}

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& s) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos) return InvalidArgument("--listen must be HOST:PORT", "listen");
  std::string host = s.substr(0, colon), port = s.substr(colon + 1);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int p = -1;
  try {
    size_t used = 0;
    p = std::stoi(port, &used);
    if (used != port.size()) p = -1;
  } catch (const std::exception&) {
    p = -1;
  }
  if (p < 0 || p > 65535) return InvalidArgument("--listen port must be 0-65535", "listen");
  return std::make_pair(host, static_cast<uint16_t>(p));
}

// SIGHUP: the model file named by --classifier, read again; on any error the model in use stays.
void ReloadClassifier(app::App& app) {
  if (app.suggester() == nullptr) {
    std::fprintf(stderr, "jiesu serve: SIGHUP: text understanding is off (--no-text)\n");
    return;
  }
  auto info = app.suggester()->ReloadClassifier();
  if (!info.ok()) {
    std::fprintf(stderr,
                 "jiesu serve: SIGHUP: the model was not reloaded, the one in use stays: %s\n",
                 info.error().ToString().c_str());
    return;
  }
  std::printf("jiesu: SIGHUP: category model reloaded from %s (%zu labels, %zu features)\n",
              info->path.c_str(), info->labels.size(), info->features);
  std::fflush(stdout);
}

}  // namespace

int Serve(const std::vector<std::string>& args) {
  auto flags =
      Flags::Parse(args,
                   {"config", "db", "listen", "io-threads", "handler-threads", "body-limit",
                    "token-ttl-minutes", "classifier", "divisions", "boundaries", "web",
                    "attachments", "attachment-limit"},
                   {"demo", "no-text"});
  if (!flags.ok()) return Fail(flags.error(), 2);
  app::AppOptions o;
  auto config = flags->Require("config");
  auto db = flags->Require("db");
  auto listen = ParseListen(flags->Get("listen", "127.0.0.1:8345"));
  auto io = flags->Int("io-threads", 0, 1, 64);  // 0: see api::DefaultIoThreads
  auto handlers = flags->Int("handler-threads", 64, 1, 1024);
  auto body = flags->Int("body-limit", 1 << 20, 1024, 64 << 20);
  auto ttl = flags->Int("token-ttl-minutes", 480, 1, 60 * 24 * 30);
  auto attachment_limit = flags->Int("attachment-limit", 10 << 20, 1024, 1 << 30);
  for (const Status& s :
       {config.ok() ? Ok() : Status(config.error()), db.ok() ? Ok() : Status(db.error()),
        listen.ok() ? Ok() : Status(listen.error()), io.ok() ? Ok() : Status(io.error()),
        handlers.ok() ? Ok() : Status(handlers.error()), body.ok() ? Ok() : Status(body.error()),
        ttl.ok() ? Ok() : Status(ttl.error()),
        attachment_limit.ok() ? Ok() : Status(attachment_limit.error())}) {
    if (!s.ok()) return Fail(s.error(), 2);
  }
  o.config_dir = *config;
  o.db_path = *db;
  o.server.address = listen->first;
  o.server.port = listen->second;
  o.server.io_threads = *io;
  o.server.handler_threads = *handlers;
  o.server.body_limit = static_cast<size_t>(*body);
  o.server.web_dir = flags->Get("web");
  o.attachments.dir = flags->Get("attachments");
  o.attachments.max_bytes = *attachment_limit;
  o.auth.token_ttl = std::chrono::minutes(*ttl);
  o.text = !flags->Has("no-text");
  o.suggester.classifier_path = flags->Get("classifier");
  o.suggester.divisions_dir = flags->Get("divisions", "data/divisions");
  o.suggester.boundaries_path = flags->Get("boundaries");

  // Block the signals in every thread; the main thread waits for them below. SIGHUP reloads
  // the category model; SIGINT and SIGTERM stop the server.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto app = app::App::Create(o);
  if (!app.ok()) return Fail(app.error(), app.error().code == ErrorCode::kInvalidArgument ? 2 : 1);
  if (flags->Has("demo")) {
    Status s = (*app)->SeedDemo(std::cout, /*history=*/true);
    if (s.ok()) s = (*app)->SeedDemoKnowledge(std::cout);
    if (!s.ok()) return Fail(s.error(), 1);
  }
  auto port = (*app)->Start();
  if (!port.ok()) return Fail(port.error(), 1);
  std::printf("jiesu: %s — serving the API on http://%s:%u (database %s)\n",
              (*app)->jurisdiction().name.c_str(), o.server.address.c_str(),
              static_cast<unsigned>(*port), o.db_path.c_str());
  if (!o.server.web_dir.empty()) {
    std::printf("jiesu: the web pages: open http://%s:%u/ in a browser\n", o.server.address.c_str(),
                static_cast<unsigned>(*port));
  }
  std::printf("jiesu: try  curl -s http://%s:%u/healthz\n", o.server.address.c_str(),
              static_cast<unsigned>(*port));
  std::fflush(stdout);
  int sig = 0;
  while (sigwait(&signals, &sig) == 0 && sig == SIGHUP) ReloadClassifier(**app);
  std::printf("jiesu: signal %d, stopping\n", sig);
  (*app)->Stop();
  return 0;
}

}  // namespace jiesu::cli
