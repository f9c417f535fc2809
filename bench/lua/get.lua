-- GET the URL given to wrk, over and over; report as JSON at the end.
local here = debug.getinfo(1, "S").source:match("^@(.*/)") or "./"
dofile(here .. "report.lua")
