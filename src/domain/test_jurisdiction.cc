#include "domain/test_jurisdiction.h"

namespace jiesu::domain::testing {
namespace {

Date D(const char* s) { return *ParseDate(s); }

LimitRule Rule(const char* name, Stage stage, TimeLimit limit) {
  LimitRule r;
  r.name = name;
  r.stage = stage;
  r.limit = limit;
  return r;
}

}  // namespace

Jurisdiction MakeTestJurisdiction() {
  Jurisdiction j;
  j.id = "test";
  j.name = "测试市";
  j.utc_offset_minutes = 480;
  j.areas = {
      {"110105", {"110105", "朝阳区", ""}},
      {"110105001", {"110105001", "建外街道", "110105"}},
      {"110108", {"110108", "海淀区", ""}},
  };
  j.units = UnitDirectory({
      {"110105", "朝阳区人民政府", UnitClass::kDistrict, "", "110105"},
      {"110105001", "建外街道办事处", UnitClass::kStreet, "110105", "110105001"},
      {"110108", "海淀区人民政府", UnitClass::kDistrict, "", "110108"},
      {"bj.cgw", "市城市管理委员会", UnitClass::kCityDepartment, "", ""},
      {"bj.heat", "北京热力集团", UnitClass::kStateEnterprise, "", ""},
  });
  j.taxonomy = Taxonomy("t1", {{"01", "城乡建设"}, {"0101", "供暖"}, {"02", "环境保护"}});
  j.catalogue = DispatchCatalogue({{"0101", "", "bj.heat", {"bj.cgw"}}});

  std::vector<LimitRule> rules;
  rules.push_back(Rule("dispatch.default", Stage::kDispatch, {30, LimitUnit::kMinutes, false}));
  auto web = Rule("dispatch.web", Stage::kDispatch, {2, LimitUnit::kHours, false});
  web.channel = Channel::kWeb;
  rules.push_back(web);
  rules.push_back(Rule("sign.default", Stage::kSign, {1, LimitUnit::kWorkingDays, false}));
  auto sign_critical = Rule("sign.critical", Stage::kSign, {15, LimitUnit::kMinutes, false});
  sign_critical.urgency = Urgency::kCritical;
  rules.push_back(sign_critical);
  rules.push_back(Rule("reply.default", Stage::kReply, {7, LimitUnit::kWorkingDays, true}));
  auto reply_complex = Rule("reply.complex", Stage::kReply, {15, LimitUnit::kWorkingDays, true});
  reply_complex.complex = true;
  rules.push_back(reply_complex);
  auto reply_critical = Rule("reply.critical", Stage::kReply, {2, LimitUnit::kHours, false});
  reply_critical.urgency = Urgency::kCritical;
  rules.push_back(reply_critical);
  rules.push_back(
      Rule("return.default", Stage::kReturnWindow, {1, LimitUnit::kWorkingDays, false}));
  auto return_complex =
      Rule("return.complex", Stage::kReturnWindow, {2, LimitUnit::kWorkingDays, false});
  return_complex.complex = true;
  rules.push_back(return_complex);
  j.limits = TimeLimitRules(std::move(rules));

  std::set<Date> holidays;
  for (const char* d : {"2025-10-01", "2025-10-02", "2025-10-03", "2025-10-04", "2025-10-05",
                        "2025-10-06", "2025-10-07", "2025-10-08"}) {
    holidays.insert(D(d));
  }
  j.calendar = WorkCalendar(480, std::move(holidays), {D("2025-09-28"), D("2025-10-11")});

  auto all = [](std::initializer_list<Action> a) { return std::set<Action>(a); };
  j.roles = Roles({
      {"agent", "话务员", true, false, false, false,
       all({Action::kIntake, Action::kAnswer, Action::kReject, Action::kSendToDispatch})},
      {"dispatcher", "派单员", true, false, false, false,
       all({Action::kIntake, Action::kSendToDispatch, Action::kDispatch, Action::kMerge,
            Action::kApproveReturn, Action::kRefuseReturn, Action::kApproveExtension,
            Action::kRefuseExtension, Action::kAcceptReply, Action::kRejectReply})},
      {"unit", "承办人", false, true, false, false,
       all({Action::kSign, Action::kContact, Action::kRequestReturn, Action::kRequestExtension,
            Action::kSubDispatch, Action::kReply, Action::kHandleSupervision})},
      {"supervisor", "督办员", true, false, false, true, all({Action::kSupervise})},
      {"visitor", "回访员", true, false, false, false, all({Action::kVisit})},
      {"analyst", "分析员", false, false, false, false, {}},
  });
  return j;
}

}  // namespace jiesu::domain::testing
