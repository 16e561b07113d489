package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * An open regular file: a description with a file offset over something readable and writable at
 * any position ({@link #readAt}/{@link #writeAt}). read/write move the offset, pread/pwrite do not;
 * O_APPEND writes go to the end. The access mode is checked here (EBADF), the file system's limits
 * by the subclass (ENOSPC, EFBIG).
 */
public abstract class SeekableFile extends OpenFile {
  static final int SEEK_SET = 0;
  static final int SEEK_CUR = 1;
  static final int SEEK_END = 2;
  static final int SEEK_DATA = 3;
  static final int SEEK_HOLE = 4;

  /** Largest file size (Linux's MAX_LFS_FILESIZE). */
  public static final long MAX_SIZE = Long.MAX_VALUE;

  private long offset;

  protected SeekableFile(int flags) {
    super(flags);
  }

  /** Reads at {@code at} (0 at or past the end). */
  protected abstract int readAt(byte[] buf, int off, int len, long at) throws UvmException;

  /** Writes all {@code len} bytes at {@code at}, growing the file as needed. */
  protected abstract void writeAt(byte[] buf, int off, int len, long at) throws UvmException;

  /** The current size. */
  protected abstract long size() throws UvmException;

  @Override
  public long read(byte[] buf, int off, int len) throws UvmException {
    long n = pread(buf, off, len, offset);
    if (n > 0) {
      offset += n;
    }
    return n;
  }

  @Override
  public long pread(byte[] buf, int off, int len, long at) throws UvmException {
    if (!readable()) {
      throw new UvmException(Errno.EBADF);
    }
    if (at < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    if (len == 0) {
      return 0;
    }
    return readAt(buf, off, len, at);
  }

  @Override
  public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
    if (!writable()) {
      throw new UvmException(Errno.EBADF);
    }
    long at = (statusFlags() & OpenFlags.O_APPEND) != 0 ? size() : offset;
    checkRange(at, len);
    writeAt(buf, off, len, at);
    offset = at + len;
    return len;
  }

  @Override
  public long pwrite(byte[] buf, int off, int len, long at) throws UvmException {
    if (!writable()) {
      throw new UvmException(Errno.EBADF);
    }
    if (at < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    // Linux: pwrite on an O_APPEND descriptor appends (documented bug kept for compatibility)
    long pos = (statusFlags() & OpenFlags.O_APPEND) != 0 ? size() : at;
    checkRange(pos, len);
    writeAt(buf, off, len, pos);
    return len;
  }

  private static void checkRange(long at, int len) throws UvmException {
    if (at + len < 0) {
      throw new UvmException(Errno.EFBIG);
    }
  }

  @Override
  public long lseek(long off, int whence) throws UvmException {
    long base;
    switch (whence) {
      case SEEK_SET -> base = 0;
      case SEEK_CUR -> base = offset;
      case SEEK_END -> base = size();
      case SEEK_DATA, SEEK_HOLE -> {
        long size = size();
        if (off < 0 || off >= size) {
          throw new UvmException(Errno.ENXIO);
        }
        offset = whence == SEEK_DATA ? off : size; // no holes are reported: all of it is data
        return offset;
      }
      default -> throw new UvmException(Errno.EINVAL);
    }
    long pos = base + off;
    if ((off > 0 && pos < base) || pos < 0) {
      throw new UvmException(off > 0 ? Errno.EOVERFLOW : Errno.EINVAL);
    }
    offset = pos;
    return pos;
  }

  /** The description's file offset. */
  public long offset() {
    return offset;
  }
}
