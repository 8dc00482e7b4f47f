// Reading YAML with errors that name the file, the line and the field, and with unknown keys
// refused: shared by the configuration loader and the import mapping loader.
#pragma once

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace jiesu::config {

// Collects every problem found while reading one configuration directory.
class Diagnostics {
 public:
  void Add(const std::string& file, int line, const std::string& field, const std::string& msg) {
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    s += ": ";
    if (!field.empty()) s += field + ": ";
    s += msg;
    errors_.push_back(std::move(s));
  }
  bool empty() const { return errors_.empty(); }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  std::vector<std::string> errors_;
};

// A cursor over one YAML mapping that knows where it is and which keys were read.
class MapReader {
 public:
  MapReader(const YAML::Node& node, std::string file, std::string path, Diagnostics& diag)
      : node_(node), file_(std::move(file)), path_(std::move(path)), diag_(diag) {
    if (!node_.IsMap()) {
      Error("", "expected a mapping");
      ok_ = false;
    }
  }

  bool ok() const { return ok_; }
  int Line(const YAML::Node& n) const { return n.Mark().line >= 0 ? n.Mark().line + 1 : 0; }
  std::string Field(const std::string& key) const {
    return path_.empty() ? key : path_ + "." + key;
  }
  void Error(const std::string& key, const std::string& msg) {
    diag_.Add(file_, Line(node_), key.empty() ? path_ : Field(key), msg);
  }
  void ErrorAt(const YAML::Node& n, const std::string& key, const std::string& msg) {
    diag_.Add(file_, Line(n), Field(key), msg);
  }

  YAML::Node Get(const std::string& key) {
    known_.insert(key);
    return ok_ ? node_[key] : YAML::Node();
  }

  std::string String(const std::string& key, bool required) {
    YAML::Node n = Get(key);
    if (!n.IsDefined() || n.IsNull()) {
      if (required && ok_) Error(key, "is required");
      return {};
    }
    if (!n.IsScalar()) {
      ErrorAt(n, key, "expected a string");
      return {};
    }
    return n.Scalar();
  }

  template <class T>
  T Number(const std::string& key, T fallback, T min, T max) {
    YAML::Node n = Get(key);
    if (!n.IsDefined() || n.IsNull()) return fallback;
    T v{};
    if (!n.IsScalar() || !YAML::convert<T>::decode(n, v)) {
      ErrorAt(n, key, "expected a number");
      return fallback;
    }
    if (v < min || v > max) {
      ErrorAt(n, key, "must be between " + std::to_string(min) + " and " + std::to_string(max));
      return fallback;
    }
    return v;
  }

  std::optional<bool> Bool(const std::string& key) {
    YAML::Node n = Get(key);
    if (!n.IsDefined() || n.IsNull()) return std::nullopt;
    bool v = false;
    if (!n.IsScalar() || !YAML::convert<bool>::decode(n, v)) {
      ErrorAt(n, key, "expected true or false");
      return std::nullopt;
    }
    return v;
  }

  std::vector<std::string> Strings(const std::string& key) {
    YAML::Node n = Get(key);
    std::vector<std::string> out;
    if (!n.IsDefined() || n.IsNull()) return out;
    if (!n.IsSequence()) {
      ErrorAt(n, key, "expected a list of strings");
      return out;
    }
    for (const auto& item : n) {
      if (!item.IsScalar()) {
        ErrorAt(item, key, "expected a list of strings");
        continue;
      }
      out.push_back(item.Scalar());
    }
    return out;
  }

  // Reports keys present in the mapping that nobody asked for.
  void RejectUnknownKeys() {
    if (!ok_) return;
    for (const auto& kv : node_) {
      std::string k = kv.first.Scalar();
      if (!known_.count(k)) ErrorAt(kv.first, k, "unknown key");
    }
  }

  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }
  Diagnostics& diag() { return diag_; }

 private:
  YAML::Node node_;
  std::string file_;
  std::string path_;
  Diagnostics& diag_;
  std::set<std::string> known_;
  bool ok_ = true;
};

// Parses one YAML file into its root node, or records why it could not.
inline std::optional<YAML::Node> ReadYaml(const std::filesystem::path& dir,
                                          const std::string& name, Diagnostics& diag) {
  std::filesystem::path p = dir / name;
  std::ifstream in(p);
  if (!in) {
    diag.Add(p.string(), 0, "", "cannot be read (missing or unreadable)");
    return std::nullopt;
  }
  try {
    return YAML::Load(in);
  } catch (const YAML::Exception& e) {
    diag.Add(p.string(), e.mark.line + 1, "", "YAML syntax error: " + e.msg);
    return std::nullopt;
  }
}

// Calls `each` with a reader for every mapping in the list under `key` of `root`.
inline void ForEachItem(MapReader& root, const std::string& key,
                 const std::function<void(MapReader&)>& each) {
  YAML::Node list = root.Get(key);
  if (!list.IsDefined() || list.IsNull()) {
    root.Error(key, "is required");
    return;
  }
  if (!list.IsSequence()) {
    root.ErrorAt(list, key, "expected a list");
    return;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    MapReader item(list[i], root.file(), key + "[" + std::to_string(i) + "]", root.diag());
    if (!item.ok()) continue;
    each(item);
    item.RejectUnknownKeys();
  }
}

}  // namespace jiesu::config
