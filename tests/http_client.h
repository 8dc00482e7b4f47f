// A minimal blocking HTTP/1.1 client for tests and benchmarks (Boost.Beast), one connection
// per Client, kept alive across requests.
#pragma once

#include <boost/asio.hpp>
#include <boost/beast.hpp>
#include <boost/json.hpp>
#include <map>
#include <memory>
#include <string>

namespace jiesu::testing {

struct Response {
  int status = 0;
  std::string body;
  std::map<std::string, std::string> headers;
  boost::json::value json() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    return ec ? boost::json::value() : v;
  }
};

class Client {
 public:
  explicit Client(unsigned short port) : port_(port), stream_(ioc_) {}

  Response Send(const std::string& method, const std::string& target, const std::string& body = "",
                const std::map<std::string, std::string>& headers = {}) {
    namespace http = boost::beast::http;
    if (!connected_) {
      stream_.connect(
          boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
      stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true));
      connected_ = true;
    }
    http::request<http::string_body> req{http::string_to_verb(method), target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!token_.empty()) req.set(http::field::authorization, "Bearer " + token_);
    if (!body.empty() || method == "POST") {
      req.set(http::field::content_type, "application/json");
      req.body() = body;
    }
    for (const auto& [k, v] : headers) req.set(k, v);  // may replace the content type
    req.prepare_payload();
    http::write(stream_, req);
    boost::beast::flat_buffer buffer;
    http::response<http::string_body> res;
    boost::system::error_code ec;
    http::read(stream_, buffer, res, ec);
    Response r;
    if (ec) {
      connected_ = false;
      stream_.close();
      return r;
    }
    r.status = static_cast<int>(res.result_int());
    r.body = res.body();
    for (const auto& f : res) r.headers[std::string(f.name_string())] = std::string(f.value());
    if (!res.keep_alive()) {
      connected_ = false;
      boost::system::error_code ignored;
      stream_.socket().close(ignored);
    }
    return r;
  }
  Response Get(const std::string& target) { return Send("GET", target); }
  Response Post(const std::string& target, const std::string& body,
                const std::map<std::string, std::string>& headers = {}) {
    return Send("POST", target, body, headers);
  }
  void set_token(std::string t) { token_ = std::move(t); }

 private:
  unsigned short port_;
  boost::asio::io_context ioc_;
  boost::beast::tcp_stream stream_;
  bool connected_ = false;
  std::string token_;
};

// A client logged in as `user` with `password` (the demo's by default); the token is empty
// when the log-in failed, and the first request then says so.
inline std::unique_ptr<Client> LoggedIn(unsigned short port, const std::string& user,
                                        const std::string& password = "jiesu-demo") {
  auto c = std::make_unique<Client>(port);
  Response r = c->Post("/api/v1/auth/login", boost::json::serialize(boost::json::object{
                                                 {"username", user}, {"password", password}}));
  if (r.status == 200) c->set_token(std::string(r.json().at("token").as_string()));
  return c;
}

// A string field of a JSON object.
inline std::string Str(const boost::json::value& v, const char* key) {
  return std::string(v.at(key).as_string());
}

}  // namespace jiesu::testing
