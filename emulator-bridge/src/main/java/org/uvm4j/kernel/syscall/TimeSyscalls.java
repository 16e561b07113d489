package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.VirtualClock;
import org.uvm4j.uvm.Errno;

/**
 * Time system calls on the {@link VirtualClock}: clock_gettime, clock_getres, gettimeofday, time,
 * nanosleep and clock_nanosleep. A sleep takes no host time: the process sleeps until virtual time
 * reaches its deadline, which happens as other processes run or, when all sleep, at once.
 */
final class TimeSyscalls {
  static final int CLOCK_REALTIME = 0;
  static final int CLOCK_MONOTONIC = 1;
  static final int CLOCK_PROCESS_CPUTIME_ID = 2;
  static final int CLOCK_THREAD_CPUTIME_ID = 3;
  static final int CLOCK_MONOTONIC_RAW = 4;
  static final int CLOCK_REALTIME_COARSE = 5;
  static final int CLOCK_MONOTONIC_COARSE = 6;
  static final int CLOCK_BOOTTIME = 7;
  static final int CLOCK_REALTIME_ALARM = 8;
  static final int CLOCK_BOOTTIME_ALARM = 9;
  static final int CLOCK_TAI = 11;
  static final int TIMER_ABSTIME = 1;
  static final long NS = 1_000_000_000L;

  /** TAI - UTC since 2017. */
  static final long TAI_OFFSET = 37 * NS;

  private final Kernel kernel;

  TimeSyscalls(Kernel kernel) {
    this.kernel = kernel;
  }

  static final int ITIMER_REAL = 0;
  static final int ITIMER_VIRTUAL = 1;
  static final int ITIMER_PROF = 2;
  static final long US = 1000L;

  void register(SyscallTable t) {
    t.register(Syscall.ALARM, "alarm", (p, secs, a1, a2, a3, a4, a5) -> alarm(p, secs));
    t.register(
        Syscall.SETITIMER, "setitimer", (p, w, nv, ov, a3, a4, a5) -> setitimer(p, w, nv, ov));
    t.register(Syscall.GETITIMER, "getitimer", (p, w, v, a2, a3, a4, a5) -> getitimer(p, w, v));
    t.register(
        Syscall.CLOCK_GETTIME,
        "clock_gettime",
        (p, clk, ts, a2, a3, a4, a5) -> clockGettime(p, clk, ts));
    t.register(
        Syscall.CLOCK_GETRES,
        "clock_getres",
        (p, clk, ts, a2, a3, a4, a5) -> clockGetres(p, clk, ts));
    t.register(
        Syscall.GETTIMEOFDAY,
        "gettimeofday",
        (p, tv, tz, a2, a3, a4, a5) -> gettimeofday(p, tv, tz));
    t.register(Syscall.TIME, "time", (p, tloc, a1, a2, a3, a4, a5) -> time(p, tloc));
    t.register(
        Syscall.NANOSLEEP,
        "nanosleep",
        (p, req, rem, a2, a3, a4, a5) -> sleep(p, CLOCK_MONOTONIC, 0, req, rem));
    t.register(
        Syscall.CLOCK_NANOSLEEP,
        "clock_nanosleep",
        (p, clk, fl, req, rem, a4, a5) -> sleep(p, clk, fl, req, rem));
  }

  /** The clock's reading in ns, or -1 for an unknown clock. */
  private long read(Proc p, long clk) {
    VirtualClock c = kernel.clock();
    return switch ((int) clk) {
      case CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM -> c.realtime();
      case CLOCK_MONOTONIC,
          CLOCK_MONOTONIC_RAW,
          CLOCK_MONOTONIC_COARSE,
          CLOCK_BOOTTIME,
          CLOCK_BOOTTIME_ALARM ->
          c.now();
      case CLOCK_PROCESS_CPUTIME_ID, CLOCK_THREAD_CPUTIME_ID -> p.instructions();
      case CLOCK_TAI -> c.realtime() + TAI_OFFSET;
      default -> -1;
    };
  }

  private static byte[] timespec(long ns) {
    ByteBuffer b = UserMemory.le(16);
    b.putLong(0, ns / NS).putLong(8, ns % NS);
    return b.array();
  }

  private long clockGettime(Proc p, long clk, long ts) {
    if (clk != (int) clk) {
      return -Errno.EINVAL;
    }
    long ns = read(p, clk);
    if (ns < 0) {
      return -Errno.EINVAL;
    }
    return -UserMemory.put(p.vm(), ts, timespec(ns));
  }

  private long clockGetres(Proc p, long clk, long ts) {
    if (clk != (int) clk || read(p, clk) < 0) {
      return -Errno.EINVAL;
    }
    boolean coarse = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
    if (ts == 0) {
      return 0;
    }
    return -UserMemory.put(p.vm(), ts, timespec(coarse ? 4_000_000L : 1));
  }

  private long gettimeofday(Proc p, long tv, long tz) {
    long ns = kernel.clock().realtime();
    if (tv != 0) {
      ByteBuffer b = UserMemory.le(16);
      b.putLong(0, ns / NS).putLong(8, (ns % NS) / 1000);
      if (UserMemory.put(p.vm(), tv, b.array()) != 0) {
        return -Errno.EFAULT;
      }
    }
    if (tz != 0 && UserMemory.put(p.vm(), tz, new byte[8]) != 0) {
      return -Errno.EFAULT;
    }
    return 0;
  }

  private long time(Proc p, long tloc) {
    long s = kernel.clock().realtime() / NS;
    if (tloc != 0 && UserMemory.putLong(p.vm(), tloc, s) != 0) {
      return -Errno.EFAULT;
    }
    return s;
  }

  /** The alarm's (interval, remaining value) in ns; (0, 0) when disarmed. */
  private long[] itimer(Proc p) {
    if (p.alarmAt() < 0) {
      return new long[] {0, 0};
    }
    return new long[] {p.alarmInterval(), Math.max(1, p.alarmAt() - kernel.clock().now())};
  }

  private static byte[] itimerval(long[] iv) {
    ByteBuffer b = UserMemory.le(32);
    b.putLong(0, iv[0] / NS).putLong(8, (iv[0] % NS) / US);
    b.putLong(16, iv[1] / NS).putLong(24, (iv[1] % NS) / US);
    return b.array();
  }

  // kern_time.c: sys_alarm (Linux alarm_setitimer)
  private long alarm(Proc p, long secs) {
    long[] old = itimer(p);
    long s = secs & 0xffffffffL;
    if (s == 0) {
      kernel.scheduler().setAlarm(p, -1, 0);
    } else {
      kernel.scheduler().setAlarm(p, kernel.clock().now() + s * NS, 0);
    }
    if (old[1] == 0) {
      return 0;
    }
    long left = old[1] / NS + ((old[1] % NS) >= NS / 2 ? 1 : 0);
    return Math.max(1, left); // an armed alarm never reports 0
  }

  // kern_time.c: sys_setitimer
  private long setitimer(Proc p, long which, long newp, long oldp) {
    if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
      return -Errno.EINVAL; // only the real-time timer is implemented
    }
    if (which != ITIMER_REAL) {
      return -Errno.EINVAL;
    }
    long interval = 0;
    long value = -1;
    if (newp != 0) {
      byte[] raw = UserMemory.get(p.vm(), newp, 32);
      if (raw == null) {
        return -Errno.EFAULT;
      }
      ByteBuffer b = UserMemory.le(raw);
      long is = b.getLong(0);
      long ius = b.getLong(8);
      long vs = b.getLong(16);
      long vus = b.getLong(24);
      if (is < 0 || vs < 0 || ius < 0 || ius >= 1_000_000 || vus < 0 || vus >= 1_000_000) {
        return -Errno.EINVAL;
      }
      interval = Math.min(is, Long.MAX_VALUE / NS / 4) * NS + ius * US;
      long v = Math.min(vs, Long.MAX_VALUE / NS / 4) * NS + vus * US;
      value = v == 0 ? -1 : kernel.clock().now() + v;
    }
    if (oldp != 0 && UserMemory.put(p.vm(), oldp, itimerval(itimer(p))) != 0) {
      return -Errno.EFAULT;
    }
    if (newp != 0) {
      kernel.scheduler().setAlarm(p, value, interval);
    }
    return 0;
  }

  private long getitimer(Proc p, long which, long valp) {
    if (which != ITIMER_REAL) {
      return -Errno.EINVAL;
    }
    return -UserMemory.put(p.vm(), valp, itimerval(itimer(p)));
  }

  /**
   * nanosleep / clock_nanosleep: the first call fixes the deadline; the restarted call after each
   * wakeup checks it. A handler interrupts it with EINTR (and the time left in {@code rem} for a
   * relative sleep); SA_RESTART does not restart it, as on Linux.
   */
  // kern_time.c: nanosleep1
  private long sleep(Proc p, long clk, long flags, long req, long rem) {
    if (clk != CLOCK_REALTIME
        && clk != CLOCK_MONOTONIC
        && clk != CLOCK_BOOTTIME
        && clk != CLOCK_TAI) {
      return -Errno.EINVAL; // CPU-time clocks cannot be slept on here
    }
    if ((flags & ~TIMER_ABSTIME) != 0) {
      return -Errno.EINVAL;
    }
    VirtualClock c = kernel.clock();
    long deadline = p.sleepDeadline();
    if (deadline < 0) {
      byte[] raw = UserMemory.get(p.vm(), req, 16);
      if (raw == null) {
        return -Errno.EFAULT;
      }
      ByteBuffer b = UserMemory.le(raw);
      long sec = b.getLong(0);
      long nsec = b.getLong(8);
      if (sec < 0 || nsec < 0 || nsec >= NS) {
        return -Errno.EINVAL;
      }
      long dur = sec > Long.MAX_VALUE / NS - 1 ? Long.MAX_VALUE / 2 : sec * NS + nsec;
      if ((flags & TIMER_ABSTIME) != 0) {
        dur = Math.max(0, dur - read(p, clk)); // the target is a reading of that clock
      }
      if (dur == 0) {
        kernel.yield(p);
        return 0;
      }
      deadline = c.now() + dur;
      p.setSleepDeadline(deadline);
    }
    if (c.now() >= deadline) {
      return 0;
    }
    final long dl = deadline;
    boolean relative = (flags & TIMER_ABSTIME) == 0;
    p.setInterruptAction(
        () -> {
          if (relative && rem != 0) {
            long left = Math.max(0, dl - kernel.clock().now());
            if (UserMemory.put(p.vm(), rem, timespec(left)) != 0) {
              return -Errno.EFAULT;
            }
          }
          return -Errno.EINTR;
        },
        true);
    kernel.scheduler().sleep(p, null, dl);
    return Syscall.ERESTART;
  }
}
