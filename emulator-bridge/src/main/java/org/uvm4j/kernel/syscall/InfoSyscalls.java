package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.elf.ElfLoader;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.uvm.Errno;

/**
 * System information calls: uname, the user and group ids, getrandom (a deterministic generator
 * seeded from the configuration), prlimit64/getrlimit (the fixed limits uvm4j enforces or implies;
 * changing them is refused with EPERM).
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

  private final Kernel kernel;
  private final SplittableRandom random;

  InfoSyscalls(Kernel kernel) {
    this.kernel = kernel;
    this.random = new SplittableRandom(kernel.config().randomSeed() ^ 0x6765_7472_616e_646fL);
  }

  void register(SyscallTable t) {
    t.register(Syscall.UNAME, "uname", (p, buf, a1, a2, a3, a4, a5) -> uname(p, buf));
    t.register(Syscall.GETUID, "getuid", (p, a0, a1, a2, a3, a4, a5) -> Kernel.UID);
    t.register(Syscall.GETEUID, "geteuid", (p, a0, a1, a2, a3, a4, a5) -> Kernel.UID);
    t.register(Syscall.GETGID, "getgid", (p, a0, a1, a2, a3, a4, a5) -> Kernel.GID);
    t.register(Syscall.GETEGID, "getegid", (p, a0, a1, a2, a3, a4, a5) -> Kernel.GID);
    t.register(
        Syscall.GETRANDOM,
        "getrandom",
        (p, buf, len, fl, a3, a4, a5) -> getrandom(p, buf, len, fl));
    t.register(
        Syscall.PRLIMIT64,
        "prlimit64",
        (p, pid, res, nw, old, a4, a5) -> prlimit(p, pid, res, nw, old));
    t.register(
        Syscall.GETRLIMIT,
        "getrlimit",
        (p, res, old, a2, a3, a4, a5) -> prlimit(p, 0, res, 0, old));
  }

  private long uname(Proc p, long buf) {
    String[] fields = {"Linux", "uvm4j", "6.1.0-uvm4j", "#1 SMP uvm4j", "x86_64", "(none)"};
    byte[] out = new byte[65 * fields.length];
    for (int i = 0; i < fields.length; i++) {
      byte[] f = fields[i].getBytes(StandardCharsets.US_ASCII);
      System.arraycopy(f, 0, out, 65 * i, f.length);
    }
    return -UserMemory.put(p.vm(), buf, out);
  }

  private long getrandom(Proc p, long buf, long len, long flags) {
    if ((flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE)) != 0
        || (flags & (GRND_RANDOM | GRND_INSECURE)) == (GRND_RANDOM | GRND_INSECURE)) {
      return -Errno.EINVAL;
    }
    if (len < 0) {
      return -Errno.EINVAL;
    }
    int n = (int) Math.min(len, GETRANDOM_MAX);
    byte[] chunk = new byte[Math.min(n, 65536)];
    int done = 0;
    while (done < n) {
      int k = Math.min(chunk.length, n - done);
      random.nextBytes(chunk);
      if (p.vm().copyout(buf + done, chunk, 0, k) != 0) {
        return done > 0 ? done : -Errno.EFAULT;
      }
      done += k;
    }
    return done;
  }

  /** The (soft, hard) limit uvm4j has for {@code resource}. */
  static long limit(int resource) {
    return switch (resource) {
      case RLIMIT_STACK -> ElfLoader.STACK_SIZE;
      case RLIMIT_NOFILE -> FileTable.MAX_FDS;
      case RLIMIT_NPROC -> ProcTable.PID_MAX;
      default -> RLIM_INFINITY;
    };
  }

  // kern_resource.c: sys_prlimit64
  private long prlimit(Proc p, long pid, long resource, long newp, long oldp) {
    if (resource < 0 || resource >= RLIM_NLIMITS) {
      return -Errno.EINVAL;
    }
    if (pid != 0 && pid != p.pid() && kernel.procs().find(pid) == null) {
      return -Errno.ESRCH;
    }
    long lim = limit((int) resource);
    if (newp != 0) {
      byte[] raw = UserMemory.get(p.vm(), newp, 16);
      if (raw == null) {
        return -Errno.EFAULT;
      }
      ByteBuffer b = UserMemory.le(raw);
      long cur = b.getLong(0);
      long max = b.getLong(8);
      if (Long.compareUnsigned(cur, max) > 0) {
        return -Errno.EINVAL;
      }
      if (cur != lim || max != lim) {
        return -Errno.EPERM; // limits are fixed in uvm4j
      }
    }
    if (oldp != 0) {
      ByteBuffer b = UserMemory.le(16);
      b.putLong(0, lim).putLong(8, lim);
      if (UserMemory.put(p.vm(), oldp, b.array()) != 0) {
        return -Errno.EFAULT;
      }
    }
    return 0;
  }
}
