package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.kernel.fs.HostDirectory;
import org.uvm4j.kernel.fs.HostFs;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.OpenFlags;
import org.uvm4j.kernel.fs.Pipe;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.map.Vmspace;

/**
 * Descriptor and file system calls ({@code sys_generic.c}, {@code vfs_syscalls.c}, {@code
 * sys_pipe.c}): read/write and their vector and positional forms, open/openat on the read-only host
 * file system, close, lseek, fstat/newfstatat, ioctl, pipe/pipe2, dup/dup2/dup3, fcntl, getcwd,
 * access/faccessat.
 *
 * <p>Blocking: a read of an empty pipe or a write to a full one puts the process to sleep on the
 * pipe's channel and restarts the call when woken; a large write keeps the bytes already written
 * across restarts and returns them if a signal handler interrupts it.
 */
final class FileSyscalls {
  /** Linux's MAX_RW_COUNT: one read/write moves at most this many bytes. */
  static final long MAX_RW_COUNT = 0x7ffff000L;

  /** UIO_MAXIOV. */
  static final int UIO_MAXIOV = 1024;

  /** Bytes moved between the guest and a file per step. */
  static final int CHUNK = 65536;

  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  static final int AT_EACCESS = 0x200;
  static final int AT_EMPTY_PATH = 0x1000;
  static final int AT_NO_AUTOMOUNT = 0x800;
  static final int AT_STATX_SYNC_TYPE = 0x6000;

  static final int TCGETS = 0x5401;
  static final int TIOCGWINSZ = 0x5413;
  static final int FIONREAD = 0x541B;
  static final int FIONBIO = 0x5421;
  static final int FIONCLEX = 0x5450;
  static final int FIOCLEX = 0x5451;

  static final int F_DUPFD = 0;
  static final int F_GETFD = 1;
  static final int F_SETFD = 2;
  static final int F_GETFL = 3;
  static final int F_SETFL = 4;
  static final int F_DUPFD_CLOEXEC = 1030;

  private final Kernel kernel;
  private long nextPipeIno = 1;

  FileSyscalls(Kernel kernel) {
    this.kernel = kernel;
  }

  void register(SyscallTable t) {
    t.register(
        Syscall.READ, "read", (p, fd, buf, n, a3, a4, a5) -> readv(p, fd, new long[] {buf, n}));
    t.register(
        Syscall.WRITE, "write", (p, fd, buf, n, a3, a4, a5) -> writev(p, fd, new long[] {buf, n}));
    t.register(
        Syscall.READV, "readv", (p, fd, iov, cnt, a3, a4, a5) -> vector(p, fd, iov, cnt, false));
    t.register(
        Syscall.WRITEV, "writev", (p, fd, iov, cnt, a3, a4, a5) -> vector(p, fd, iov, cnt, true));
    t.register(
        Syscall.PREAD64, "pread64", (p, fd, buf, n, off, a4, a5) -> pread(p, fd, buf, n, off));
    t.register(Syscall.PWRITE64, "pwrite64", (p, fd, buf, n, off, a4, a5) -> pwrite(p, fd, off));
    t.register(
        Syscall.OPEN,
        "open",
        (p, path, fl, mode, a3, a4, a5) -> openat(p, HostFs.AT_FDCWD, path, fl));
    t.register(
        Syscall.OPENAT, "openat", (p, dfd, path, fl, mode, a4, a5) -> openat(p, dfd, path, fl));
    t.register(Syscall.CLOSE, "close", (p, fd, a1, a2, a3, a4, a5) -> -p.files().close(fd));
    t.register(Syscall.LSEEK, "lseek", (p, fd, off, wh, a3, a4, a5) -> lseek(p, fd, off, wh));
    t.register(Syscall.FSTAT, "fstat", (p, fd, buf, a2, a3, a4, a5) -> fstat(p, fd, buf));
    t.register(
        Syscall.STAT,
        "stat",
        (p, path, buf, a2, a3, a4, a5) -> fstatat(p, HostFs.AT_FDCWD, path, buf, 0));
    t.register(
        Syscall.LSTAT,
        "lstat",
        (p, path, buf, a2, a3, a4, a5) ->
            fstatat(p, HostFs.AT_FDCWD, path, buf, AT_SYMLINK_NOFOLLOW));
    t.register(
        Syscall.NEWFSTATAT,
        "newfstatat",
        (p, dfd, path, buf, fl, a4, a5) -> fstatat(p, dfd, path, buf, fl));
    t.register(Syscall.IOCTL, "ioctl", (p, fd, req, arg, a3, a4, a5) -> ioctl(p, fd, req, arg));
    t.register(Syscall.PIPE, "pipe", (p, fds, a1, a2, a3, a4, a5) -> pipe2(p, fds, 0));
    t.register(Syscall.PIPE2, "pipe2", (p, fds, fl, a2, a3, a4, a5) -> pipe2(p, fds, fl));
    t.register(Syscall.DUP, "dup", (p, fd, a1, a2, a3, a4, a5) -> p.files().dup(fd, 0, false));
    t.register(Syscall.DUP2, "dup2", (p, o, n, a2, a3, a4, a5) -> p.files().dup2(o, n));
    t.register(Syscall.DUP3, "dup3", (p, o, n, fl, a3, a4, a5) -> p.files().dup3(o, n, (int) fl));
    t.register(Syscall.FCNTL, "fcntl", (p, fd, cmd, arg, a3, a4, a5) -> fcntl(p, fd, cmd, arg));
    t.register(Syscall.GETCWD, "getcwd", (p, buf, size, a2, a3, a4, a5) -> getcwd(p, buf, size));
    t.register(
        Syscall.ACCESS,
        "access",
        (p, path, mode, a2, a3, a4, a5) -> faccessat(p, HostFs.AT_FDCWD, path, mode, 0));
    t.register(
        Syscall.FACCESSAT,
        "faccessat",
        (p, dfd, path, mode, a3, a4, a5) -> faccessat(p, dfd, path, mode, 0));
    t.register(
        Syscall.FACCESSAT2,
        "faccessat2",
        (p, dfd, path, mode, fl, a4, a5) -> faccessat(p, dfd, path, mode, fl));
  }

  // ------------------------------------------------------------------ read and write

  /** Reads (base, len) pairs of an iovec array. */
  private static long[] iovecs(Vmspace vm, long iov, long cnt, int[] err) {
    if (cnt < 0 || cnt > UIO_MAXIOV) {
      err[0] = Errno.EINVAL;
      return null;
    }
    if (cnt == 0) {
      return new long[0];
    }
    byte[] raw = UserMemory.get(vm, iov, (int) cnt * 16);
    if (raw == null) {
      err[0] = Errno.EFAULT;
      return null;
    }
    ByteBuffer b = UserMemory.le(raw);
    long[] segs = new long[(int) cnt * 2];
    long total = 0;
    for (int i = 0; i < cnt; i++) {
      segs[2 * i] = b.getLong(16 * i);
      segs[2 * i + 1] = b.getLong(16 * i + 8);
      if (segs[2 * i + 1] < 0) {
        err[0] = Errno.EINVAL;
        return null;
      }
      total += segs[2 * i + 1];
      if (total < 0) {
        err[0] = Errno.EINVAL;
        return null;
      }
    }
    return segs;
  }

  private long vector(Proc p, long fd, long iov, long cnt, boolean write) {
    int[] err = new int[1];
    OpenFile f = p.files().get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    long[] segs = iovecs(p.vm(), iov, cnt, err);
    if (segs == null) {
      return -err[0];
    }
    return write ? writev(p, fd, segs) : readv(p, fd, segs);
  }

  private static long total(long[] segs) {
    long t = 0;
    for (int i = 1; i < segs.length; i += 2) {
      t += segs[i];
    }
    return Math.min(t, MAX_RW_COUNT);
  }

  /**
   * Copies {@code len} bytes starting {@code skip} bytes into the segments, to or from {@code buf}.
   */
  private static int transfer(Vmspace vm, long[] segs, long skip, byte[] buf, int len, boolean in) {
    int done = 0;
    long pos = 0;
    for (int i = 0; i < segs.length && done < len; i += 2) {
      long base = segs[i];
      long n = segs[i + 1];
      if (pos + n <= skip) {
        pos += n;
        continue;
      }
      long from = Math.max(0, skip - pos);
      int take = (int) Math.min(n - from, len - done);
      int e =
          in ? vm.copyin(base + from, buf, done, take) : vm.copyout(base + from, buf, done, take);
      if (e != 0) {
        return e;
      }
      done += take;
      pos += n;
    }
    return 0;
  }

  // sys_generic.c: dofilereadv
  private long readv(Proc p, long fd, long[] segs) {
    OpenFile f = p.files().get(fd);
    if (f == null || !f.readable()) {
      return -Errno.EBADF;
    }
    if (segs.length == 2 && segs[1] < 0) {
      return -Errno.EINVAL;
    }
    long total = total(segs);
    int len = (int) Math.min(total, 16L * CHUNK);
    byte[] buf = new byte[len];
    long n = f.read(buf, 0, len);
    if (n == OpenFile.WOULD_BLOCK) {
      kernel.scheduler().sleep(p, f.readChannel(), -1);
      return Syscall.ERESTART;
    }
    if (n <= 0) {
      return n;
    }
    if (transfer(p.vm(), segs, 0, buf, (int) n, false) != 0) {
      return -Errno.EFAULT;
    }
    return n;
  }

  // sys_generic.c: dofilewritev
  private long writev(Proc p, long fd, long[] segs) {
    OpenFile f = p.files().get(fd);
    if (f == null || !f.writable()) {
      return -Errno.EBADF;
    }
    if (segs.length == 2 && segs[1] < 0) {
      return -Errno.EINVAL;
    }
    long total = total(segs);
    boolean atomic = total <= Pipe.PIPE_BUF;
    long done = p.syscallProgress();
    byte[] buf = new byte[(int) Math.min(total - done, CHUNK)];
    while (done < total) {
      int chunk = (int) Math.min(total - done, CHUNK);
      if (transfer(p.vm(), segs, done, buf, chunk, true) != 0) {
        return done > 0 ? done : -Errno.EFAULT;
      }
      long r = f.write(buf, 0, chunk, atomic);
      if (r == OpenFile.WOULD_BLOCK) {
        p.setSyscallProgress(done);
        kernel.scheduler().sleep(p, f.writeChannel(), -1);
        return Syscall.ERESTART;
      }
      if (r < 0) {
        if (r == -Errno.EPIPE && f.raisesSigpipe()) {
          kernel
              .signals()
              .post(p, Signals.SIGPIPE, SigInfo.user(Signals.SIGPIPE, SigInfo.SI_USER, p.pid()));
        }
        return done > 0 ? done : r;
      }
      done += r;
    }
    return done;
  }

  private long pread(Proc p, long fd, long buf, long n, long off) {
    OpenFile f = p.files().get(fd);
    if (f == null || !f.readable()) {
      return -Errno.EBADF;
    }
    if (off < 0 || n < 0) {
      return -Errno.EINVAL;
    }
    int len = (int) Math.min(n, 16L * CHUNK);
    byte[] b = new byte[len];
    long r = f.pread(b, 0, len, off);
    if (r <= 0) {
      return r;
    }
    return p.vm().copyout(buf, b, 0, (int) r) != 0 ? -Errno.EFAULT : r;
  }

  private long pwrite(Proc p, long fd, long off) {
    OpenFile f = p.files().get(fd);
    if (f == null || !f.writable()) {
      return -Errno.EBADF;
    }
    return off < 0 ? -Errno.EINVAL : -Errno.ESPIPE;
  }

  // ------------------------------------------------------------------ names

  /** The directory relative paths start from for {@code dirfd}, or null with {@code err[0]}. */
  private Path base(Proc p, long dirfd, String path, int[] err) {
    if (path.startsWith("/") || dirfd == HostFs.AT_FDCWD) {
      return kernel.hostFs().cwd();
    }
    OpenFile d = p.files().get(dirfd);
    if (d == null) {
      err[0] = Errno.EBADF;
      return null;
    }
    if (!(d instanceof HostDirectory hd)) {
      err[0] = Errno.ENOTDIR;
      return null;
    }
    return hd.path();
  }

  // vfs_syscalls.c: do_sys_openat
  private long openat(Proc p, long dirfd, long pathp, long flags) {
    int[] err = new int[1];
    String path = UserMemory.getPath(p.vm(), pathp, err);
    if (path == null) {
      return -err[0];
    }
    Path base = base(p, dirfd, path, err);
    if (base == null) {
      return -err[0];
    }
    HostFs.Opened o = kernel.hostFs().open(base, path, (int) flags);
    if (o.file() == null) {
      return -o.errno();
    }
    int fd = p.files().install(o.file(), (flags & OpenFlags.O_CLOEXEC) != 0);
    if (fd < 0) {
      o.file().release();
    }
    return fd;
  }

  private long lseek(Proc p, long fd, long off, long whence) {
    OpenFile f = p.files().get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (whence < 0 || whence > 4) {
      return -Errno.EINVAL;
    }
    return f.lseek(off, (int) whence);
  }

  private long fstat(Proc p, long fd, long buf) {
    OpenFile f = p.files().get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    return -UserMemory.put(p.vm(), buf, f.stat().toBytes());
  }

  // vfs_syscalls.c: do_sys_fstatat
  private long fstatat(Proc p, long dirfd, long pathp, long buf, long flags) {
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        != 0) {
      return -Errno.EINVAL;
    }
    int[] err = new int[1];
    String path = UserMemory.getPath(p.vm(), pathp, err);
    if (path == null) {
      return -err[0];
    }
    if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
      if (dirfd == HostFs.AT_FDCWD) {
        return stat(p, kernel.hostFs().cwd(), buf, true);
      }
      return fstat(p, dirfd, buf);
    }
    if (path.isEmpty()) {
      return -Errno.ENOENT;
    }
    Path base = base(p, dirfd, path, err);
    if (base == null) {
      return -err[0];
    }
    try {
      return stat(p, HostFs.resolve(base, path), buf, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    } catch (java.nio.file.InvalidPathException e) {
      return -Errno.ENOENT;
    }
  }

  private long stat(Proc p, Path path, long buf, boolean follow) {
    HostFs.Stated st = kernel.hostFs().stat(path, follow);
    if (st.stat() == null) {
      return -st.errno();
    }
    return -UserMemory.put(p.vm(), buf, st.stat().toBytes());
  }

  private long faccessat(Proc p, long dirfd, long pathp, long mode, long flags) {
    if ((mode & ~7L) != 0 || (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) != 0) {
      return -Errno.EINVAL;
    }
    int[] err = new int[1];
    String path = UserMemory.getPath(p.vm(), pathp, err);
    if (path == null) {
      return -err[0];
    }
    if (path.isEmpty()) {
      return -Errno.ENOENT;
    }
    Path base = base(p, dirfd, path, err);
    if (base == null) {
      return -err[0];
    }
    Path file;
    try {
      file = HostFs.resolve(base, path);
    } catch (java.nio.file.InvalidPathException e) {
      return -Errno.ENOENT;
    }
    HostFs.Stated st = kernel.hostFs().stat(file, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    if (st.stat() == null) {
      return -st.errno();
    }
    if ((mode & 2) != 0) {
      return -Errno.EROFS;
    }
    if ((mode & 4) != 0 && !Files.isReadable(file)) {
      return -Errno.EACCES;
    }
    if ((mode & 1) != 0 && !Files.isExecutable(file)) {
      return -Errno.EACCES;
    }
    return 0;
  }

  // ------------------------------------------------------------------ control

  private long ioctl(Proc p, long fd, long req, long arg) {
    OpenFile f = p.files().get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    switch ((int) req) {
      case FIONCLEX:
        return -p.files().setCloseOnExec(fd, false);
      case FIOCLEX:
        return -p.files().setCloseOnExec(fd, true);
      case FIONBIO:
        {
          byte[] v = UserMemory.get(p.vm(), arg, 4);
          if (v == null) {
            return -Errno.EFAULT;
          }
          int on = UserMemory.le(v).getInt(0);
          int fl = f.statusFlags();
          f.setStatusFlags(on != 0 ? fl | OpenFlags.O_NONBLOCK : fl & ~OpenFlags.O_NONBLOCK);
          return 0;
        }
      case FIONREAD:
        if (f instanceof Pipe.End e) {
          return -UserMemory.putInt(p.vm(), arg, e.pipe().count());
        }
        return -Errno.ENOTTY;
      default:
        // TIOCGWINSZ, TCGETS…: no descriptor is a terminal
        return -Errno.ENOTTY;
    }
  }

  private long pipe2(Proc p, long fds, long flags) {
    if ((flags & ~(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK | OpenFlags.O_DIRECT)) != 0) {
      return -Errno.EINVAL;
    }
    boolean cloexec = (flags & OpenFlags.O_CLOEXEC) != 0;
    Pipe.Ends ends = Pipe.create(kernel.scheduler(), nextPipeIno++, (int) flags);
    FileTable t = p.files();
    int r = t.install(ends.read(), cloexec);
    if (r < 0) {
      ends.read().release();
      ends.write().release();
      return r;
    }
    int w = t.install(ends.write(), cloexec);
    if (w < 0) {
      t.close(r);
      ends.write().release();
      return w;
    }
    ByteBuffer b = UserMemory.le(8);
    b.putInt(0, r).putInt(4, w);
    if (UserMemory.put(p.vm(), fds, b.array()) != 0) {
      t.close(r);
      t.close(w);
      return -Errno.EFAULT;
    }
    return 0;
  }

  private long fcntl(Proc p, long fd, long cmd, long arg) {
    OpenFile f = p.files().get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    switch ((int) cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC:
        if (arg < 0 || arg >= FileTable.MAX_FDS) {
          return -Errno.EINVAL;
        }
        return p.files().dup(fd, (int) arg, cmd == F_DUPFD_CLOEXEC);
      case F_GETFD:
        return p.files().closeOnExec((int) fd) ? OpenFlags.FD_CLOEXEC : 0;
      case F_SETFD:
        return -p.files().setCloseOnExec(fd, (arg & OpenFlags.FD_CLOEXEC) != 0);
      case F_GETFL:
        return f.statusFlags();
      case F_SETFL:
        f.setStatusFlags((int) arg);
        return 0;
      default:
        return -Errno.EINVAL;
    }
  }

  private long getcwd(Proc p, long buf, long size) {
    byte[] s = kernel.hostFs().cwd().toString().getBytes(StandardCharsets.UTF_8);
    if (size < s.length + 1) {
      return -Errno.ERANGE;
    }
    byte[] z = new byte[s.length + 1];
    System.arraycopy(s, 0, z, 0, s.length);
    return UserMemory.put(p.vm(), buf, z) != 0 ? -Errno.EFAULT : z.length;
  }
}
