package org.uvm4j.kernel.syscall;

import java.nio.charset.StandardCharsets;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.MetadataLimit;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.SignalDelivery;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.VirtualClock;
import org.uvm4j.kernel.fs.DirectoryFile;
import org.uvm4j.kernel.fs.FileLocks;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.kernel.fs.Location;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.OpenFlags;
import org.uvm4j.kernel.fs.Pipe;
import org.uvm4j.kernel.fs.Stat;
import org.uvm4j.kernel.fs.UnixSocketPair;
import org.uvm4j.kernel.fs.Vfs;
import org.uvm4j.kernel.fs.WaitChannel;
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

  /** {@code AT_FDCWD}: an {@code int}, so compared with the low 32 bits of the register. */
  static final int AT_FDCWD = -100;

  static final int AT_SYMLINK_NOFOLLOW = 0x100;
  static final int AT_REMOVEDIR = 0x200;
  static final int AT_SYMLINK_FOLLOW = 0x400;
  static final int RENAME_NOREPLACE = 1;
  static final long UTIME_NOW = (1L << 30) - 1;
  static final long UTIME_OMIT = (1L << 30) - 2;
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
  static final int F_GETLK = 5;
  static final int F_SETLK = 6;
  static final int F_SETLKW = 7;
  static final int F_OFD_GETLK = 36;
  static final int F_OFD_SETLK = 37;
  static final int F_OFD_SETLKW = 38;

  /** {@code sizeof(struct flock)} on x86-64. */
  static final int FLOCK_SIZE = 32;

  /** How often (virtual time) an F_SETLKW sleeper re-checks for holders that exited: 10 ms. */
  static final long LOCK_RECHECK_NS = 10_000_000L;

  private final Scheduler sched;
  private final SignalDelivery signals;
  private final Vfs vfs;
  private final VirtualClock clock;
  private final FileLocks locks;
  private long nextPipeIno = 1;

  /** Linux ESOCKTNOSUPPORT (not in {@link Errno}): the family has no such socket type. */
  static final int ESOCKTNOSUPPORT = 94;

  FileSyscalls(
      Scheduler sched, SignalDelivery signals, Vfs vfs, VirtualClock clock, ProcTable procs) {
    this.sched = sched;
    this.signals = signals;
    this.vfs = vfs;
    this.clock = clock;
    this.locks =
        new FileLocks(
            pid -> {
              Proc q = procs == null ? null : procs.find(pid);
              return q != null && q.isAlive();
            });
  }

  /** The advisory record locks of this kernel's guests. */
  FileLocks locks() {
    return locks;
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
  static long writablePrefix(Vmspace vm, long[] segs, long len) {
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
  static long[] iovecs(UserMemory mem, long iov, int cnt) throws UvmException {
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

  static long total(long[] segs) {
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
  static int transfer(Vmspace vm, long[] segs, long skip, byte[] buf, int len, boolean in) {
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
          signals.postThread(
              p, Signals.SIGPIPE, SigInfo.user(Signals.SIGPIPE, SigInfo.SI_USER, p.pid()));
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

  // sys_generic.c: sys_pwrite
  long pwrite64(SyscallContext c) throws UvmException {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null || !f.writable()) {
      return -Errno.EBADF;
    }
    long n = c.size(2);
    long off = c.raw(3);
    if (off < 0 || n < 0) {
      return -Errno.EINVAL;
    }
    int len = (int) Math.min(n, 16L * CHUNK);
    byte[] b = new byte[len];
    if (c.vm().copyin(c.pointer(1), b, 0, len) != 0) {
      return -Errno.EFAULT;
    }
    return f.pwrite(b, 0, len, off);
  }

  // ------------------------------------------------------------------ names

  /**
   * The directory relative paths start from for {@code dirfd} (32-bit; AT_FDCWD is the caller's
   * working directory): EBADF, ENOTDIR.
   */
  private static Location base(Proc p, int dirfd, String path) throws UvmException {
    if (path.startsWith("/") || dirfd == AT_FDCWD) {
      return p.fs().cwd();
    }
    return dirLocation(p, dirfd);
  }

  /** The directory an open descriptor refers to: EBADF, ENOTDIR. */
  private static Location dirLocation(Proc p, int fd) throws UvmException {
    OpenFile d = p.files().get(fd);
    if (d == null) {
      throw new UvmException(Errno.EBADF);
    }
    if (!(d instanceof DirectoryFile)) {
      throw new UvmException(Errno.ENOTDIR);
    }
    return d.location();
  }

  long open(SyscallContext c) throws UvmException {
    return openat(c, AT_FDCWD, c.pointer(0), c.flags(1), c.int32(2));
  }

  long openat(SyscallContext c) throws UvmException {
    return openat(c, c.fd(0), c.pointer(1), c.flags(2), c.int32(3));
  }

  long creat(SyscallContext c) throws UvmException {
    return openat(
        c,
        AT_FDCWD,
        c.pointer(0),
        OpenFlags.O_CREAT | OpenFlags.O_WRONLY | OpenFlags.O_TRUNC,
        c.int32(1));
  }

  // vfs_syscalls.c: do_sys_openat
  private long openat(SyscallContext c, int dirfd, long pathp, int flags, int mode)
      throws UvmException {
    Proc p = c.proc();
    OpenFile file = p.restart().takeOpen(); // a FIFO open that waited for its other end
    if (file == null) {
      String path = c.mem().path(pathp);
      Location base = base(p, dirfd, path);
      file = vfs.open(p.fs(), base, path, flags, mode);
    }
    WaitChannel wait;
    try {
      wait = file.openWait();
    } catch (UvmException e) {
      file.release();
      throw e;
    }
    if (wait != null) {
      // fifo.c: wait_for_partner (interruptible; the restart block releases it on a signal)
      p.restart().keepOpen(file);
      sched.sleep(p, wait, -1);
      return Syscall.ERESTART;
    }
    try {
      return p.files().install(file, (flags & OpenFlags.O_CLOEXEC) != 0);
    } catch (UvmException e) {
      file.release();
      throw e;
    }
  }

  // kern_descrip.c: fd_close (POSIX record locks go with any close of the file)
  long close(SyscallContext c) {
    Proc p = c.proc();
    OpenFile f = p.files().get(c.fd(0));
    if (f != null && f.location() != null) {
      Stat st = f.stat();
      if (locks.closed(new FileLocks.FileKey(st.dev(), st.ino()), p.pid())) {
        sched.wakeup(locks.channel());
      }
    }
    return -p.files().close(c.fd(0));
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
    return fstatat(c, AT_FDCWD, c.pointer(0), c.pointer(1), 0);
  }

  long lstat(SyscallContext c) throws UvmException {
    return fstatat(c, AT_FDCWD, c.pointer(0), c.pointer(1), AT_SYMLINK_NOFOLLOW);
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
    Proc p = c.proc();
    String path = c.mem().path(pathp);
    if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
      if (dirfd == AT_FDCWD) {
        return -c.mem().write(buf, p.fs().cwd().vnode().stat().toBytes());
      }
      return fstat(c, dirfd, buf);
    }
    Stat st = vfs.stat(p.fs(), base(p, dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    return -c.mem().write(buf, st.toBytes());
  }

  long access(SyscallContext c) throws UvmException {
    return faccessat(c, AT_FDCWD, c.pointer(0), c.int32(1), 0);
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
    Proc p = c.proc();
    String path = c.mem().path(pathp);
    Location loc;
    if (path.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
      loc = dirfd == AT_FDCWD ? p.fs().cwd() : located(p, dirfd);
    } else {
      loc = vfs.lookup(p.fs(), base(p, dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }
    return -Vfs.access(loc, mode, Kernel.UID);
  }

  /** The location an open descriptor was opened at: EBADF; ENOENT for pipes and the console. */
  private static Location located(Proc p, int fd) throws UvmException {
    OpenFile f = p.files().get(fd);
    if (f == null) {
      throw new UvmException(Errno.EBADF);
    }
    if (f.location() == null) {
      throw new UvmException(Errno.ENOENT);
    }
    return f.location();
  }

  // vfs_syscalls.c: sys_getdents (unsigned int fd, unsigned int count)
  long getdents64(SyscallContext c) throws UvmException {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    if (!(f instanceof DirectoryFile d)) {
      return -Errno.ENOTDIR;
    }
    int cap = (int) Math.min(c.uint32(2), 16L * CHUNK);
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(cap);
    int n = d.getdents(b, cap);
    if (n > 0 && c.mem().write(c.pointer(1), b.array(), 0, n) != 0) {
      return -Errno.EFAULT;
    }
    return n;
  }

  long chdir(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    String path = c.mem().path(c.pointer(0));
    Location loc = vfs.lookup(p.fs(), p.fs().cwd(), path, true);
    return chdir(p, loc);
  }

  long fchdir(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    return chdir(p, located(p, c.fd(0)));
  }

  private static long chdir(Proc p, Location loc) throws UvmException {
    if (!loc.vnode().isDirectory()) {
      return -Errno.ENOTDIR;
    }
    int e = Vfs.access(loc, 1, Kernel.UID);
    if (e != 0) {
      return -e;
    }
    p.fs().setCwd(loc);
    return 0;
  }

  long mkdir(SyscallContext c) throws UvmException {
    return mkdirat(c, AT_FDCWD, c.pointer(0), c.int32(1));
  }

  long mkdirat(SyscallContext c) throws UvmException {
    return mkdirat(c, c.fd(0), c.pointer(1), c.int32(2));
  }

  private long mkdirat(SyscallContext c, int dirfd, long pathp, int mode) throws UvmException {
    Proc p = c.proc();
    String path = c.mem().path(pathp);
    vfs.mkdir(p.fs(), base(p, dirfd, path), path, mode);
    return 0;
  }

  long unlink(SyscallContext c) throws UvmException {
    return unlinkat(c, AT_FDCWD, c.pointer(0), 0);
  }

  long rmdir(SyscallContext c) throws UvmException {
    return unlinkat(c, AT_FDCWD, c.pointer(0), AT_REMOVEDIR);
  }

  long unlinkat(SyscallContext c) throws UvmException {
    return unlinkat(c, c.fd(0), c.pointer(1), c.flags(2));
  }

  private long unlinkat(SyscallContext c, int dirfd, long pathp, int flags) throws UvmException {
    if ((flags & ~AT_REMOVEDIR) != 0) {
      return -Errno.EINVAL;
    }
    Proc p = c.proc();
    String path = c.mem().path(pathp);
    Location base = base(p, dirfd, path);
    if ((flags & AT_REMOVEDIR) != 0) {
      vfs.rmdir(p.fs(), base, path);
    } else {
      vfs.unlink(p.fs(), base, path);
    }
    return 0;
  }

  long rename(SyscallContext c) throws UvmException {
    return renameat2(c, AT_FDCWD, c.pointer(0), AT_FDCWD, c.pointer(1), 0);
  }

  long renameat(SyscallContext c) throws UvmException {
    return renameat2(c, c.fd(0), c.pointer(1), c.fd(2), c.pointer(3), 0);
  }

  long renameat2(SyscallContext c) throws UvmException {
    return renameat2(c, c.fd(0), c.pointer(1), c.fd(2), c.pointer(3), c.flags(4));
  }

  private long renameat2(SyscallContext c, int olddir, long oldp, int newdir, long newp, int flags)
      throws UvmException {
    if ((flags & ~RENAME_NOREPLACE) != 0) {
      return -Errno.EINVAL; // RENAME_EXCHANGE and RENAME_WHITEOUT are not supported
    }
    Proc p = c.proc();
    String from = c.mem().path(oldp);
    String to = c.mem().path(newp);
    Location fromBase = base(p, olddir, from);
    Location toBase = base(p, newdir, to);
    if ((flags & RENAME_NOREPLACE) != 0) {
      Vfs.Parent pp = vfs.lookupParent(p.fs().root(), toBase, to, false);
      if (pp.existing() != null) {
        return -Errno.EEXIST;
      }
    }
    vfs.rename(p.fs(), fromBase, from, toBase, to);
    return 0;
  }

  long link(SyscallContext c) throws UvmException {
    return linkat(c, AT_FDCWD, c.pointer(0), AT_FDCWD, c.pointer(1), 0);
  }

  long linkat(SyscallContext c) throws UvmException {
    return linkat(c, c.fd(0), c.pointer(1), c.fd(2), c.pointer(3), c.flags(4));
  }

  private long linkat(SyscallContext c, int olddir, long oldp, int newdir, long newp, int flags)
      throws UvmException {
    if ((flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH)) != 0) {
      return -Errno.EINVAL;
    }
    Proc p = c.proc();
    String from = c.mem().path(oldp);
    String to = c.mem().path(newp);
    if (from.isEmpty() && (flags & AT_EMPTY_PATH) != 0) {
      return -Errno.ENOENT; // linking an open file needs CAP_DAC_READ_SEARCH
    }
    vfs.link(
        p.fs(),
        base(p, olddir, from),
        from,
        base(p, newdir, to),
        to,
        (flags & AT_SYMLINK_FOLLOW) != 0);
    return 0;
  }

  long symlink(SyscallContext c) throws UvmException {
    return symlinkat(c, c.pointer(0), AT_FDCWD, c.pointer(1));
  }

  long symlinkat(SyscallContext c) throws UvmException {
    return symlinkat(c, c.pointer(0), c.fd(1), c.pointer(2));
  }

  private long symlinkat(SyscallContext c, long targetp, int dirfd, long pathp)
      throws UvmException {
    Proc p = c.proc();
    String target = c.mem().path(targetp);
    String path = c.mem().path(pathp);
    vfs.symlink(p.fs(), target, base(p, dirfd, path), path);
    return 0;
  }

  long readlink(SyscallContext c) throws UvmException {
    return readlinkat(c, AT_FDCWD, c.pointer(0), c.pointer(1), c.int32(2));
  }

  long readlinkat(SyscallContext c) throws UvmException {
    return readlinkat(c, c.fd(0), c.pointer(1), c.pointer(2), c.int32(3));
  }

  // vfs_syscalls.c: do_sys_readlinkat (int bufsiz)
  private long readlinkat(SyscallContext c, int dirfd, long pathp, long buf, int size)
      throws UvmException {
    if (size <= 0) {
      return -Errno.EINVAL;
    }
    Proc p = c.proc();
    String path = c.mem().path(pathp);
    String target;
    if (path.isEmpty()) {
      if (dirfd == AT_FDCWD) {
        return -Errno.ENOENT;
      }
      target = located(p, dirfd).vnode().readlink();
    } else {
      target = vfs.readlink(p.fs(), base(p, dirfd, path), path);
    }
    byte[] b = target.getBytes(StandardCharsets.UTF_8);
    int n = Math.min(b.length, size);
    return c.mem().write(buf, b, 0, n) != 0 ? -Errno.EFAULT : n;
  }

  long chmod(SyscallContext c) throws UvmException {
    return fchmodat(c, AT_FDCWD, c.pointer(0), c.int32(1));
  }

  long fchmodat(SyscallContext c) throws UvmException {
    return fchmodat(c, c.fd(0), c.pointer(1), c.int32(2));
  }

  private long fchmodat(SyscallContext c, int dirfd, long pathp, int mode) throws UvmException {
    Proc p = c.proc();
    String path = c.mem().path(pathp);
    vfs.chmod(p.fs(), base(p, dirfd, path), path, mode);
    return 0;
  }

  long fchmod(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    OpenFile f = p.files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    Location loc = f.location();
    if (loc == null) {
      return 0; // a pipe or the console: nothing uvm4j keeps a mode for
    }
    Vfs.writable(loc);
    loc.vnode().chmod(c.int32(1) & 07777);
    return 0;
  }

  // vfs_syscalls.c: do_utimensat (int dfd, const char *filename, struct timespec *utimes, int
  // flags)
  long utimensat(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    int dirfd = c.fd(0);
    long pathp = c.pointer(1);
    long timesp = c.pointer(2);
    int flags = c.flags(3);
    if ((flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH)) != 0) {
      return -Errno.EINVAL;
    }
    long now = clock.realtime();
    long atime = now;
    long mtime = now;
    if (timesp != 0) {
      atime = timeArg(c.mem(), timesp, now);
      mtime = timeArg(c.mem(), timesp + 16, now);
      if (atime == Long.MIN_VALUE || mtime == Long.MIN_VALUE) {
        return -Errno.EINVAL;
      }
      if (atime == -1 && mtime == -1) {
        return 0; // both UTIME_OMIT: nothing to do (Linux still checks the descriptor)
      }
    }
    Location loc;
    String path = pathp == 0 ? "" : c.mem().path(pathp);
    if (path.isEmpty()) {
      if (pathp != 0 && (flags & AT_EMPTY_PATH) == 0) {
        return -Errno.ENOENT;
      }
      if (dirfd == AT_FDCWD) {
        loc = p.fs().cwd();
      } else {
        OpenFile f = p.files().get(dirfd);
        if (f == null) {
          return -Errno.EBADF;
        }
        if (f.location() == null) {
          return 0; // pipes keep no times uvm4j reports
        }
        loc = f.location();
      }
    } else {
      loc = vfs.lookup(p.fs(), base(p, dirfd, path), path, (flags & AT_SYMLINK_NOFOLLOW) == 0);
    }
    Vfs.writable(loc);
    loc.vnode().setTimes(atime, mtime);
    return 0;
  }

  /**
   * One {@code struct timespec} of utimensat: ns since the epoch, -1 for UTIME_OMIT, or
   * Long.MIN_VALUE when tv_nsec is out of range.
   */
  private static long timeArg(UserMemory mem, long va, long now) throws UvmException {
    long sec = mem.readLong(va);
    long nsec = mem.readLong(va + 8);
    if (nsec == UTIME_NOW) {
      return now;
    }
    if (nsec == UTIME_OMIT) {
      return -1;
    }
    if (nsec < 0 || nsec >= 1_000_000_000L) {
      return Long.MIN_VALUE;
    }
    return sec * 1_000_000_000L + nsec;
  }

  long truncate(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    String path = c.mem().path(c.pointer(0));
    vfs.truncate(p.fs(), p.fs().cwd(), path, c.raw(1));
    return 0;
  }

  long ftruncate(SyscallContext c) throws UvmException {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    long size = c.raw(1);
    if (size < 0) {
      return -Errno.EINVAL;
    }
    if (!f.writable()) {
      return -Errno.EINVAL; // Linux: not open for writing
    }
    f.truncate(size);
    return 0;
  }

  long fsync(SyscallContext c) throws UvmException {
    return sync(c, false);
  }

  long fdatasync(SyscallContext c) throws UvmException {
    return sync(c, true);
  }

  private static long sync(SyscallContext c, boolean dataOnly) throws UvmException {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    f.sync(dataOnly);
    return 0;
  }

  // fs/open.c: vfs_fallocate (int fd, int mode, loff_t offset, loff_t len)
  long fallocate(SyscallContext c) throws UvmException {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    int mode = c.int32(1);
    long off = c.raw(2);
    long len = c.raw(3);
    if (off < 0 || len <= 0) {
      return -Errno.EINVAL;
    }
    if (mode != 0) {
      return -Errno.EOPNOTSUPP; // KEEP_SIZE, PUNCH_HOLE, ZERO_RANGE… are not supported
    }
    if (!f.writable()) {
      return -Errno.EBADF;
    }
    f.allocate(off, len);
    return 0;
  }

  long umask(SyscallContext c) {
    return c.proc().fs().setUmask(c.int32(0));
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

  /** Linux ENFILE (not in {@link Errno}): pipe's answer past the memory allowed for pipes. */
  static final int ENFILE = 23;

  // sys_pipe.c: pipe1
  private long pipe2(Proc p, UserMemory mem, long fds, int flags) throws UvmException {
    if ((flags & ~(OpenFlags.O_CLOEXEC | OpenFlags.O_NONBLOCK | OpenFlags.O_DIRECT)) != 0) {
      return -Errno.EINVAL;
    }
    boolean cloexec = (flags & OpenFlags.O_CLOEXEC) != 0;
    if (!MetadataLimit.allowsPipe(p.vm())) {
      return -ENFILE; // as Linux past pipe-user-pages-hard: the budget cannot hold another ring
    }
    Pipe.Ends ends = Pipe.create(sched, nextPipeIno++, flags, p.vm().uvm().metadataBudget());
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

  /** AF_UNIX (PF_LOCAL). */
  static final int AF_UNIX = 1;

  /** socket(2) type flags: SOCK_NONBLOCK (O_NONBLOCK) and SOCK_CLOEXEC (O_CLOEXEC). */
  static final int SOCK_TYPE_FLAGS = OpenFlags.O_NONBLOCK | OpenFlags.O_CLOEXEC;

  /** SOCK_RAW: an AF_UNIX socket of this type is a datagram socket. */
  static final int SOCK_RAW = 3;

  long socketpair(SyscallContext c) throws UvmException {
    return socketpair(c.proc(), c.mem(), c.int32(0), c.int32(1), c.int32(2), c.pointer(3));
  }

  /**
   * net/socket.c: __sys_socketpair — a connected pair of AF_UNIX sockets ({@link UnixSocketPair}:
   * SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET, SOCK_RAW as SOCK_DGRAM; SOCK_NONBLOCK, SOCK_CLOEXEC).
   * Linux's errnos: EINVAL for unknown type flags, EAFNOSUPPORT for another family (uvm4j has no
   * other), EPROTONOSUPPORT for a protocol other than 0 or PF_UNIX, ESOCKTNOSUPPORT for another
   * type, EFAULT (nothing left open) when the pair cannot be stored.
   */
  // net/socket.c: __sys_socketpair
  private long socketpair(
      Proc p, UserMemory mem, int family, int typeAndFlags, int protocol, long sv)
      throws UvmException {
    if ((typeAndFlags & ~0xf & ~SOCK_TYPE_FLAGS) != 0) {
      return -Errno.EINVAL;
    }
    if (family != AF_UNIX) {
      return -Errno.EAFNOSUPPORT;
    }
    if (protocol != 0 && protocol != AF_UNIX) {
      return -Errno.EPROTONOSUPPORT; // unix_create
    }
    int type = typeAndFlags & 0xf;
    if (type == SOCK_RAW) {
      type = UnixSocketPair.SOCK_DGRAM;
    }
    if (type != UnixSocketPair.SOCK_STREAM
        && type != UnixSocketPair.SOCK_DGRAM
        && type != UnixSocketPair.SOCK_SEQPACKET) {
      return -ESOCKTNOSUPPORT;
    }
    boolean cloexec = (typeAndFlags & OpenFlags.O_CLOEXEC) != 0;
    if (!MetadataLimit.allowsSocketPair(p.vm())) {
      return -ENFILE; // sock_alloc failing: the budget cannot hold the pair's buffers
    }
    UnixSocketPair.Ends ends =
        UnixSocketPair.create(
            sched,
            type,
            nextPipeIno++,
            typeAndFlags & OpenFlags.O_NONBLOCK,
            p.vm().uvm().metadataBudget());
    FileTable t = p.files();
    int a;
    try {
      a = t.install(ends.first(), cloexec);
    } catch (UvmException e) {
      ends.first().release();
      ends.second().release();
      throw e;
    }
    int b;
    try {
      b = t.install(ends.second(), cloexec);
    } catch (UvmException e) {
      t.close(a);
      ends.second().release();
      throw e;
    }
    mem.buffer(8).putInt(0, a).putInt(4, b);
    if (mem.out(sv, 8) != 0) {
      t.close(a);
      t.close(b);
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
      case F_GETLK:
      case F_SETLK:
      case F_SETLKW:
      case F_OFD_GETLK:
      case F_OFD_SETLK:
      case F_OFD_SETLKW:
        return lock(c, p, f, cmd, c.pointer(2));
      default:
        return -Errno.EINVAL;
    }
  }

  // fs/locks.c: fcntl_getlk, fcntl_setlk (struct flock: short l_type, short l_whence, off_t
  // l_start, off_t l_len, pid_t l_pid)
  private long lock(SyscallContext c, Proc p, OpenFile f, int cmd, long flp) throws UvmException {
    java.nio.ByteBuffer b = c.mem().in(flp, FLOCK_SIZE);
    int type = b.getShort(0);
    int whence = b.getShort(2);
    long start = b.getLong(8);
    long len = b.getLong(16);
    int lpid = b.getInt(24);
    boolean ofd = cmd >= F_OFD_GETLK;
    if (ofd && lpid != 0) {
      return -Errno.EINVAL;
    }
    if (type != FileLocks.F_RDLCK && type != FileLocks.F_WRLCK && type != FileLocks.F_UNLCK) {
      return -Errno.EINVAL;
    }
    if (f.location() == null || (f.stat().mode() & Stat.S_IFMT) == Stat.S_IFDIR) {
      // pipes and the console: Linux locks their inodes too; uvm4j keeps no inode for them
      return f.location() == null ? -Errno.EINVAL : -Errno.EBADF;
    }
    long base =
        switch (whence) {
          case 0 -> 0;
          case 1 -> f.lseek(0, 1);
          case 2 -> f.stat().size();
          default -> -1;
        };
    if (base < 0) {
      return -Errno.EINVAL;
    }
    long s = base + start;
    long e;
    if (len > 0) {
      e = s + len - 1;
      if (e < s) {
        return -Errno.EOVERFLOW;
      }
    } else if (len < 0) {
      e = s - 1;
      s = s + len;
    } else {
      e = Long.MAX_VALUE;
    }
    if (s < 0) {
      return -Errno.EINVAL;
    }
    Stat st = f.stat();
    FileLocks.FileKey key = new FileLocks.FileKey(st.dev(), st.ino());
    OpenFile owner = ofd ? f : null;
    if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
      if (type == FileLocks.F_UNLCK) {
        return -Errno.EINVAL;
      }
      FileLocks.Lock x = locks.conflict(key, type, s, e, p.pid(), owner);
      java.nio.ByteBuffer out = c.mem().buffer(FLOCK_SIZE);
      if (x == null) {
        out.putShort(0, FileLocks.F_UNLCK)
            .putShort(2, (short) whence)
            .putLong(8, start)
            .putLong(16, len)
            .putInt(24, lpid);
      } else {
        out.putShort(0, (short) x.type())
            .putShort(2, (short) 0)
            .putLong(8, x.start())
            .putLong(16, x.end() == Long.MAX_VALUE ? 0 : x.end() - x.start() + 1)
            .putInt(24, x.ofd() != null ? -1 : x.pid());
      }
      return -c.mem().out(flp, FLOCK_SIZE);
    }
    if ((type == FileLocks.F_RDLCK && !f.readable())
        || (type == FileLocks.F_WRLCK && !f.writable())) {
      return -Errno.EBADF;
    }
    boolean wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
    FileLocks.Lock x = locks.set(key, type, s, e, p.pid(), owner, wait);
    if (x == null) {
      sched.wakeup(locks.channel()); // a changed range may let a sleeper in
      return 0;
    }
    if (!wait) {
      return -Errno.EAGAIN;
    }
    sched.sleep(p, locks.channel(), clock.now() + LOCK_RECHECK_NS);
    return Syscall.ERESTART;
  }

  long getcwd(SyscallContext c) {
    byte[] s = c.proc().fs().cwd().path().getBytes(StandardCharsets.UTF_8);
    long size = c.size(1);
    if (size >= 0 && size < s.length + 1) {
      return -Errno.ERANGE;
    }
    byte[] z = new byte[s.length + 1];
    System.arraycopy(s, 0, z, 0, s.length);
    return c.mem().write(c.pointer(0), z) != 0 ? -Errno.EFAULT : z.length;
  }
}
