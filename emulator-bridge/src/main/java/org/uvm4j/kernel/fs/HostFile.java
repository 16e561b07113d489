package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A regular host file opened through a {@link HostVnode}: reads and (on a writable mount, with a
 * writable access mode) writes at the description's offset or at a position, ftruncate, fsync,
 * fallocate. The channel was opened without following symbolic links, so it is exactly the file the
 * guest's path walk found.
 */
public final class HostFile extends SeekableFile {
  private final Path path;
  private final FileChannel channel;
  private final Stat stat;

  private final SharedChannels channels;

  HostFile(Path path, FileChannel channel, Stat stat, int flags, SharedChannels channels) {
    super(flags);
    this.path = path;
    this.channel = channel;
    this.stat = stat;
    this.channels = channels;
  }

  /** The host path this file was opened from (file mappings read it). */
  public Path path() {
    return path;
  }

  @Override
  protected int readAt(byte[] buf, int off, int len, long at) throws UvmException {
    try {
      int n = channel.read(ByteBuffer.wrap(buf, off, len), at);
      return n < 0 ? 0 : n;
    } catch (IOException e) {
      throw new UvmException(HostErrors.errnoOf(e));
    }
  }

  @Override
  protected void writeAt(byte[] buf, int off, int len, long at) throws UvmException {
    try {
      ByteBuffer b = ByteBuffer.wrap(buf, off, len);
      long pos = at;
      while (b.hasRemaining()) {
        pos += channel.write(b, pos);
      }
    } catch (IOException e) {
      throw new UvmException(HostErrors.errnoOf(e));
    }
  }

  @Override
  protected long size() throws UvmException {
    try {
      return channel.size();
    } catch (IOException e) {
      throw new UvmException(Errno.EIO);
    }
  }

  @Override
  public void truncate(long size) throws UvmException {
    if (!writable()) {
      throw new UvmException(Errno.EINVAL);
    }
    HostVnode.truncate(channel, size);
  }

  @Override
  public void sync(boolean dataOnly) throws UvmException {
    try {
      channel.force(!dataOnly);
    } catch (IOException e) {
      throw new UvmException(Errno.EIO);
    }
  }

  @Override
  public void allocate(long offset, long len) throws UvmException {
    if (!writable()) {
      throw new UvmException(Errno.EBADF);
    }
    long end = offset + len;
    if (end < 0) {
      throw new UvmException(Errno.EFBIG);
    }
    if (end > size()) {
      HostVnode.truncate(channel, end);
    }
  }

  @Override
  public Stat stat() {
    Stat now;
    try {
      now = HostVnode.statOf(path, false);
    } catch (UvmException e) {
      now = null; // unlinked or replaced: what was opened still answers
    }
    if (now != null && now.ino() == stat.ino() && now.dev() == stat.dev()) {
      return now;
    }
    long size;
    try {
      size = channel.size();
    } catch (IOException e) {
      size = stat.size();
    }
    return stat.withSize(size);
  }

  @Override
  protected void closed() {
    if (channels != null) {
      channels.release(stat, writable()); // the shared host channel closes with its last holder
      return;
    }
    try {
      channel.close();
    } catch (IOException e) {
      // Nothing the guest could do about it: its close already succeeded.
    }
  }

  @Override
  public String toString() {
    return "host file " + path;
  }
}
