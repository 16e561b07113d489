package org.uvm4j.kernel;

import org.uvm4j.uvm.Errno;

/**
 * The syscall edge as the kernel's trap handler sees it: the run loop hands each {@code syscall}
 * instruction's number and argument registers to it and writes the value it returns to RAX. The
 * implementation ({@code org.uvm4j.kernel.syscall.Linux64}) sits above this package and is given
 * the kernel's services by a {@link Factory}, so that the kernel imports nothing of it.
 *
 * <p>Return values are Linux's: a result ≥ 0 or {@code -errno}, or one of the two pseudo results
 * below. This interface and the syscall package are the only places where an errno is negated.
 */
public interface SyscallLayer {
  /** The handler set the registers itself (execve, rt_sigreturn, exit): leave RAX alone. */
  long EJUSTRETURN = Long.MIN_VALUE + 1;

  /**
   * The handler put the process to sleep: when it wakes, the syscall instruction runs again with
   * the same arguments (NetBSD's ERESTART).
   */
  long ERESTART = Long.MIN_VALUE + 2;

  /** What a call a signal handler interrupted returns by default. */
  long EINTR = -Errno.EINTR;

  /**
   * Runs system call {@code nr} for {@code p} (loaded in the machine).
   *
   * @return the value for RAX, {@code -errno}, {@link #EJUSTRETURN} or {@link #ERESTART}
   */
  long dispatch(Proc p, long nr, long a0, long a1, long a2, long a3, long a4, long a5);

  /** What an unknown system call returns. */
  long ENOSYS = -Errno.ENOSYS;

  /** What a call given a bad pointer returns (the vsyscall page's emulation looks for it). */
  long EFAULT = -Errno.EFAULT;

  /**
   * The x86-64 system call that runs i386 call {@code nr} (a 64-bit process's {@code int $0x80}),
   * or -1 when this layer does not run it (ENOSYS). The default layer has no i386 calls.
   */
  default long ia32ToX64(long nr) {
    return -1;
  }

  /**
   * Argument {@code i} of i386 call {@code nr} for the x86-64 call, from the 32-bit register value
   * {@code reg}: zero-extended, or sign-extended where the i386 argument is a signed {@code long}.
   */
  default long ia32Arg(long nr, int i, long reg) {
    return reg & 0xffffffffL;
  }

  /** Builds the syscall layer of a kernel from the services it may use. */
  @FunctionalInterface
  interface Factory {
    SyscallLayer create(KernelServices services);
  }
}
