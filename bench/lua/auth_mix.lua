-- A signed-in reader: bookmarks, the front page, and like then unlike a post, in turn.
-- Arguments after `--`: the access token, then the slugs of posts to like.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local slugs = {}
local step = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 5)
end

function init(args)
  wrk.headers["Authorization"] = "Bearer " .. args[1]
  for i = 2, #args do
    slugs[#slugs + 1] = args[i]
  end
  step = (offset or 0) * 4
end

function request()
  step = step + 1
  local slug = slugs[math.floor(step / 4) % #slugs + 1]
  local kind = step % 4
  if kind == 0 then
    return wrk.format("GET", "/api/v1/users/me/bookmarks")
  elseif kind == 1 then
    return wrk.format("GET", "/api/v1/posts?limit=20")
  elseif kind == 2 then
    return wrk.format("PUT", "/api/v1/posts/" .. slug .. "/like")
  end
  return wrk.format("DELETE", "/api/v1/posts/" .. slug .. "/like")
end
