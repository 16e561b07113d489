package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * {@code /proc/PID/mem} (fs/proc/base.c: mem_open, mem_rw, mem_lseek): the process's address space
 * as a file whose offsets are virtual addresses. A description reaches the address space the
 * process had when it was opened (Linux's {@code mmgrab} at open: after an exec, or once the
 * process is gone, reads and writes return 0; opening that of a zombie is ESRCH). Who may open it
 * is {@link ProcSource#memSpace}'s rule (the same address space always; another process as
 * ptrace-attach allows).
 *
 * <p>Reads and writes are forced accesses ({@code FOLL_FORCE}, {@link Vmspace#forcedIo}): a
 * PROT_NONE page can be read, a read-only private page written (copy-on-write is broken into a page
 * of the mapping's own, which stays read-only to the process). A transfer moves bytes up to the
 * first address that cannot be reached and returns that count; if it is the very first byte, the
 * call fails with EIO. {@code lseek} takes SEEK_SET and SEEK_CUR only (EINVAL otherwise) and any
 * offset, as addresses are unsigned; pread/pwrite at an offset of 2^63 or more are EINVAL (the
 * system calls' own check).
 */
final class MemFile implements Vnode {
  private final long dev;
  private final long ino;
  private final int pid;
  private final ProcSource src;

  MemFile(long dev, long ino, int pid, ProcSource src) {
    this.dev = dev;
    this.ino = ino;
    this.pid = pid;
    this.src = src;
  }

  @Override
  public Stat stat() {
    return new Stat(dev, ino, 1, Stat.S_IFREG | 0600, 0, 0, 0, 0, 1024, 0, 0, 0);
  }

  // fs/proc/base.c: mem_open (proc_mem_open with PTRACE_MODE_ATTACH)
  @Override
  public OpenFile open(int flags) throws UvmException {
    if ((flags & OpenFlags.O_TRUNC) != 0 && OpenFlags.writable(flags)) {
      throw new UvmException(Errno.EACCES);
    }
    return new Description(flags, src.memSpace(Vfs.callerPid(), pid));
  }

  /** One open description: the address space it reaches (null: none) and its offset. */
  private final class Description extends OpenFile {
    private final Vmspace vm;
    private long offset;

    Description(int flags, Vmspace vm) {
      super(flags);
      this.vm = vm;
    }

    @Override
    public long read(byte[] buf, int off, int len) throws UvmException {
      long n = rw(buf, off, len, offset, false);
      offset += n;
      return n;
    }

    @Override
    public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
      if (!writable()) {
        throw new UvmException(Errno.EBADF);
      }
      long n = rw(buf, off, len, offset, true);
      offset += n;
      return n;
    }

    @Override
    public long pread(byte[] buf, int off, int len, long at) throws UvmException {
      if (at < 0) {
        throw new UvmException(Errno.EINVAL);
      }
      return rw(buf, off, len, at, false);
    }

    @Override
    public long pwrite(byte[] buf, int off, int len, long at) throws UvmException {
      if (!writable()) {
        throw new UvmException(Errno.EBADF);
      }
      if (at < 0) {
        throw new UvmException(Errno.EINVAL);
      }
      return rw(buf, off, len, at, true);
    }

    // fs/proc/base.c: mem_rw
    private long rw(byte[] buf, int off, int len, long addr, boolean write) throws UvmException {
      if (len == 0 || vm.isFreed()) {
        return 0; // no mm, or its users are gone (mmget_not_zero failed)
      }
      int n = vm.forcedIo(addr, buf, off, len, write);
      if (n == 0) {
        throw new UvmException(Errno.EIO);
      }
      return n;
    }

    // fs/proc/base.c: mem_lseek
    @Override
    public long lseek(long off, int whence) throws UvmException {
      switch (whence) {
        case SeekableFile.SEEK_SET -> offset = off;
        case SeekableFile.SEEK_CUR -> offset += off;
        default -> throw new UvmException(Errno.EINVAL);
      }
      return offset;
    }

    @Override
    public Stat stat() {
      return MemFile.this.stat();
    }

    @Override
    protected void closed() {
      // holds no reference: the address space lives as long as its processes
    }
  }
}
