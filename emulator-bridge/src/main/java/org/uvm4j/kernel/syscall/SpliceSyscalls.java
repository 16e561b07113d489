package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.SignalDelivery;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.Pipe;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * {@code vmsplice} (Linux's fs/splice.c): user memory into a pipe through its write end, or a
 * pipe's bytes into user memory through its read end.
 *
 * <p>Into a pipe (vmsplice_to_pipe): with no reader left the caller gets SIGPIPE and EPIPE; a full
 * pipe waits for room (restarted when woken), or is EAGAIN with {@code SPLICE_F_NONBLOCK} (the
 * description's O_NONBLOCK is not asked, as in Linux); then as many bytes as the pipe has room for
 * go in at once, never waiting again. The bytes are <b>copied</b> at the call: Linux instead puts
 * references to the user pages themselves into the pipe (iter_to_pipe), so a later write by the
 * process to the spliced range may still show through to the reader. Neither lets data cross a
 * copy-on-write boundary: Linux's extra page reference makes a later write fault copy the page (the
 * CVE-2020-29374 cases of Linux's {@code cow} selftest), and a copy cannot be reached by one. From
 * a pipe (vmsplice_to_user) the call is a read into the iovecs, as in Linux ("a normal copy"):
 * empty with a writer it waits, or is EAGAIN with {@code SPLICE_F_NONBLOCK}; empty without one it
 * returns 0.
 *
 * <p>Errors as Linux's: unknown flags EINVAL (before the descriptor is looked at), a closed
 * descriptor or one that is not a pipe EBADF, more than 1024 iovecs or a negative length EINVAL, an
 * unreadable iovec array EFAULT, nothing of the user memory reachable EFAULT; an empty iovec total
 * returns 0 without touching the pipe.
 */
final class SpliceSyscalls {
  /** SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT. */
  static final int SPLICE_F_ALL = 0xf;

  static final int SPLICE_F_NONBLOCK = 0x2;

  private static final long PAGE = 4096;

  private final Scheduler sched;
  private final SignalDelivery signals;

  SpliceSyscalls(Scheduler sched, SignalDelivery signals) {
    this.sched = sched;
    this.signals = signals;
  }

  // fs/splice.c: SYSCALL_DEFINE4(vmsplice) (unsigned long nr_segs, unsigned int flags)
  long vmsplice(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    long flags = c.uint32(3);
    if ((flags & ~SPLICE_F_ALL) != 0) {
      return -Errno.EINVAL;
    }
    OpenFile f = p.files().get(c.fd(0));
    if (f == null || (!f.writable() && !f.readable())) {
      return -Errno.EBADF; // vmsplice_type
    }
    long nr = c.raw(2);
    if (nr < 0 || nr > FileSyscalls.UIO_MAXIOV) {
      return -Errno.EINVAL; // import_iovec
    }
    long[] segs = FileSyscalls.iovecs(c.mem(), c.pointer(1), (int) nr);
    long total = FileSyscalls.total(segs);
    if (total == 0) {
      return 0;
    }
    if (!(f instanceof Pipe.End end)) {
      return -Errno.EBADF; // get_pipe_info
    }
    boolean nonBlocking = (flags & SPLICE_F_NONBLOCK) != 0;
    return f.writable()
        ? toPipe(p, end, segs, total, nonBlocking)
        : toUser(p, end, segs, total, nonBlocking);
  }

  // fs/splice.c: vmsplice_to_pipe (wait_for_space, then iter_to_pipe)
  private long toPipe(Proc p, Pipe.End end, long[] segs, long total, boolean nonBlocking) {
    Pipe pipe = end.pipe();
    if (pipe.readEnds() == 0) {
      signals.postThread(
          p, Signals.SIGPIPE, SigInfo.user(Signals.SIGPIPE, SigInfo.SI_USER, p.pid()));
      return -Errno.EPIPE;
    }
    int room = Pipe.CAPACITY - pipe.count();
    if (room == 0) {
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      sched.sleep(p, end.writeChannel(), -1);
      return Syscall.ERESTART;
    }
    // iter_to_pipe: the pages iov_iter_get_pages2 gets, in order, up to the first it cannot
    byte[] buf = new byte[(int) Math.min(total, room)];
    int len = copyinPages(p, segs, buf);
    if (len == 0) {
      return -Errno.EFAULT;
    }
    try {
      return end.write(buf, 0, len, false); // fits: never waits
    } catch (UvmException e) {
      return -e.errno();
    }
  }

  /**
   * Copies the segments into {@code buf} (at most its length) a page at a time, stopping at the
   * first page that cannot be read: the bytes copied.
   */
  private static int copyinPages(Proc p, long[] segs, byte[] buf) {
    int done = 0;
    for (int i = 0; i < segs.length && done < buf.length; i += 2) {
      long va = segs[i];
      long left = Math.min(segs[i + 1], buf.length - done);
      while (left > 0) {
        int n = (int) Math.min(left, PAGE - (va & (PAGE - 1)));
        if (!FileSyscalls.accessOk(va, n) || p.vm().copyin(va, buf, done, n) != 0) {
          return done;
        }
        done += n;
        va += n;
        left -= n;
      }
    }
    return done;
  }

  // fs/splice.c: vmsplice_to_user (__splice_from_pipe with pipe_to_user)
  private long toUser(Proc p, Pipe.End end, long[] segs, long total, boolean nonBlocking) {
    Pipe pipe = end.pipe();
    if (pipe.count() == 0) {
      if (pipe.writeEnds() == 0) {
        return 0;
      }
      if (nonBlocking) {
        return -Errno.EAGAIN;
      }
      sched.sleep(p, end.readChannel(), -1);
      return Syscall.ERESTART;
    }
    long reach =
        FileSyscalls.writablePrefix(p.vm(), segs, Math.min(total, Math.min(pipe.count(), 1 << 20)));
    if (reach == 0) {
      return -Errno.EFAULT;
    }
    byte[] buf = new byte[(int) reach];
    long n;
    try {
      n = end.read(buf, 0, buf.length);
    } catch (UvmException e) {
      return -e.errno();
    }
    if (n > 0 && FileSyscalls.transfer(p.vm(), segs, 0, buf, (int) n, false) != 0) {
      return -Errno.EFAULT;
    }
    return n;
  }
}
