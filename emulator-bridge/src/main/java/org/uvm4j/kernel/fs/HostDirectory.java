package org.uvm4j.kernel.fs;

import java.nio.file.Path;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/** A host directory opened read-only (O_RDONLY or O_DIRECTORY): fstat works, read is EISDIR. */
public final class HostDirectory extends OpenFile {
  private final Path path;
  private final Stat stat;

  HostDirectory(Path path, Stat stat, int flags) {
    super(flags);
    this.path = path;
    this.stat = stat;
  }

  /** The directory's host path (the base of openat/newfstatat relative to this descriptor). */
  public Path path() {
    return path;
  }

  @Override
  public long read(byte[] buf, int off, int len) throws UvmException {
    throw new UvmException(Errno.EISDIR);
  }

  @Override
  public long pread(byte[] buf, int off, int len, long offset) throws UvmException {
    throw new UvmException(Errno.EISDIR);
  }

  @Override
  public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
    throw new UvmException(Errno.EBADF);
  }

  @Override
  public long lseek(long offset, int whence) throws UvmException {
    if (whence < 0 || whence > 2) {
      throw new UvmException(Errno.EINVAL);
    }
    return 0;
  }

  @Override
  public Stat stat() {
    return stat;
  }

  @Override
  protected void closed() {
    // Nothing host-side is held open for a directory.
  }

  @Override
  public String toString() {
    return "host directory " + path;
  }
}
