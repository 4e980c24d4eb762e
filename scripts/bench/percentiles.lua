-- wrk reports p50, p95 and p99 in milliseconds, the requests made and the failed ones
-- (non-2xx or 3xx answers, connection errors, timeouts), one per line, for scripts/bench-city.
done = function(summary, latency, requests)
  io.write(string.format("requests %d\n", summary.requests))
  for _, p in ipairs({ 50, 95, 99 }) do
    io.write(string.format("p%d %.2f\n", p, latency:percentile(p) / 1000.0))
  end
  local e = summary.errors
  io.write(string.format("failed %d\n", e.status + e.connect + e.read + e.write + e.timeout))
end
