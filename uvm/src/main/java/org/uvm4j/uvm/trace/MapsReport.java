package org.uvm4j.uvm.trace;

import java.io.IOException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;

/**
 * A process's map in the style of {@code /proc/PID/maps}, extended with what UVM knows about each
 * entry ({@code --maps}): its inheritance, its amap's id and per-page reference count state, how
 * many of its pages are mapped, anonymous, out in swap, or shared with another amap, and which
 * other processes reference the same amap.
 *
 * <pre>
 * start-end                     perm inherit  offset   amap ppref   rss  anon  swap shared sharers name
 * 7effffffc000-7f0000000000     rw-p copy     00000000    3 none      4     4     0      2 2       [anon]
 * </pre>
 *
 * Reads the maps and amaps under their locks; changes nothing.
 */
public final class MapsReport {
  /** The column header line. */
  public static final String HEADER =
      String.format(
          "%-29s %-4s %-8s %-8s %5s %-5s %5s %5s %5s %6s %-7s %s",
          "start-end",
          "perm",
          "inherit",
          "offset",
          "amap",
          "ppref",
          "rss",
          "anon",
          "swap",
          "shared",
          "sharers",
          "name");

  private MapsReport() {}

  /** What one entry holds, as the report counts it. */
  public record EntryReport(
      long start,
      long end,
      String perm,
      String inherit,
      long offset,
      int amapId,
      String ppref,
      int rss,
      int anon,
      int swap,
      int shared,
      List<Integer> sharers,
      String name) {

    /** The report line. */
    public String line() {
      return String.format(
          "%-29s %-4s %-8s %08x %5s %-5s %5d %5d %5d %6d %-7s %s",
          String.format("%012x-%012x", start, end),
          perm,
          inherit,
          offset,
          amapId < 0 ? "-" : Integer.toString(amapId),
          ppref,
          rss,
          anon,
          swap,
          shared,
          sharers.isEmpty() ? "-" : join(sharers),
          name);
    }

    private static String join(List<Integer> pids) {
      StringBuilder b = new StringBuilder();
      for (int p : pids) {
        b.append(b.length() == 0 ? "" : ",").append(p);
      }
      return b.toString();
    }
  }

  /**
   * The entries of {@code vm}, each with its counts.
   *
   * @param others the other live processes' address spaces by pid (for the sharers column)
   * @param namer names an entry (e.g. the program's path, {@code [stack]}); null: {@code [anon]}
   *     for anonymous memory, {@code [object]} for an object mapping
   */
  public static List<EntryReport> entries(
      Vmspace vm, Map<Integer, Vmspace> others, Function<VmMapEntry, String> namer) {
    VmMap map = vm.map();
    List<EntryReport> out = new ArrayList<>();
    map.lock();
    try {
      Map<VmMapEntry, int[]> rss = new IdentityHashMap<>();
      vm.pmap()
          .forEach(
              (va, pg, prot, wired) -> {
                VmMapEntry e = map.lookup(va);
                if (e != null) {
                  rss.computeIfAbsent(e, k -> new int[1])[0]++;
                }
              });
      for (VmMapEntry e : map.entries()) {
        out.add(entry(e, rss.getOrDefault(e, new int[1])[0], others, namer));
      }
    } finally {
      map.unlock();
    }
    return out;
  }

  private static EntryReport entry(
      VmMapEntry e, int rss, Map<Integer, Vmspace> others, Function<VmMapEntry, String> namer) {
    Amap amap = e.aref.amap;
    int anon = 0;
    int swap = 0;
    int shared = 0;
    String ppref = "-";
    List<Integer> sharers = List.of();
    if (amap != null) {
      amap.lock();
      try {
        ppref = amap.hasPpref() ? "on" : amap.isPprefDisabled() ? "off" : "none";
        for (long off = 0; off < e.end - e.start; off += VmMap.PAGE_SIZE) {
          Anon a = amap.lookup(e.aref, off);
          if (a == null) {
            continue;
          }
          anon++;
          if (a.page == null && a.swslot != 0) {
            swap++;
          }
          if (a.ref > 1) {
            shared++;
          }
        }
      } finally {
        amap.unlock();
      }
      sharers = sharersOf(amap, others);
    }
    String perm =
        Prot.toString(e.protection) + ((e.etype & VmMapEntry.COPYONWRITE) != 0 ? "p" : "s");
    String name = namer == null ? null : namer.apply(e);
    if (name == null) {
      name = e.object == null ? "[anon]" : "[object]";
    }
    return new EntryReport(
        e.start,
        e.end,
        perm,
        FaultRecord.inheritanceLabel(e.inheritance),
        e.object == null ? 0 : e.offset,
        amap == null ? -1 : amap.id(),
        ppref,
        rss,
        anon,
        swap,
        shared,
        sharers,
        name);
  }

  /** The pids (ascending) among {@code others} with an entry referencing {@code amap}. */
  private static List<Integer> sharersOf(Amap amap, Map<Integer, Vmspace> others) {
    TreeSet<Integer> pids = new TreeSet<>();
    for (Map.Entry<Integer, Vmspace> o : others.entrySet()) {
      Vmspace vm = o.getValue();
      if (vm.isFreed()) {
        continue;
      }
      for (VmMapEntry e : vm.map().entries()) {
        if (e.aref.amap == amap) {
          pids.add(o.getKey());
          break;
        }
      }
    }
    return List.copyOf(pids);
  }

  /**
   * Writes the report of process {@code pid}: a title line, the header, one line per entry.
   *
   * @param when what the report is for, e.g. {@code "at exit"}
   */
  public static void write(
      Appendable out,
      int pid,
      String program,
      String when,
      Vmspace vm,
      Map<Integer, Vmspace> others,
      Function<VmMapEntry, String> namer)
      throws IOException {
    write(out, pid, program, when, entries(vm, others, namer));
  }

  /** Writes the report of process {@code pid} from its {@link #entries}. */
  public static void write(
      Appendable out, int pid, String program, String when, List<EntryReport> entries)
      throws IOException {
    out.append("maps of pid ")
        .append(Integer.toString(pid))
        .append(program == null ? "" : " (" + program + ")")
        .append(' ')
        .append(when)
        .append(": ")
        .append(Integer.toString(entries.size()))
        .append(" entries\n");
    out.append(HEADER).append('\n');
    for (EntryReport r : entries) {
      out.append(r.line()).append('\n');
    }
  }
}
