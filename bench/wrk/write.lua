-- write.lua -- POST /api/v1/ledger/transfers of 1 KRW from bench:from to
-- bench:to, each with an id no other request has: "w<thread>-<n>" (or
-- "<prefix><thread>-<n>" with a prefix after "--", for runs on a database that
-- has those already).  The bearer token comes with wrk -H.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local threads = 0

function setup(thread)
	threads = threads + 1
	thread:set("tid", threads)
end

local n = 0
local prefix = "w"

function init(args)
	prefix = args[1] or prefix
	wrk.headers["Content-Type"] = "application/json"
end

function request()
	n = n + 1
	return wrk.format("POST", "/api/v1/ledger/transfers", nil, string.format(
		'{"id":"%s%d-%d","from":"bench:from","to":"bench:to","amount":"1"}', prefix, tid, n))
end
