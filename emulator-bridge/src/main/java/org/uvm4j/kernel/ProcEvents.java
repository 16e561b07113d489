package org.uvm4j.kernel;

import org.uvm4j.uvm.trace.Tracer;

/**
 * Process events for the trace (fork, exec, exit): handed to the run's {@link Tracer}, or dropped
 * while tracing is off (one null check). The kernel sets the tracer before the run; the parts that
 * create, replace and end processes ({@link ProcLifecycle}, {@link Exec}) report through this.
 */
final class ProcEvents {
  private Tracer tracer;
  private StraceHook strace;
  private DebugHook debug;

  /** Forks and exits go to {@code hook} from now on (null: not). */
  void setDebug(DebugHook hook) {
    this.debug = hook;
  }

  /** Process exits go to {@code hook} from now on (null: not). */
  void setStrace(StraceHook hook) {
    this.strace = hook;
  }

  /** Process events go to {@code tracer} from now on (null: tracing off). */
  void setTracer(Tracer tracer) {
    this.tracer = tracer;
  }

  void fork(int parentPid, int childPid) {
    DebugHook d = debug;
    if (d != null) {
      d.forked(parentPid, childPid);
    }
    Tracer t = tracer;
    if (t != null) {
      t.procFork(parentPid, childPid);
    }
  }

  void exec(int pid, String path) {
    Tracer t = tracer;
    if (t != null) {
      t.procExec(pid, path);
    }
  }

  /** {@code status} is the wait status: an exit code, or the signal that killed the process. */
  void exit(int pid, int status) {
    StraceHook s = strace;
    if (s != null) {
      s.exited(pid, status);
    }
    DebugHook d = debug;
    if (d != null) {
      d.exited(pid, status);
    }
    Tracer t = tracer;
    if (t != null) {
      boolean killed = !WaitStatus.isExited(status);
      t.procExit(
          pid, killed ? -1 : WaitStatus.exitCode(status), killed ? WaitStatus.termSig(status) : 0);
    }
  }
}
