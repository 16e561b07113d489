package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.VirtualClock;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

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

  private final VirtualClock clock;
  private final Scheduler sched;

  TimeSyscalls(VirtualClock clock, Scheduler sched) {
    this.clock = clock;
    this.sched = sched;
  }

  static final int ITIMER_REAL = 0;
  static final int ITIMER_VIRTUAL = 1;
  static final int ITIMER_PROF = 2;
  static final long US = 1000L;

  /** The clock's reading in ns, or -1 for an unknown clock. */
  private long read(Proc p, int clk) {
    return switch (clk) {
      case CLOCK_REALTIME, CLOCK_REALTIME_COARSE, CLOCK_REALTIME_ALARM -> clock.realtime();
      case CLOCK_MONOTONIC,
          CLOCK_MONOTONIC_RAW,
          CLOCK_MONOTONIC_COARSE,
          CLOCK_BOOTTIME,
          CLOCK_BOOTTIME_ALARM ->
          clock.now();
      case CLOCK_PROCESS_CPUTIME_ID -> p.processInstructions();
      case CLOCK_THREAD_CPUTIME_ID -> p.instructions();
      case CLOCK_TAI -> clock.realtime() + TAI_OFFSET;
      default -> -1;
    };
  }

  // kern_time.c: sys_clock_gettime (clockid_t which, struct timespec *tp)
  long clockGettime(SyscallContext c) {
    long ns = read(c.proc(), c.int32(0));
    if (ns < 0) {
      return -Errno.EINVAL;
    }
    return -Timespec.ofNanos(ns).write(c.mem(), c.pointer(1));
  }

  // kern_time.c: sys_clock_getres
  long clockGetres(SyscallContext c) {
    int clk = c.int32(0);
    long ts = c.pointer(1);
    if (read(c.proc(), clk) < 0) {
      return -Errno.EINVAL;
    }
    boolean coarse = clk == CLOCK_REALTIME_COARSE || clk == CLOCK_MONOTONIC_COARSE;
    if (ts == 0) {
      return 0;
    }
    return -Timespec.ofNanos(coarse ? 4_000_000L : 1).write(c.mem(), ts);
  }

  // kern_time.c: sys_gettimeofday (struct timeval *tv, struct timezone *tz)
  long gettimeofday(SyscallContext c) {
    long tv = c.pointer(0);
    long tz = c.pointer(1);
    if (tv != 0 && Timeval.ofNanos(clock.realtime()).write(c.mem(), tv) != 0) {
      return -Errno.EFAULT;
    }
    if (tz != 0 && c.mem().writeLong(tz, 0) != 0) {
      return -Errno.EFAULT;
    }
    return 0;
  }

  // kern_time.c: sys_time (time_t *tloc)
  long time(SyscallContext c) {
    long tloc = c.pointer(0);
    long s = clock.realtime() / NS;
    if (tloc != 0 && c.mem().writeLong(tloc, s) != 0) {
      return -Errno.EFAULT;
    }
    return s;
  }

  /** The alarm as an itimerval: (interval, remaining value); zero when disarmed. */
  private ITimerval itimer(Proc p) {
    if (p.alarmAt() < 0) {
      return new ITimerval(new Timeval(0, 0), new Timeval(0, 0));
    }
    long left = Math.max(1, p.alarmAt() - clock.now());
    return new ITimerval(Timeval.ofNanos(p.alarmInterval()), Timeval.ofNanos(left));
  }

  // kern_time.c: sys_alarm (unsigned int seconds; Linux alarm_setitimer)
  long alarm(SyscallContext c) {
    Proc p = c.proc().leader(); // one ITIMER_REAL per process
    long left = p.alarmAt() < 0 ? 0 : Math.max(1, p.alarmAt() - clock.now());
    long s = c.uint32(0);
    if (s == 0) {
      sched.setAlarm(p, -1, 0);
    } else {
      sched.setAlarm(p, clock.now() + s * NS, 0);
    }
    if (left == 0) {
      return 0;
    }
    long secs = left / NS + ((left % NS) >= NS / 2 ? 1 : 0);
    return Math.max(1, secs); // an armed alarm never reports 0
  }

  // kern_time.c: sys_setitimer (int which, new, old)
  long setitimer(SyscallContext c) throws UvmException {
    Proc p = c.proc().leader();
    int which = c.int32(0);
    long newp = c.pointer(1);
    long oldp = c.pointer(2);
    if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
      return -Errno.EINVAL; // only the real-time timer is implemented
    }
    if (which != ITIMER_REAL) {
      return -Errno.EINVAL;
    }
    long interval = 0;
    long value = -1;
    if (newp != 0) {
      ITimerval nv = ITimerval.read(c.mem(), newp);
      if (!nv.interval().valid() || !nv.value().valid()) {
        return -Errno.EINVAL;
      }
      interval = nv.interval().toNanos();
      long v = nv.value().toNanos();
      value = v == 0 ? -1 : clock.now() + v;
    }
    if (oldp != 0 && itimer(p).write(c.mem(), oldp) != 0) {
      return -Errno.EFAULT;
    }
    if (newp != 0) {
      sched.setAlarm(p, value, interval);
    }
    return 0;
  }

  // kern_time.c: sys_getitimer (int which, struct itimerval *value)
  long getitimer(SyscallContext c) {
    if (c.int32(0) != ITIMER_REAL) {
      return -Errno.EINVAL;
    }
    return -itimer(c.proc().leader()).write(c.mem(), c.pointer(1));
  }

  long nanosleep(SyscallContext c) throws UvmException {
    return sleep(c, CLOCK_MONOTONIC, 0, c.pointer(0), c.pointer(1));
  }

  long clockNanosleep(SyscallContext c) throws UvmException {
    return sleep(c, c.int32(0), c.flags(1), c.pointer(2), c.pointer(3));
  }

  /**
   * nanosleep / clock_nanosleep: the first call fixes the deadline (kept in the process's {@link
   * org.uvm4j.kernel.RestartBlock}); the restarted call after each wakeup checks it. A handler
   * interrupts it with EINTR (and the time left in {@code rem} for a relative sleep); SA_RESTART
   * does not restart it, as on Linux.
   */
  // kern_time.c: nanosleep1
  private long sleep(SyscallContext c, int clk, int flags, long req, long rem) throws UvmException {
    Proc p = c.proc();
    if (clk != CLOCK_REALTIME
        && clk != CLOCK_MONOTONIC
        && clk != CLOCK_BOOTTIME
        && clk != CLOCK_TAI) {
      return -Errno.EINVAL; // CPU-time clocks cannot be slept on here
    }
    if ((flags & ~TIMER_ABSTIME) != 0) {
      return -Errno.EINVAL;
    }
    long deadline = p.restart().deadline();
    if (deadline < 0) {
      Timespec ts = Timespec.read(c.mem(), req);
      if (!ts.valid()) {
        return -Errno.EINVAL;
      }
      long dur = ts.toNanos();
      if ((flags & TIMER_ABSTIME) != 0) {
        dur = Math.max(0, dur - read(p, clk)); // the target is a reading of that clock
      }
      if (dur == 0) {
        sched.requestYield();
        return 0;
      }
      deadline = clock.now() + dur;
      p.restart().setDeadline(deadline);
    }
    if (clock.now() >= deadline) {
      return 0;
    }
    final long dl = deadline;
    boolean relative = (flags & TIMER_ABSTIME) == 0;
    p.restart()
        .setInterruptAction(
            () -> {
              if (relative && rem != 0) {
                long left = Math.max(0, dl - clock.now());
                if (Timespec.ofNanos(left).write(new UserMemory(p.vm()), rem) != 0) {
                  return -Errno.EFAULT;
                }
              }
              return -Errno.EINTR;
            },
            true);
    sched.sleep(p, null, dl);
    return Syscall.ERESTART;
  }
}
