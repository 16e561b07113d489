package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.VirtualClock;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * poll, ppoll, select and pselect6 ({@code fs/select.c}) over every kind of descriptor: each asks
 * the open file for its readiness ({@link OpenFile#poll()}: pipes by their buffer and ends, the
 * console by what its host reader buffered, regular files and directories always ready).
 *
 * <p>When nothing is ready the process sleeps on {@link Scheduler#SELECT}, which every wakeup also
 * wakes, and the call runs again and looks again; the timeout is a deadline on the kernel's virtual
 * clock fixed by the first call and kept in the restart block. A signal handler ends the wait with
 * EINTR even under SA_RESTART (Linux's ERESTARTNOHAND / ERESTART_RESTARTBLOCK with a handler); a
 * signal without a handler does not end it. select, pselect6 and ppoll write the time left back to
 * the caller's timeout, as Linux does. ppoll and pselect6 block with the caller's mask for the
 * call; a handler's frame saves the old mask (as rt_sigsuspend), otherwise it is put back on
 * return.
 */
final class PollSyscalls {
  /** sizeof(struct pollfd): int fd, short events, short revents. */
  static final int POLLFD_SIZE = 8;

  /** FD_SETSIZE-independent: the kernel reads (nfds + 63) / 64 longs of each set. */
  static final int NFDBITS = 64;

  /** What select counts as readable, writable, exceptional (POLLIN_SET...). */
  static final int POLLIN_SET =
      OpenFile.POLLRDNORM
          | OpenFile.POLLRDBAND
          | OpenFile.POLLIN
          | OpenFile.POLLHUP
          | OpenFile.POLLERR;

  static final int POLLOUT_SET =
      OpenFile.POLLWRBAND | OpenFile.POLLWRNORM | OpenFile.POLLOUT | OpenFile.POLLERR;
  static final int POLLEX_SET = OpenFile.POLLPRI;

  private final Scheduler sched;
  private final VirtualClock clock;

  PollSyscalls(Scheduler sched, VirtualClock clock) {
    this.sched = sched;
    this.clock = clock;
  }

  // ---------------------------------------------------------------- poll and ppoll

  // fs/select.c: sys_poll (struct pollfd *ufds, unsigned int nfds, int timeout_msecs)
  long poll(SyscallContext c) throws UvmException {
    int ms = c.int32(2);
    long timeout = ms < 0 ? -1 : ms * 1_000_000L;
    return doPoll(c, c.pointer(0), c.uint32(1), timeout, 0, 0, false);
  }

  // fs/select.c: sys_ppoll (ufds, unsigned int nfds, tsp, sigmask, size_t sigsetsize)
  long ppoll(SyscallContext c) throws UvmException {
    long tsp = c.pointer(2);
    long timeout = -1;
    if (tsp != 0 && c.proc().restart().deadline() < 0) {
      Timespec ts = Timespec.read(c.mem(), tsp);
      if (!ts.valid()) {
        return -Errno.EINVAL;
      }
      timeout = ts.toNanos();
    }
    return doPoll(c, c.pointer(0), c.uint32(1), timeout, c.pointer(3), c.size(4), tsp != 0);
  }

  private long doPoll(
      SyscallContext c,
      long ufds,
      long nfds,
      long timeout,
      long sigmask,
      long sigsetsize,
      boolean writeBack)
      throws UvmException {
    Proc p = c.proc();
    if (nfds > FileTable.MAX_FDS) {
      return -Errno.EINVAL;
    }
    int n = (int) nfds;
    ByteBuffer fds = n == 0 ? null : copyIn(c, ufds, n * POLLFD_SIZE);
    long r = enter(c, p, timeout, sigmask, sigsetsize);
    if (r != 0) {
      return r;
    }
    int ready = 0;
    for (int i = 0; i < n; i++) {
      int fd = fds.getInt(i * POLLFD_SIZE);
      int events = fds.getShort(i * POLLFD_SIZE + 4) & 0xffff;
      int revents = 0;
      if (fd >= 0) {
        OpenFile f = p.files().get(fd);
        if (f == null) {
          revents = OpenFile.POLLNVAL;
        } else {
          revents = f.poll() & (events | OpenFile.POLLERR | OpenFile.POLLHUP);
        }
      }
      fds.putShort(i * POLLFD_SIZE + 6, (short) revents);
      if (revents != 0) {
        ready++;
      }
    }
    long ret = finish(c, p, ready, writeBack ? c.pointer(2) : 0, false);
    if (ret != Syscall.ERESTART && n > 0) {
      // the revents are written back whether or not something was ready
      if (c.mem().write(ufds, fds.array(), 0, n * POLLFD_SIZE) != 0) {
        return -Errno.EFAULT;
      }
    }
    return ret;
  }

  // ---------------------------------------------------------------- select and pselect6

  // fs/select.c: sys_select (int n, inp, outp, exp, struct __kernel_old_timeval *tvp)
  long select(SyscallContext c) throws UvmException {
    long tvp = c.pointer(4);
    long timeout = -1;
    if (tvp != 0 && c.proc().restart().deadline() < 0) {
      Timeval tv = Timeval.read(c.mem(), tvp);
      if (tv.sec() < 0 || tv.usec() < 0) {
        return -Errno.EINVAL;
      }
      // poll_select_set_timeout: microseconds beyond a second carry over (as Linux rounds them)
      timeout = saturatingNanos(tv.sec(), tv.usec() * 1000);
    }
    return doSelect(c, timeout, 0, 0, tvp, false);
  }

  // fs/select.c: sys_pselect6 (int n, inp, outp, exp, struct __kernel_timespec *tsp, void *sig)
  long pselect6(SyscallContext c) throws UvmException {
    long tsp = c.pointer(4);
    long timeout = -1;
    if (tsp != 0 && c.proc().restart().deadline() < 0) {
      Timespec ts = Timespec.read(c.mem(), tsp);
      if (!ts.valid()) {
        return -Errno.EINVAL;
      }
      timeout = ts.toNanos();
    }
    long sigmask = 0;
    long sigsetsize = 0;
    long sig = c.pointer(5);
    if (sig != 0) {
      // struct { const sigset_t *p; size_t size; }
      ByteBuffer b = c.mem().in(sig, 16);
      sigmask = b.getLong(0);
      sigsetsize = b.getLong(8);
    }
    return doSelect(c, timeout, sigmask, sigsetsize, tsp, true);
  }

  static long saturatingNanos(long sec, long nsec) {
    if (sec > (Long.MAX_VALUE - nsec) / 1_000_000_000L) {
      return Long.MAX_VALUE;
    }
    return sec * 1_000_000_000L + nsec;
  }

  // fs/select.c: core_sys_select
  private long doSelect(
      SyscallContext c, long timeout, long sigmask, long sigsetsize, long tp, boolean timespec)
      throws UvmException {
    Proc p = c.proc();
    int n = c.int32(0);
    if (n < 0) {
      return -Errno.EINVAL;
    }
    n = Math.min(n, FileTable.MAX_FDS); // max_fds of the table: higher bits are not looked at
    int words = (n + NFDBITS - 1) / NFDBITS;
    long[] in = readSet(c, c.pointer(1), words);
    long[] out = readSet(c, c.pointer(2), words);
    long[] ex = readSet(c, c.pointer(3), words);
    // EBADF for a set bit naming no open descriptor, before any wait
    for (int fd = 0; fd < n; fd++) {
      if (isSet(in, fd) || isSet(out, fd) || isSet(ex, fd)) {
        if (p.files().get(fd) == null) {
          return -Errno.EBADF;
        }
      }
    }
    long r = enter(c, p, timeout, sigmask, sigsetsize);
    if (r != 0) {
      return r;
    }
    long[] rin = new long[words];
    long[] rout = new long[words];
    long[] rex = new long[words];
    int ready = 0;
    for (int fd = 0; fd < n; fd++) {
      boolean wantIn = isSet(in, fd);
      boolean wantOut = isSet(out, fd);
      boolean wantEx = isSet(ex, fd);
      if (!wantIn && !wantOut && !wantEx) {
        continue;
      }
      int mask = p.files().get(fd).poll();
      long bit = 1L << (fd % NFDBITS);
      if (wantIn && (mask & POLLIN_SET) != 0) {
        rin[fd / NFDBITS] |= bit;
        ready++;
      }
      if (wantOut && (mask & POLLOUT_SET) != 0) {
        rout[fd / NFDBITS] |= bit;
        ready++;
      }
      if (wantEx && (mask & POLLEX_SET) != 0) {
        rex[fd / NFDBITS] |= bit;
        ready++;
      }
    }
    long ret = finish(c, p, ready, tp, !timespec);
    if (ret != Syscall.ERESTART && ret >= 0) {
      if (writeSet(c, c.pointer(1), rin) != 0
          || writeSet(c, c.pointer(2), rout) != 0
          || writeSet(c, c.pointer(3), rex) != 0) {
        return -Errno.EFAULT;
      }
    }
    return ret;
  }

  private static boolean isSet(long[] set, int fd) {
    return set != null && (set[fd / NFDBITS] & (1L << (fd % NFDBITS))) != 0;
  }

  private static long[] readSet(SyscallContext c, long va, int words) throws UvmException {
    if (va == 0 || words == 0) {
      return null;
    }
    ByteBuffer b = copyIn(c, va, words * 8);
    long[] s = new long[words];
    for (int i = 0; i < words; i++) {
      s[i] = b.getLong(i * 8);
    }
    return s;
  }

  private static int writeSet(SyscallContext c, long va, long[] set) {
    if (va == 0 || set.length == 0) {
      return 0;
    }
    ByteBuffer b = c.mem().buffer(set.length * 8);
    for (int i = 0; i < set.length; i++) {
      b.putLong(i * 8, set[i]);
    }
    return c.mem().out(va, set.length * 8);
  }

  private static ByteBuffer copyIn(SyscallContext c, long va, int len) throws UvmException {
    byte[] bytes = new byte[len];
    c.mem().read(va, bytes, 0, len);
    return ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN);
  }

  // ---------------------------------------------------------------- the wait, shared

  /**
   * First entry: fixes the deadline ({@code timeout} ns, -1 for none) and installs the call's
   * signal mask. Returns 0 to go on, or a Linux error.
   */
  private long enter(SyscallContext c, Proc p, long timeout, long sigmask, long sigsetsize)
      throws UvmException {
    if (p.restart().deadline() >= 0) {
      return 0; // a restart after a wakeup: deadline and mask are in place
    }
    if (sigmask != 0) {
      if (sigsetsize != 8) {
        return -Errno.EINVAL;
      }
      long mask = c.mem().readLong(sigmask);
      p.restart().saveSuspendMask(p.signals().blocked());
      p.signals().setBlocked(mask);
    }
    long deadline =
        timeout < 0 ? Long.MAX_VALUE : Math.min(Long.MAX_VALUE - 1, clock.now() + timeout);
    if (timeout >= 0 && deadline < 0) {
      deadline = Long.MAX_VALUE - 1; // overflow: as good as forever, but still a timeout
    }
    p.restart().setDeadline(deadline);
    return 0;
  }

  /**
   * After one look at the descriptors: returns {@code ready} (and the time left) when something is
   * ready or the deadline passed, else sleeps until a wakeup, the deadline or a signal.
   */
  private long finish(SyscallContext c, Proc p, int ready, long timeoutVa, boolean timeval) {
    long deadline = p.restart().deadline();
    long now = clock.now();
    boolean timedOut = deadline != Long.MAX_VALUE && now >= deadline;
    if (ready > 0 || timedOut) {
      p.signals().setBlocked(p.restart().restoreSuspendMask(p.signals().blocked()));
      return writeTimeLeft(c.mem(), timeoutVa, deadline, timeval, ready);
    }
    if (p.signals().deliverable() != 0) {
      // the call's mask let a pending signal through: its handler ends the call at once
      return -Errno.EINTR;
    }
    UserMemory mem = new UserMemory(p.vm());
    p.restart()
        .setInterruptAction(
            () -> writeTimeLeft(mem, timeoutVa, deadline, timeval, -Errno.EINTR), true);
    sched.sleep(p, Scheduler.SELECT, deadline == Long.MAX_VALUE ? -1 : deadline);
    return Syscall.ERESTART;
  }

  /** poll_select_finish: the time left goes back to the caller's timeout; {@code result} else. */
  private long writeTimeLeft(UserMemory mem, long va, long deadline, boolean timeval, long result) {
    if (va == 0 || deadline == Long.MAX_VALUE) {
      return result;
    }
    long left = Math.max(0, deadline - clock.now());
    int err =
        timeval ? Timeval.ofNanos(left).write(mem, va) : Timespec.ofNanos(left).write(mem, va);
    // Linux ignores a failure to write the time back (the result stands)
    return err != 0 ? result : result;
  }
}
