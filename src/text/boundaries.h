// Coordinates to district by point-in-polygon (GEOS): the district boundaries of a
// jurisdiction, read from a GeoJSON FeatureCollection whose features carry the district code
// in a property ("adcode" by default). Coordinates must be in the boundaries' frame (the
// Beijing files in ../shared/data are AMap's GCJ-02, not WGS-84). Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/result.h"

namespace jiesu::text {

class Boundaries {
 public:
  // Errors: kNotFound (no file), kInvalidArgument (not GeoJSON, a feature without the code
  // property or with a geometry GEOS cannot read), naming the file and the feature.
  static Result<std::unique_ptr<Boundaries>> Load(const std::string& path,
                                                  const std::string& code_property = "adcode");
  ~Boundaries();
  Boundaries(const Boundaries&) = delete;
  Boundaries& operator=(const Boundaries&) = delete;

  // The code of the area containing (lon, lat), if any.
  std::optional<std::string> AreaAt(double lon, double lat) const;
  size_t size() const { return areas_.size(); }

 private:
  struct Area;
  Boundaries();
  void* ctx_;  // GEOSContextHandle_t
  std::vector<std::unique_ptr<Area>> areas_;
  mutable std::mutex mu_;  // one GEOS context serves one thread at a time
};

}  // namespace jiesu::text
