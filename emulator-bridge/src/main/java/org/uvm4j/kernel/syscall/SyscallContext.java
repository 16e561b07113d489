package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;
import org.uvm4j.uvm.map.Vmspace;

/**
 * One system call as a handler sees it: the calling process, the number, the six argument registers
 * (RDI, RSI, RDX, R10, R8, R9) read as their C types, and the caller's memory ({@link UserMemory}).
 *
 * <p>The accessors convert as the C parameter type does on x86-64 Linux: an {@code int} or {@code
 * unsigned int} argument is only the low 32 bits of its register (glibc passes {@code AT_FDCWD} as
 * {@code 0xffffff9c}), so {@link #int32} truncates and sign-extends and {@link #uint32}
 * zero-extends; pointers, {@code size_t} and {@code long} use the whole register.
 *
 * <p>One context is kept per CPU thread and refilled by {@link #set} for every call: nothing is
 * allocated per syscall on the common path. A handler must not keep it after it returns.
 */
public final class SyscallContext {
  private Proc proc;
  private int nr;
  private final long[] args = new long[6];
  private final UserMemory mem = new UserMemory(null);

  /** Fills the context for a call of {@code nr} by {@code p} (which must have a vmspace). */
  public SyscallContext set(Proc p, int nr, long a0, long a1, long a2, long a3, long a4, long a5) {
    this.proc = p;
    this.nr = nr;
    args[0] = a0;
    args[1] = a1;
    args[2] = a2;
    args[3] = a3;
    args[4] = a4;
    args[5] = a5;
    mem.bind(p.vm());
    return this;
  }

  /** The calling process. */
  public Proc proc() {
    return proc;
  }

  /** The caller's address space. */
  public Vmspace vm() {
    return proc.vm();
  }

  /** The caller's memory, for copy-in and copy-out. */
  public UserMemory mem() {
    return mem;
  }

  /** The system call number. */
  public int nr() {
    return nr;
  }

  /** Argument {@code i} (0..5) as the raw 64-bit register ({@code long}, {@code unsigned long}). */
  public long raw(int i) {
    return args[i];
  }

  /** A pointer argument (a guest virtual address; 0 is NULL). */
  public long pointer(int i) {
    return args[i];
  }

  /** An {@code int} argument: the low 32 bits, sign-extended. */
  public int int32(int i) {
    return (int) args[i];
  }

  /** An {@code unsigned int} argument: the low 32 bits, zero-extended. */
  public long uint32(int i) {
    return args[i] & 0xffff_ffffL;
  }

  /**
   * A {@code size_t} argument: the whole register. Values of 2^63 and above read as negative; the
   * handler decides whether that is EINVAL, EFAULT or a clamp, as Linux does per call.
   */
  public long size(int i) {
    return args[i];
  }

  /** A descriptor argument ({@code int} or {@code unsigned int fd}): the low 32 bits. */
  public int fd(int i) {
    return (int) args[i];
  }

  /** A flags argument declared {@code int} or {@code unsigned int}: the low 32 bits. */
  public int flags(int i) {
    return (int) args[i];
  }

  /** A {@code pid_t} argument (an {@code int}). */
  public int pid(int i) {
    return (int) args[i];
  }
}
