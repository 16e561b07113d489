package org.uvm4j.kernel;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the kernel counted during a run (printed by {@code --stats}). One CPU thread: plain fields.
 */
public final class KernelCounters {
  public long forks;
  public long vforks;
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

  /** Uncounted runs ended by the wall-clock watchdog (default mode only). */
  public long preemptions;

  /** Processes killed by the out-of-memory killer. */
  public long oomKills;

  /** Page-daemon runs between time slices (free frames were below freemin). */
  public long pagedaemonRuns;

  /** The counters by name, in a fixed order. */
  public Map<String, Long> snapshot() {
    Map<String, Long> m = new LinkedHashMap<>();
    m.put("forks", forks);
    m.put("vforks", vforks);
    m.put("execs", execs);
    m.put("syscalls", syscalls);
    m.put("signals", signalsDelivered);
    m.put("cswitches", contextSwitches);
    m.put("instructions", instructions);
    m.put("preemptions", preemptions);
    m.put("oomkills", oomKills);
    m.put("pdslices", pagedaemonRuns);
    return m;
  }
}
