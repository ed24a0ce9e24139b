-- read.lua -- GET /api/v1/persons/{pseudonym} for a pseudonym drawn at random
-- over V-FIRST .. V-LAST (the arguments after "--"), each thread its own seed.
-- The bearer token comes with wrk -H.

local dir = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(dir .. "report.lua")

local threads = 0

function setup(thread)
	threads = threads + 1
	thread:set("seed", threads)
end

local first, last

function init(args)
	first = tonumber(args[1])
	last = tonumber(args[2])
	math.randomseed(2015 + (seed or 0))
end

function request()
	return wrk.format("GET", string.format("/api/v1/persons/V-%06d", math.random(first, last)))
end
