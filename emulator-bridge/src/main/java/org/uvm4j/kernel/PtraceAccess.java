package org.uvm4j.kernel;

/**
 * Who may look into another process's memory as a debugger would (Linux's {@code ptrace_may_access}
 * with {@code PTRACE_MODE_ATTACH}, used by {@code /proc/PID/mem}): a thread of the same process
 * always; another process when
 *
 * <ul>
 *   <li>its credentials are the caller's (every guest runs as uid/gid 1000, so they always are:
 *       Linux's {@code __ptrace_may_access} credential check passes), and
 *   <li>it is dumpable ({@code prctl(PR_SET_DUMPABLE, 0)} forbids it, as Linux's {@code
 *       get_dumpable(mm) != SUID_DUMP_USER} without CAP_SYS_PTRACE).
 * </ul>
 *
 * <p>There is no Yama (as on this host and Debian's default kernel): any process may reach any
 * other of the one user, the same rule {@link Ptrace#attach} applies to PTRACE_ATTACH
 * (docs/kernel.md, "ptrace"). No guest has CAP_SYS_PTRACE.
 */
final class PtraceAccess {
  private PtraceAccess() {}

  /** Linux's {@code SUID_DUMP_USER}: the only dumpable value that lets others in. */
  static final int SUID_DUMP_USER = 1;

  /** kernel/ptrace.c: ptrace_may_access(target, PTRACE_MODE_ATTACH) for {@code caller}. */
  // kernel/ptrace.c: __ptrace_may_access
  static boolean mayAttach(Proc caller, Proc target) {
    if (caller == null || target == null) {
      return false;
    }
    Proc other = target.group.leader();
    if (caller.group.leader() == other) {
      return true; // same thread group
    }
    return other.dumpable() == SUID_DUMP_USER;
  }
}
