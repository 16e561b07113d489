package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.uvm.Errno;

/**
 * The CPU a task runs on: getcpu, sched_getaffinity, sched_setaffinity. The machine has one CPU
 * (CPU 0 on NUMA node 0, as /proc/cpuinfo says), so every task runs on it: getcpu answers 0 and 0,
 * every affinity mask is {0}, and a mask without CPU 0 is EINVAL, as Linux answers a mask with no
 * active CPU. The mask's size ({@code cpumask_size()}) is one {@code unsigned long}.
 */
final class CpuSyscalls {
  /** Linux's nr_cpu_ids on this machine. */
  static final int NR_CPUS = 1;

  /** cpumask_size(): whole longs covering {@link #NR_CPUS} bits. */
  static final int CPUMASK_SIZE = 8;

  private final ProcTable procs;

  CpuSyscalls(ProcTable procs) {
    this.procs = procs;
  }

  // kernel/sys.c: SYSCALL_DEFINE3(getcpu, unsigned __user *, cpup, unsigned __user *, nodep, ...)
  long getcpu(SyscallContext c) {
    long cpup = c.pointer(0);
    long nodep = c.pointer(1);
    if (cpup != 0 && c.mem().writeInt(cpup, 0) != 0) {
      return -Errno.EFAULT;
    }
    if (nodep != 0 && c.mem().writeInt(nodep, 0) != 0) {
      return -Errno.EFAULT;
    }
    return 0;
  }

  // kernel/sched/syscalls.c: SYSCALL_DEFINE3(sched_getaffinity, pid_t, pid, unsigned int, len, ...)
  long schedGetaffinity(SyscallContext c) {
    long len = c.uint32(1);
    if (len * 8 < NR_CPUS || (len & 7) != 0) {
      return -Errno.EINVAL;
    }
    if (task(c) == null) {
      return -Errno.ESRCH;
    }
    int ret = (int) Math.min(len, CPUMASK_SIZE);
    byte[] mask = new byte[ret];
    mask[0] = 1; // CPU 0
    return c.mem().write(c.pointer(2), mask) != 0 ? -Errno.EFAULT : ret;
  }

  // kernel/sched/syscalls.c: SYSCALL_DEFINE3(sched_setaffinity, ...), get_user_cpu_mask,
  // __sched_setaffinity
  long schedSetaffinity(SyscallContext c) {
    long len = c.uint32(1);
    byte[] mask = new byte[CPUMASK_SIZE];
    if (len >= CPUMASK_SIZE) {
      // a shorter mask is taken as empty (cpumask_clear), a longer one is cut
      try {
        c.mem().read(c.pointer(2), mask, 0, CPUMASK_SIZE);
      } catch (org.uvm4j.uvm.UvmException e) {
        return -Errno.EFAULT;
      }
    }
    if (task(c) == null) {
      return -Errno.ESRCH;
    }
    return (mask[0] & 1) == 0 ? -Errno.EINVAL : 0; // no active CPU in the mask
  }

  /** The task {@code pid} names (0: the caller), or null. */
  private Proc task(SyscallContext c) {
    int pid = c.pid(0);
    Proc t = pid == 0 ? c.proc() : procs.find(pid);
    return t != null && t.isAlive() ? t : null;
  }
}
