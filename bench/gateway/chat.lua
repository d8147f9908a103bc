-- wrk request: one small chat completion with the key from the environment (empty for the upstream and the plain proxy).
-- BENCH_HEADERS adds headers, "Name: value" separated by "|" (Portkey's provider and custom host).
wrk.method = "POST"
wrk.body = '{"model":"' .. (os.getenv("BENCH_MODEL") or "bench") .. '","max_tokens":16,"messages":[{"role":"user","content":"Say hello."}]}'
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
for name, value in string.gmatch(os.getenv("BENCH_HEADERS") or "", "([^:|]+):%s*([^|]+)") do wrk.headers[name] = value end
