package org.uvm4j.kernel.strace;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.syscall.Linux64Args.Arg;
import org.uvm4j.uvm.map.Vmspace;

/**
 * Formats one syscall argument as strace does, from its {@link Arg} kind, the argument registers
 * and (for what the kernel filled in) the result. Guest memory is read through the process's
 * address space; an unreadable pointer prints as its address, as strace does.
 */
final class ArgDecoder {
  /** strace's default {@code -s}: bytes of a string shown. */
  static final int MAX_STRLEN = 32;

  /** strace shows paths up to PATH_MAX bytes. */
  static final int PATH_MAX = 4096;

  private static final int AT_FDCWD = -100;

  private static final Xlat OPEN_FLAGS =
      Xlat.of(
          0100,
          "O_CREAT",
          0200,
          "O_EXCL",
          0400,
          "O_NOCTTY",
          01000,
          "O_TRUNC",
          02000,
          "O_APPEND",
          04000,
          "O_NONBLOCK",
          04010000,
          "O_SYNC",
          010000,
          "O_DSYNC",
          020000,
          "O_ASYNC",
          040000,
          "O_DIRECT",
          0100000,
          "O_LARGEFILE",
          0200000,
          "O_DIRECTORY",
          0400000,
          "O_NOFOLLOW",
          01000000,
          "O_NOATIME",
          02000000,
          "O_CLOEXEC",
          010000000,
          "O_PATH");
  private static final Xlat PROT =
      Xlat.of(
          1,
          "PROT_READ",
          2,
          "PROT_WRITE",
          4,
          "PROT_EXEC",
          0x01000000,
          "PROT_GROWSDOWN",
          0x02000000,
          "PROT_GROWSUP");
  private static final Xlat MAP_TYPE =
      Xlat.of(1, "MAP_SHARED", 2, "MAP_PRIVATE", 3, "MAP_SHARED_VALIDATE");
  private static final Xlat MAP_FLAGS =
      Xlat.of(
          0x10,
          "MAP_FIXED",
          0x20,
          "MAP_ANONYMOUS",
          0x40,
          "MAP_32BIT",
          0x100,
          "MAP_GROWSDOWN",
          0x800,
          "MAP_DENYWRITE",
          0x1000,
          "MAP_EXECUTABLE",
          0x2000,
          "MAP_LOCKED",
          0x4000,
          "MAP_NORESERVE",
          0x8000,
          "MAP_POPULATE",
          0x10000,
          "MAP_NONBLOCK",
          0x20000,
          "MAP_STACK",
          0x40000,
          "MAP_HUGETLB",
          0x80000,
          "MAP_SYNC",
          0x100000,
          "MAP_FIXED_NOREPLACE");
  private static final Xlat MREMAP =
      Xlat.of(1, "MREMAP_MAYMOVE", 2, "MREMAP_FIXED", 4, "MREMAP_DONTUNMAP");
  private static final Xlat MADV =
      Xlat.of(
          0,
          "MADV_NORMAL",
          1,
          "MADV_RANDOM",
          2,
          "MADV_SEQUENTIAL",
          3,
          "MADV_WILLNEED",
          4,
          "MADV_DONTNEED",
          8,
          "MADV_FREE",
          9,
          "MADV_REMOVE",
          10,
          "MADV_DONTFORK",
          11,
          "MADV_DOFORK",
          12,
          "MADV_MERGEABLE",
          13,
          "MADV_UNMERGEABLE",
          14,
          "MADV_HUGEPAGE",
          15,
          "MADV_NOHUGEPAGE",
          16,
          "MADV_DONTDUMP",
          17,
          "MADV_DODUMP",
          18,
          "MADV_WIPEONFORK",
          19,
          "MADV_KEEPONFORK",
          20,
          "MADV_COLD",
          21,
          "MADV_PAGEOUT",
          22,
          "MADV_POPULATE_READ",
          23,
          "MADV_POPULATE_WRITE",
          100,
          "MADV_HWPOISON");
  private static final Xlat MLOCKALL = Xlat.of(1, "MCL_CURRENT", 2, "MCL_FUTURE", 4, "MCL_ONFAULT");
  private static final Xlat ARCH_PRCTL =
      Xlat.of(
          0x1001,
          "ARCH_SET_GS",
          0x1002,
          "ARCH_SET_FS",
          0x1003,
          "ARCH_GET_FS",
          0x1004,
          "ARCH_GET_GS");
  private static final Xlat SIGHOW = Xlat.of(0, "SIG_BLOCK", 1, "SIG_UNBLOCK", 2, "SIG_SETMASK");
  private static final Xlat WAIT =
      Xlat.of(
          1,
          "WNOHANG",
          2,
          "WUNTRACED",
          4,
          "WEXITED",
          8,
          "WCONTINUED",
          0x01000000,
          "WNOWAIT",
          0x20000000,
          "__WNOTHREAD",
          0x40000000,
          "__WALL",
          0x80000000L,
          "__WCLONE");
  private static final Xlat IOCTL =
      Xlat.of(
          0x5401,
          "TCGETS",
          0x5402,
          "TCSETS",
          0x5403,
          "TCSETSW",
          0x5404,
          "TCSETSF",
          0x540F,
          "TIOCGPGRP",
          0x5410,
          "TIOCSPGRP",
          0x5413,
          "TIOCGWINSZ",
          0x5414,
          "TIOCSWINSZ",
          0x541B,
          "FIONREAD",
          0x5421,
          "FIONBIO",
          0x5450,
          "FIONCLEX",
          0x5451,
          "FIOCLEX");
  private static final Xlat FCNTL =
      Xlat.of(
          0,
          "F_DUPFD",
          1,
          "F_GETFD",
          2,
          "F_SETFD",
          3,
          "F_GETFL",
          4,
          "F_SETFL",
          5,
          "F_GETLK",
          6,
          "F_SETLK",
          7,
          "F_SETLKW",
          1030,
          "F_DUPFD_CLOEXEC");
  private static final Xlat CLOCK =
      Xlat.of(
          0,
          "CLOCK_REALTIME",
          1,
          "CLOCK_MONOTONIC",
          2,
          "CLOCK_PROCESS_CPUTIME_ID",
          3,
          "CLOCK_THREAD_CPUTIME_ID",
          4,
          "CLOCK_MONOTONIC_RAW",
          5,
          "CLOCK_REALTIME_COARSE",
          6,
          "CLOCK_MONOTONIC_COARSE",
          7,
          "CLOCK_BOOTTIME",
          8,
          "CLOCK_REALTIME_ALARM",
          9,
          "CLOCK_BOOTTIME_ALARM",
          11,
          "CLOCK_TAI");
  private static final Xlat WHENCE =
      Xlat.of(0, "SEEK_SET", 1, "SEEK_CUR", 2, "SEEK_END", 3, "SEEK_DATA", 4, "SEEK_HOLE");
  private static final Xlat ACCESS = Xlat.of(4, "R_OK", 2, "W_OK", 1, "X_OK");
  private static final Xlat AT =
      Xlat.of(
          0x100,
          "AT_SYMLINK_NOFOLLOW",
          0x200,
          "AT_EACCESS",
          0x400,
          "AT_SYMLINK_FOLLOW",
          0x800,
          "AT_NO_AUTOMOUNT",
          0x1000,
          "AT_EMPTY_PATH");
  private static final Xlat PIPE =
      Xlat.of(02000000, "O_CLOEXEC", 04000, "O_NONBLOCK", 040000, "O_DIRECT");
  private static final Xlat GRND =
      Xlat.of(1, "GRND_NONBLOCK", 2, "GRND_RANDOM", 4, "GRND_INSECURE");
  private static final Xlat CLONE =
      Xlat.of(
          0x100,
          "CLONE_VM",
          0x200,
          "CLONE_FS",
          0x400,
          "CLONE_FILES",
          0x800,
          "CLONE_SIGHAND",
          0x1000,
          "CLONE_PIDFD",
          0x2000,
          "CLONE_PTRACE",
          0x4000,
          "CLONE_VFORK",
          0x8000,
          "CLONE_PARENT",
          0x10000,
          "CLONE_THREAD",
          0x20000,
          "CLONE_NEWNS",
          0x40000,
          "CLONE_SYSVSEM",
          0x80000,
          "CLONE_SETTLS",
          0x100000,
          "CLONE_PARENT_SETTID",
          0x200000,
          "CLONE_CHILD_CLEARTID",
          0x400000,
          "CLONE_DETACHED",
          0x800000,
          "CLONE_UNTRACED",
          0x1000000,
          "CLONE_CHILD_SETTID",
          0x80000000L,
          "CLONE_IO");
  private static final Xlat SA_FLAGS =
      Xlat.of(
          0x04000000,
          "SA_RESTORER",
          0x08000000,
          "SA_ONSTACK",
          0x10000000,
          "SA_RESTART",
          0x40000000,
          "SA_NODEFER",
          0x80000000L,
          "SA_RESETHAND",
          4,
          "SA_SIGINFO",
          1,
          "SA_NOCLDSTOP",
          2,
          "SA_NOCLDWAIT");

  private ArgDecoder() {}

  /**
   * Appends argument {@code i} of {@code kinds} to {@code sb}.
   *
   * @param ret the call's result (for what it filled in); {@code ok}: it succeeded
   * @return false when strace omits this argument (open's mode without O_CREAT)
   */
  static boolean arg(StringBuilder sb, Proc p, Arg kind, long[] a, int i, long ret, boolean ok) {
    long v = a[i];
    if (kind.out() && (!ok || v == 0)) {
      pointer(sb, v);
      return true;
    }
    switch (kind) {
      case INT -> sb.append((int) v);
      case LONG -> sb.append(v);
      case ULONG -> sb.append(Long.toUnsignedString(v));
      case HEX -> sb.append(v == 0 ? "0" : "0x" + Long.toHexString(v));
      case PTR, PTR_OUT, RUSAGE_OUT -> pointer(sb, v);
      case FD -> sb.append((int) v);
      case DIRFD -> {
        if ((int) v == AT_FDCWD) {
          sb.append("AT_FDCWD");
        } else {
          sb.append((int) v);
        }
      }
      case PATH -> string(sb, p, v, PATH_MAX);
      case BUF_IN -> buffer(sb, p, v, a[i + 1]);
      case BUF_OUT -> buffer(sb, p, v, ret);
      case IOV_IN -> iovec(sb, p, v, (int) a[i + 1], Long.MAX_VALUE);
      case IOV_OUT -> iovec(sb, p, v, (int) a[i + 1], ret);
      case OPEN_FLAGS -> openFlags(sb, v);
      case OPEN_MODE -> {
        if ((a[i - 1] & 0100) == 0 && (a[i - 1] & 020000000) == 0) {
          return false;
        }
        octal(sb, v);
      }
      case MODE -> octal(sb, v);
      case ACCESS_MODE -> ACCESS.flags(sb, v, "F_OK");
      case AT_FLAGS -> AT.flags(sb, v, "0");
      case WHENCE -> WHENCE.value(sb, v, null);
      case PROT -> PROT.flags(sb, v, "PROT_NONE");
      case MAP_FLAGS -> {
        MAP_TYPE.value(sb, v & 0xf, null);
        if ((v & ~0xfL) != 0) {
          sb.append('|');
          MAP_FLAGS.flags(sb, v & ~0xfL, null);
        }
      }
      case MREMAP_FLAGS -> MREMAP.flags(sb, v, "0");
      case MADV -> MADV.value(sb, v, "MADV_???");
      case MLOCKALL_FLAGS -> MLOCKALL.flags(sb, v, "0");
      case ARCH_PRCTL -> ARCH_PRCTL.value(sb, v, "ARCH_???");
      case SIGHOW -> SIGHOW.value(sb, v, "SIG_???");
      case SIGSET, SIGSET_OUT -> {
        long[] m = longs(p, v, 1);
        if (m == null) {
          pointer(sb, v);
        } else {
          SignalNames.set(sb, m[0]);
        }
      }
      case SIGNUM -> sb.append(SignalNames.name((int) v));
      case SIGACTION, SIGACTION_OUT -> sigaction(sb, p, v);
      case WSTATUS_OUT -> wstatus(sb, p, v);
      case WAIT_OPTIONS -> WAIT.flags(sb, v, "0");
      case PIPEFD_OUT -> {
        byte[] b = read(p, v, 8);
        if (b == null) {
          pointer(sb, v);
        } else {
          ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
          sb.append('[').append(bb.getInt(0)).append(", ").append(bb.getInt(4)).append(']');
        }
      }
      case PIPE_FLAGS -> PIPE.flags(sb, v, "0");
      case IOCTL_REQ -> IOCTL.value(sb, v, null);
      case FCNTL_CMD -> FCNTL.value(sb, v, null);
      case CLOCKID -> CLOCK.value(sb, v, null);
      case TIMESPEC, TIMESPEC_OUT -> {
        long[] t = longs(p, v, 2);
        if (t == null) {
          pointer(sb, v);
        } else {
          sb.append("{tv_sec=").append(t[0]).append(", tv_nsec=").append(t[1]).append('}');
        }
      }
      case ARGV -> argv(sb, p, v);
      case ENVP -> envp(sb, p, v);
      case STAT_OUT -> stat(sb, p, v);
      case UTSNAME_OUT -> utsname(sb, p, v);
      case CLONE_FLAGS -> {
        sb.append("flags=");
        CLONE.flags(sb, v & ~0xffL, null);
        if ((v & 0xff) != 0) {
          if ((v & ~0xffL) != 0) {
            sb.append('|');
          }
          sb.append(SignalNames.name((int) (v & 0xff)));
        }
      }
      case GRND_FLAGS -> GRND.flags(sb, v, "0");
    }
    return true;
  }

  /**
   * clone's arguments as strace shows them on x86-64: {@code child_stack=…, flags=…}, then the
   * pointers the flags use.
   */
  static void clone(StringBuilder sb, long[] a) {
    long flags = a[0];
    sb.append("child_stack=");
    pointer(sb, a[1]);
    sb.append(", ");
    arg(sb, null, Arg.CLONE_FLAGS, a, 0, 0, true);
    if ((flags & 0x100000) != 0) {
      sb.append(", parent_tid=");
      pointer(sb, a[2]);
    }
    if ((flags & (0x1000000 | 0x200000)) != 0) {
      sb.append(", child_tidptr=");
      pointer(sb, a[3]);
    }
    if ((flags & 0x80000) != 0) {
      sb.append(", tls=");
      pointer(sb, a[4]);
    }
  }

  /** NULL or the address in hex. */
  static void pointer(StringBuilder sb, long v) {
    if (v == 0) {
      sb.append("NULL");
    } else {
      sb.append("0x").append(Long.toHexString(v));
    }
  }

  private static void octal(StringBuilder sb, long v) {
    sb.append('0').append(Long.toOctalString(v));
  }

  private static void openFlags(StringBuilder sb, long v) {
    int acc = (int) (v & 3);
    sb.append(
        switch (acc) {
          case 0 -> "O_RDONLY";
          case 1 -> "O_WRONLY";
          case 2 -> "O_RDWR";
          default -> "O_ACCMODE";
        });
    if ((v & ~3L) != 0) {
      sb.append('|');
      OPEN_FLAGS.flags(sb, v & ~3L, null);
    }
  }

  /** {@code len} bytes at {@code va}, or null when some are unreadable. */
  static byte[] read(Proc p, long va, int len) {
    Vmspace vm = p.vm();
    if (vm == null || va == 0) {
      return null;
    }
    byte[] b = new byte[len];
    return vm.copyin(va, b, 0, len) == 0 ? b : null;
  }

  private static long[] longs(Proc p, long va, int n) {
    byte[] b = read(p, va, 8 * n);
    if (b == null) {
      return null;
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    long[] r = new long[n];
    for (int i = 0; i < n; i++) {
      r[i] = bb.getLong(8 * i);
    }
    return r;
  }

  /**
   * A NUL-terminated string: at most {@code max} bytes shown (32 for strings, PATH_MAX for paths,
   * as strace), {@code ...} when longer.
   */
  private static void string(StringBuilder sb, Proc p, long va, int max) {
    if (va == 0 || p.vm() == null) {
      pointer(sb, va);
      return;
    }
    byte[] b = new byte[max + 1];
    int n = 0;
    while (n < b.length) {
      // page by page: a string may end just before an unmapped page
      int chunk = (int) Math.min(b.length - n, 4096 - ((va + n) & 4095));
      if (p.vm().copyin(va + n, b, n, chunk) != 0) {
        if (n == 0) {
          pointer(sb, va);
          return;
        }
        break;
      }
      int end = -1;
      for (int k = n; k < n + chunk; k++) {
        if (b[k] == 0) {
          end = k;
          break;
        }
      }
      if (end >= 0) {
        StraceText.quote(sb, b, end, false);
        return;
      }
      n += chunk;
    }
    StraceText.quote(sb, b, Math.min(n, max), true);
  }

  /** A buffer of {@code len} bytes (at most 32 shown). */
  private static void buffer(StringBuilder sb, Proc p, long va, long len) {
    if (len < 0) {
      pointer(sb, va);
      return;
    }
    int shown = (int) Math.min(len, MAX_STRLEN);
    byte[] b = read(p, va, shown);
    if (b == null && shown > 0) {
      pointer(sb, va);
      return;
    }
    StraceText.quote(sb, b == null ? new byte[0] : b, shown, len > MAX_STRLEN);
  }

  /** {@code [{iov_base="…", iov_len=N}, …]}; bytes beyond {@code total} are not shown. */
  private static void iovec(StringBuilder sb, Proc p, long va, int count, long total) {
    if (count < 0 || count > 1024) {
      pointer(sb, va);
      return;
    }
    long[] v = longs(p, va, 2 * count);
    if (v == null) {
      pointer(sb, va);
      return;
    }
    sb.append('[');
    long left = total;
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      if (i == MAX_STRLEN) {
        sb.append("...");
        break;
      }
      long base = v[2 * i];
      long len = v[2 * i + 1];
      sb.append("{iov_base=");
      if (base == 0) {
        sb.append("NULL");
      } else if (left <= 0 && len > 0) {
        pointer(sb, base);
      } else {
        buffer(sb, p, base, Math.min(len, left));
      }
      left -= Math.min(len, Math.max(left, 0));
      sb.append(", iov_len=").append(Long.toUnsignedString(len)).append('}');
    }
    sb.append(']');
  }

  private static void argv(StringBuilder sb, Proc p, long va) {
    if (va == 0) {
      sb.append("NULL");
      return;
    }
    sb.append('[');
    for (int i = 0; ; i++) {
      long[] e = longs(p, va + 8L * i, 1);
      if (e == null) {
        sb.append(i == 0 ? "" : ", ").append("0x").append(Long.toHexString(va + 8L * i));
        break;
      }
      if (e[0] == 0) {
        break;
      }
      if (i > 0) {
        sb.append(", ");
      }
      if (i == MAX_STRLEN) {
        sb.append("...");
        break;
      }
      string(sb, p, e[0], MAX_STRLEN);
    }
    sb.append(']');
  }

  private static void envp(StringBuilder sb, Proc p, long va) {
    pointer(sb, va);
    if (va == 0) {
      return;
    }
    int n = 0;
    while (n < 100_000) {
      long[] e = longs(p, va + 8L * n, 1);
      if (e == null || e[0] == 0) {
        break;
      }
      n++;
    }
    sb.append(" /* ").append(n).append(n == 1 ? " var */" : " vars */");
  }

  private static void sigaction(StringBuilder sb, Proc p, long va) {
    long[] s = longs(p, va, 4);
    if (s == null) {
      pointer(sb, va);
      return;
    }
    sb.append("{sa_handler=");
    if (s[0] == 0) {
      sb.append("SIG_DFL");
    } else if (s[0] == 1) {
      sb.append("SIG_IGN");
    } else {
      pointer(sb, s[0]);
    }
    sb.append(", sa_mask=");
    SignalNames.set(sb, s[3]);
    sb.append(", sa_flags=");
    SA_FLAGS.flags(sb, s[1], "0");
    if ((s[1] & 0x04000000) != 0) {
      sb.append(", sa_restorer=");
      pointer(sb, s[2]);
    }
    sb.append('}');
  }

  private static void wstatus(StringBuilder sb, Proc p, long va) {
    byte[] b = read(p, va, 4);
    if (b == null) {
      pointer(sb, va);
      return;
    }
    int st = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    sb.append("[{");
    if ((st & 0x7f) == 0) {
      sb.append("WIFEXITED(s) && WEXITSTATUS(s) == ").append((st >> 8) & 0xff);
    } else if ((st & 0xff) == 0x7f) {
      sb.append("WIFSTOPPED(s) && WSTOPSIG(s) == ").append(SignalNames.name((st >> 8) & 0xff));
    } else {
      sb.append("WIFSIGNALED(s) && WTERMSIG(s) == ").append(SignalNames.name(st & 0x7f));
      if ((st & 0x80) != 0) {
        sb.append(" && WCOREDUMP(s)");
      }
    }
    sb.append("}]");
  }

  private static void stat(StringBuilder sb, Proc p, long va) {
    byte[] b = read(p, va, 144);
    if (b == null) {
      pointer(sb, va);
      return;
    }
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    int mode = bb.getInt(24);
    long rdev = bb.getLong(40);
    long size = bb.getLong(48);
    sb.append("{st_mode=");
    String type =
        switch (mode & 0170000) {
          case 0140000 -> "S_IFSOCK";
          case 0120000 -> "S_IFLNK";
          case 0100000 -> "S_IFREG";
          case 0060000 -> "S_IFBLK";
          case 0040000 -> "S_IFDIR";
          case 0020000 -> "S_IFCHR";
          case 0010000 -> "S_IFIFO";
          default -> null;
        };
    if (type != null) {
      sb.append(type).append('|');
    }
    sb.append('0').append(Integer.toOctalString(mode & 07777));
    int fmt = mode & 0170000;
    if (fmt == 0020000 || fmt == 0060000) {
      long major = ((rdev >>> 8) & 0xfff) | ((rdev >>> 32) & ~0xfffL);
      long minor = (rdev & 0xff) | ((rdev >>> 12) & ~0xffL);
      sb.append(", st_rdev=makedev(0x")
          .append(Long.toHexString(major))
          .append(", ")
          .append(minor)
          .append(')');
    } else {
      sb.append(", st_size=").append(size);
    }
    sb.append(", ...}");
  }

  private static void utsname(StringBuilder sb, Proc p, long va) {
    byte[] b = read(p, va, 130);
    if (b == null) {
      pointer(sb, va);
      return;
    }
    sb.append("{sysname=");
    field(sb, b, 0);
    sb.append(", nodename=");
    field(sb, b, 65);
    sb.append(", ...}");
  }

  private static void field(StringBuilder sb, byte[] b, int off) {
    int end = off;
    while (end < off + 65 && b[end] != 0) {
      end++;
    }
    byte[] f =
        new String(b, off, end - off, StandardCharsets.ISO_8859_1)
            .getBytes(StandardCharsets.ISO_8859_1);
    StraceText.quote(sb, f, Math.min(f.length, MAX_STRLEN), f.length > MAX_STRLEN);
  }
}
