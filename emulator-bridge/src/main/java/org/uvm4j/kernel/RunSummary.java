package org.uvm4j.kernel;

import java.io.PrintStream;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.uvm4j.uvm.UvmExp;

/**
 * The {@code --summary} of a run: per process, what its runs cost the VM system (faults, COW
 * copies, zero fills, page-ins, peak resident pages), charged by the kernel after each run of a
 * process (syscalls and faults handled in between included), and the machine's peak of frames in
 * use. Off unless the kernel was given one ({@link Kernel#setSummary}); charging is per run of a
 * process, never on the fault path.
 *
 * <p>Invariant: each process's counters are the sums of the deltas of the machine-wide {@link
 * UvmExp} counters over its own runs, so they add up to at most the machine's totals (work done
 * outside any process's run, the page daemon's page-outs and pid 1's loading, is not charged).
 */
public final class RunSummary {
  /** One process's share. */
  public static final class Row {
    final int pid;
    String comm;
    long instructions;
    long faults;
    long cowCopies;
    long zeroFills;
    long pageins;
    long peakResident;

    Row(int pid) {
      this.pid = pid;
    }

    public int pid() {
      return pid;
    }

    public String comm() {
      return comm;
    }

    public long instructions() {
      return instructions;
    }

    public long faults() {
      return faults;
    }

    public long cowCopies() {
      return cowCopies;
    }

    public long zeroFills() {
      return zeroFills;
    }

    public long pageins() {
      return pageins;
    }

    /** The most pages its page table mapped at the end of any of its runs. */
    public long peakResident() {
      return peakResident;
    }
  }

  /** Process lines on the one screen. */
  static final int MAX_ROWS = 15;

  private final Map<Integer, Row> rows = new LinkedHashMap<>();
  private long peakFramesInUse;
  private long faults0;
  private long cow0;
  private long zero0;
  private long pageins0;

  /** Notes the counters before a run of a process. */
  void before(UvmExp exp) {
    faults0 = exp.faults;
    cow0 = exp.cowpages;
    zero0 = exp.zeropages;
    pageins0 = exp.pageins;
  }

  /** Charges the counters' growth since {@link #before} to {@code p}. */
  void after(Proc p, UvmExp exp) {
    Row r = rows.computeIfAbsent(p.pid, Row::new);
    r.comm = p.comm;
    r.instructions = p.instructions;
    r.faults += exp.faults - faults0;
    r.cowCopies += exp.cowpages - cow0;
    r.zeroFills += exp.zeropages - zero0;
    r.pageins += exp.pageins - pageins0;
    if (p.vm != null) {
      r.peakResident = Math.max(r.peakResident, p.vm.pmap().residentCount());
    }
    peakFramesInUse = Math.max(peakFramesInUse, exp.npages - exp.free);
  }

  /** The processes that ran, in the order they first ran. */
  public Collection<Row> rows() {
    return Collections.unmodifiableCollection(rows.values());
  }

  /** The most frames in use at the end of any run. */
  public long peakFramesInUse() {
    return peakFramesInUse;
  }

  /** Writes the one-screen summary (machine totals, then one line per process). */
  public void print(PrintStream out, UvmExp exp, KernelCounters k) {
    out.printf(
        "uvm4j summary: %d processes, %d instructions, %d syscalls, %d forks%n",
        rows.size(), k.instructions, k.syscalls, exp.forks);
    out.printf(
        "faults    %d: zero fill %d, COW copies %d, anon %d, object %d, amap copies %d%n",
        exp.faults, exp.flt_przero, exp.cowpages, exp.flt_anon, exp.flt_obj, exp.fltamcopy);
    out.printf(
        "paging    in %d, out %d pages; swap %d of %d pages in use%n",
        exp.pageins, exp.pdpageouts, exp.swpginuse, exp.swpages);
    out.printf(
        "resident  peak %d frames (%d KiB) of %d%n",
        peakFramesInUse, peakFramesInUse * 4, exp.npages);
    out.printf(
        "%7s %-16s %12s %8s %6s %6s %7s %9s%n",
        "PID", "COMMAND", "INSTR", "FAULTS", "COW", "ZERO", "PAGEIN", "PEAK-RSS");
    // one screen: the processes with the most faults, in pid order, and a line for the rest
    java.util.List<Row> shown = new java.util.ArrayList<>(rows.values());
    shown.sort((a, b) -> Long.compare(b.faults, a.faults));
    java.util.List<Row> rest = shown.subList(Math.min(MAX_ROWS, shown.size()), shown.size());
    long restFaults = rest.stream().mapToLong(Row::faults).sum();
    long restCow = rest.stream().mapToLong(Row::cowCopies).sum();
    int restCount = rest.size();
    shown = new java.util.ArrayList<>(shown.subList(0, Math.min(MAX_ROWS, shown.size())));
    shown.sort((a, b) -> Integer.compare(a.pid, b.pid));
    for (Row r : shown) {
      out.printf(
          "%7d %-16s %12d %8d %6d %6d %7d %9d%n",
          r.pid,
          r.comm == null ? "?" : r.comm,
          r.instructions,
          r.faults,
          r.cowCopies,
          r.zeroFills,
          r.pageins,
          r.peakResident);
    }
    if (restCount > 0) {
      out.printf(
          "    ... %d more processes: %d faults, %d COW copies%n", restCount, restFaults, restCow);
    }
  }
}
