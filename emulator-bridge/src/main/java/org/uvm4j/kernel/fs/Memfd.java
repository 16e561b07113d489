package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.Aobj;
import org.uvm4j.uvm.system.Uvm;

/**
 * A file made by {@code memfd_create}: a nameless in-memory regular file whose pages are a UVM
 * anonymous object ({@link AobjFileData}), so {@code read}/{@code write} and every {@code
 * MAP_SHARED} mapping of it share frames, with Linux's file seals ({@link Seals}).
 *
 * <p>Invariant: the data lives while a descriptor or a mapping holds it: the last close drops the
 * file's reference, mappings hold their own on the object.
 */
public final class Memfd extends OpenFile {
  static final int SEEK_SET = 0;
  static final int SEEK_CUR = 1;
  static final int SEEK_END = 2;

  private static long nextIno = 1;

  private final String name;
  private final AobjFileData data;
  private final Seals seals;
  private final long ino;
  private long offset;

  /**
   * A new empty memfd named {@code name} (as in {@code /memfd:NAME}), open read-write.
   *
   * @param seals the initial seals ({@link Seals#F_SEAL_SEAL} unless sealing is allowed)
   */
  public Memfd(Uvm uvm, String name, int seals) {
    super(OpenFlags.O_RDWR);
    this.name = name;
    this.data = new AobjFileData(uvm, "memfd:" + name);
    this.seals = new Seals(seals);
    synchronized (Memfd.class) {
      this.ino = nextIno++;
    }
  }

  /** The name given to memfd_create. */
  public String name() {
    return name;
  }

  /** The anonymous object holding the pages (what mmap maps). */
  public Aobj object() {
    return data.object();
  }

  /** The file's seals. */
  public Seals seals() {
    return seals;
  }

  /** The current size. */
  public long size() {
    return data.size();
  }

  @Override
  public long read(byte[] buf, int off, int len) throws UvmException {
    long n = pread(buf, off, len, offset);
    offset += n;
    return n;
  }

  @Override
  public long pread(byte[] buf, int off, int len, long at) throws UvmException {
    if (at < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    return data.read(at, buf, off, len);
  }

  @Override
  public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
    long at = (statusFlags() & OpenFlags.O_APPEND) != 0 ? data.size() : offset;
    pwrite(buf, off, len, at);
    offset = at + len;
    return len;
  }

  /** pwrite64: writes at {@code at} without moving the offset. */
  public long pwrite(byte[] buf, int off, int len, long at) throws UvmException {
    if (at < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    if (len == 0) {
      return 0;
    }
    seals.checkWrite();
    long size = data.size();
    if (at + len > size) {
      seals.checkResize(size, at + len);
    }
    data.write(at, buf, off, len);
    return len;
  }

  /** ftruncate: EPERM under a seal forbidding the change, EINVAL for a negative size. */
  public void truncate(long size) throws UvmException {
    if (size < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    seals.checkResize(data.size(), size);
    data.truncate(size);
  }

  @Override
  public long lseek(long off, int whence) throws UvmException {
    long base =
        switch (whence) {
          case SEEK_SET -> 0;
          case SEEK_CUR -> offset;
          case SEEK_END -> data.size();
          default -> throw new UvmException(Errno.EINVAL);
        };
    long pos = base + off;
    if (pos < 0) {
      throw new UvmException(off > 0 ? Errno.EOVERFLOW : Errno.EINVAL);
    }
    offset = pos;
    return pos;
  }

  @Override
  public Stat stat() {
    long size = data.size();
    return new Stat(
        0x10, ino, 1, Stat.S_IFREG | 0777, 0, 0, 0, size, 4096, (size + 511) / 512, 0, 0);
  }

  @Override
  protected void closed() {
    data.free();
  }

  @Override
  public String toString() {
    return "/memfd:" + name + " (deleted)";
  }
}
