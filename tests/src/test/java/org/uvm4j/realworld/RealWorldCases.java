package org.uvm4j.realworld;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The cases of the real-program suite and the fixture files every case finds in its directory.
 * Everything here is deterministic: no clocks, no pids, no absolute temporary paths in the output.
 */
final class RealWorldCases {
  private RealWorldCases() {}

  /** The fixture files, written into a case's fresh directory. */
  static void writeFixtures(Path dir) throws IOException {
    StringBuilder words = new StringBuilder();
    String[] w = {"alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"};
    long x = 12345;
    for (int i = 0; i < 300; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      words.append(w[(int) (x % w.length)]).append(' ').append(x % 1000).append('\n');
    }
    Files.writeString(dir.resolve("words.txt"), words);
    StringBuilder nums = new StringBuilder();
    for (int i = 1; i <= 500; i++) {
      nums.append(i).append('\n');
    }
    Files.writeString(dir.resolve("nums.txt"), nums);
    // ~400 KB: several 64 KiB blocks, so that xz -T2 hands blocks to two worker threads
    StringBuilder big = new StringBuilder();
    for (int i = 0; i < 40000; i++) {
      x = (x * 1103515245 + 12345) & 0x7fffffff;
      big.append(w[(int) (x % w.length)]).append(' ').append(x % 100000).append('\n');
    }
    Files.writeString(dir.resolve("big.txt"), big);
    Files.writeString(
        dir.resolve("data.json"),
        "{\"name\":\"uvm4j\",\"tags\":[\"vm\",\"uvm\",\"java\"],\"n\":[3,1,2],"
            + "\"nested\":{\"a\":{\"b\":[{\"c\":1},{\"c\":2}]}},\"pi\":3.14159}\n");
    Files.createDirectories(dir.resolve("tree/sub/deeper"));
    Files.writeString(dir.resolve("tree/one.txt"), "one\n");
    Files.writeString(dir.resolve("tree/two.txt"), "two\ntwo\n");
    Files.writeString(dir.resolve("tree/sub/three.c"), "int three;\n");
    Files.writeString(dir.resolve("tree/sub/deeper/four.txt"), "four\n");
    Files.writeString(dir.resolve("basics.lua"), LUA_BASICS);
    Files.writeString(dir.resolve("schema.sql"), SQL);
    // one modification time for every fixture of every run, native or not, so that `ls -l`
    // prints the same date and time (HH:MM) whichever minute each run starts in
    try (java.util.stream.Stream<Path> all = Files.walk(dir)) {
      for (Path p : all.toList()) {
        Files.setLastModifiedTime(p, FIXTURE_TIME);
      }
    }
  }

  /**
   * The fixtures' modification time: an hour before the suite started, to the minute. Recent to the
   * guest only if its realtime clock is the host's: `ls -l` shows a time of day for files of the
   * last six months and a year for older ones or ones in the future.
   */
  static final java.nio.file.attribute.FileTime FIXTURE_TIME =
      java.nio.file.attribute.FileTime.from(
          java.time.Instant.now()
              .minus(java.time.Duration.ofHours(1))
              .truncatedTo(java.time.temporal.ChronoUnit.MINUTES));

  static final String LUA_BASICS =
      """
      -- closures, metatables, integers and floats, goto, varargs, string library, utf8, coroutines
      local function counter() local n = 0 return function() n = n + 1 return n end end
      local c = counter(); c(); c(); assert(c() == 3)
      local V = {}; V.__index = V
      V.__add = function(a, b) return setmetatable({x = a.x + b.x}, V) end
      V.__tostring = function(v) return "V(" .. v.x .. ")" end
      print(tostring(setmetatable({x = 1}, V) + setmetatable({x = 41}, V)))
      print(7 // 2, 7 / 2, 7 % -3, 2^10, math.maxinteger, math.mininteger, 1e308 * 10)
      print(math.type(1), math.type(1.0), math.type("1"), 0x7fffffffffffffff + 1 == math.mininteger)
      for i = 1, 3 do for j = 1, 3 do if j == 2 then goto continue end io.write(i, j, " ") ::continue:: end end
      print()
      local function va(...) return select("#", ...), ... end
      print(va(1, nil, 3))
      print(string.format("%5.2f|%-5s|%05d|%x|%q", math.pi, "ab", 42, 255, "a\\nb"))
      print(("hello world from lua"):gsub("(%w+)", "<%1>"))
      print(string.rep("ab", 3, ","), ("abc"):upper(), ("  trim  "):match("^%s*(.-)%s*$"))
      for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do io.write(k, v, ";") end
      print()
      print(utf8.char(72, 228, 8364, 128512), utf8.len("häll€"))
      local t = {5, 2, 8, 1, 9, 3}; table.sort(t, function(a, b) return a > b end)
      print(table.concat(t, " "), #t, table.unpack({1, 2, 3}))
      local co = coroutine.wrap(function(a) local b = coroutine.yield(a + 1); print("got", b); return "done" end)
      print(co(1)); print(co(10))
      print(pcall(error, {code = 42}), select(2, pcall(error, "msg", 0)))
      local ok, e = pcall(function() local x = nil; return x.y end); print(ok, (e:gsub("^.-:%d+: ", "")))
      print(#arg, arg[0] ~= nil)
      print(string.pack("<i4", 100):byte(1, -1))
      print(next({}), rawlen({1, 2}), rawequal("a", "a"))
      """;

  static final String SQL =
      """
      create table t(id integer primary key, name text, score real);
      insert into t(name, score) values ('ann', 91.5), ('bob', 78), ('cy', 85.25), ('dee', null);
      select count(*), avg(score), max(score), min(name) from t;
      select name, score from t where score > 80 order by score desc;
      select group_concat(name, '|') from t;
      with recursive fib(a, b, n) as (select 0, 1, 0 union all select b, a + b, n + 1 from fib where n < 20)
        select group_concat(a, ',') from fib;
      select printf('%08.3f %s %d', 3.14159, upper('x'), 42);
      select json_object('a', 1, 'b', json_array(1, 2, 3));
      select json_extract('{"x":{"y":[10,20]}}', '$.x.y[1]');
      select typeof(1), typeof(1.5), typeof('a'), typeof(null), typeof(x'00');
      select substr('hello world', 7), replace('aaa', 'a', 'bb'), length('héllo');
      select 1/0, 7 % 3, abs(-5), round(2.5), hex('ab');
      create index i on t(name);
      explain query plan select * from t where name = 'bob';
      select name from t order by name collate nocase desc limit 2 offset 1;
      """;

  /** Every case, in report order. */
  static List<RealWorldCase> all(Path src) {
    List<RealWorldCase> c = new ArrayList<>();
    String bb = "@BIN@/busybox";
    // ---- busybox (musl) applets
    c.add(RealWorldCase.of("busybox", "busybox", null, "echo", "hello", "world"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "sort", "-k2,2n", "-k1,1", "words.txt"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "uniq", "-c", "words.txt"));
    c.add(
        RealWorldCase.of(
            "busybox",
            "busybox",
            null,
            "sed",
            "-n",
            "s/^\\(a[a-z]*\\) \\([0-9]*5\\)$/\\2:\\1/p",
            "words.txt"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                null,
                "awk",
                "{s[$1]+=$2} END {for (k in s) print k, s[k] | \"sort\"}",
                "words.txt")
            .named("busybox awk (sum by key, piped to sort)"));
    c.add(
        RealWorldCase.of(
            "busybox",
            "busybox",
            null,
            "awk",
            "BEGIN{for(i=0;i<5;i++) printf \"%d %.3f\\n\", i, sin(i)}"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "md5sum", "words.txt", "nums.txt"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "sha256sum", "words.txt"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "wc", "words.txt", "nums.txt"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "head", "-n", "3", "words.txt"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "tail", "-n", "4", "nums.txt"));
    c.add(RealWorldCase.of("busybox", "busybox", "a,b,c\nd,e,f\n", "cut", "-d,", "-f2"));
    c.add(RealWorldCase.of("busybox", "busybox", "Hello World\n", "tr", "a-z", "A-Z"));
    c.add(
        RealWorldCase.of("busybox", "busybox", null, "od", "-A", "x", "-t", "x1z", "tree/two.txt"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "factor", "1234567890", "97", "1001"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "seq", "-s", ",", "1", "3", "20"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "expr", "12", "*", "34", "+", "5"));
    c.add(
        RealWorldCase.of("busybox", "busybox", null, "printf", "%s-%05d-%x\\n", "a", "42", "255"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "cat", "missing-file"));
    c.add(RealWorldCase.of("busybox", "busybox", null, "ls", "tree"));
    c.add(
        RealWorldCase.of("busybox", "busybox", null, "ls", "-lR", "--color=never", "tree")
            .named("busybox ls -lR tree")); // st_blocks and the dates: the host's and its clock
    c.add(RealWorldCase.of("busybox", "busybox", null, "find", "tree", "-name", "*.txt"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                "line1\nline2\nline3\n",
                "sh",
                "-c",
                "n=0; while read x; do n=$((n+1)); echo \"$n:$x\"; done; echo total $n")
            .named("busybox sh: while read (console stdin)"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                null,
                "sh",
                "-c",
                bb + " seq 1 200 | " + bb + " grep 7 | " + bb + " wc -l")
            .named("busybox sh: three-stage pipeline"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                null,
                "sh",
                "-c",
                "x=$(" + bb + " echo sub); echo \"got $x\"; exit 3")
            .named("busybox sh: command substitution, exit 3"));
    c.add(
        RealWorldCase.of("busybox", "busybox", null, "sh", "-c", "echo *.txt tree/*")
            .named("busybox sh: glob"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                null,
                "sh",
                "-c",
                "echo to-null >/dev/null && echo ok; "
                    + bb
                    + " cat nope 2>/dev/null || echo failed-quietly")
            .named("busybox sh: redirect to /dev/null"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                null,
                "sh",
                "-c",
                "cd tree && pwd -P | " + bb + " sed 's|.*/||'")
            .named("busybox sh: cd"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                null,
                "sh",
                "-c",
                bb + " gzip -c words.txt | " + bb + " gunzip -c | " + bb + " md5sum")
            .named("busybox gzip | gunzip round trip"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                null,
                "sh",
                "-c",
                "f() { [ $1 -le 1 ] && echo 1 && return; echo $(( $1 * $(f $(($1 - 1))) )); }; f 10")
            .named("busybox sh: recursive function with subshells"));
    c.add(
        RealWorldCase.of(
                "busybox",
                "busybox",
                null,
                "sh",
                "-c",
                "trap 'echo caught' USR1; kill -USR1 $$; echo after")
            .named("busybox sh: trap and kill"));
    // ---- Debian's busybox-static (glibc)
    c.add(RealWorldCase.of("busybox-static", "busybox-glibc", null, "echo", "glibc", "static"));
    c.add(RealWorldCase.of("busybox-static", "busybox-glibc", null, "sort", "-r", "words.txt"));
    c.add(
        RealWorldCase.of(
            "busybox-static", "busybox-glibc", "x y z\n", "sh", "-c", "read a b c; echo $c $b $a"));
    c.add(
        RealWorldCase.of(
                "busybox-static",
                "busybox-glibc",
                null,
                "sh",
                "-c",
                "@BIN@/busybox-glibc seq 1 50 | @BIN@/busybox-glibc tail -n 2")
            .named("busybox-glibc sh: pipeline (glibc fork)"));
    c.add(RealWorldCase.of("busybox-static", "busybox-glibc", null, "ls", "tree/sub"));
    c.add(RealWorldCase.of("busybox-static", "busybox-glibc", null, "md5sum", "nums.txt"));
    // ---- Lua 5.4
    c.add(
        RealWorldCase.of("lua5.4", "lua", null, "basics.lua", "a1", "a2").named("lua basics.lua"));
    c.add(
        RealWorldCase.of(
            "lua5.4",
            "lua",
            null,
            "-e",
            "local s = 0 for i = 1, 3000000 do s = s + i % 7 end print(s)"));
    c.add(
        RealWorldCase.of(
            "lua5.4",
            "lua",
            null,
            "-e",
            "local t = {} for i = 1, 200000 do t[i] = tostring(i) end table.sort(t) print(t[1], t[#t], #table.concat(t))"));
    c.add(RealWorldCase.of("lua5.4", "lua", "return 6 * 7\n", "-e", "print(load(io.read('a'))())"));
    c.add(RealWorldCase.of("lua5.4", "lua", null, "-e", "error('boom')"));
    c.add(
        RealWorldCase.of(
            "lua5.4",
            "lua",
            null,
            "-e",
            "for l in io.lines('words.txt') do n = (n or 0) + #l end print(n) os.exit(5)"));
    c.add(
        RealWorldCase.of(
                "lua5.4",
                "lua",
                null,
                "-e",
                "local f = assert(io.open('out.txt', 'w')) f:write('x') f:close() print(io.open('out.txt'):read('a'))")
            .named("lua io.open(f, 'w')"));
    c.add(
        RealWorldCase.of(
                "lua5.4",
                "lua",
                null,
                "-e",
                "local n = os.tmpname() local f = assert(io.open(n, 'w')) f:write('tmp') f:close() print(#io.open(n):read('a')) os.remove(n)")
            .named("lua os.tmpname"));
    c.add(
        RealWorldCase.of(
                "lua5.4",
                "lua",
                null,
                "-e",
                "print(io.popen('@BIN@/busybox echo popen'):read('a'))")
            .named("lua io.popen"));
    // ---- SQLite shell
    c.add(
        RealWorldCase.of("sqlite3", "sqlite3", SQL, ":memory:")
            .named("sqlite3 :memory: schema.sql (stdin)"));
    c.add(
        RealWorldCase.of("sqlite3", "sqlite3", null, ":memory:", ".read schema.sql")
            .named("sqlite3 .read schema.sql"));
    c.add(
        RealWorldCase.of(
            "sqlite3",
            "sqlite3",
            null,
            "-json",
            ":memory:",
            "select 1 as a, 'x' as b union select 2, 'y'"));
    c.add(RealWorldCase.of("sqlite3", "sqlite3", null, ":memory:", "selec 1"));
    c.add(
        RealWorldCase.of(
            "sqlite3",
            "sqlite3",
            null,
            ":memory:",
            "with recursive c(x) as (select 1 union all select x + 1 from c where x < 100000) select sum(x), count(*) from c"));
    c.add(
        RealWorldCase.of(
                "sqlite3",
                "sqlite3",
                null,
                "test.db",
                "create table a(x); insert into a values (1), (2); select sum(x) from a")
            .named("sqlite3 file database"));
    // ---- zlib
    c.add(
        RealWorldCase.of("zlib", "minigzip", null, "-c", "words.txt")
            .named("minigzip -c words.txt (bytes)"));
    c.add(
        RealWorldCase.of("zlib", "zlib-example", null)
            .named("zlib example (its own test program)"));
    // ---- xz-utils with its own test files
    String files = "@SRC@/xz-utils/xz-5.4.1/tests/files/";
    c.add(RealWorldCase.of("xz-utils", "xz", null, "-dc", files + "good-1-lzma2-1.xz"));
    c.add(RealWorldCase.of("xz-utils", "xz", null, "-dc", files + "good-1-check-sha256.xz"));
    c.add(
        RealWorldCase.of(
            "xz-utils",
            "xz",
            null,
            "-t",
            files + "good-1-block_header-1.xz",
            files + "good-2-lzma2.xz",
            files + "good-1-delta-lzma2.tiff.xz"));
    c.add(RealWorldCase.of("xz-utils", "xz", null, "-t", files + "bad-1-check-crc32.xz"));
    c.add(RealWorldCase.of("xz-utils", "xz", null, "-t", files + "bad-0-header_magic.xz"));
    c.add(RealWorldCase.of("xz-utils", "xz", null, "-lvv", files + "good-1-3delta-lzma2.xz"));
    c.add(
        RealWorldCase.of("xz-utils", "xz", null, "-c", "-6", "words.txt")
            .named("xz -c -6 words.txt (bytes)"));
    c.add(
        RealWorldCase.of("xz-utils", "xz", "x".repeat(100000) + "\n", "-c", "-1")
            .named("xz -c from a pipe"));
    // threads (issue 12): liblzma's multi-threaded encoder and decoder, two worker threads each;
    // the compressed bytes are compared with the native run's, and so is the round trip
    c.add(
        RealWorldCase.of("xz-utils", "xz", null, "-T2", "--block-size=64KiB", "-c", "big.txt")
            .named("xz -T2 threaded compression"));
    c.add(
        RealWorldCase.of(
                "xz-utils",
                "busybox",
                null,
                "sh",
                "-c",
                "@BIN@/xz -T2 --block-size=64KiB -c big.txt | @BIN@/xz -T2 -dc | @BIN@/busybox md5sum")
            .named("xz -T2 threaded round trip"));
    // ---- GNU bc with busybox's bc test programs and results
    String bct = "@SRC@/busybox/busybox-1.35.0/testsuite/";
    for (String t :
        List.of(
            "add",
            "arrays",
            "boolean",
            "decimal",
            "divide",
            "exponent",
            "misc",
            "pi",
            "power",
            "subtract",
            "vars")) {
      c.add(
          RealWorldCase.of("bc", "bc", null, "-l", bct + "bc_" + t + ".bc")
              .named("bc -l bc_" + t + ".bc"));
    }
    c.add(RealWorldCase.of("bc", "bc", "scale=50; 4*a(1)\nsqrt(2)\n2^100\n", "-l"));
    c.add(
        RealWorldCase.of(
            "bc", "bc", "define f(n) { if (n < 2) return n; return f(n-1) + f(n-2); }\nf(20)\n"));
    c.add(RealWorldCase.of("bc", "dc", "2 64 ^ p 10 k 2 v p\n").named("dc 2^64, sqrt(2)"));
    // ---- jq with its own test file
    c.add(
        RealWorldCase.of("jq", "jq", null, "--run-tests", "@SRC@/jq/jq-jq-1.6/tests/jq.test")
            .named("jq --run-tests jq.test"));
    c.add(
        RealWorldCase.of("jq", "jq", null, "-c", ".tags | map(ascii_upcase) | sort", "data.json"));
    c.add(RealWorldCase.of("jq", "jq", null, ".nested.a.b[] | .c * 10", "data.json"));
    c.add(
        RealWorldCase.of("jq", "jq", "[1,2,3]\n{\"a\":1}\n", "-c", "(.[]? // .a) | . + 1")
            .named("jq from stdin"));
    c.add(
        RealWorldCase.of(
            "jq",
            "jq",
            null,
            "-n",
            "[range(0; 1000)] | add, (reduce range(10) as $x (0; . + $x))"));
    c.add(
        RealWorldCase.of("jq", "jq", null, ".foo.bar", "words.txt")
            .named("jq: parse error (status 2)"));
    return c;
  }
}
