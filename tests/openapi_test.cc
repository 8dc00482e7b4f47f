// api/openapi.yaml describes exactly the routes the code serves, with the same methods.
#include <gtest/gtest.h>
#include <sodium.h>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <set>

#include "app/app.h"

namespace jiesu {
namespace {

namespace fs = std::filesystem;

TEST(OpenApiTest, DescribesEveryRouteAndNothingElse) {
  const fs::path dir = fs::temp_directory_path() / ("jiesu-openapi-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  app::AppOptions o;
  o.config_dir = std::string(JIESU_SOURCE_DIR) + "/config/demo-beijing";
  o.db_path = (dir / "j.db").string();
  auto app = app::App::Create(o);
  ASSERT_TRUE(app.ok()) << app.error().ToString();
  std::set<std::pair<std::string, std::string>> served;
  for (const auto& [method, pattern] : (*app)->api().Routes()) served.emplace(method, pattern);
  app->reset();
  fs::remove_all(dir);

  YAML::Node spec = YAML::LoadFile(std::string(JIESU_SOURCE_DIR) + "/api/openapi.yaml");
  std::set<std::pair<std::string, std::string>> described;
  for (const auto& path : spec["paths"]) {
    for (const auto& op : path.second) {
      std::string method = op.first.as<std::string>();
      // Path-level keys that are not operations.
      if (method == "parameters" || method == "summary" || method == "description" ||
          method == "servers") {
        continue;
      }
      for (auto& ch : method) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      // OpenAPI names path parameters freely; compare the shapes.
      described.emplace(method, path.first.as<std::string>());
    }
  }
  auto shape = [](std::string p) {
    std::string out;
    bool in = false;
    for (char c : p) {
      if (c == '{') {
        in = true;
        out += "{}";
      } else if (c == '}') {
        in = false;
      } else if (!in) {
        out += c;
      }
    }
    return out;
  };
  std::set<std::pair<std::string, std::string>> a, b;
  for (const auto& [m, p] : served) a.emplace(m, shape(p));
  for (const auto& [m, p] : described) b.emplace(m, shape(p));
  for (const auto& r : a) EXPECT_TRUE(b.count(r)) << "not in openapi.yaml: " << r.first << " " << r.second;
  for (const auto& r : b) EXPECT_TRUE(a.count(r)) << "not served: " << r.first << " " << r.second;
}

}  // namespace
}  // namespace jiesu
