-- bench.lua: the CPU-bound real-program workload of `make bench` (docs/benchmarks.md), run by the
-- Lua 5.4 interpreter built from Debian's source package (scripts/fetch-lua.sh).
--   lua bench.lua N     N rounds of: recursive fib, a table sort, string building and matching
-- Size 0 runs the interpreter's start-up and exit only; the output is deterministic.
local n = tonumber(arg[1] or "1")

local function fib(k)
  if k < 2 then return k end
  return fib(k - 1) + fib(k - 2)
end

local function lcg(seed)
  local x = seed
  return function()
    x = (x * 1103515245 + 12345) % 2147483648
    return x
  end
end

local check = 0
for round = 1, n do
  -- recursion and integer arithmetic
  check = check + fib(22)

  -- tables: fill with pseudo-random numbers, sort, verify order
  local rnd = lcg(round)
  local t = {}
  for i = 1, 20000 do t[i] = rnd() end
  table.sort(t)
  for i = 2, #t do assert(t[i - 1] <= t[i]) end
  check = check + t[1] % 1000 + t[#t] % 1000

  -- strings: build, format, concatenate, match, substitute
  local parts = {}
  for i = 1, 2000 do parts[#parts + 1] = string.format("%d:%x;", i, i * round) end
  local s = table.concat(parts)
  local count = 0
  for a, b in s:gmatch("(%d+):(%x+);") do
    if tonumber(b, 16) % 7 == 0 then count = count + 1 end
  end
  local upper = s:gsub("[a-f]", string.upper)
  check = check + count + #upper
end
print(string.format("bench.lua: %d rounds, check %d", n, check))
