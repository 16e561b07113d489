package org.uvm4j.kernel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The thread group of a process (Linux's {@code signal_struct} / NetBSD's {@code struct proc} with
 * its LWPs): the leader, whose pid is the process id ({@code tgid}), and the live threads, in the
 * order they were created. The threads of a group share the address space (each holds a {@code
 * Vmspace} reference, {@code uvmspace_share}), the descriptor table, the signal actions and the
 * process-directed pending signals; each has its own tid, CPU context (FS base included), blocked
 * mask, thread-directed pending signals and {@code clear_child_tid}. The process-level family
 * (parent, children, wait status) is kept by the leader.
 *
 * <p>Invariants: the leader's pid is the tgid for the group's whole life; {@link #live()} holds
 * exactly the group's threads that have not exited; the group is alive while it is not empty, and
 * its leader becomes a zombie process only when it is empty.
 */
public final class Threads {
  private final Proc leader;
  private final List<Proc> live = new ArrayList<>();

  /** exit_group or a fatal signal ended the group: its status overrides the leader's own. */
  boolean groupExit;

  Threads(Proc leader) {
    this.leader = leader;
    live.add(leader);
  }

  /** The process id: the leader's pid. */
  public int tgid() {
    return leader.pid;
  }

  public Proc leader() {
    return leader;
  }

  /** The threads that have not exited, oldest first. */
  public List<Proc> live() {
    return Collections.unmodifiableList(live);
  }

  /** Number of live threads. */
  public int size() {
    return live.size();
  }

  /** True while some thread of the process has not exited. */
  public boolean isAlive() {
    return !live.isEmpty();
  }

  void add(Proc t) {
    live.add(t);
  }

  void remove(Proc t) {
    live.remove(t);
  }
}
