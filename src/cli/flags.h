// Command-line flags for the sub-commands: "--name value", "--name=value" and boolean
// "--name". Unknown flags and missing values are errors, never ignored.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace jiesu::cli {

class Flags {
 public:
  // `value_flags` take a value, `bool_flags` do not; anything else is an error. Arguments not
  // starting with "--" are positional.
  static Result<Flags> Parse(const std::vector<std::string>& args,
                             const std::set<std::string>& value_flags,
                             const std::set<std::string>& bool_flags);

  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  // kInvalidArgument naming the flag when it is missing.
  Result<std::string> Require(const std::string& name) const;
  Result<int> Int(const std::string& name, int fallback, int min, int max) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  std::map<std::string, std::string> values_;
  std::vector<std::string> positional_;
};

}  // namespace jiesu::cli
