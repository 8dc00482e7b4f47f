// JSON renderings of domain values for the API, applying what the viewer may see:
// hotline roles see callers in full; other roles see them masked (张*, 138****1234); on a
// 保密 order nobody but the hotline sees anything of the caller.
#pragma once

#include <boost/json.hpp>
#include <string>
#include <vector>

#include "domain/jurisdiction.h"
#include "domain/order.h"
#include "storage/store.h"

namespace jiesu::api {

std::string MaskPhone(const std::string& phone);
std::string MaskName(const std::string& name);

boost::json::object OrderJson(const domain::Order& o, const std::vector<domain::Event>* history,
                              const domain::Jurisdiction& j, const std::string& viewer_role,
                              TimePoint now,
                              const std::vector<storage::Attachment>& attachments = {});
boost::json::object AttachmentJson(const storage::Attachment& a, const domain::Jurisdiction& j);
boost::json::object SummaryJson(const storage::OrderSummary& s, const domain::Jurisdiction& j,
                                TimePoint now);
boost::json::object UserJson(const storage::User& u);
std::string Time(TimePoint t, const domain::Jurisdiction& j);

}  // namespace jiesu::api
