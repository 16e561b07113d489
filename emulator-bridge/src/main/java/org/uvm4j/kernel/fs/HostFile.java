package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A regular host file opened read-only: reads at the description's offset, pread, lseek. Writes
 * fail with EBADF (the descriptor is O_RDONLY; the host file system is read-only to guests).
 */
public final class HostFile extends OpenFile {
  static final int SEEK_SET = 0;
  static final int SEEK_CUR = 1;
  static final int SEEK_END = 2;

  private final Path path;
  private final FileChannel channel;
  private final Stat stat;
  private long offset;

  private final SharedChannels channels;

  HostFile(Path path, FileChannel channel, Stat stat, int flags, SharedChannels channels) {
    super(flags);
    this.path = path;
    this.channel = channel;
    this.stat = stat;
    this.channels = channels;
  }

  /** The host path this file was opened from. */
  public Path path() {
    return path;
  }

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
    if (at < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    if (len == 0) {
      return 0;
    }
    try {
      int n = channel.read(ByteBuffer.wrap(buf, off, len), at);
      return n < 0 ? 0 : n;
    } catch (IOException e) {
      throw new UvmException(Errno.EIO);
    }
  }

  @Override
  public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
    throw new UvmException(Errno.EBADF);
  }

  @Override
  public long lseek(long off, int whence) throws UvmException {
    long base;
    switch (whence) {
      case SEEK_SET -> base = 0;
      case SEEK_CUR -> base = offset;
      case SEEK_END -> {
        try {
          base = channel.size();
        } catch (IOException e) {
          throw new UvmException(Errno.EIO);
        }
      }
      default -> {
        throw new UvmException(Errno.EINVAL);
      }
    }
    long pos = base + off;
    if ((off > 0 && pos < base) || pos < 0) {
      throw new UvmException(off > 0 ? Errno.EOVERFLOW : Errno.EINVAL);
    }
    offset = pos;
    return pos;
  }

  @Override
  public Stat stat() {
    try {
      long size = channel.size();
      return new Stat(
          stat.dev(),
          stat.ino(),
          stat.nlink(),
          stat.mode(),
          stat.uid(),
          stat.gid(),
          0,
          size,
          4096,
          (size + 511) / 512,
          stat.mtimeSec(),
          stat.mtimeNsec());
    } catch (IOException e) {
      return stat;
    }
  }

  @Override
  protected void closed() {
    channels.release(stat); // the shared host channel closes with its last holder
  }

  @Override
  public String toString() {
    return "host file " + path;
  }
}
