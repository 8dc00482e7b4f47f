-- wrk script for bench/run_wrk.sh: POSTs generated intake requests (real street and
-- category codes of the demo) with the bearer token in JIESU_TOKEN.
local token = os.getenv("JIESU_TOKEN")
local streets = {"110105001", "110105002", "110108001", "110101001", "110102003", "110106004"}
local cats = {"010104", "0103", "0201", "0301", "0601", "0102"}
local what = {"暖气不热，室温只有十四度", "夜间施工噪音扰民", "路灯连续多日不亮", "小区垃圾清运不及时"}
local n = 0
request = function()
  n = n + 1
  local body = string.format(
    '{"channel":"phone","request_type":"complaint","category":"%s","content":"市民来电反映：%d号楼附近%s，已经持续%d天，影响周边居民正常生活和出行安全，周围住户意见很大。请相关部门尽快处理。","caller":{"name":"市民","phone":"138%08d"},"location":{"street_code":"%s"}}',
    cats[n % #cats + 1], n % 40, what[n % #what + 1], n % 20 + 1, n % 99999999, streets[n % #streets + 1])
  return wrk.format("POST", "/api/v1/orders",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
