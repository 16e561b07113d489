package org.uvm4j.uvm.trace;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which records a trace keeps ({@code --trace-filter}). A filter is a list of clauses separated by
 * {@code ;}, each {@code key=value,value…}; a record is kept if it passes every clause, and passes
 * a clause if it matches any of its values:
 *
 * <ul>
 *   <li>{@code pid=1,3} — records of those processes (the page daemon is pid 0);
 *   <li>{@code addr=0x600000-0x700000,0x7ffff000} — records that touch an address in one of the
 *       ranges ({@code START-END}, end exclusive, or one address); records without an address
 *       (fork, page-out, page daemon, process events) are not restricted by this clause;
 *   <li>{@code kind=1B,zero,fork} — records of those kinds: a record type ({@code fault fork munmap
 *       mprotect pageout pagein pdaemon proc}), a process event ({@code exec exit}) or a fault kind
 *       (see {@link FaultRecord#isKind}).
 * </ul>
 *
 * Repeating a key (in one filter or across {@code --trace-filter} options) narrows further, as
 * separate clauses. Immutable.
 */
public final class TraceFilter {
  /** Keeps everything. */
  public static final TraceFilter ALL = new TraceFilter(List.of(), List.of(), List.of());

  private static final Set<String> KINDS = allKinds();

  private final List<int[]> pidClauses;
  private final List<long[]> addrClauses;
  private final List<String[]> kindClauses;

  private TraceFilter(List<int[]> pids, List<long[]> addrs, List<String[]> kinds) {
    this.pidClauses = pids;
    this.addrClauses = addrs;
    this.kindClauses = kinds;
  }

  /** Every name {@code kind=} accepts. */
  public static Set<String> kinds() {
    return KINDS;
  }

  private static Set<String> allKinds() {
    Set<String> s = new TreeSet<>();
    for (RecordType t : RecordType.values()) {
      s.add(t.label());
    }
    for (ProcRecord.ProcEvent e : ProcRecord.ProcEvent.values()) {
      s.add(e.label());
    }
    s.addAll(FaultRecord.KINDS);
    return Set.copyOf(s);
  }

  /** Parses one or more {@code --trace-filter} values; none gives {@link #ALL}. */
  public static TraceFilter parse(List<String> specs) {
    List<int[]> pids = new ArrayList<>();
    List<long[]> addrs = new ArrayList<>();
    List<String[]> kinds = new ArrayList<>();
    for (String spec : specs) {
      for (String clause : spec.split(";")) {
        String c = clause.strip();
        if (c.isEmpty()) {
          continue;
        }
        int eq = c.indexOf('=');
        if (eq <= 0 || eq == c.length() - 1) {
          throw new IllegalArgumentException(
              "trace filter clause '"
                  + c
                  + "': expected key=value[,value…] with key pid, addr or kind");
        }
        String key = c.substring(0, eq).strip().toLowerCase(Locale.ROOT);
        String[] values = c.substring(eq + 1).split(",");
        switch (key) {
          case "pid" -> pids.add(parsePids(values));
          case "addr" -> addrs.add(parseRanges(values));
          case "kind" -> kinds.add(parseKinds(values));
          default ->
              throw new IllegalArgumentException(
                  "trace filter key '" + key + "' is not one of pid, addr, kind");
        }
      }
    }
    if (pids.isEmpty() && addrs.isEmpty() && kinds.isEmpty()) {
      return ALL;
    }
    return new TraceFilter(List.copyOf(pids), List.copyOf(addrs), List.copyOf(kinds));
  }

  /** Parses one filter value. */
  public static TraceFilter parse(String spec) {
    return parse(List.of(spec));
  }

  private static int[] parsePids(String[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      String v = values[i].strip();
      try {
        out[i] = Integer.parseInt(v);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("trace filter pid '" + v + "' is not a number", e);
      }
      if (out[i] < 0) {
        throw new IllegalArgumentException("trace filter pid '" + v + "' is negative");
      }
    }
    return out;
  }

  /** Ranges as pairs [lo0, hi0, lo1, hi1 …], hi exclusive. */
  private static long[] parseRanges(String[] values) {
    long[] out = new long[values.length * 2];
    for (int i = 0; i < values.length; i++) {
      String v = values[i].strip();
      int dash = v.indexOf('-', 1);
      long lo;
      long hi;
      if (dash < 0) {
        lo = parseAddress(v);
        hi = lo + 1;
      } else {
        lo = parseAddress(v.substring(0, dash));
        hi = parseAddress(v.substring(dash + 1));
        if (Long.compareUnsigned(hi, lo) <= 0) {
          throw new IllegalArgumentException(
              "trace filter range '" + v + "' is empty: its end must be above its start");
        }
      }
      out[2 * i] = lo;
      out[2 * i + 1] = hi;
    }
    return out;
  }

  private static long parseAddress(String s) {
    String t = s.strip().toLowerCase(Locale.ROOT);
    try {
      if (t.startsWith("0x")) {
        return Long.parseUnsignedLong(t.substring(2).replace("_", ""), 16);
      }
      return Long.parseUnsignedLong(t.replace("_", ""));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "trace filter address '" + s.strip() + "' is not a number (use 0x… or decimal)", e);
    }
  }

  private static String[] parseKinds(String[] values) {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : values) {
      String v = raw.strip();
      // case names are 1A 1B 2A 2B, every other kind is lower case; accept either spelling
      String k = v.matches("[12][abAB]") ? v.toUpperCase(Locale.ROOT) : v.toLowerCase(Locale.ROOT);
      if (!KINDS.contains(k)) {
        throw new IllegalArgumentException(
            "trace filter kind '" + v + "' is unknown; kinds are " + String.join(" ", KINDS));
      }
      out.add(k);
    }
    return out.toArray(new String[0]);
  }

  /** True if this filter keeps everything. */
  public boolean isAll() {
    return pidClauses.isEmpty() && addrClauses.isEmpty() && kindClauses.isEmpty();
  }

  /** True if {@code r} passes every clause. */
  public boolean keeps(TraceRecord r) {
    for (int[] pids : pidClauses) {
      if (!containsPid(pids, r.pid())) {
        return false;
      }
    }
    if (r.hasAddress()) {
      for (long[] ranges : addrClauses) {
        if (!overlapsAny(ranges, r.lowAddress(), r.highAddress())) {
          return false;
        }
      }
    }
    for (String[] kinds : kindClauses) {
      if (!isAnyKind(r, kinds)) {
        return false;
      }
    }
    return true;
  }

  private static boolean containsPid(int[] pids, int pid) {
    for (int p : pids) {
      if (p == pid) {
        return true;
      }
    }
    return false;
  }

  private static boolean overlapsAny(long[] ranges, long lo, long hi) {
    for (int i = 0; i < ranges.length; i += 2) {
      if (Long.compareUnsigned(lo, ranges[i + 1]) < 0 && Long.compareUnsigned(ranges[i], hi) < 0) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAnyKind(TraceRecord r, String[] kinds) {
    for (String k : kinds) {
      if (r.isKind(k)) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    if (isAll()) {
      return "all";
    }
    List<String> parts = new ArrayList<>();
    for (int[] p : pidClauses) {
      parts.add("pid=" + Arrays.toString(p));
    }
    for (long[] a : addrClauses) {
      StringBuilder b = new StringBuilder("addr=");
      for (int i = 0; i < a.length; i += 2) {
        b.append(i == 0 ? "" : ",").append(Hex.of(a[i])).append('-').append(Hex.of(a[i + 1]));
      }
      parts.add(b.toString());
    }
    for (String[] k : kindClauses) {
      parts.add("kind=" + String.join(",", k));
    }
    return String.join(";", parts);
  }
}
