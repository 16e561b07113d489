package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.ResourceLimits;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.VirtualClock;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.Stat;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;

/**
 * System information and process attribute calls: uname, the user and group ids, getrandom (a
 * deterministic generator seeded from the configuration), prlimit64/getrlimit/setrlimit (each
 * process's {@link ResourceLimits}), sysinfo (the emulated RAM and swap, virtual uptime), times
 * (virtual CPU time at 1 ns per instruction), prctl's basic options, set_robust_list/
 * get_robust_list (the head is recorded), and fadvise64 (checked, then advice only, as for files
 * without a page cache of their own).
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

  /** sizeof(struct robust_list_head) on x86-64. */
  static final long ROBUST_LIST_HEAD_SIZE = 24;

  /** sizeof(struct sysinfo) on x86-64. */
  static final int SYSINFO_SIZE = 112;

  /** sizeof(struct tms): four clock_t. */
  static final int TMS_SIZE = 32;

  /** USER_HZ: the unit of clock_t in times(). */
  static final long USER_HZ = 100;

  /** TASK_COMM_LEN: a thread name is at most 15 bytes plus the NUL. */
  static final int TASK_COMM_LEN = 16;

  static final int PR_SET_PDEATHSIG = 1;
  static final int PR_GET_PDEATHSIG = 2;
  static final int PR_GET_DUMPABLE = 3;
  static final int PR_SET_DUMPABLE = 4;
  static final int PR_GET_KEEPCAPS = 7;
  static final int PR_SET_KEEPCAPS = 8;
  static final int PR_SET_NAME = 15;
  static final int PR_GET_NAME = 16;
  static final int PR_GET_SECCOMP = 21;
  static final int PR_CAPBSET_READ = 23;
  static final int PR_GET_TIMERSLACK = 30;
  static final int PR_SET_NO_NEW_PRIVS = 38;
  static final int PR_GET_NO_NEW_PRIVS = 39;
  static final int PR_SET_MDWE = 65;
  static final int PR_GET_MDWE = 66;
  static final int PR_MDWE_REFUSE_EXEC_GAIN = 1;
  static final int PR_MDWE_NO_INHERIT = 2;

  /** The timer slack Linux reports by default (50 us). */
  static final long DEFAULT_TIMERSLACK_NS = 50_000;

  /** CAP_LAST_CAP of Linux 6.1 (CAP_CHECKPOINT_RESTORE). */
  static final int CAP_LAST_CAP = 40;

  static final int POSIX_FADV_NORMAL = 0;
  static final int POSIX_FADV_NOREUSE = 5;

  private final ProcTable procs;
  private final VirtualClock clock;
  private final Uvm uvm;
  private final SplittableRandom random;

  /**
   * {@code seed}: the configuration's random seed (getrandom's bytes follow from it); {@code clock}
   * and {@code uvm} for sysinfo and times.
   */
  InfoSyscalls(ProcTable procs, VirtualClock clock, Uvm uvm, long seed) {
    this.procs = procs;
    this.clock = clock;
    this.uvm = uvm;
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

  // kernel/sys.c: sys_sysinfo (struct sysinfo *info)
  long sysinfo(SyscallContext c) {
    long pageSize = 4096;
    var exp = uvm.exp();
    ByteBuffer b = c.mem().buffer(SYSINFO_SIZE);
    for (int i = 0; i < SYSINFO_SIZE; i += 8) {
      b.putLong(i, 0);
    }
    long ns = clock.now();
    b.putLong(0, ns / 1_000_000_000L + (ns % 1_000_000_000L != 0 ? 1 : 0)); // uptime, rounded up
    // loads[3] stay 0: the machine has no load average
    b.putLong(32, exp.npages * pageSize); // totalram
    b.putLong(40, exp.free * pageSize); // freeram
    b.putLong(48, 0); // sharedram
    b.putLong(56, 0); // bufferram
    b.putLong(64, exp.swpages * pageSize); // totalswap
    b.putLong(72, (exp.swpages - exp.swpginuse) * pageSize); // freeswap
    b.putShort(80, (short) Math.min(procs.size(), 0xffff)); // procs
    b.putInt(104, 1); // mem_unit: byte counts
    return c.mem().out(c.pointer(0), SYSINFO_SIZE) != 0 ? -Errno.EFAULT : 0;
  }

  // kernel/sys.c: sys_times (struct tms *tbuf): clock ticks since boot
  long times(SyscallContext c) {
    long buf = c.pointer(0);
    Proc p = c.proc();
    if (buf != 0) {
      ByteBuffer b = c.mem().buffer(TMS_SIZE);
      b.putLong(0, ticks(p.instructions())); // tms_utime
      b.putLong(8, 0); // tms_stime: system calls cost no virtual time
      b.putLong(16, ticks(p.childInstructions())); // tms_cutime
      b.putLong(24, 0); // tms_cstime
      if (c.mem().out(buf, TMS_SIZE) != 0) {
        return -Errno.EFAULT;
      }
    }
    return ticks(clock.now());
  }

  /** Nanoseconds as USER_HZ clock ticks. */
  static long ticks(long ns) {
    return ns / (1_000_000_000L / USER_HZ);
  }

  // kernel/sys.c: sys_prctl (int option, unsigned long arg2, ...)
  long prctl(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    int option = c.int32(0);
    long arg2 = c.raw(1);
    switch (option) {
      case PR_SET_NAME -> {
        // strncpy_from_user of at most 15 bytes: a longer name is cut, not refused
        byte[] name = new byte[TASK_COMM_LEN - 1];
        byte[] one = new byte[1];
        int n = 0;
        while (n < name.length) {
          c.mem().read(arg2 + n, one, 0, 1);
          if (one[0] == 0) {
            break;
          }
          name[n++] = one[0];
        }
        p.setComm(new String(name, 0, n, StandardCharsets.UTF_8));
        return 0;
      }
      case PR_GET_NAME -> {
        byte[] out = new byte[TASK_COMM_LEN];
        byte[] name = p.comm().getBytes(StandardCharsets.UTF_8);
        System.arraycopy(name, 0, out, 0, Math.min(name.length, TASK_COMM_LEN - 1));
        return c.mem().write(arg2, out) != 0 ? -Errno.EFAULT : 0;
      }
      case PR_SET_PDEATHSIG -> {
        if (arg2 < 0 || arg2 > Signals.NSIG) {
          return -Errno.EINVAL;
        }
        p.setPdeathSignal((int) arg2);
        return 0;
      }
      case PR_GET_PDEATHSIG -> {
        return c.mem().writeInt(arg2, p.pdeathSignal()) != 0 ? -Errno.EFAULT : 0;
      }
      case PR_GET_DUMPABLE -> {
        return p.dumpable();
      }
      case PR_SET_DUMPABLE -> {
        if (arg2 != 0 && arg2 != 1) {
          return -Errno.EINVAL;
        }
        p.setDumpable((int) arg2);
        return 0;
      }
      case PR_GET_KEEPCAPS, PR_GET_SECCOMP -> {
        return 0;
      }
      case PR_SET_KEEPCAPS -> {
        return arg2 == 0 || arg2 == 1 ? 0 : -Errno.EINVAL;
      }
      case PR_CAPBSET_READ -> {
        // an unprivileged user's bounding set is still full
        return arg2 >= 0 && arg2 <= CAP_LAST_CAP ? 1 : -Errno.EINVAL;
      }
      case PR_GET_TIMERSLACK -> {
        return DEFAULT_TIMERSLACK_NS;
      }
      case PR_SET_NO_NEW_PRIVS -> {
        if (arg2 != 1 || c.raw(2) != 0 || c.raw(3) != 0 || c.raw(4) != 0) {
          return -Errno.EINVAL;
        }
        p.setNoNewPrivs();
        return 0;
      }
      case PR_GET_NO_NEW_PRIVS -> {
        if (arg2 != 0 || c.raw(2) != 0 || c.raw(3) != 0 || c.raw(4) != 0) {
          return -Errno.EINVAL;
        }
        return p.noNewPrivs() ? 1 : 0;
      }
      case PR_SET_MDWE -> {
        return setMdwe(c.vm(), arg2, c.raw(2), c.raw(3), c.raw(4));
      }
      case PR_GET_MDWE -> {
        if (arg2 != 0 || c.raw(2) != 0 || c.raw(3) != 0 || c.raw(4) != 0) {
          return -Errno.EINVAL;
        }
        return mdweBits(c.vm());
      }
      default -> {
        return -Errno.EINVAL;
      }
    }
  }

  /**
   * PR_SET_MDWE: turns memory-deny-write-execute on for the address space ({@link
   * Vmspace#denyWriteExec}); once on it cannot be turned off or changed (EPERM).
   */
  // kernel/sys.c: prctl_set_mdwe
  private static long setMdwe(Vmspace vm, long bits, long a3, long a4, long a5) {
    if (a3 != 0 || a4 != 0 || a5 != 0) {
      return -Errno.EINVAL;
    }
    if ((bits & ~(long) (PR_MDWE_REFUSE_EXEC_GAIN | PR_MDWE_NO_INHERIT)) != 0) {
      return -Errno.EINVAL;
    }
    if ((bits & PR_MDWE_NO_INHERIT) != 0 && (bits & PR_MDWE_REFUSE_EXEC_GAIN) == 0) {
      return -Errno.EINVAL;
    }
    int current = mdweBits(vm);
    if (current != 0 && current != bits) {
      return -Errno.EPERM; // cannot be disabled or changed
    }
    if (bits != 0) {
      vm.denyWriteExec((bits & PR_MDWE_NO_INHERIT) != 0);
    }
    return 0;
  }

  // kernel/sys.c: prctl_get_mdwe
  private static int mdweBits(Vmspace vm) {
    if (!vm.isDenyWriteExec()) {
      return 0;
    }
    return PR_MDWE_REFUSE_EXEC_GAIN | (vm.isDenyWriteExecNoInherit() ? PR_MDWE_NO_INHERIT : 0);
  }

  // kernel/futex/syscalls.c: sys_set_robust_list (struct robust_list_head *head, size_t len)
  long setRobustList(SyscallContext c) {
    if (c.size(1) != ROBUST_LIST_HEAD_SIZE) {
      return -Errno.EINVAL;
    }
    c.proc().setRobustList(c.pointer(0), c.size(1));
    return 0;
  }

  // kernel/futex/syscalls.c: sys_get_robust_list (int pid, head_ptr *, size_t *len_ptr)
  long getRobustList(SyscallContext c) {
    int pid = c.pid(0);
    Proc t = pid == 0 ? c.proc() : procs.find(pid);
    if (t == null || !t.isAlive()) {
      return -Errno.ESRCH;
    }
    if (c.mem().writeLong(c.pointer(2), ROBUST_LIST_HEAD_SIZE) != 0) {
      return -Errno.EFAULT;
    }
    return c.mem().writeLong(c.pointer(1), t.robustListHead()) != 0 ? -Errno.EFAULT : 0;
  }

  // mm/fadvise.c: ksys_fadvise64_64 (int fd, loff_t offset, loff_t len, int advice)
  long fadvise64(SyscallContext c) {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    int type = f.stat().mode() & Stat.S_IFMT;
    if (type == Stat.S_IFIFO) {
      return -Errno.ESPIPE;
    }
    int advice = c.int32(3);
    if (c.raw(2) < 0 || advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE) {
      return -Errno.EINVAL;
    }
    return 0; // advice: uvm4j reads host files through the host's own cache
  }
}
