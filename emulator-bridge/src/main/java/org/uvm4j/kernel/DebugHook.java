package org.uvm4j.kernel;

import org.uvm4j.machine.Machine;
import org.uvm4j.machine.StopReason;

/**
 * A debugger attached to the kernel ({@code --gdb PORT}): it runs the process it follows instead of
 * the scheduler's plain run (single steps, breakpoints, stops while the debugger looks), and is
 * told of forks and exits. Every other process runs as usual. The kernel holds at most one and
 * checks it once per run of a process (null: no debugger).
 */
public interface DebugHook {
  /** True when {@code p} is the process the debugger controls. */
  boolean follows(Proc p);

  /**
   * Runs {@code p} (loaded) for at most {@code budget} instructions under the debugger; may block
   * while the debugger has it stopped.
   *
   * @return why the run stopped, as {@link Machine#run} says it
   */
  StopReason run(Proc p, Machine m, long budget);

  /** The debugger asked to kill the program: the kernel ends every process. */
  boolean killRequested();

  /** {@code parentPid} forked {@code childPid}. */
  void forked(int parentPid, int childPid);

  /** {@code pid} ended with wait status {@code status}. */
  void exited(int pid, int status);
}
