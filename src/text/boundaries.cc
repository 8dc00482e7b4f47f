#include "text/boundaries.h"

#include <geos_c.h>

#include <boost/json.hpp>
#include <cstdarg>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace jiesu::text {

namespace json = boost::json;

struct Boundaries::Area {
  std::string code;
  GEOSGeometry* geometry = nullptr;
  const GEOSPreparedGeometry* prepared = nullptr;
};

namespace {

void Quiet(const char*, void*) {}

}  // namespace

Boundaries::Boundaries() : ctx_(GEOS_init_r()) {
  GEOSContext_setNoticeMessageHandler_r(static_cast<GEOSContextHandle_t>(ctx_), &Quiet, nullptr);
  GEOSContext_setErrorMessageHandler_r(static_cast<GEOSContextHandle_t>(ctx_), &Quiet, nullptr);
}

Boundaries::~Boundaries() {
  auto ctx = static_cast<GEOSContextHandle_t>(ctx_);
  for (auto& a : areas_) {
    if (a->prepared) GEOSPreparedGeom_destroy_r(ctx, a->prepared);
    if (a->geometry) GEOSGeom_destroy_r(ctx, a->geometry);
  }
  GEOS_finish_r(ctx);
}

Result<std::unique_ptr<Boundaries>> Boundaries::Load(const std::string& path,
                                                     const std::string& prop) {
  std::ifstream in(path);
  if (!in) return NotFound("boundaries: " + path + " not found");
  std::stringstream buf;
  buf << in.rdbuf();
  boost::system::error_code ec;
  json::value doc = json::parse(buf.str(), ec);
  if (ec || !doc.is_object() || !doc.as_object().contains("features") ||
      !doc.as_object().at("features").is_array()) {
    return InvalidArgument(path + ": not a GeoJSON FeatureCollection");
  }
  std::unique_ptr<Boundaries> b(new Boundaries());
  auto ctx = static_cast<GEOSContextHandle_t>(b->ctx_);
  GEOSGeoJSONReader* reader = GEOSGeoJSONReader_create_r(ctx);
  size_t i = 0;
  for (const json::value& f : doc.as_object().at("features").as_array()) {
    const std::string at = path + ": feature " + std::to_string(i++);
    const json::object* props = f.is_object() && f.as_object().contains("properties") &&
                                        f.as_object().at("properties").is_object()
                                    ? &f.as_object().at("properties").as_object()
                                    : nullptr;
    if (props == nullptr || !props->contains(prop)) {
      GEOSGeoJSONReader_destroy_r(ctx, reader);
      return InvalidArgument(at + ": no '" + prop + "' property");
    }
    const json::value& code = props->at(prop);
    auto area = std::make_unique<Area>();
    area->code = code.is_string() ? std::string(code.as_string()) : json::serialize(code);
    const std::string geometry =
        f.as_object().contains("geometry") ? json::serialize(f.as_object().at("geometry")) : "null";
    area->geometry = GEOSGeoJSONReader_readGeometry_r(ctx, reader, geometry.c_str());
    if (area->geometry == nullptr) {
      GEOSGeoJSONReader_destroy_r(ctx, reader);
      return InvalidArgument(at + " (" + area->code + "): geometry GEOS cannot read");
    }
    area->prepared = GEOSPrepare_r(ctx, area->geometry);
    b->areas_.push_back(std::move(area));
  }
  GEOSGeoJSONReader_destroy_r(ctx, reader);
  return b;
}

std::optional<std::string> Boundaries::AreaAt(double lon, double lat) const {
  std::lock_guard lock(mu_);
  auto ctx = static_cast<GEOSContextHandle_t>(ctx_);
  GEOSGeometry* point = GEOSGeom_createPointFromXY_r(ctx, lon, lat);
  std::optional<std::string> out;
  for (const auto& a : areas_) {
    if (GEOSPreparedContains_r(ctx, a->prepared, point) == 1) {
      out = a->code;
      break;
    }
  }
  GEOSGeom_destroy_r(ctx, point);
  return out;
}

}  // namespace jiesu::text
