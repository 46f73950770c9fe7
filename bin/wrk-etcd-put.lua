-- wrk script for bin/bench-replicated: the etcd side of wrk-assert.lua. Every request puts a new key
-- (never an overwrite) with a distinct 200-byte value through etcd's JSON gateway (POST /v3/kv/put,
-- key and value base64), so etcd writes and fsyncs as much per request as StemeDB does. Counts 200s.
-- env: VALUE_BYTES (default 200)
local threads = {}
local counter = 0
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"

local function base64(text)
  local out = {}
  for i = 1, #text, 3 do
    local a, b, c = text:byte(i, i + 2)
    local n = a * 65536 + (b or 0) * 256 + (c or 0)
    local d1, d2 = math.floor(n / 262144) % 64, math.floor(n / 4096) % 64
    local d3, d4 = math.floor(n / 64) % 64, n % 64
    out[#out + 1] = alphabet:sub(d1 + 1, d1 + 1) .. alphabet:sub(d2 + 1, d2 + 1)
      .. (b and alphabet:sub(d3 + 1, d3 + 1) or "=") .. (c and alphabet:sub(d4 + 1, d4 + 1) or "=")
  end
  return table.concat(out)
end

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  run = tostring(os.time()) .. "-" .. id
  value_bytes = tonumber(os.getenv("VALUE_BYTES") or "200")
  created, refused = 0, 0
end

function request()
  counter = counter + 1
  local unique = run .. "-" .. counter
  local value = unique .. "-" .. string.rep("x", math.max(0, value_bytes - #unique - 1))
  local body = '{"key":"' .. base64("bench/" .. unique) .. '","value":"' .. base64(value) .. '"}'
  return wrk.format("POST", "/v3/kv/put", { ["Content-Type"] = "application/json" }, body)
end

function response(status, headers, body)
  -- a 200 without a header is the gateway's error shape ({"error": ...}); count only real puts
  if status == 200 and body:find('"revision"', 1, true) then created = created + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local c, r = 0, 0
  for _, t in ipairs(threads) do c = c + t:get("created"); r = r + t:get("refused") end
  io.write(string.format("durable writes/s %.0f  (200: %d, other: %d)  p50 %.2f ms  p99 %.2f ms\n",
    c / (summary.duration / 1e6), c, r, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
