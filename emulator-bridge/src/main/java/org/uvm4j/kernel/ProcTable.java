package org.uvm4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The process table ({@code allproc}/{@code pid_table}): pids are handed out from 1 upwards and not
 * reused within a run. Invariant: a process is in the table from fork until it is reaped.
 */
public final class ProcTable {
  /** Linux's default pid_max: allocation fails (EAGAIN) past it. */
  public static final int PID_MAX = 32768;

  private final Map<Integer, Proc> byPid = new TreeMap<>();
  private int nextPid = 1;

  /** A new process with the next pid, or null when pids ran out. */
  public Proc allocate() {
    if (nextPid >= PID_MAX) {
      return null;
    }
    Proc p = new Proc(nextPid++);
    byPid.put(p.pid, p);
    return p;
  }

  /** The process (live or zombie) with this pid, or null. */
  public Proc find(long pid) {
    if (pid <= 0 || pid > Integer.MAX_VALUE) {
      return null;
    }
    return byPid.get((int) pid);
  }

  /** Removes a reaped process. */
  public void remove(Proc p) {
    byPid.remove(p.pid);
    p.state = ProcState.DEAD;
  }

  /** Every process in the table (live and zombie), by pid. */
  public List<Proc> all() {
    return new ArrayList<>(byPid.values());
  }

  /** True while some process has not exited. */
  public boolean anyAlive() {
    for (Proc p : byPid.values()) {
      if (p.isAlive()) {
        return true;
      }
    }
    return false;
  }

  /** Number of processes that have not exited (RLIMIT_NPROC counts these). */
  public int liveCount() {
    int n = 0;
    for (Proc p : byPid.values()) {
      if (p.isAlive()) {
        n++;
      }
    }
    return n;
  }

  /** Number of processes in the table. */
  public int size() {
    return byPid.size();
  }
}
