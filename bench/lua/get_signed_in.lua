-- GET the URL given to wrk as a signed-in reader, over and over.
-- Argument after `--`: the access token.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")

local signed_in

function init(args)
  signed_in = wrk.format(nil, nil, { ["Authorization"] = "Bearer " .. args[1] })
end

function request()
  return signed_in
end
