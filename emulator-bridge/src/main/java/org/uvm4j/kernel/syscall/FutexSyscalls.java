package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Futexes;
import org.uvm4j.kernel.KernelCounters;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.VirtualClock;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * futex(2) ({@code kernel/futex}): FUTEX_WAIT, FUTEX_WAKE, FUTEX_REQUEUE, FUTEX_CMP_REQUEUE,
 * FUTEX_WAKE_OP, FUTEX_WAIT_BITSET, FUTEX_WAKE_BITSET, with FUTEX_PRIVATE_FLAG and
 * FUTEX_CLOCK_REALTIME; timeouts are on the virtual clock. The priority-inheritance operations and
 * FUTEX_FD answer ENOSYS. A wait sleeps and is restarted (see {@code RestartBlock}): when the task
 * runs again the call finds whether a wake-up ended it (0), its deadline passed (ETIMEDOUT) or it
 * must sleep on; a handler without SA_RESTART ends it with EINTR.
 */
final class FutexSyscalls {
  static final int FUTEX_WAIT = 0;
  static final int FUTEX_WAKE = 1;
  static final int FUTEX_REQUEUE = 3;
  static final int FUTEX_CMP_REQUEUE = 4;
  static final int FUTEX_WAKE_OP = 5;
  static final int FUTEX_WAIT_BITSET = 9;
  static final int FUTEX_WAKE_BITSET = 10;
  static final int FUTEX_WAIT_REQUEUE_PI = 11;
  static final int FUTEX_LOCK_PI2 = 13;
  static final int FUTEX_PRIVATE_FLAG = 128;
  static final int FUTEX_CLOCK_REALTIME = 256;
  static final int FUTEX_CMD_MASK = ~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME);

  private final Futexes futexes;
  private final Scheduler sched;
  private final VirtualClock clock;
  private final KernelCounters counters;

  FutexSyscalls(Futexes futexes, Scheduler sched, VirtualClock clock, KernelCounters counters) {
    this.futexes = futexes;
    this.sched = sched;
    this.clock = clock;
    this.counters = counters;
  }

  // Linux kernel/futex/syscalls.c: SYSCALL_DEFINE6(futex, u32 *uaddr, int op, u32 val,
  // const struct __kernel_timespec *utime, u32 *uaddr2, u32 val3) and do_futex
  long futex(SyscallContext c) throws UvmException {
    long uaddr = c.pointer(0);
    int op = c.int32(1);
    int val = c.int32(2);
    long utime = c.pointer(3);
    long uaddr2 = c.pointer(4);
    int val3 = c.int32(5);
    boolean priv = (op & FUTEX_PRIVATE_FLAG) != 0;
    int cmd = op & FUTEX_CMD_MASK;
    if ((op & FUTEX_CLOCK_REALTIME) != 0
        && cmd != FUTEX_WAIT_BITSET
        && cmd != FUTEX_WAIT_REQUEUE_PI
        && cmd != FUTEX_LOCK_PI2) {
      return -Errno.ENOSYS;
    }
    if ((uaddr & 3) != 0) {
      return -Errno.EINVAL;
    }
    return switch (cmd) {
      case FUTEX_WAIT -> wait(c, uaddr, val, utime, false, false, Futexes.MATCH_ANY, priv);
      case FUTEX_WAIT_BITSET ->
          val3 == 0
              ? -Errno.EINVAL
              : wait(c, uaddr, val, utime, true, (op & FUTEX_CLOCK_REALTIME) != 0, val3, priv);
      case FUTEX_WAKE ->
          futexes.wake(Futexes.key(c.vm(), uaddr, priv), Math.max(val, 0), Futexes.MATCH_ANY);
      case FUTEX_WAKE_BITSET ->
          val3 == 0
              ? -Errno.EINVAL
              : futexes.wake(Futexes.key(c.vm(), uaddr, priv), Math.max(val, 0), val3);
      case FUTEX_REQUEUE -> requeue(c, uaddr, uaddr2, val, (int) utime, false, 0, priv);
      case FUTEX_CMP_REQUEUE -> requeue(c, uaddr, uaddr2, val, (int) utime, true, val3, priv);
      case FUTEX_WAKE_OP -> wakeOp(c, uaddr, uaddr2, val, (int) utime, val3, priv);
      default -> -Errno.ENOSYS; // FUTEX_FD (gone since 2.6.26) and the PI operations
    };
  }

  // Linux kernel/futex/waitwake.c: futex_wait
  private long wait(
      SyscallContext c,
      long uaddr,
      int val,
      long utime,
      boolean absolute,
      boolean realtime,
      int bitset,
      boolean priv)
      throws UvmException {
    Proc p = c.proc();
    if (Futexes.waitingOn(p, uaddr)) {
      // the restarted call of a wait that went to sleep
      long deadline = p.restart().deadline();
      if (Futexes.woken(p)) {
        futexes.finish(p);
        return 0;
      }
      if (deadline >= 0 && clock.now() >= deadline) {
        futexes.cancel(p);
        return -Errno.ETIMEDOUT;
      }
      sleep(p, deadline); // still queued, in its place
      return Syscall.ERESTART;
    }
    long deadline = -1;
    if (utime != 0) {
      Timespec ts = Timespec.read(c.mem(), utime);
      if (!ts.valid()) {
        return -Errno.EINVAL;
      }
      long ns = ts.toNanos();
      if (!absolute) {
        deadline = clock.now() + ns;
      } else if (realtime) {
        deadline = Math.max(0, ns - clock.epoch());
      } else {
        deadline = ns;
      }
    }
    int cur = c.mem().readInt(uaddr);
    if (cur != val) {
      return -Errno.EAGAIN;
    }
    Futexes.Key key = Futexes.key(c.vm(), uaddr, priv);
    if (deadline >= 0 && clock.now() >= deadline) {
      return -Errno.ETIMEDOUT;
    }
    futexes.enqueue(p, key, uaddr, bitset);
    counters.futexWaits++;
    sleep(p, deadline);
    return Syscall.ERESTART;
  }

  private void sleep(Proc p, long deadline) {
    p.restart().setDeadline(deadline);
    p.restart()
        .setInterruptAction(
            () -> {
              futexes.cancel(p);
              return -Errno.EINTR;
            },
            false);
    sched.sleep(p, Futexes.channelOf(p), deadline);
  }

  // Linux kernel/futex/requeue.c: futex_requeue (without PI)
  private long requeue(
      SyscallContext c,
      long uaddr,
      long uaddr2,
      int nwake,
      int nrequeue,
      boolean cmp,
      int cmpval,
      boolean priv)
      throws UvmException {
    if (nwake < 0 || nrequeue < 0) {
      return -Errno.EINVAL;
    }
    if ((uaddr2 & 3) != 0) {
      return -Errno.EINVAL;
    }
    Futexes.Key k1 = Futexes.key(c.vm(), uaddr, priv);
    Futexes.Key k2 = Futexes.key(c.vm(), uaddr2, priv);
    if (cmp && c.mem().readInt(uaddr) != cmpval) {
      return -Errno.EAGAIN;
    }
    return futexes.requeue(k1, k2, nwake, nrequeue);
  }

  static final int FUTEX_OP_SET = 0;
  static final int FUTEX_OP_ADD = 1;
  static final int FUTEX_OP_OR = 2;
  static final int FUTEX_OP_ANDN = 3;
  static final int FUTEX_OP_XOR = 4;
  static final int FUTEX_OP_OPARG_SHIFT = 8;

  // Linux kernel/futex/waitwake.c: futex_wake_op, futex_atomic_op_inuser
  private long wakeOp(
      SyscallContext c, long uaddr, long uaddr2, int nwake, int nwake2, int encoded, boolean priv)
      throws UvmException {
    if ((uaddr2 & 3) != 0) {
      return -Errno.EINVAL;
    }
    int op = (encoded >>> 28) & 7;
    int cmp = (encoded >>> 24) & 15;
    int oparg = (encoded << 8) >> 20;
    int cmparg = (encoded << 20) >> 20;
    if ((encoded & (FUTEX_OP_OPARG_SHIFT << 28)) != 0) {
      oparg = 1 << (oparg & 31);
    }
    if (op > FUTEX_OP_XOR || cmp > 5) {
      return -Errno.ENOSYS;
    }
    Futexes.Key k1 = Futexes.key(c.vm(), uaddr, priv);
    Futexes.Key k2 = Futexes.key(c.vm(), uaddr2, priv);
    int old = c.mem().readInt(uaddr2);
    int neu =
        switch (op) {
          case FUTEX_OP_SET -> oparg;
          case FUTEX_OP_ADD -> old + oparg;
          case FUTEX_OP_OR -> old | oparg;
          case FUTEX_OP_ANDN -> old & ~oparg;
          default -> old ^ oparg;
        };
    if (c.mem().writeInt(uaddr2, neu) != 0) {
      return -Errno.EFAULT;
    }
    long woken = futexes.wake(k1, Math.max(nwake, 0), Futexes.MATCH_ANY);
    boolean hit =
        switch (cmp) {
          case 0 -> old == cmparg;
          case 1 -> old != cmparg;
          case 2 -> old < cmparg;
          case 3 -> old <= cmparg;
          case 4 -> old > cmparg;
          default -> old >= cmparg;
        };
    if (hit) {
      woken += futexes.wake(k2, Math.max(nwake2, 0), Futexes.MATCH_ANY);
    }
    return woken;
  }
}
