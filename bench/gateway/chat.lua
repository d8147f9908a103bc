-- wrk request: one small chat completion with the key from the environment (empty for the upstream and the plain proxy).
wrk.method = "POST"
wrk.body = '{"model":"' .. (os.getenv("BENCH_MODEL") or "bench") .. '","max_tokens":16,"messages":[{"role":"user","content":"Say hello."}]}'
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_KEY")
if key and key ~= "" then wrk.headers["Authorization"] = "Bearer " .. key end
