package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * {@code /proc/PID/pagemap}: eight bytes per virtual page of the process, read at the offset {@code
 * va / 4096 * 8} (fs/proc/task_mmu.c: pagemap_read); each entry is {@link ProcSource#pagemap}'s.
 * Reads are computed for the range asked, never stored: the file spans the whole user address
 * space. Reads must be 8-byte aligned and a multiple of 8 long (EINVAL otherwise, as Linux).
 */
final class PagemapFile implements Vnode {
  private final long dev;
  private final long ino;
  private final int pid;
  private final ProcSource src;

  PagemapFile(long dev, long ino, int pid, ProcSource src) {
    this.dev = dev;
    this.ino = ino;
    this.pid = pid;
    this.src = src;
  }

  @Override
  public Stat stat() {
    return new Stat(dev, ino, 1, Stat.S_IFREG | 0400, 0, 0, 0, 0, 1024, 0, 0, 0);
  }

  @Override
  public OpenFile open(int flags) throws UvmException {
    if (OpenFlags.writable(flags) || (flags & OpenFlags.O_TRUNC) != 0) {
      throw new UvmException(Errno.EACCES);
    }
    if (!src.exists(pid)) {
      throw new UvmException(Errno.ESRCH);
    }
    return new Reader(flags);
  }

  private final class Reader extends SeekableFile {
    Reader(int flags) {
      super(flags);
    }

    @Override
    protected int readAt(byte[] buf, int off, int len, long at) throws UvmException {
      if ((at & 7) != 0 || (len & 7) != 0) {
        throw new UvmException(Errno.EINVAL);
      }
      long firstPage = at >>> 3;
      int n = len >>> 3;
      if (firstPage >= ProcSource.PAGEMAP_PAGES) {
        return 0;
      }
      n = (int) Math.min(n, ProcSource.PAGEMAP_PAGES - firstPage);
      long[] entries = new long[n];
      if (!src.pagemap(pid, firstPage << 12, entries)) {
        throw new UvmException(Errno.ESRCH);
      }
      for (int i = 0; i < n; i++) {
        long e = entries[i];
        for (int k = 0; k < 8; k++) {
          buf[off + i * 8 + k] = (byte) (e >>> (8 * k));
        }
      }
      return n * 8;
    }

    @Override
    protected void writeAt(byte[] buf, int off, int len, long at) throws UvmException {
      throw new UvmException(Errno.EBADF);
    }

    @Override
    protected long size() {
      return 0; // as Linux's: stat says 0, reads go on to the end of the address space
    }

    @Override
    public Stat stat() {
      return PagemapFile.this.stat();
    }

    @Override
    protected void closed() {
      // holds nothing
    }
  }
}
