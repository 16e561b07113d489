package org.uvm4j.kernel.fs;

import java.util.function.Supplier;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A read-only file made by uvm4j ({@code /proc/meminfo}, {@code /proc/PID/maps}): its contents are
 * computed by the first read (open only checks that they exist: ESRCH for a process that is gone),
 * and that snapshot is what the description reads — until a read starts at offset 0 again (after
 * lseek or rewind, or a pread at 0), which computes them afresh, as Linux's {@code seq_file} does
 * (size 0 in stat, as Linux's procfs): what changed between open and the first read shows. Writing
 * is EACCES at open.
 */
public final class SyntheticFile implements Vnode {
  private final long dev;
  private final long ino;
  private final int perms;
  private final Supplier<byte[]> contents;

  public SyntheticFile(long dev, long ino, int perms, Supplier<byte[]> contents) {
    this.dev = dev;
    this.ino = ino;
    this.perms = perms;
    this.contents = contents;
  }

  @Override
  public Stat stat() {
    return new Stat(dev, ino, 1, Stat.S_IFREG | perms, 0, 0, 0, 0, 1024, 0, 0, 0);
  }

  @Override
  public OpenFile open(int flags) throws UvmException {
    if (OpenFlags.writable(flags) || (flags & OpenFlags.O_TRUNC) != 0) {
      throw new UvmException(Errno.EACCES);
    }
    byte[] b = contents.get();
    if (b == null) {
      throw new UvmException(Errno.ESRCH); // the process is gone
    }
    return new Snapshot(b, flags);
  }

  /**
   * An open description reading a snapshot of the contents, taken at the first read and again at
   * each read from 0.
   */
  private final class Snapshot extends SeekableFile {
    private byte[] bytes;
    private boolean read;

    Snapshot(byte[] bytes, int flags) {
      super(flags);
      this.bytes = bytes;
    }

    // fs/seq_file.c: seq_read_iter (a read at position 0 starts the file over)
    @Override
    protected int readAt(byte[] buf, int off, int len, long at) {
      if (at == 0 || !read) {
        byte[] fresh = contents.get();
        bytes = fresh != null ? fresh : new byte[0]; // the process is gone: nothing more to read
      }
      read = true;
      if (at >= bytes.length) {
        return 0;
      }
      int n = (int) Math.min(len, bytes.length - at);
      System.arraycopy(bytes, (int) at, buf, off, n);
      return n;
    }

    @Override
    protected void writeAt(byte[] buf, int off, int len, long at) throws UvmException {
      throw new UvmException(Errno.EBADF);
    }

    @Override
    protected long size() {
      return bytes.length;
    }

    @Override
    public Stat stat() {
      return SyntheticFile.this.stat();
    }

    @Override
    protected void closed() {
      // a snapshot holds nothing but its bytes
    }
  }
}
