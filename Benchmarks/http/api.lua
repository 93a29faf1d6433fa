-- One API operation under wrk, set by environment variables so every operation of both CRMs uses this script:
--   BENCH_METHOD  GET, POST, PUT or PATCH
--   BENCH_PATH    request path; {id} becomes a record id
--   BENCH_BODY    JSON body; {n} becomes a number unique across runs (BENCH_RUN is the run's), {stage} the
--                 thread's next stage
--   BENCH_IDS     comma-separated record ids: a random one per request, or with BENCH_OWN=1 one per thread
--   BENCH_STAGES  comma-separated stage ids a thread's record alternates between
--   BENCH_AUTH    Authorization header
--   BENCH_ETAG=1  send If-Match with the record's last ETag, reading it first with GET when unknown
-- BENCH_OWN and BENCH_ETAG need one connection per thread (wrk -t N -c N), so that a thread's requests follow
-- each other on its own record and no two threads edit the same one.

local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local method, path, body, auth, own, etag, run
local ids, stages = {}, {}
-- tid is the global each thread receives from setup.
local counter, mine, version, stage_index = 0, nil, nil, 0

local function split(text)
  local list = {}
  for item in string.gmatch(text or "", "[^,]+") do list[#list + 1] = item end
  return list
end

function init(args)
  method = os.getenv("BENCH_METHOD") or "GET"
  path = os.getenv("BENCH_PATH")
  body = os.getenv("BENCH_BODY")
  auth = os.getenv("BENCH_AUTH")
  own = os.getenv("BENCH_OWN") == "1"
  etag = os.getenv("BENCH_ETAG") == "1"
  run = os.getenv("BENCH_RUN") or "0"
  ids = split(os.getenv("BENCH_IDS"))
  stages = split(os.getenv("BENCH_STAGES"))
  tid = tonumber(tid) or 1
  math.randomseed(tid * 7919 + os.time())
  if #ids > 0 then mine = ids[(tid - 1) % #ids + 1] end
end

function request()
  local id = own and mine or (#ids > 0 and ids[math.random(#ids)] or "")
  local target = string.gsub(path, "{id}", id)
  local headers = { ["Authorization"] = auth, ["Content-Type"] = "application/json" }
  if etag and version == nil then
    return wrk.format("GET", target, headers)
  end
  counter = counter + 1
  local payload = nil
  if body then
    payload = string.gsub(body, "{n}", run .. "-" .. tostring(tid * 100000000 + counter))
    if #stages > 0 then
      stage_index = stage_index % #stages + 1
      payload = string.gsub(payload, "{stage}", stages[stage_index])
    end
  end
  if etag then headers["If-Match"] = version end
  return wrk.format(method, target, headers, payload)
end

if os.getenv("BENCH_ETAG") == "1" then
  function response(status, headers, body)
    local tag = headers["ETag"] or headers["etag"] or headers["Etag"]
    if status >= 200 and status < 300 and tag then version = tag else version = nil end
  end
end

-- One line the harness reads: totals and latency percentiles in microseconds.
function done(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'BENCH {"requests":%d,"duration_us":%d,"status_errors":%d,"socket_errors":%d,"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d}\n',
    summary.requests, summary.duration, errors.status, errors.connect + errors.read + errors.write + errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
