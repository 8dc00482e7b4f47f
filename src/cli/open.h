// Opening an existing database for the one-shot commands (report, detect, rebuild-rollups,
// export-training).
#pragma once

#include <memory>

#include "app/app.h"
#include "base/result.h"
#include "cli/flags.h"

namespace jiesu::cli {

// The app over the database of --db (which must exist; a typo must not create an empty one)
// and the configuration of --config, without server or scheduler; with `text`, the text
// understanding too (--divisions, default data/divisions). Errors: kInvalidArgument for a
// missing flag or database, else what App::Create returns.
Result<std::unique_ptr<app::App>> OpenExisting(const Flags& flags, bool text);

}  // namespace jiesu::cli
