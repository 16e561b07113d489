package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.Aobj;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * A file made by {@code memfd_create}: a nameless in-memory regular file whose pages are a UVM
 * anonymous object ({@link AobjFileData}), so {@code read}/{@code write} and every {@code
 * MAP_SHARED} mapping of it share frames, with Linux's file seals ({@link Seals}).
 *
 * <p>Invariant: the data lives while a descriptor or a mapping holds it: the last close drops the
 * file's reference, mappings hold their own on the object.
 */
public final class Memfd extends SeekableFile {
  private static long nextIno = 1;

  private final String name;
  private final AobjFileData data;
  private final Seals seals;
  private final long ino;

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

  @Override
  public UvmObject mmapObject() {
    return data.object();
  }

  /** The file's seals. */
  public Seals seals() {
    return seals;
  }

  @Override
  public long size() {
    return data.size();
  }

  @Override
  protected int readAt(byte[] buf, int off, int len, long at) throws UvmException {
    return data.read(at, buf, off, len);
  }

  /** Writes under the seals: EPERM under F_SEAL_WRITE/FUTURE_WRITE, or past the end under GROW. */
  @Override
  protected void writeAt(byte[] buf, int off, int len, long at) throws UvmException {
    if (len == 0) {
      return;
    }
    seals.checkWrite();
    long size = data.size();
    if (at + len > size) {
      seals.checkResize(size, at + len);
    }
    data.write(at, buf, off, len);
  }

  /** ftruncate: EPERM under a seal forbidding the change, EINVAL for a negative size. */
  @Override
  public void truncate(long size) throws UvmException {
    if (!writable() || size < 0) {
      throw new UvmException(org.uvm4j.uvm.Errno.EINVAL);
    }
    seals.checkResize(data.size(), size);
    data.truncate(size);
  }

  @Override
  public void sync(boolean dataOnly) {
    // memory is as synced as it gets
  }

  @Override
  public void allocate(long offset, long len) throws UvmException {
    if (!writable()) {
      throw new UvmException(org.uvm4j.uvm.Errno.EBADF);
    }
    long end = offset + len;
    if (end > data.size()) {
      truncate(end);
    }
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
