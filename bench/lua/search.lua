-- GET /api/v1/search?q=<word>, cycling through the words given after `--`.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local words = {}
local next_word = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 7)
end

function init(args)
  for _, word in ipairs(args) do
    words[#words + 1] = word
  end
  next_word = offset or 0
end

function request()
  next_word = next_word % #words + 1
  return wrk.format("GET", "/api/v1/search?q=" .. words[next_word])
end
