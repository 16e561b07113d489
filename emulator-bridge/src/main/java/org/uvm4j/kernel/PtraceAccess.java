package org.uvm4j.kernel;

/**
 * Who may look into another process's memory as a debugger would (Linux's {@code ptrace_may_access}
 * with {@code PTRACE_MODE_ATTACH}, used by {@code /proc/PID/mem}): a thread of the same process
 * always; another process only when
 *
 * <ul>
 *   <li>its credentials are the caller's (every guest runs as uid/gid 1000, so they always are:
 *       Linux's {@code __ptrace_may_access} credential check passes),
 *   <li>it is dumpable ({@code prctl(PR_SET_DUMPABLE, 0)} forbids it, as Linux's {@code
 *       get_dumpable(mm) != SUID_DUMP_USER} without CAP_SYS_PTRACE), and
 *   <li>the caller is one of its ancestors: the rule of Yama's default {@code ptrace_scope} 1
 *       ("relational", {@code task_is_descendant}), which most distributions run with; a kernel
 *       without Yama (or scope 0) would also let an unrelated process of the same user in.
 * </ul>
 *
 * <p>No guest has CAP_SYS_PTRACE and there is no {@code PR_SET_PTRACER}.
 */
final class PtraceAccess {
  private PtraceAccess() {}

  /** kernel/ptrace.c: ptrace_may_access(target, PTRACE_MODE_ATTACH) for {@code caller}. */
  // kernel/ptrace.c: __ptrace_may_access; security/yama/yama_lsm.c: yama_ptrace_access_check
  static boolean mayAttach(Proc caller, Proc target) {
    if (caller == null || target == null) {
      return false;
    }
    Proc self = caller.group.leader();
    Proc other = target.group.leader();
    if (self == other) {
      return true; // same thread group
    }
    if (other.dumpable() == 0) {
      return false;
    }
    return isDescendant(self, other);
  }

  /** security/yama/yama_lsm.c: task_is_descendant — {@code child} is below {@code parent}. */
  private static boolean isDescendant(Proc parent, Proc child) {
    for (Proc p = child.parent(); p != null; p = p.parent()) {
      if (p.group.leader() == parent) {
        return true;
      }
    }
    return false;
  }
}
