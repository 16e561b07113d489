package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * process_vm_readv and process_vm_writev: bytes moved directly between the caller's memory and
 * another process's (or its own), as Linux's {@code mm/process_vm_access.c} does. The local iovecs
 * are checked first ({@code import_iovec}: more than {@link FileSyscalls#UIO_MAXIOV}, a negative
 * length → EINVAL; unreadable → EFAULT; a segment outside the user half → EFAULT; lengths clipped
 * to {@code MAX_RW_COUNT} in all); a local total of 0 returns 0 before anything else. Then the
 * remote iovecs (EINVAL, EFAULT likewise, but no range check), the target (ESRCH: no such task or
 * no address space left). The remote side is walked page by page as {@code pin_user_pages_remote}
 * without {@code FOLL_FORCE} does: each page is faulted in for the access (a read needs a readable
 * mapping, a write a writable one; copy-on-write pages of the target are copied first), and the
 * first page that cannot be had ends the transfer; the local side stops at the first byte it cannot
 * take. The result is the number of bytes moved, or, when none were, the error (EFAULT).
 *
 * <p>Every guest runs as the same user, so the ptrace access check ({@code
 * PTRACE_MODE_ATTACH_REALCREDS}) never refuses.
 */
final class ProcessVmSyscalls {
  private static final int PAGE = 4096;

  private final ProcTable procs;

  ProcessVmSyscalls(ProcTable procs) {
    this.procs = procs;
  }

  // mm/process_vm_access.c: SYSCALL_DEFINE6(process_vm_readv, ...)
  long processVmReadv(SyscallContext c) throws UvmException {
    return processVmRw(c, false);
  }

  // mm/process_vm_access.c: SYSCALL_DEFINE6(process_vm_writev, ...)
  long processVmWritev(SyscallContext c) throws UvmException {
    return processVmRw(c, true);
  }

  // mm/process_vm_access.c: process_vm_rw
  private long processVmRw(SyscallContext c, boolean write) throws UvmException {
    int pid = c.pid(0);
    long liovcnt = c.raw(2);
    long riovcnt = c.raw(4);
    if (c.raw(5) != 0) {
      return -Errno.EINVAL;
    }
    long[] local = importIovec(c.mem(), c.pointer(1), liovcnt, true);
    long want = 0;
    for (int i = 1; i < local.length; i += 2) {
      want += local[i];
    }
    if (want == 0) {
      return 0;
    }
    long[] remote = importIovec(c.mem(), c.pointer(3), riovcnt, false);
    boolean any = false;
    for (int i = 1; i < remote.length; i += 2) {
      any |= remote[i] > 0;
    }
    if (!any) {
      return 0;
    }
    Proc t = procs.find(pid);
    if (t == null || !t.isAlive() || t.vm() == null) {
      return -Errno.ESRCH;
    }
    return transfer(c.vm(), local, want, t.vm(), remote, write);
  }

  /**
   * The iovec array at {@code iov}: (base, len) pairs. {@code local}: {@code import_iovec}'s range
   * check and {@code MAX_RW_COUNT} clipping as well.
   */
  // lib/iov_iter.c: iovec_from_user, __import_iovec
  static long[] importIovec(UserMemory mem, long iov, long cnt, boolean local) throws UvmException {
    if (Long.compareUnsigned(cnt, FileSyscalls.UIO_MAXIOV) > 0) {
      throw new UvmException(Errno.EINVAL);
    }
    long[] segs = new long[(int) cnt * 2];
    for (int i = 0; i < cnt; i++) {
      Iovec v = Iovec.read(mem, iov + (long) Iovec.SIZE * i);
      if (v.len() < 0) {
        throw new UvmException(Errno.EINVAL);
      }
      segs[2 * i] = v.base();
      segs[2 * i + 1] = v.len();
    }
    if (local) {
      long total = 0;
      for (int i = 0; i < cnt; i++) {
        long len = segs[2 * i + 1];
        if (!FileSyscalls.accessOk(segs[2 * i], len)) {
          throw new UvmException(Errno.EFAULT);
        }
        len = Math.min(len, FileSyscalls.MAX_RW_COUNT - total);
        segs[2 * i + 1] = len;
        total += len;
      }
    }
    return segs;
  }

  /**
   * Moves bytes between the local segments of {@code lvm} and the remote segments of {@code rvm} in
   * order, page by page of the remote side, until {@code want} (the local total) bytes moved: the
   * count moved, or -EFAULT when nothing was.
   */
  // mm/process_vm_access.c: process_vm_rw_core, process_vm_rw_single_vec, process_vm_rw_pages
  static long transfer(
      Vmspace lvm, long[] local, long want, Vmspace rvm, long[] remote, boolean write) {
    byte[] buf = new byte[PAGE];
    long moved = 0;
    int li = 0;
    long lpos = 0; // offset into local segment li
    for (int ri = 0; ri < remote.length; ri += 2) {
      long addr = remote[ri];
      long len = remote[ri + 1];
      while (len > 0) {
        if (moved == want) {
          return moved; // the local side is full: nothing more is looked at
        }
        // one remote page at a time: pin_user_pages_remote fails at the first bad page
        int n = (int) Math.min(len, PAGE - (addr & (PAGE - 1)));
        if (!write && rvm.copyin(addr, buf, 0, n) != 0) {
          return moved > 0 ? moved : -Errno.EFAULT;
        }
        // copy_page_{to,from}_iter: across as many local segments as the page fills
        int done = 0;
        boolean localFault = false;
        while (done < n) {
          while (li < local.length && lpos == local[li + 1]) {
            li += 2;
            lpos = 0;
          }
          if (li >= local.length) {
            break;
          }
          int k = (int) Math.min(n - done, local[li + 1] - lpos);
          int ok = localCopy(lvm, local[li] + lpos, buf, done, k, write);
          done += ok;
          lpos += ok;
          if (ok < k) {
            localFault = true;
            break;
          }
        }
        if (write && done > 0 && rvm.copyout(addr, buf, 0, done) != 0) {
          return moved > 0 ? moved : -Errno.EFAULT;
        }
        moved += done;
        if (localFault) {
          return moved > 0 ? moved : -Errno.EFAULT;
        }
        if (done < n) {
          return moved; // the local side is full
        }
        addr += n;
        len -= n;
      }
    }
    return moved;
  }

  /**
   * Copies {@code k} bytes between local {@code va} and {@code buf[off..]} (to the buffer when
   * {@code write}: the local side is the source), page by page: the bytes copied before the first
   * page that could not be had (copy_to_user/copy_from_user's short count).
   */
  private static int localCopy(Vmspace vm, long va, byte[] buf, int off, int k, boolean write) {
    int done = 0;
    while (done < k) {
      int chunk = (int) Math.min(k - done, PAGE - ((va + done) & (PAGE - 1)));
      int e =
          write
              ? vm.copyin(va + done, buf, off + done, chunk)
              : vm.copyout(va + done, buf, off + done, chunk);
      if (e != 0) {
        return done;
      }
      done += chunk;
    }
    return done;
  }
}
