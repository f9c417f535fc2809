-- GET /api/v1/posts/<slug>, cycling through the slugs given after `--` (each thread starts
-- at another place), so that requests name many different posts.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local slugs = {}
local next_slug = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 499)
end

function init(args)
  for _, slug in ipairs(args) do
    slugs[#slugs + 1] = slug
  end
  next_slug = offset or 0
end

function request()
  next_slug = next_slug % #slugs + 1
  return wrk.format("GET", "/api/v1/posts/" .. slugs[next_slug])
end
