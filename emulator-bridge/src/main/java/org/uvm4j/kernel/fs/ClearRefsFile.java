package org.uvm4j.kernel.fs;

import java.nio.charset.StandardCharsets;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * {@code /proc/PID/clear_refs} (write-only): accepts Linux's commands 1 to 5 (clear the referenced
 * bits, 4 the soft-dirty bits, 5 the peak RSS). uvm4j keeps neither referenced nor soft-dirty bits
 * for the guest (a kernel without CONFIG_MEM_SOFT_DIRTY: pagemap never shows soft-dirty), so an
 * accepted command changes nothing; anything else is EINVAL, as Linux.
 */
final class ClearRefsFile implements Vnode {
  private final long dev;
  private final long ino;
  private final int pid;
  private final ProcSource src;

  ClearRefsFile(long dev, long ino, int pid, ProcSource src) {
    this.dev = dev;
    this.ino = ino;
    this.pid = pid;
    this.src = src;
  }

  @Override
  public Stat stat() {
    return new Stat(dev, ino, 1, Stat.S_IFREG | 0200, 0, 0, 0, 0, 1024, 0, 0, 0);
  }

  @Override
  public OpenFile open(int flags) throws UvmException {
    if (OpenFlags.readable(flags)) {
      throw new UvmException(Errno.EACCES);
    }
    if (!src.exists(pid)) {
      throw new UvmException(Errno.ESRCH);
    }
    return new Writer(flags);
  }

  private final class Writer extends SeekableFile {
    Writer(int flags) {
      super(flags);
    }

    @Override
    protected int readAt(byte[] buf, int off, int len, long at) throws UvmException {
      throw new UvmException(Errno.EBADF);
    }

    @Override
    protected void writeAt(byte[] buf, int off, int len, long at) throws UvmException {
      String s = new String(buf, off, Math.min(len, 16), StandardCharsets.US_ASCII).strip();
      int type;
      try {
        type = Integer.parseInt(s);
      } catch (NumberFormatException e) {
        throw new UvmException(Errno.EINVAL);
      }
      if (type < 1 || type > 5) {
        throw new UvmException(Errno.EINVAL);
      }
    }

    @Override
    protected long size() {
      return 0;
    }

    @Override
    public Stat stat() {
      return ClearRefsFile.this.stat();
    }

    @Override
    protected void closed() {
      // holds nothing
    }
  }
}
