#include "importer/mapping.h"

#include <cstdio>
#include <filesystem>
#include <functional>

#include "config/yaml_reader.h"

namespace jiesu::importer {
namespace {

using config::Diagnostics;
using config::MapReader;

// A column name, or a {column, map, default} block.
std::optional<MappedColumn> ReadMapped(MapReader& r, const std::string& key, bool required) {
  YAML::Node n = r.Get(key);
  if (!n.IsDefined() || n.IsNull()) {
    if (required) r.Error(key, "is required");
    return std::nullopt;
  }
  MapReader m(n, r.file(), r.Field(key), r.diag());
  if (!m.ok()) return std::nullopt;
  MappedColumn c;
  const bool has_default = m.Get("default").IsDefined();
  c.column = m.String("column", !has_default);
  c.extract = m.String("extract", false);
  if (!c.extract.empty()) {
    UErrorCode status = U_ZERO_ERROR;
    UParseError where{};
    std::shared_ptr<icu::RegexPattern> re(
        icu::RegexPattern::compile(icu::UnicodeString::fromUTF8(c.extract), 0, where, status));
    if (U_FAILURE(status)) {
      m.Error("extract", std::string("not a regular expression (") + u_errorName(status) +
                             " at offset " + std::to_string(where.offset) + ")");
    } else {
      c.extract_re = std::move(re);
    }
    if (c.column.empty()) m.Error("extract", "needs a column");
  }
  YAML::Node values = m.Get("map");
  if (values.IsDefined() && !values.IsNull()) {
    if (!values.IsMap()) {
      m.ErrorAt(values, "map", "expected a mapping of source value → jiesu value");
    } else {
      for (const auto& kv : values) {
        if (!kv.second.IsScalar()) {
          m.ErrorAt(kv.second, "map", "values must be strings");
          continue;
        }
        c.values[kv.first.Scalar()] = kv.second.Scalar();
      }
    }
  }
  if (m.Get("default").IsDefined()) c.fallback = m.String("default", false);
  m.RejectUnknownKeys();
  return c;
}

}  // namespace

std::string MappedColumn::Value(const std::string& field) const {
  if (!extract_re) return field;
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(field);
  std::unique_ptr<icu::RegexMatcher> m(extract_re->matcher(text, status));
  if (U_FAILURE(status) || !m->find(status) || U_FAILURE(status)) return "";
  const icu::UnicodeString found = m->group(m->groupCount() > 0 ? 1 : 0, status);
  std::string out;
  if (U_SUCCESS(status)) found.toUTF8String(out);
  return out;
}

Result<Mapping> LoadMapping(const std::string& path, const domain::Jurisdiction& j) {
  Diagnostics diag;
  const std::filesystem::path p(path);
  auto root = config::ReadYaml(p.parent_path(), p.filename().string(), diag);
  Mapping m;
  if (root) {
    MapReader r(*root, path, "", diag);
    if (r.ok()) {
      m.source = r.String("source", true);
      m.key = r.String("key", true);
      if (r.Get("time_format").IsSequence()) {
        m.time_formats = r.Strings("time_format");
      } else {
        m.time_formats.push_back(r.String("time_format", true));
      }
      if (m.time_formats.empty()) r.Error("time_format", "name at least one format");
      m.empty_values = r.Strings("empty_values");
      m.utc_offset_minutes = r.Number<int>("utc_offset_minutes", 0, -720, 840);
      m.received_at = r.String("received_at", true);
      m.due_at = r.String("due_at", false);
      m.closed_at = r.String("closed_at", false);
      m.status = ReadMapped(r, "status", false);
      m.title = r.String("title", false);
      m.content = r.Strings("content");
      m.address = r.String("address", false);
      m.latitude = r.String("latitude", false);
      m.longitude = r.String("longitude", false);
      for (const auto& s : r.Strings("ignore_coordinates")) {
        double lat = 0, lon = 0;
        if (std::sscanf(s.c_str(), "%lf,%lf", &lat, &lon) != 2) {
          r.Error("ignore_coordinates", "expected \"lat,lon\", got '" + s + "'");
        } else {
          m.ignore_coordinates.emplace_back(lat, lon);
        }
      }
      m.reply_text = r.String("reply_text", false);
      m.channel = ReadMapped(r, "channel", false);
      m.urgency = ReadMapped(r, "urgency", false);
      m.request_type = ReadMapped(r, "request_type", false);
      m.confidential = ReadMapped(r, "confidential", false);
      if (auto c = ReadMapped(r, "category", true)) m.category = *c;
      m.area = ReadMapped(r, "area", false);
      if (auto u = ReadMapped(r, "unit", true)) m.unit = *u;
      r.RejectUnknownKeys();
      if (m.content.empty()) r.Error("content", "name at least one column");
      if (m.source.find('/') != std::string::npos) r.Error("source", "may not contain '/'");

      // Every value a map produces must mean something in this jurisdiction.
      auto check = [&](const std::optional<MappedColumn>& c, const std::string& field,
                       const std::function<bool(const std::string&)>& known,
                       const std::string& what) {
        if (!c) return;
        std::vector<std::string> outs;
        for (const auto& [from, to] : c->values) outs.push_back(to);
        if (c->fallback) outs.push_back(*c->fallback);
        for (const auto& v : outs) {
          if (!known(v)) diag.Add(path, 0, field, "unknown " + what + " '" + v + "'");
        }
      };
      check(
          m.status, "status.map", [](const std::string& v) { return v == "open" || v == "closed"; },
          "status (expected open or closed)");
      check(
          m.channel, "channel.map",
          [](const std::string& v) { return domain::ParseChannel(v).has_value(); }, "channel");
      check(
          m.urgency, "urgency.map",
          [](const std::string& v) { return domain::ParseUrgency(v).has_value(); }, "urgency");
      check(
          m.request_type, "request_type.map",
          [](const std::string& v) { return domain::ParseRequestType(v).has_value(); },
          "request type");
      check(
          m.confidential, "confidential.map",
          [](const std::string& v) { return v == "true" || v == "false"; },
          "value (expected true or false)");
      check(
          m.category, "category.map",
          [&](const std::string& v) { return j.taxonomy.Find(v) != nullptr; }, "category");
      check(
          m.area, "area.map", [&](const std::string& v) { return j.FindArea(v) != nullptr; },
          "area code");
      check(
          m.unit, "unit.map", [&](const std::string& v) { return j.units.Find(v) != nullptr; },
          "unit");
    }
  }
  if (!diag.empty()) {
    std::string msg = path + ": " + std::to_string(diag.errors().size()) + " problem(s):";
    for (const auto& e : diag.errors()) msg += "\n  " + e;
    return InvalidArgument(msg);
  }
  return m;
}

}  // namespace jiesu::importer
