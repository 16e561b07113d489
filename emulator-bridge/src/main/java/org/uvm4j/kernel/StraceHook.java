package org.uvm4j.kernel;

import java.util.List;

/**
 * What a system-call tracer ({@code --strace}) is told by the kernel: each syscall's entry (with
 * its argument registers) and exit (with its result), the signals a process receives, and how each
 * process ends. The kernel holds at most one hook and calls it only when one is set (a null check
 * per syscall otherwise: tracing off costs no allocation).
 *
 * <p>Calls arrive on the kernel's CPU thread, in the order the events happen. A syscall that sleeps
 * ({@link SyscallLayer#ERESTART}) is reported as an exit with that value and entered again when the
 * process runs it again; a process that ends inside a syscall (exit_group, killed) gets {@link
 * #exited} without a syscall exit.
 */
public interface StraceHook {
  /** Pid {@code p} was started from {@code path} by the kernel itself (its execve). */
  void booted(Proc p, String path, List<String> argv, int envc, long envp);

  /** {@code p} (loaded in the machine) entered syscall {@code nr} with these argument registers. */
  void syscallEntry(Proc p, long nr, long a0, long a1, long a2, long a3, long a4, long a5);

  /**
   * {@code p}'s syscall returned {@code ret} (a value ≥ 0, {@code -errno}, or {@link
   * SyscallLayer#ERESTART} when it went to sleep and will run again); a call that set the registers
   * itself reports the RAX it left.
   */
  void syscallExit(Proc p, long ret);

  /** {@code sig} is delivered to {@code p}: caught, or about to end it by its default action. */
  void signalDelivered(Proc p, int sig, SigInfo info);

  /** {@code sig} was sent to {@code p} but dropped because {@code p} ignores it. */
  void signalDiscarded(Proc p, int sig, SigInfo info);

  /** {@code pid} ended with wait status {@code status}. */
  void exited(int pid, int status);
}
