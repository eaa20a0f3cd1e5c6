-- wrk script of bench.traffic_load: replays a request list written by Python.
--
-- Environment: BENCH_REQUESTS (the list: one request a line, tab-separated: kind, method,
-- path, cookie, X-Forwarded-For, CSRF token, body, 1 for a write), BENCH_PHASE (sent as
-- X-Bench-Phase), BENCH_THREADS (wrk's -t), BENCH_ACKS (each thread appends the writes
-- answered 2xx/3xx to BENCH_ACKS.<thread>: kind, status, Location).
-- Thread k sends lines k, k + threads, k + 2 threads...; past the end it starts again
-- and leaves the writes out (each write is made once).

local threads = {}
local counter = 1

function setup(thread)
  thread:set("id", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function init(args)
  lines = {}
  for line in io.lines(os.getenv("BENCH_REQUESTS")) do
    local fields = {}
    for field in string.gmatch(line .. "\t", "([^\t]*)\t") do
      table.insert(fields, field)
    end
    table.insert(lines, fields)
  end
  step = tonumber(os.getenv("BENCH_THREADS"))
  phase = os.getenv("BENCH_PHASE")
  position = id
  wrapped = 0
  n429, n4xx, n5xx, acked = 0, 0, 0, 0
  acks = io.open(os.getenv("BENCH_ACKS") .. "." .. id, "w")
end

function request()
  local f
  while true do
    if position > #lines then
      position = ((position - 1) % #lines) + 1
      wrapped = 1
    end
    f = lines[position]
    position = position + step
    if not (wrapped == 1 and f[8] == "1") then break end
  end
  local headers = {["X-Bench-Kind"] = f[1], ["X-Bench-Phase"] = phase}
  if f[4] ~= "" then headers["Cookie"] = f[4] end
  if f[5] ~= "" then headers["X-Forwarded-For"] = f[5] end
  if f[6] ~= "" then headers["X-CSRFToken"] = f[6] end
  local body = nil
  if f[2] == "POST" then
    headers["Content-Type"] = "application/x-www-form-urlencoded"
    body = f[7]
  end
  return wrk.format(f[2], f[3], headers, body)
end

-- A write is known by where its answer sends the reader: kudos back to the work with the
-- write's number, a comment to its permalink, a bookmark to My Bookmarks, a new work to
-- its page. (No read in the lists is answered with a redirect to these.)
local function write_kind(location)
  if string.find(location, "bench_write=", 1, true) then return "kudos" end
  if string.match(location, "^/comments/%d+/$") then return "comment" end
  if location == "/bookmarks/" then return "bookmark" end
  if string.match(location, "^/works/%d+/$") then return "work" end
  return nil
end

function response(status, headers, body)
  if status == 429 then
    n429 = n429 + 1
  elseif status >= 500 then
    n5xx = n5xx + 1
  elseif status >= 400 then
    n4xx = n4xx + 1
  elseif status >= 300 then
    local location = headers["Location"] or headers["location"] or ""
    local kind = write_kind(location)
    if kind then
      acked = acked + 1
      acks:write(kind .. "\t" .. status .. "\t" .. location .. "\n")
      acks:flush()
    end
  end
end

function done(summary, latency, requests)
  local t = {n429 = 0, n4xx = 0, n5xx = 0, acked = 0}
  for _, thread in ipairs(threads) do
    for name, _ in pairs(t) do
      t[name] = t[name] + thread:get(name)
    end
  end
  io.write(string.format("BENCH lua 429=%d 4xx=%d 5xx=%d acked=%d\n",
                         t.n429, t.n4xx, t.n5xx, t.acked))
  for _, p in ipairs({50, 90, 99}) do
    io.write(string.format("BENCH latency p%d=%.3f\n", p, latency:percentile(p) / 1000))
  end
end
