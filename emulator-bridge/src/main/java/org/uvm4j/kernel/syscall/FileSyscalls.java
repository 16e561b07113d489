package org.uvm4j.kernel.syscall;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.SignalDelivery;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.kernel.fs.HostDirectory;
import org.uvm4j.kernel.fs.HostFs;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.OpenFlags;
import org.uvm4j.kernel.fs.Pipe;
import org.uvm4j.kernel.fs.Stat;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
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
  static final int TCSETS = 0x5402;
  static final int TCSETSW = 0x5403;
  static final int TCSETSF = 0x5404;
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

  private final Scheduler sched;
  private final SignalDelivery signals;
  private final HostFs hostFs;
  private long nextPipeIno = 1;

  FileSyscalls(Scheduler sched, SignalDelivery signals, HostFs hostFs) {
    this.sched = sched;
    this.signals = signals;
    this.hostFs = hostFs;
  }

  // ------------------------------------------------------------------ read and write

  // read_write.c: ksys_read (vfs_read's access_ok before anything is consumed)
  long read(SyscallContext c) {
    return readv(c.proc(), c.fd(0), new long[] {c.pointer(1), c.size(2)});
  }

  // read_write.c: ksys_write
  long write(SyscallContext c) {
    return writev(c.proc(), c.fd(0), new long[] {c.pointer(1), c.size(2)});
  }

  /** x86-64's TASK_SIZE_MAX: the end of the user half that access_ok checks against. */
  static final long TASK_SIZE_MAX = 0x7fff_ffff_f000L;

  /**
   * access_ok(addr, size): the range lies below {@link #TASK_SIZE_MAX} (both taken as unsigned, as
   * the kernel does: a "negative" size such as {@code (size_t) -1} fails).
   */
  static boolean accessOk(long addr, long size) {
    return Long.compareUnsigned(size, TASK_SIZE_MAX) <= 0
        && Long.compareUnsigned(addr, TASK_SIZE_MAX - size) <= 0;
  }

  /**
   * How many bytes of the segments, at most {@code len}, a copyout can reach: the writable prefix
   * across the segments in order, found without faulting or consuming anything.
   */
  private static long writablePrefix(Vmspace vm, long[] segs, long len) {
    long reach = 0;
    for (int i = 0; i < segs.length && reach < len; i += 2) {
      long want = Math.min(segs[i + 1], len - reach);
      long n = vm.writableBytes(segs[i], want);
      reach += n;
      if (n < want) {
        break;
      }
    }
    return reach;
  }

  long readv(SyscallContext c) throws UvmException {
    return vector(c, false);
  }

  long writev(SyscallContext c) throws UvmException {
    return vector(c, true);
  }

  /** Reads (base, len) pairs of an iovec array. */
  private static long[] iovecs(UserMemory mem, long iov, int cnt) throws UvmException {
    if (cnt < 0 || cnt > UIO_MAXIOV) {
      throw new UvmException(Errno.EINVAL);
    }
    long[] segs = new long[cnt * 2];
    long total = 0;
    for (int i = 0; i < cnt; i++) {
      Iovec v = Iovec.read(mem, iov + (long) Iovec.SIZE * i);
      segs[2 * i] = v.base();
      segs[2 * i + 1] = v.len();
      if (v.len() < 0) {
        throw new UvmException(Errno.EINVAL);
      }
      total += v.len();
      if (total < 0) {
        throw new UvmException(Errno.EINVAL);
      }
    }
    return segs;
  }

  // sys_generic.c: sys_readv, sys_writev (int iovcnt)
  private long vector(SyscallContext c, boolean write) throws UvmException {
    Proc p = c.proc();
    int fd = c.fd(0);
    if (p.files().get(fd) == null) {
      return -Errno.EBADF;
    }
    long[] segs = iovecs(c.mem(), c.pointer(1), c.int32(2));
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
   * Copies {@code len} bytes starting {@code skip} bytes into the segments, to or from {@code buf}:
   * 0 or EFAULT.
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
  private long readv(Proc p, int fd, long[] segs) {
    OpenFile f = p.files().get(fd);
    if (f == null || !f.readable()) {
      return -Errno.EBADF;
    }
    if (segs.length == 2 && !accessOk(segs[0], segs[1])) {
      return -Errno.EFAULT;
    }
    long total = total(segs);
    int len = (int) Math.min(total, 16L * CHUNK);
    // Size the read to what the buffer can take before consuming anything: as on Linux, a pipe or
    // the console keeps the bytes a bad buffer could not take, a file's offset moves by what was
    // copied, and nothing copied at all is EFAULT.
    long reach = writablePrefix(p.vm(), segs, len);
    if (reach == 0 && len > 0) {
      return -Errno.EFAULT;
    }
    len = (int) reach;
    byte[] buf = new byte[len];
    long n;
    try {
      n = f.read(buf, 0, len);
    } catch (UvmException e) {
      return -e.errno();
    }
    if (n == OpenFile.WOULD_BLOCK) {
      sched.sleep(p, f.readChannel(), -1);
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
  private long writev(Proc p, int fd, long[] segs) {
    OpenFile f = p.files().get(fd);
    if (f == null || !f.writable()) {
      return -Errno.EBADF;
    }
    if (segs.length == 2 && !accessOk(segs[0], segs[1])) {
      return -Errno.EFAULT;
    }
    long total = total(segs);
    boolean atomic = total <= Pipe.PIPE_BUF;
    long done = p.restart().progress();
    byte[] buf = new byte[(int) Math.min(total - done, CHUNK)];
    while (done < total) {
      int chunk = (int) Math.min(total - done, CHUNK);
      if (transfer(p.vm(), segs, done, buf, chunk, true) != 0) {
        return done > 0 ? done : -Errno.EFAULT;
      }
      long r;
      try {
        r = f.write(buf, 0, chunk, atomic);
      } catch (UvmException e) {
        if (e.errno() == Errno.EPIPE && f.raisesSigpipe()) {
          signals.post(p, Signals.SIGPIPE, SigInfo.user(Signals.SIGPIPE, SigInfo.SI_USER, p.pid()));
        }
        return done > 0 ? done : -e.errno();
      }
      if (r == OpenFile.WOULD_BLOCK) {
        p.restart().setProgress(done);
        sched.sleep(p, f.writeChannel(), -1);
        return Syscall.ERESTART;
      }
      done += r;
    }
    return done;
  }

  // sys_generic.c: sys_pread
  long pread64(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    OpenFile f = p.files().get(c.fd(0));
    if (f == null || !f.readable()) {
      return -Errno.EBADF;
    }
    long n = c.size(2);
    long off = c.raw(3);
    if (off < 0 || n < 0) {
      return -Errno.EINVAL;
    }
    int len = (int) c.proc().vm().writableBytes(c.pointer(1), Math.min(n, 16L * CHUNK));
    if (len == 0 && n > 0) {
      return -Errno.EFAULT;
    }
    byte[] b = new byte[len];
    long r = f.pread(b, 0, len, off);
    if (r <= 0) {
      return r;
    }
    return c.mem().write(c.pointer(1), b, 0, (int) r) != 0 ? -Errno.EFAULT : r;
  }

  long pwrite64(SyscallContext c) {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null || !f.writable()) {
      return -Errno.EBADF;
    }
    return c.raw(3) < 0 ? -Errno.EINVAL : -Errno.ESPIPE;
  }

  // ------------------------------------------------------------------ names

  /** The directory relative paths start from for {@code dirfd}: EBADF, ENOTDIR. */
  private Path base(Proc p, int dirfd, String path) throws UvmException {
    if (path.startsWith("/") || dirfd == HostFs.AT_FDCWD) {
      return hostFs.cwd();
    }
    OpenFile d = p.files().get(dirfd);
    if (d == null) {
      throw new UvmException(Errno.EBADF);
    }
    if (!(d instanceof HostDirectory hd)) {
      throw new UvmException(Errno.ENOTDIR);
    }
    return hd.path();
  }

  long open(SyscallContext c) throws UvmException {
    return openat(c, HostFs.AT_FDCWD, c.pointer(0), c.flags(1));
  }

  long openat(SyscallContext c) throws UvmException {
    return openat(c, c.fd(0), c.pointer(1), c.flags(2));
  }

  // vfs_syscalls.c: do_sys_openat
  private long openat(SyscallContext c, int dirfd, long pathp, int flags) throws UvmException {
    Proc p = c.proc();
    String path = c.mem().path(pathp);
    Path base = base(p, dirfd, path);
    OpenFile file = hostFs.open(base, path, flags);
    try {
      return p.files().install(file, (flags & OpenFlags.O_CLOEXEC) != 0);
    } catch (UvmException e) {
      file.release();
      throw e;
    }
  }

  long close(SyscallContext c) {
    return -c.proc().files().close(c.fd(0));
  }

  long lseek(SyscallContext c) throws UvmException {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    long whence = c.uint32(2);
    if (whence > 4) {
      return -Errno.EINVAL;
    }
    return f.lseek(c.raw(1), (int) whence);
  }

  long fstat(SyscallContext c) {
    return fstat(c, c.fd(0), c.pointer(1));
  }

  private long fstat(SyscallContext c, int fd, long buf) {
    OpenFile f = c.proc().files().get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    return -c.mem().write(buf, f.stat().toBytes());
  }

  long stat(SyscallContext c) throws UvmException {
    return fstatat(c, HostFs.AT_FDCWD, c.pointer(0), c.pointer(1), 0);
  }

  long lstat(SyscallContext c) throws UvmException {
    return fstatat(c, HostFs.AT_FDCWD, c.pointer(0), c.pointer(1), AT_SYMLINK_NOFOLLOW);
  }

  long newfstatat(SyscallContext c) throws UvmException {
    return fstatat(c, c.fd(0), c.pointer(1), c.pointer(2), c.flags(3));
  }

  // vfs_syscalls.c: do_sys_fstatat
  private long fstatat(SyscallContext c, int dirfd, long pathp, long buf, int flags)
      throws UvmException {
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
        != 0) {
      return -Errno.EINVAL;
    }
    String path = c.mem().path(pathp);
    if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
      if (dirfd == HostFs.AT_FDCWD) {
        return stat(c, hostFs.cwd(), buf, true);
      }
      return fstat(c, dirfd, buf);
    }
    if (path.isEmpty()) {
      return -Errno.ENOENT;
    }
    Path base = base(c.proc(), dirfd, path);
    try {
      return stat(c, HostFs.resolve(base, path), buf, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    } catch (java.nio.file.InvalidPathException e) {
      return -Errno.ENOENT;
    }
  }

  private long stat(SyscallContext c, Path path, long buf, boolean follow) throws UvmException {
    Stat st = hostFs.stat(path, follow);
    return -c.mem().write(buf, st.toBytes());
  }

  long access(SyscallContext c) throws UvmException {
    return faccessat(c, HostFs.AT_FDCWD, c.pointer(0), c.int32(1), 0);
  }

  long faccessat(SyscallContext c) throws UvmException {
    return faccessat(c, c.fd(0), c.pointer(1), c.int32(2), 0);
  }

  long faccessat2(SyscallContext c) throws UvmException {
    return faccessat(c, c.fd(0), c.pointer(1), c.int32(2), c.flags(3));
  }

  private long faccessat(SyscallContext c, int dirfd, long pathp, int mode, int flags)
      throws UvmException {
    if ((mode & ~7) != 0 || (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EACCESS | AT_EMPTY_PATH)) != 0) {
      return -Errno.EINVAL;
    }
    String path = c.mem().path(pathp);
    if (path.isEmpty()) {
      return -Errno.ENOENT;
    }
    Path base = base(c.proc(), dirfd, path);
    Path file;
    try {
      file = HostFs.resolve(base, path);
    } catch (java.nio.file.InvalidPathException e) {
      return -Errno.ENOENT;
    }
    hostFs.stat(
        file, (flags & AT_SYMLINK_NOFOLLOW) == 0); // ENOENT, ENOTDIR… before the mode checks
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

  // sys_generic.c: sys_ioctl (unsigned int cmd)
  long ioctl(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    int fd = c.fd(0);
    OpenFile f = p.files().get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    long arg = c.pointer(2);
    switch (c.int32(1)) {
      case FIONCLEX:
        return -p.files().setCloseOnExec(fd, false);
      case FIOCLEX:
        return -p.files().setCloseOnExec(fd, true);
      case FIONBIO:
        {
          int on = c.mem().readInt(arg);
          int fl = f.statusFlags();
          f.setStatusFlags(on != 0 ? fl | OpenFlags.O_NONBLOCK : fl & ~OpenFlags.O_NONBLOCK);
          return 0;
        }
      case FIONREAD:
        if (f instanceof Pipe.End e) {
          return -c.mem().writeInt(arg, e.pipe().count());
        }
        return -Errno.ENOTTY;
      case TCGETS, TCSETS, TCSETSW, TCSETSF, TIOCGWINSZ:
        return Tty.ioctl(c, f, c.int32(1), arg);
      default:
        return -Errno.ENOTTY;
    }
  }

  long pipe(SyscallContext c) throws UvmException {
    return pipe2(c.proc(), c.mem(), c.pointer(0), 0);
  }

  long pipe2(SyscallContext c) throws UvmException {
    return pipe2(c.proc(), c.mem(), c.pointer(0), c.flags(1));
  }

  // sys_pipe.c: pipe1
  private long pipe2(Proc p, UserMemory mem, long fds, int flags) throws UvmException {
    if ((flags & ~(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK | OpenFlags.O_DIRECT)) != 0) {
      return -Errno.EINVAL;
    }
    boolean cloexec = (flags & OpenFlags.O_CLOEXEC) != 0;
    Pipe.Ends ends = Pipe.create(sched, nextPipeIno++, flags);
    FileTable t = p.files();
    int r;
    try {
      r = t.install(ends.read(), cloexec);
    } catch (UvmException e) {
      ends.read().release();
      ends.write().release();
      throw e;
    }
    int w;
    try {
      w = t.install(ends.write(), cloexec);
    } catch (UvmException e) {
      t.close(r);
      ends.write().release();
      throw e;
    }
    mem.buffer(8).putInt(0, r).putInt(4, w);
    if (mem.out(fds, 8) != 0) {
      t.close(r);
      t.close(w);
      return -Errno.EFAULT;
    }
    return 0;
  }

  long dup(SyscallContext c) throws UvmException {
    return c.proc().files().dup(c.fd(0), 0, false);
  }

  long dup2(SyscallContext c) throws UvmException {
    return c.proc().files().dup2(c.fd(0), c.fd(1));
  }

  long dup3(SyscallContext c) throws UvmException {
    return c.proc().files().dup3(c.fd(0), c.fd(1), c.flags(2));
  }

  // sys_descrip.c: sys_fcntl (unsigned int cmd, unsigned long arg)
  long fcntl(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    int fd = c.fd(0);
    OpenFile f = p.files().get(fd);
    if (f == null) {
      return -Errno.EBADF;
    }
    int cmd = c.int32(1);
    long arg = c.raw(2);
    switch (cmd) {
      case F_DUPFD:
      case F_DUPFD_CLOEXEC:
        // fcntl.c: do_fcntl passes (int) arg to f_dupfd, setfl and set_close_on_exec
        if ((int) arg < 0 || (int) arg >= FileTable.MAX_FDS) {
          return -Errno.EINVAL;
        }
        return p.files().dup(fd, (int) arg, cmd == F_DUPFD_CLOEXEC);
      case F_GETFD:
        return p.files().closeOnExec(fd) ? OpenFlags.FD_CLOEXEC : 0;
      case F_SETFD:
        return -p.files().setCloseOnExec(fd, ((int) arg & OpenFlags.FD_CLOEXEC) != 0);
      case F_GETFL:
        return f.statusFlags();
      case F_SETFL:
        f.setStatusFlags((int) arg);
        return 0;
      default:
        return -Errno.EINVAL;
    }
  }

  long getcwd(SyscallContext c) {
    byte[] s = hostFs.cwd().toString().getBytes(StandardCharsets.UTF_8);
    if (c.size(1) >= 0 && c.size(1) < s.length + 1) {
      return -Errno.ERANGE;
    }
    byte[] z = new byte[s.length + 1];
    System.arraycopy(s, 0, z, 0, s.length);
    return c.mem().write(c.pointer(0), z) != 0 ? -Errno.EFAULT : z.length;
  }
}
