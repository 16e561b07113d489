package org.uvm4j.kernel;

/**
 * What a {@code clone} asks for (Linux's {@code struct kernel_clone_args}), checked by the syscall
 * edge: the flags without the exit signal, the signal the parent gets when the child ends, the
 * child's stack pointer (0: the parent's), the guest addresses {@code CLONE_PARENT_SETTID} and
 * {@code CLONE_CHILD_SETTID}/{@code CLONE_CHILD_CLEARTID} name, and the child's FS base ({@code
 * CLONE_SETTLS}).
 */
public record CloneArgs(
    long flags, int exitSignal, long stack, long parentTid, long childTid, long tls) {
  public static final long CSIGNAL = 0x000000ffL;
  public static final long CLONE_VM = 0x00000100L;
  public static final long CLONE_FS = 0x00000200L;
  public static final long CLONE_FILES = 0x00000400L;
  public static final long CLONE_SIGHAND = 0x00000800L;
  public static final long CLONE_PIDFD = 0x00001000L;
  public static final long CLONE_PTRACE = 0x00002000L;
  public static final long CLONE_VFORK = 0x00004000L;
  public static final long CLONE_PARENT = 0x00008000L;
  public static final long CLONE_THREAD = 0x00010000L;
  public static final long CLONE_NEWNS = 0x00020000L;
  public static final long CLONE_SYSVSEM = 0x00040000L;
  public static final long CLONE_SETTLS = 0x00080000L;
  public static final long CLONE_PARENT_SETTID = 0x00100000L;
  public static final long CLONE_CHILD_CLEARTID = 0x00200000L;
  public static final long CLONE_DETACHED = 0x00400000L;
  public static final long CLONE_UNTRACED = 0x00800000L;
  public static final long CLONE_CHILD_SETTID = 0x01000000L;
  public static final long CLONE_NEWCGROUP = 0x02000000L;
  public static final long CLONE_NEWUTS = 0x04000000L;
  public static final long CLONE_NEWIPC = 0x08000000L;
  public static final long CLONE_NEWUSER = 0x10000000L;
  public static final long CLONE_NEWPID = 0x20000000L;
  public static final long CLONE_NEWNET = 0x40000000L;
  public static final long CLONE_IO = 0x80000000L;

  /** Every namespace flag: uvm4j has no namespaces. */
  public static final long NAMESPACES =
      CLONE_NEWNS
          | CLONE_NEWCGROUP
          | CLONE_NEWUTS
          | CLONE_NEWIPC
          | CLONE_NEWUSER
          | CLONE_NEWPID
          | CLONE_NEWNET;

  /** fork(2): a copy of the caller's address space, SIGCHLD at exit. */
  public static CloneArgs fork() {
    return new CloneArgs(0, Signals.SIGCHLD, 0, 0, 0, 0);
  }

  /** vfork(2): the child borrows the address space, the parent waits for its exec or exit. */
  public static CloneArgs vfork() {
    return new CloneArgs(CLONE_VM | CLONE_VFORK, Signals.SIGCHLD, 0, 0, 0, 0);
  }

  /** Whether every flag of {@code f} is set. */
  public boolean has(long f) {
    return (flags & f) == f;
  }
}
