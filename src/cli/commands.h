// The sub-commands of the `jiesu` binary, one file each. Each returns the process exit code:
// 0 success, 1 failure while running, 2 bad usage or invalid input.
#pragma once

#include <string>
#include <vector>

namespace jiesu::cli {

int Serve(const std::vector<std::string>& args);
int Migrate(const std::vector<std::string>& args);
int CheckConfig(const std::vector<std::string>& args);
int UserAdd(const std::vector<std::string>& args);
int Report(const std::vector<std::string>& args);
int Detect(const std::vector<std::string>& args);
int Import(const std::vector<std::string>& args);
int RebuildRollups(const std::vector<std::string>& args);
int TrainClassifier(const std::vector<std::string>& args);
int EvalClassifier(const std::vector<std::string>& args);
int ExportTraining(const std::vector<std::string>& args);

}  // namespace jiesu::cli
