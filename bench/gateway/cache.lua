-- wrk request for the response cache's cell: a temperature-0 chat completion, the same body every time
-- (CACHE_MODE=hit: every request after the first is answered from the cache) or a new body every time
-- (CACHE_MODE=miss: every request is forwarded, and its answer stored).
local model = os.getenv("BENCH_MODEL") or "bench"
local mode = os.getenv("CACHE_MODE") or "hit"
local key = os.getenv("BENCH_KEY")
local headers = { ["Content-Type"] = "application/json" }
if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end
local counter = 0
local run = tostring(os.time())

request = function()
  local text = "Say hello."
  if mode == "miss" then
    counter = counter + 1
    text = "Say hello " .. run .. "-" .. counter .. "."
  end
  local body = '{"model":"' .. model .. '","temperature":0,"max_tokens":16,"messages":[{"role":"user","content":"' .. text .. '"}]}'
  return wrk.format("POST", nil, headers, body)
end
