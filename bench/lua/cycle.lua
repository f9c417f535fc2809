-- GET <prefix><item>, cycling through the items given after `-- <prefix>` (each thread starts
-- at another place): search words (`/api/v1/search?q=`) or post slugs (`/api/v1/posts/`).
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local prefix = "/"
local items = {}
local next_item = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 499)
end

function init(args)
  prefix = args[1]
  for index = 2, #args do
    items[#items + 1] = args[index]
  end
  next_item = offset or 0
end

function request()
  next_item = next_item % #items + 1
  return wrk.format("GET", prefix .. items[next_item])
end
