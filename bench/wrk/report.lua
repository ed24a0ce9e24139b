-- report.lua -- what bench_http reads of a wrk run: one line, after wrk's own
-- report.  Loaded by read.lua and write.lua, and alone for nginx's static file.
-- Times are microseconds; non2xx counts answers outside 200-399.

function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format(
		"wrk-result requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
		summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
		e.status, e.connect + e.read + e.write + e.timeout))
end
