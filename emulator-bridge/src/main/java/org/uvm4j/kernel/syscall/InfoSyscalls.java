package org.uvm4j.kernel.syscall;

import java.util.SplittableRandom;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.ResourceLimits;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * System information calls: uname, the user and group ids, getrandom (a deterministic generator
 * seeded from the configuration), prlimit64/getrlimit/setrlimit (each process's {@link
 * ResourceLimits}).
 */
final class InfoSyscalls {
  static final int GRND_NONBLOCK = 1;
  static final int GRND_RANDOM = 2;
  static final int GRND_INSECURE = 4;
  static final int RLIM_NLIMITS = 16;
  static final long RLIM_INFINITY = -1L;
  static final int RLIMIT_STACK = 3;
  static final int RLIMIT_NPROC = 6;
  static final int RLIMIT_NOFILE = 7;

  /** Linux returns at most this much from one getrandom call. */
  static final int GETRANDOM_MAX = 33554431;

  /** What uname reports. */
  static final Utsname UTSNAME =
      new Utsname("Linux", "uvm4j", "6.1.0-uvm4j", "#1 SMP uvm4j", "x86_64", "(none)");

  private final ProcTable procs;
  private final SplittableRandom random;

  /** {@code seed}: the configuration's random seed (getrandom's bytes follow from it). */
  InfoSyscalls(ProcTable procs, long seed) {
    this.procs = procs;
    this.random = new SplittableRandom(seed ^ 0x6765_7472_616e_646fL);
  }

  long uname(SyscallContext c) {
    return -UTSNAME.write(c.mem(), c.pointer(0));
  }

  long getuid(SyscallContext c) {
    return Kernel.UID;
  }

  long getgid(SyscallContext c) {
    return Kernel.GID;
  }

  // drivers/char/random.c: getrandom (char *buf, size_t count, unsigned int flags)
  long getrandom(SyscallContext c) {
    long buf = c.pointer(0);
    long len = c.size(1);
    int flags = c.flags(2);
    if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0
        || (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE)) {
      return -Errno.EINVAL;
    }
    // import_single_range: the length is clamped to MAX_RW_COUNT (as unsigned), then access_ok
    if (len < 0 || len > FileSyscalls.MAX_RW_COUNT) {
      len = FileSyscalls.MAX_RW_COUNT;
    }
    if (!FileSyscalls.accessOk(buf, len)) {
      return -Errno.EFAULT;
    }
    // a buffer that straddles into an unmapped or read-only page gets the bytes that fit, as
    // copy_to_iter stops at the first fault and getrandom returns what it copied
    int n = (int) c.proc().vm().writableBytes(buf, Math.min(len, GETRANDOM_MAX));
    if (n == 0 && len > 0) {
      return -Errno.EFAULT;
    }
    byte[] chunk = new byte[Math.min(n, 65536)];
    int done = 0;
    while (done < n) {
      int k = Math.min(chunk.length, n - done);
      random.nextBytes(chunk);
      if (c.mem().write(buf + done, chunk, 0, k) != 0) {
        return done > 0 ? done : -Errno.EFAULT;
      }
      done += k;
    }
    return done;
  }

  /** prlimit64 (pid_t pid, unsigned int resource, new, old). */
  long prlimit64(SyscallContext c) throws UvmException {
    return prlimit(c, c.pid(0), c.uint32(1), c.pointer(2), c.pointer(3));
  }

  /** getrlimit (unsigned int resource, struct rlimit *rlim). */
  long getrlimit(SyscallContext c) throws UvmException {
    return prlimit(c, 0, c.uint32(0), 0, c.pointer(1));
  }

  /** setrlimit (unsigned int resource, struct rlimit *rlim). */
  long setrlimit(SyscallContext c) throws UvmException {
    if (c.pointer(1) == 0) {
      return -Errno.EFAULT;
    }
    return prlimit(c, 0, c.uint32(0), c.pointer(1), 0);
  }

  // kern_resource.c: sys_prlimit64
  private long prlimit(SyscallContext c, int pid, long resource, long newp, long oldp)
      throws UvmException {
    Proc p = c.proc();
    if (resource >= ResourceLimits.NLIMITS) {
      return -Errno.EINVAL;
    }
    Proc target = pid == 0 || pid == p.pid() ? p : procs.find(pid);
    if (target == null || !target.isAlive()) {
      return -Errno.ESRCH;
    }
    ResourceLimits lim = target.rlimits();
    int r = (int) resource;
    RLimit old = new RLimit(lim.cur(r), lim.max(r));
    if (newp != 0) {
      RLimit nl = RLimit.read(c.mem(), newp);
      int e = lim.set(r, nl.cur(), nl.max());
      if (e != 0) {
        return -e;
      }
      if (r == ResourceLimits.RLIMIT_NOFILE) {
        target.files().setLimit(nl.cur() < 0 ? Long.MAX_VALUE : nl.cur());
      }
    }
    if (oldp != 0 && old.write(c.mem(), oldp) != 0) {
      return -Errno.EFAULT;
    }
    return 0;
  }
}
