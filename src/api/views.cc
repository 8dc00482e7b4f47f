#include "api/views.h"

namespace jiesu::api {

namespace json = boost::json;
using namespace jiesu::domain;

std::string MaskPhone(const std::string& phone) {
  std::string digits;
  for (char c : phone) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (digits.size() >= 7) return digits.substr(0, 3) + "****" + digits.substr(digits.size() - 4);
  if (digits.size() >= 3)
    return std::string(digits.size() - 2, '*') + digits.substr(digits.size() - 2);
  return std::string(digits.size(), '*');
}

std::string MaskName(const std::string& name) {
  if (name.empty()) return name;
  // Keep the first code point (the family name in Chinese names), mask the rest.
  size_t first = 1;
  while (first < name.size() && (static_cast<unsigned char>(name[first]) & 0xC0) == 0x80) ++first;
  return name.substr(0, first) + "*";
}

std::string Time(TimePoint t, const Jurisdiction& j) {
  return FormatRfc3339(t, j.utc_offset_minutes);
}

namespace {

json::value OptTime(const std::optional<TimePoint>& t, const Jurisdiction& j) {
  return t ? json::value(Time(*t, j)) : json::value(nullptr);
}

json::value CallerJson(const Caller& c, CallerView view) {
  if (view == CallerView::kHidden) return nullptr;
  if (view == CallerView::kMasked) {
    return json::object{
        {"name", MaskName(c.name)}, {"phone", MaskPhone(c.phone)}, {"anonymous", c.anonymous}};
  }
  return json::object{{"name", c.name}, {"phone", c.phone}, {"anonymous", c.anonymous}};
}

std::string UnitName(const Jurisdiction& j, const std::string& id) {
  const Unit* u = j.units.Find(id);
  return u ? u->name : id;
}

json::array IdArray(const std::vector<int64_t>& ids) {
  json::array out;
  for (int64_t id : ids) out.emplace_back(id);
  return out;
}

json::object LegJson(const Leg& l, const Jurisdiction& j, TimePoint now) {
  json::object o{
      {"no", l.no},
      {"unit", l.unit_id},
      {"unit_name", UnitName(j, l.unit_id)},
      {"role", Name(l.role)},
      {"parent_leg", l.parent_no == 0 ? json::value(nullptr) : json::value(l.parent_no)},
      {"dispatch_round", l.dispatch_round},
      {"designated", l.designated},
      {"state", Name(l.state)},
      {"dispatched_at", Time(l.dispatched_at, j)},
      {"sign_due", Time(l.sign_due, j)},
      {"reply_due", Time(l.reply_due, j)},
      {"return_until", Time(l.return_until, j)},
      {"contact_due", Time(l.contact_due, j)},
      {"signed_at", OptTime(l.signed_at, j)},
      {"contacted_at", OptTime(l.contacted_at, j)},
      {"replied_at", OptTime(l.replied_at, j)},
      {"extension_count", l.extension_count},
      {"requested_extension_days", l.requested_extension_days},
      {"reply_text", l.reply_text},
      {"public_reply", l.public_reply_text},
      {"reply_attachments", IdArray(l.reply_attachments)},
      {"reply_result", l.reply_result ? json::value(Name(*l.reply_result)) : json::value(nullptr)},
      {"overdue", l.overdue || (IsActive(l.state) && now > l.reply_due)},
  };
  return o;
}

json::object VisitJson(const Visit& v, const Jurisdiction& j) {
  return json::object{
      {"at", Time(v.at, j)},
      {"visitor_id", v.visitor_id},
      {"reached", v.reached},
      {"contacted", v.contacted},
      {"solved", v.solved},
      {"satisfaction", v.satisfaction ? json::value(Name(*v.satisfaction)) : json::value(nullptr)},
      {"attributable", v.attributable},
      {"comment", v.comment},
      {"channel", Name(v.channel)},
  };
}

json::object EventJson(const Event& e, const Jurisdiction& j) {
  json::object o{
      {"seq", e.seq},
      {"type", Name(e.type)},
      {"leg", e.leg == 0 ? json::value(nullptr) : json::value(e.leg)},
      {"at", Time(e.at, j)},
      {"actor", json::object{{"user_id", e.actor.user_id},
                             {"username", e.actor.username},
                             {"role", e.actor.role},
                             {"unit", e.actor.unit_id}}},
      {"from", e.from_state},
      {"to", e.to_state},
      {"reason", e.reason},
  };
  // Payload worth showing in a history; caller data is never part of it.
  if (e.type != EventType::kReceived && !e.text.empty()) o["text"] = e.text;
  if (!e.public_text.empty()) o["public_text"] = e.public_text;
  if (!e.attachments.empty()) o["attachments"] = IdArray(e.attachments);
  if (e.type == EventType::kReceived && !e.text.empty()) o["rules"] = e.text;
  if (e.deadline) o["deadline"] = Time(*e.deadline, j);
  if (e.number != 0) o["days"] = e.number;
  if (e.other_order != 0) o["other_order"] = e.other_order;
  if (!e.new_legs.empty()) {
    json::array units;
    for (const auto& l : e.new_legs) units.emplace_back(l.unit_id);
    o["units"] = std::move(units);
  }
  if (e.reply_result) o["reply_result"] = Name(*e.reply_result);
  if (e.visit && e.visit->satisfaction) o["satisfaction"] = Name(*e.visit->satisfaction);
  return o;
}

}  // namespace

json::object OrderJson(const Order& o, const std::vector<Event>* history, const Jurisdiction& j,
                       const std::string& viewer_role, TimePoint now,
                       const std::vector<storage::Attachment>& attachments) {
  const OrderDraft& d = o.draft;
  const CallerView view = CallerViewFor(j, viewer_role, d.confidential);
  const Category* cat = j.taxonomy.Find(d.category);
  json::array tags;
  for (const auto& t : d.requester_tags) tags.emplace_back(t);
  json::object loc{{"address", d.location.address},
                   {"district_code", d.location.district_code},
                   {"street_code", d.location.street_code},
                   {"community_code", d.location.community_code},
                   {"lat", d.location.lat ? json::value(*d.location.lat) : json::value(nullptr)},
                   {"lon", d.location.lon ? json::value(*d.location.lon) : json::value(nullptr)}};
  json::array legs, visits, children, extra;
  for (const auto& l : o.legs) legs.emplace_back(LegJson(l, j, now));
  for (const auto& v : o.visits) visits.emplace_back(VisitJson(v, j));
  json::array cards;
  for (const auto& c : o.cards) {
    cards.emplace_back(json::object{{"kind", Name(c.kind)},
                                    {"leg", c.leg},
                                    {"deadline", Time(c.deadline, j)},
                                    {"due_at", Time(c.fire_at, j)},
                                    {"issued_at", Time(c.at, j)},
                                    {"number", c.number}});
  }
  for (int64_t c : o.merged_children) children.emplace_back(c);
  for (const auto& c : o.extra_callers) extra.emplace_back(CallerJson(c, view));
  json::object out{
      {"id", o.id},
      {"code", o.code},
      {"state", Name(o.state)},
      {"version", o.version},
      {"channel", Name(d.channel)},
      {"request_type", Name(d.request_type)},
      {"urgency", Name(d.urgency)},
      {"category", d.category},
      {"category_name", cat ? cat->name : ""},
      {"title", d.title},
      {"content", d.content},
      {"caller", CallerJson(d.caller, view)},
      {"confidential", d.confidential},
      {"location", std::move(loc)},
      {"requester_tags", std::move(tags)},
      {"call_id", d.call_id},
      {"recording_id", d.recording_id},
      {"occurred_at", OptTime(d.occurred_at, j)},
      {"created_at", Time(o.created_at, j)},
      {"updated_at", Time(o.updated_at, j)},
      {"dispatch_due", Time(o.dispatch_due, j)},
      {"dispatch_rounds", o.dispatch_rounds},
      {"failed_dispatches", o.failed_dispatches},
      {"designated", o.designated},
      {"complex", o.complex},
      {"reopen_count", o.reopen_count},
      {"answer", o.answer},
      {"reject_reason", o.reject_reason},
      {"proper_channel", o.proper_channel},
      {"close_reason", o.close_reason},
      {"merged_into", o.merged_into == 0 ? json::value(nullptr) : json::value(o.merged_into)},
      {"merged_children", std::move(children)},
      {"extra_callers",
       view == CallerView::kHidden ? json::value(json::array{}) : json::value(std::move(extra))},
      {"overdue", o.IsOverdue(now)},
      {"legs", std::move(legs)},
      {"visits", std::move(visits)},
      {"cards", std::move(cards)},
  };
  json::array files;
  for (const auto& a : attachments) files.emplace_back(AttachmentJson(a, j));
  out["attachments"] = std::move(files);
  // What text understanding suggested at intake, beside what the agent chose.
  if (d.suggested.present) {
    const domain::Suggested& sg = d.suggested;
    json::array dups;
    for (int64_t id : sg.duplicates) dups.emplace_back(id);
    out["suggested"] = json::object{{"category", sg.category},
                                    {"category_confidence", sg.category_confidence},
                                    {"request_type", sg.request_type},
                                    {"urgency", sg.urgency},
                                    {"district_code", sg.district_code},
                                    {"street_code", sg.street_code},
                                    {"lead_unit", sg.lead_unit},
                                    {"duplicates", std::move(dups)}};
  } else {
    out["suggested"] = nullptr;
  }
  // First and final satisfaction of the visits that reached the caller (they differ when a
  // reopened order was visited again).
  const Visit* first = nullptr;
  const Visit* last = nullptr;
  for (const auto& v : o.visits) {
    if (!v.reached || !v.satisfaction) continue;
    if (first == nullptr) first = &v;
    last = &v;
  }
  out["first_satisfaction"] =
      first ? json::value(Name(*first->satisfaction)) : json::value(nullptr);
  out["final_satisfaction"] = last ? json::value(Name(*last->satisfaction)) : json::value(nullptr);
  if (history != nullptr) {
    json::array h;
    for (const auto& e : *history) h.emplace_back(EventJson(e, j));
    out["history"] = std::move(h);
  }
  return out;
}

json::object SummaryJson(const storage::OrderSummary& s, const Jurisdiction& j, TimePoint now) {
  json::array units;
  for (const auto& u : s.units) units.emplace_back(u);
  const Category* cat = j.taxonomy.Find(s.category);
  return json::object{
      {"id", s.id},
      {"code", s.code},
      {"state", Name(s.state)},
      {"channel", Name(s.channel)},
      {"urgency", Name(s.urgency)},
      {"request_type", Name(s.request_type)},
      {"category", s.category},
      {"category_name", cat ? cat->name : ""},
      {"district_code", s.district_code},
      {"street_code", s.street_code},
      {"title", s.title},
      {"content_excerpt", s.content},
      {"confidential", s.confidential},
      {"created_at", Time(s.created_at, j)},
      {"updated_at", Time(s.updated_at, j)},
      {"reply_due", OptTime(s.reply_due, j)},
      {"overdue", s.reply_due.has_value() && now > *s.reply_due},
      {"units", std::move(units)},
  };
}

json::object AttachmentJson(const storage::Attachment& a, const Jurisdiction& j) {
  return json::object{{"id", a.id},
                      {"name", a.name},
                      {"type", a.type},
                      {"size", a.size},
                      {"sha256", a.sha256},
                      {"leg", a.leg == 0 ? json::value(nullptr) : json::value(a.leg)},
                      {"uploaded_at", Time(a.uploaded_at, j)},
                      {"uploaded_by", a.uploader},
                      {"uploader_role", a.uploader_role}};
}

json::object UserJson(const storage::User& u) {
  return json::object{{"id", u.id},     {"username", u.username}, {"display_name", u.display_name},
                      {"role", u.role}, {"unit", u.unit_id},      {"active", u.active}};
}

}  // namespace jiesu::api
