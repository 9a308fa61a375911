-- wrk script for bench/serve.sh: each request carries the next API key of a
-- list, so the load is spread over many accounts and no account reaches its
-- per-minute limit, while every request is still authenticated, limited and
-- charged. nginx gets the same requests (it ignores the key).
--
-- wrk ... -s wrk_keys.lua URL -- KEYS_FILE PATH [gzip]
--   KEYS_FILE  one API key per line
--   PATH       request target, e.g. /api/v1/spotify/popular-by-country?country_code=us
--   gzip       send Accept-Encoding: gzip
-- done() prints one line `wrk-result {json}` with the counts and latency
-- percentiles in microseconds, which bench/serve_bench.py reads.

local thread_count = 0

function setup(thread)
  thread_count = thread_count + 1
  thread:set("thread_number", thread_count)
end

local keys = {}
local next_key = 1
local target = "/"
local headers = {}

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then
      keys[#keys + 1] = line
    end
  end
  if #keys == 0 then
    error("no API keys in " .. tostring(args[1]))
  end
  target = args[2] or target
  if args[3] == "gzip" then
    headers["Accept-Encoding"] = "gzip"
  end
  -- Threads start at different keys so they do not send the same key at once.
  next_key = ((thread_number or 1) - 1) * math.floor(#keys / 2) % #keys + 1
end

function request()
  headers["x-api-key"] = keys[next_key]
  next_key = next_key % #keys + 1
  return wrk.format("GET", target, headers)
end

function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'wrk-result {"requests":%d,"duration_us":%d,"bytes":%d,' ..
    '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"mean":%.1f,"p50":%d,"p90":%d,"p99":%d,"p999":%d,"max":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    errors.connect, errors.read, errors.write, errors.status, errors.timeout,
    latency.mean, latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency:percentile(99.9), latency.max))
end
