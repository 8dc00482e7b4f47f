#include "storage/event_codec.h"

#include <boost/json.hpp>

namespace jiesu::storage {
namespace {

namespace json = boost::json;
using namespace jiesu::domain;

// --- encoding ---------------------------------------------------------------------------

// Empty strings, false and empty lists are left out of stored documents: the reader takes a
// missing field as exactly that, and a received event was ~40% keys with nothing after them.
void PutIf(json::object& o, std::string_view k, const std::string& v) {
  if (!v.empty()) o[k] = v;
}
void PutIf(json::object& o, std::string_view k, bool v) {
  if (v) o[k] = true;
}

json::object EncodeCaller(const Caller& c) {
  json::object o;
  PutIf(o, "name", c.name);
  PutIf(o, "phone", c.phone);
  PutIf(o, "anonymous", c.anonymous);
  PutIf(o, "phone_hash", c.phone_hash);
  return o;
}

json::object EncodeDraft(const OrderDraft& d) {
  json::object o{
      {"channel", Name(d.channel)},
      {"request_type", Name(d.request_type)},
      {"urgency", Name(d.urgency)},
  };
  PutIf(o, "category", d.category);
  PutIf(o, "title", d.title);
  PutIf(o, "content", d.content);
  o["caller"] = EncodeCaller(d.caller);
  PutIf(o, "confidential", d.confidential);
  PutIf(o, "call_id", d.call_id);
  PutIf(o, "recording_id", d.recording_id);
  json::object loc;
  PutIf(loc, "address", d.location.address);
  PutIf(loc, "district", d.location.district_code);
  PutIf(loc, "street", d.location.street_code);
  PutIf(loc, "community", d.location.community_code);
  if (d.location.lat) loc["lat"] = *d.location.lat;
  if (d.location.lon) loc["lon"] = *d.location.lon;
  o["location"] = std::move(loc);
  if (!d.requester_tags.empty()) {
    json::array tags;
    for (const auto& t : d.requester_tags) tags.emplace_back(t);
    o["tags"] = std::move(tags);
  }
  if (d.occurred_at) o["occurred_at"] = ToUnixMillis(*d.occurred_at);
  if (d.suggested.present) {
    const Suggested& s = d.suggested;
    json::array dups;
    for (int64_t id : s.duplicates) dups.emplace_back(id);
    o["suggested"] =
        json::object{{"category", s.category},         {"confidence", s.category_confidence},
                     {"request_type", s.request_type}, {"urgency", s.urgency},
                     {"district", s.district_code},    {"street", s.street_code},
                     {"lead_unit", s.lead_unit},       {"duplicates", std::move(dups)}};
  }
  return o;
}

json::object EncodeLeg(const Leg& l) {
  json::object o{
      {"no", l.no},
      {"unit", l.unit_id},
      {"role", Name(l.role)},
      {"parent", l.parent_no},
      {"round", l.dispatch_round},
      {"designated", l.designated},
      {"state", Name(l.state)},
      {"dispatched_at", ToUnixMillis(l.dispatched_at)},
      {"sign_due", ToUnixMillis(l.sign_due)},
      {"reply_due", ToUnixMillis(l.reply_due)},
      {"return_until", ToUnixMillis(l.return_until)},
      {"contact_due", ToUnixMillis(l.contact_due)},
      {"reply_from", ToUnixMillis(l.reply_from)},
      {"warn", json::object{{"yellow_before", l.warn.yellow_before_ms},
                            {"urge_every", l.warn.urge_every_ms},
                            {"max_urges", l.warn.max_urges}}},
  };
  // Set on a new leg only by imports, which record the source's history in one event.
  if (l.signed_at) o["signed_at"] = ToUnixMillis(*l.signed_at);
  if (l.contacted_at) o["contacted_at"] = ToUnixMillis(*l.contacted_at);
  if (l.replied_at) o["replied_at"] = ToUnixMillis(*l.replied_at);
  if (!l.reply_text.empty()) o["reply_text"] = l.reply_text;
  if (!l.public_reply_text.empty()) o["public_reply_text"] = l.public_reply_text;
  if (l.reply_result) o["reply_result"] = Name(*l.reply_result);
  return o;
}

json::object EncodeActor(const Actor& a) {
  json::object o{{"id", a.user_id}};
  PutIf(o, "username", a.username);
  PutIf(o, "role", a.role);
  PutIf(o, "unit", a.unit_id);
  return o;
}

json::object EncodeVisit(const Visit& v) {
  json::object o{{"at", ToUnixMillis(v.at)}, {"visitor", v.visitor_id},
                 {"reached", v.reached},     {"contacted", v.contacted},
                 {"solved", v.solved},       {"attributable", v.attributable},
                 {"comment", v.comment}};
  if (v.satisfaction) o["satisfaction"] = Name(*v.satisfaction);
  if (v.channel != Channel::kPhone) o["channel"] = Name(v.channel);
  return o;
}

json::object EncodeCard(const Card& c) {
  return {{"kind", Name(c.kind)},
          {"leg", c.leg},
          {"deadline", ToUnixMillis(c.deadline)},
          {"fire_at", ToUnixMillis(c.fire_at)},
          {"at", ToUnixMillis(c.at)},
          {"number", c.number}};
}

// --- decoding ---------------------------------------------------------------------------

// Reads fields out of a stored document; any mismatch marks the document corrupt.
class Reader {
 public:
  explicit Reader(const json::object* o) : o_(o) {}
  bool ok() const { return ok_; }

  std::string Str(std::string_view k) {
    const json::value* v = o_ ? o_->if_contains(k) : nullptr;
    if (v == nullptr) return {};
    if (!v->is_string()) return Fail();
    return std::string(v->as_string());
  }
  int64_t Int(std::string_view k) {
    const json::value* v = o_ ? o_->if_contains(k) : nullptr;
    if (v == nullptr) return 0;
    if (v->is_int64()) return v->as_int64();
    if (v->is_uint64()) return static_cast<int64_t>(v->as_uint64());
    Fail();
    return 0;
  }
  bool Bool(std::string_view k) {
    const json::value* v = o_ ? o_->if_contains(k) : nullptr;
    if (v == nullptr) return false;
    if (!v->is_bool()) {
      Fail();
      return false;
    }
    return v->as_bool();
  }
  std::optional<double> Double(std::string_view k) {
    const json::value* v = o_ ? o_->if_contains(k) : nullptr;
    if (v == nullptr) return std::nullopt;
    if (v->is_double()) return v->as_double();
    if (v->is_int64()) return static_cast<double>(v->as_int64());
    Fail();
    return std::nullopt;
  }
  TimePoint Time(std::string_view k) { return FromUnixMillis(Int(k)); }
  bool Has(std::string_view k) const { return o_ && o_->contains(k); }
  const json::object* Obj(std::string_view k) {
    const json::value* v = o_ ? o_->if_contains(k) : nullptr;
    if (v == nullptr) return nullptr;
    if (!v->is_object()) {
      Fail();
      return nullptr;
    }
    return &v->as_object();
  }
  const json::array* Arr(std::string_view k) {
    const json::value* v = o_ ? o_->if_contains(k) : nullptr;
    if (v == nullptr) return nullptr;
    if (!v->is_array()) {
      Fail();
      return nullptr;
    }
    return &v->as_array();
  }
  template <class E>
  E Enum(std::string_view k, std::optional<E> (*parse)(std::string_view), E fallback) {
    std::string s = Str(k);
    if (auto e = parse(s)) return *e;
    Fail();
    return fallback;
  }
  std::string Fail() {
    ok_ = false;
    return {};
  }

 private:
  const json::object* o_;
  bool ok_ = true;
};

Caller DecodeCaller(Reader& r) {
  return Caller{r.Str("name"), r.Str("phone"), r.Bool("anonymous"), r.Str("phone_hash")};
}

OrderDraft DecodeDraft(Reader& r) {
  OrderDraft d;
  d.channel = r.Enum("channel", ParseChannel, Channel::kPhone);
  d.request_type = r.Enum("request_type", ParseRequestType, RequestType::kOther);
  d.urgency = r.Enum("urgency", ParseUrgency, Urgency::kNormal);
  d.category = r.Str("category");
  d.title = r.Str("title");
  d.content = r.Str("content");
  Reader c(r.Obj("caller"));
  d.caller = DecodeCaller(c);
  d.confidential = r.Bool("confidential");
  d.call_id = r.Str("call_id");
  d.recording_id = r.Str("recording_id");
  Reader loc(r.Obj("location"));
  d.location.address = loc.Str("address");
  d.location.district_code = loc.Str("district");
  d.location.street_code = loc.Str("street");
  d.location.community_code = loc.Str("community");
  d.location.lat = loc.Double("lat");
  d.location.lon = loc.Double("lon");
  if (const json::array* tags = r.Arr("tags")) {
    for (const auto& t : *tags) {
      if (!t.is_string()) {
        r.Fail();
        break;
      }
      d.requester_tags.emplace_back(t.as_string());
    }
  }
  if (r.Has("occurred_at")) d.occurred_at = r.Time("occurred_at");
  if (r.Has("suggested")) {
    Reader s(r.Obj("suggested"));
    d.suggested.present = true;
    d.suggested.category = s.Str("category");
    d.suggested.category_confidence = s.Double("confidence").value_or(0);
    d.suggested.request_type = s.Str("request_type");
    d.suggested.urgency = s.Str("urgency");
    d.suggested.district_code = s.Str("district");
    d.suggested.street_code = s.Str("street");
    d.suggested.lead_unit = s.Str("lead_unit");
    if (const json::array* dups = s.Arr("duplicates")) {
      for (const auto& v : *dups) {
        if (!v.is_int64()) {
          r.Fail();
          break;
        }
        d.suggested.duplicates.push_back(v.as_int64());
      }
    }
    if (!s.ok()) r.Fail();
  }
  if (!c.ok() || !loc.ok()) r.Fail();
  return d;
}

Leg DecodeLeg(Reader& r) {
  Leg l;
  l.no = static_cast<int>(r.Int("no"));
  l.unit_id = r.Str("unit");
  l.role = r.Enum("role", ParseLegRole, LegRole::kLead);
  l.parent_no = static_cast<int>(r.Int("parent"));
  l.dispatch_round = static_cast<int>(r.Int("round"));
  l.designated = r.Bool("designated");
  l.state = r.Enum("state", ParseLegState, LegState::kPendingSign);
  l.prior_state = l.state;
  l.dispatched_at = r.Time("dispatched_at");
  l.sign_due = r.Time("sign_due");
  l.reply_due = r.Time("reply_due");
  l.return_until = r.Time("return_until");
  // Legs stored before deadline warnings existed have neither field.
  l.contact_due = r.Has("contact_due") ? r.Time("contact_due") : l.reply_due;
  l.reply_from = r.Has("reply_from") ? r.Time("reply_from") : l.dispatched_at;
  if (r.Has("signed_at")) l.signed_at = r.Time("signed_at");
  if (r.Has("contacted_at")) l.contacted_at = r.Time("contacted_at");
  if (r.Has("replied_at")) l.replied_at = r.Time("replied_at");
  l.reply_text = r.Str("reply_text");
  l.public_reply_text = r.Str("public_reply_text");
  if (r.Has("reply_result")) {
    l.reply_result = r.Enum("reply_result", ParseReplyResult, ReplyResult::kResolved);
  }
  if (const json::object* w = r.Obj("warn")) {
    Reader wr(w);
    l.warn.yellow_before_ms = wr.Int("yellow_before");
    l.warn.urge_every_ms = wr.Int("urge_every");
    l.warn.max_urges = static_cast<int>(wr.Int("max_urges"));
    if (!wr.ok()) r.Fail();
  }
  return l;
}

Visit DecodeVisit(Reader& r) {
  Visit v;
  v.at = r.Time("at");
  v.visitor_id = r.Int("visitor");
  v.reached = r.Bool("reached");
  v.contacted = r.Bool("contacted");
  v.solved = r.Bool("solved");
  v.attributable = r.Bool("attributable");
  v.comment = r.Str("comment");
  if (r.Has("satisfaction"))
    v.satisfaction = r.Enum("satisfaction", ParseSatisfaction, Satisfaction::kSatisfied);
  // Visits stored before citizens rated on the public page were all the hotline's calls.
  if (r.Has("channel")) v.channel = r.Enum("channel", ParseChannel, Channel::kPhone);
  return v;
}

Actor DecodeActor(Reader& a) {
  return Actor{a.Int("id"), a.Str("username"), a.Str("role"), a.Str("unit")};
}

Card DecodeCard(Reader& r) {
  Card c;
  c.kind = r.Enum("kind", ParseCardKind, CardKind::kSignYellow);
  c.leg = static_cast<int>(r.Int("leg"));
  c.deadline = r.Time("deadline");
  c.fire_at = r.Time("fire_at");
  c.at = r.Time("at");
  c.number = static_cast<int>(r.Int("number"));
  return c;
}

}  // namespace

std::string EncodeEvent(const Event& e) {
  json::object o{
      {"type", Name(e.type)},
      {"actor", EncodeActor(e.actor)},
      {"at", ToUnixMillis(e.at)},
  };
  if (e.leg != 0) o["leg"] = e.leg;
  PutIf(o, "from", e.from_state);
  PutIf(o, "to", e.to_state);
  if (!e.reason.empty()) o["reason"] = e.reason;
  if (!e.text.empty()) o["text"] = e.text;
  PutIf(o, "public_text", e.public_text);
  if (!e.attachments.empty()) {
    json::array ids;
    for (int64_t id : e.attachments) ids.emplace_back(id);
    o["attachments"] = std::move(ids);
  }
  if (!e.code.empty()) o["code"] = e.code;
  if (e.draft) o["draft"] = EncodeDraft(*e.draft);
  if (!e.new_legs.empty()) {
    json::array legs;
    for (const auto& l : e.new_legs) legs.emplace_back(EncodeLeg(l));
    o["new_legs"] = std::move(legs);
  }
  if (e.deadline) o["deadline"] = ToUnixMillis(*e.deadline);
  if (e.number != 0) o["number"] = e.number;
  if (e.other_order != 0) o["other_order"] = e.other_order;
  if (e.other_caller) o["other_caller"] = EncodeCaller(*e.other_caller);
  if (e.visit) o["visit"] = EncodeVisit(*e.visit);
  if (e.reply_result) o["reply_result"] = Name(*e.reply_result);
  if (e.flag) o["flag"] = true;
  if (e.card) o["card"] = EncodeCard(*e.card);
  return json::serialize(o);
}

Result<Event> DecodeEvent(int64_t order_id, int64_t seq, std::string_view text) {
  auto corrupt = [&](const std::string& why) {
    return Internal("stored event " + std::to_string(order_id) + "/" + std::to_string(seq) +
                    " is corrupt: " + why);
  };
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return corrupt(ec ? ec.message() : "not an object");
  Reader r(&v.as_object());
  Event e;
  e.order_id = order_id;
  e.seq = seq;
  e.type = r.Enum("type", ParseEventType, EventType::kReceived);
  e.leg = static_cast<int>(r.Int("leg"));
  Reader a(r.Obj("actor"));
  e.actor = DecodeActor(a);
  e.at = r.Time("at");
  e.from_state = r.Str("from");
  e.to_state = r.Str("to");
  e.reason = r.Str("reason");
  e.text = r.Str("text");
  e.public_text = r.Str("public_text");  // absent from events stored before it existed
  if (const json::array* ids = r.Arr("attachments")) {
    for (const auto& id : *ids) {
      if (!id.is_int64()) return corrupt("attachment id is not an integer");
      e.attachments.push_back(id.as_int64());
    }
  }
  e.code = r.Str("code");
  if (const json::object* d = r.Obj("draft")) {
    Reader dr(d);
    e.draft = DecodeDraft(dr);
    if (!dr.ok()) r.Fail();
  }
  if (const json::array* legs = r.Arr("new_legs")) {
    for (const auto& l : *legs) {
      if (!l.is_object()) return corrupt("leg is not an object");
      Reader lr(&l.as_object());
      e.new_legs.push_back(DecodeLeg(lr));
      if (!lr.ok()) r.Fail();
    }
  }
  if (r.Has("deadline")) e.deadline = r.Time("deadline");
  e.number = static_cast<int>(r.Int("number"));
  e.other_order = r.Int("other_order");
  if (const json::object* c = r.Obj("other_caller")) {
    Reader cr(c);
    e.other_caller = DecodeCaller(cr);
  }
  if (const json::object* vis = r.Obj("visit")) {
    Reader vr(vis);
    e.visit = DecodeVisit(vr);
    if (!vr.ok()) r.Fail();
  }
  if (r.Has("reply_result"))
    e.reply_result = r.Enum("reply_result", ParseReplyResult, ReplyResult::kResolved);
  e.flag = r.Bool("flag");
  if (const json::object* card = r.Obj("card")) {
    Reader cr(card);
    e.card = DecodeCard(cr);
    if (!cr.ok()) r.Fail();
  }
  if (!r.ok() || !a.ok()) return corrupt("unexpected field type or value");
  return e;
}

std::string EncodeSupervisionEvent(const domain::SupervisionEvent& e) {
  json::object o{
      {"step", domain::Name(e.step)}, {"unit", e.unit_id},    {"actor", EncodeActor(e.actor)},
      {"at", ToUnixMillis(e.at)},     {"from", e.from_state}, {"to", e.to_state},
  };
  if (!e.text.empty()) o["text"] = e.text;
  if (e.opened) {
    const auto& s = *e.opened;
    json::array parts;
    for (const auto& p : s.parts) parts.emplace_back(p.unit_id);
    o["opened"] =
        json::object{{"order_id", s.order_id},     {"title", s.title},
                     {"demand", s.demand},         {"created_at", ToUnixMillis(s.created_at)},
                     {"due", ToUnixMillis(s.due)}, {"opened_by", s.opened_by},
                     {"units", std::move(parts)}};
  }
  return json::serialize(o);
}

Result<domain::SupervisionEvent> DecodeSupervisionEvent(int64_t supervision_id, int64_t seq,
                                                        std::string_view text) {
  auto corrupt = [&](const std::string& why) {
    return Internal("stored supervision event " + std::to_string(supervision_id) + "/" +
                    std::to_string(seq) + " is corrupt: " + why);
  };
  boost::system::error_code ec;
  json::value v = json::parse(text, ec);
  if (ec || !v.is_object()) return corrupt(ec ? ec.message() : "not an object");
  Reader r(&v.as_object());
  domain::SupervisionEvent e;
  e.supervision_id = supervision_id;
  e.seq = seq;
  e.step = r.Enum("step", domain::ParseSupervisionStep, domain::SupervisionStep::kOpened);
  e.unit_id = r.Str("unit");
  Reader a(r.Obj("actor"));
  e.actor = DecodeActor(a);
  e.at = r.Time("at");
  e.from_state = r.Str("from");
  e.to_state = r.Str("to");
  e.text = r.Str("text");
  if (const json::object* op = r.Obj("opened")) {
    Reader o(op);
    domain::Supervision s;
    s.id = supervision_id;
    s.order_id = o.Int("order_id");
    s.title = o.Str("title");
    s.demand = o.Str("demand");
    s.created_at = o.Time("created_at");
    s.due = o.Time("due");
    s.opened_by = o.Int("opened_by");
    if (const json::array* units = o.Arr("units")) {
      for (const auto& u : *units) {
        if (!u.is_string()) return corrupt("unit is not a string");
        s.parts.push_back({std::string(u.as_string()), domain::PartState::kIssued, "", {}});
      }
    }
    if (!o.ok()) r.Fail();
    e.opened = std::move(s);
  }
  if (!r.ok() || !a.ok()) return corrupt("unexpected field type or value");
  return e;
}

}  // namespace jiesu::storage
