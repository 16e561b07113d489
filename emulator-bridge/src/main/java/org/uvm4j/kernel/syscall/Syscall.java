package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.SyscallLayer;

/**
 * The two pseudo results a handler may return besides a value or {@code -errno}, and the size of
 * the table. The numbers themselves are declared once, in {@link Linux64}.
 */
public final class Syscall {
  /** The handler set the registers itself (execve, rt_sigreturn, exit): leave RAX alone. */
  public static final long EJUSTRETURN = SyscallLayer.EJUSTRETURN;

  /**
   * The handler put the process to sleep: when it wakes, the syscall instruction runs again with
   * the same arguments (NetBSD's ERESTART).
   */
  public static final long ERESTART = SyscallLayer.ERESTART;

  /** One past the highest number the table can hold. */
  public static final int MAX = 512;

  private Syscall() {}
}
