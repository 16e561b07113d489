package org.uvm4j.kernel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the kernel counted during a run (printed by {@code --stats}). One CPU thread: plain fields.
 */
public final class KernelCounters {
  public long forks;
  public long vforks;

  /** Threads created (clone with CLONE_THREAD). */
  public long threads;

  /** Futex waits that went to sleep. */
  public long futexWaits;

  public long execs;
  public long syscalls;
  public long signalsDelivered;
  public long contextSwitches;

  /**
   * Virtual instructions (the virtual clock's nanoseconds spent running guests): exact in
   * deterministic mode; in the default mode every run that ends on its own counts {@code
   * Machine.STOP_COST} and a preempted run its wall-clock nanoseconds (see docs/kernel.md).
   */
  public long instructions;

  /** TLB fills during runs that resumed a process after one of its system calls. */
  public long syscallTlbFills;

  /** TLB flushes done before runs that resumed a process after one of its system calls. */
  public long syscallTlbFlushes;

  /** TLB fills during the first run of a process after a context switch to it. */
  public long cswitchTlbFills;

  /** TLB flushes done before the first run of a process after a context switch to it. */
  public long cswitchTlbFlushes;

  /** Invalidations that needed no TLB flush (nothing of their range was in the TLB). */
  public long tlbFlushesAvoided;

  /** Uncounted runs ended by the slice watchdog (default mode only). */
  public long preemptions;

  /** Processes killed by the out-of-memory killer. */
  public long oomKills;

  /** Page-daemon runs between time slices (free frames were below freemin). */
  public long pagedaemonRuns;

  private final Map<String, Long> enosys = new java.util.TreeMap<>();

  /** The machine's metadata budget, reported with the counters (null: not bound, zeros). */
  private org.uvm4j.uvm.MetadataBudget metadata;

  /** Reports {@code budget}'s gauges with the counters ({@code meta_*}). */
  void bindMetadataBudget(org.uvm4j.uvm.MetadataBudget budget) {
    this.metadata = budget;
  }

  /** One call of an unsupported or unknown system call {@code name} answered ENOSYS. */
  public void countEnosys(String name) {
    enosys.merge(name, 1L, Long::sum);
  }

  /** The calls answered ENOSYS, by system call name (sorted), with their counts. */
  public Map<String, Long> enosys() {
    return java.util.Collections.unmodifiableMap(enosys);
  }

  /** The counters by name, in a fixed order. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("forks", forks);
    m.put("vforks", vforks);
    m.put("threads", threads);
    m.put("futex_waits", futexWaits);
    m.put("execs", execs);
    m.put("syscalls", syscalls);
    m.put("signals", signalsDelivered);
    m.put("cswitches", contextSwitches);
    m.put("instructions", instructions);
    m.put("preemptions", preemptions);
    m.put("syscall_tlbfills", syscallTlbFills);
    m.put("syscall_tlbflushes", syscallTlbFlushes);
    m.put("cswitch_tlbfills", cswitchTlbFills);
    m.put("cswitch_tlbflushes", cswitchTlbFlushes);
    m.put("tlbflushes_avoided", tlbFlushesAvoided);
    m.put("oomkills", oomKills);
    m.put("pdslices", pagedaemonRuns);
    // the Java heap guests drive through VM metadata: now, at most, the limit, refusals
    m.put("meta_bytes", metadata == null ? 0 : metadata.used());
    m.put("meta_peak", metadata == null ? 0 : metadata.peak());
    m.put("meta_limit", metadata == null ? 0 : metadata.limit());
    m.put("meta_refused", metadata == null ? 0 : metadata.refused());
    return m;
  }
}
