package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.CpuMask;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.VirtualCpus;
import org.uvm4j.uvm.Errno;

/**
 * The CPU a task runs on: getcpu, sched_getaffinity, sched_setaffinity, on the machine's {@link
 * VirtualCpus} (all on NUMA node 0). getcpu answers the caller's CPU ({@link Proc#cpu()}, which the
 * {@link Scheduler} keeps in its affinity mask); the masks are per task, {@code cpumask_size()}
 * bytes ({@link VirtualCpus#cpumaskSize()}); a mask with no online CPU is EINVAL, and a task whose
 * CPU leaves its mask is on an allowed CPU when sched_setaffinity returns.
 */
final class CpuSyscalls {
  private final ProcTable procs;
  private final Scheduler sched;

  CpuSyscalls(ProcTable procs, Scheduler sched) {
    this.procs = procs;
    this.sched = sched;
  }

  // kernel/sys.c: SYSCALL_DEFINE3(getcpu, unsigned __user *, cpup, unsigned __user *, nodep, ...)
  long getcpu(SyscallContext c) {
    long cpup = c.pointer(0);
    long nodep = c.pointer(1);
    int err = 0;
    if (cpup != 0) {
      err |= c.mem().writeInt(cpup, c.proc().cpu()); // raw_smp_processor_id()
    }
    if (nodep != 0) {
      err |= c.mem().writeInt(nodep, 0); // cpu_to_node: one node
    }
    return err != 0 ? -Errno.EFAULT : 0;
  }

  // kernel/sched/syscalls.c: SYSCALL_DEFINE3(sched_getaffinity, pid_t, pid, unsigned int, len, ...)
  long schedGetaffinity(SyscallContext c) {
    long len = c.uint32(1);
    VirtualCpus cpus = sched.cpus();
    if (((len * 8) & 0xffffffffL) < cpus.count() || (len & 7) != 0) {
      return -Errno.EINVAL; // (len * BITS_PER_BYTE) < nr_cpu_ids, in unsigned int
    }
    Proc t = task(c);
    if (t == null) {
      return -Errno.ESRCH;
    }
    int ret = (int) Math.min(len, cpus.cpumaskSize());
    byte[] mask = allowed(t).and(cpus.online()).toBytes(ret); // cpus_mask & cpu_active_mask
    return c.mem().write(c.pointer(2), mask) != 0 ? -Errno.EFAULT : ret;
  }

  // kernel/sched/syscalls.c: SYSCALL_DEFINE3(sched_setaffinity, ...), get_user_cpu_mask,
  // sched_setaffinity, __sched_setaffinity
  long schedSetaffinity(SyscallContext c) {
    long len = c.uint32(1);
    int size = sched.cpus().cpumaskSize();
    // get_user_cpu_mask: a shorter mask is cleared and then read for len bytes, a longer one cut
    int n = (int) Math.min(len, size);
    byte[] bytes = new byte[size];
    if (n > 0) {
      try {
        c.mem().read(c.pointer(2), bytes, 0, n);
      } catch (org.uvm4j.uvm.UvmException e) {
        return -Errno.EFAULT;
      }
    }
    Proc t = task(c);
    if (t == null) {
      return -Errno.ESRCH;
    }
    // same owner (every guest runs as one uid); __set_cpus_allowed_ptr: EINVAL without an active
    // CPU in the mask, else the task moves off a CPU the mask leaves out before this returns
    return sched.setAffinity(t, CpuMask.fromBytes(bytes, n)) ? 0 : -Errno.EINVAL;
  }

  private CpuMask allowed(Proc t) {
    return t.cpusAllowed() != null ? t.cpusAllowed() : sched.cpus().online();
  }

  /** The task {@code pid} names (0: the caller), or null. */
  private Proc task(SyscallContext c) {
    int pid = c.pid(0);
    Proc t = pid == 0 ? c.proc() : procs.find(pid);
    return t != null && t.isAlive() ? t : null;
  }
}
