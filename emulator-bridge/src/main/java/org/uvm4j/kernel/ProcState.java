package org.uvm4j.kernel;

/** Where a process is in its life ({@code p_stat}). */
public enum ProcState {
  /** On the run queue, or the one running. */
  RUNNABLE,
  /** Waiting on a channel (pipe, child exit) or a virtual-time deadline; signals wake it. */
  SLEEPING,
  /** A vfork parent waiting for its child to exec or exit; only SIGKILL ends the wait early. */
  VFORK_WAIT,
  /**
   * Stopped for its tracer ({@code TASK_TRACED}: a ptrace stop, see {@link Ptrace}); only the
   * tracer's resume, its detach or exit, or SIGKILL make it run again.
   */
  TRACED,
  /** Exited; its status waits for the parent's wait4. */
  ZOMBIE,
  /** Reaped; gone from the process table. */
  DEAD
}
