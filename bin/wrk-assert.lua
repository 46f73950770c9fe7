-- wrk script for bin/bench-gateway-overhead: every request posts a distinct assertion (a repeated
-- value would be a duplicate, answered 200 without a write), the shape `stemedb bench` posts. Counts 201s.
-- env: STEMEDB_KEY (the bearer key), VALUE_BYTES (default 200), CONCEPTS (default 10000)
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  run = tostring(os.time()) .. "-" .. id
  padding = string.rep("x", math.max(0, tonumber(os.getenv("VALUE_BYTES") or "200") - 24))
  concepts = tonumber(os.getenv("CONCEPTS") or "10000")
  key = "Bearer " .. os.getenv("STEMEDB_KEY")
  created, refused = 0, 0
end

function request()
  counter = counter + 1
  local body = '{"concept_path":"bench/c' .. (counter * 7919 + id) % concepts .. '",'
    .. '"predicate":"p' .. id .. '",'
    .. '"value":"' .. run .. "-" .. counter .. "-" .. padding .. '",'
    .. '"agent_id":"bench-' .. id .. '","confidence":0.5}'
  return wrk.format("POST", "/v1/assert",
    { ["Content-Type"] = "application/json", ["Authorization"] = key }, body)
end

function response(status, headers, body)
  if status == 201 then created = created + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local c, r = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); r = r + t:get("refused") end
  io.write(string.format("durable writes/s %.0f  (201: %d, other: %d)  p50 %.2f ms  p99 %.2f ms\n",
    c / (summary.duration / 1e6), c, r, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
