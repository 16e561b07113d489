package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.Aobj;
import org.uvm4j.uvm.system.Uvm;

/**
 * The contents of an in-memory file (tmpfs, memfd, shm) kept as the pages of a UVM anonymous object
 * ({@link Aobj}, NetBSD's {@code uvm_aobj}): the file's pages are anonymous memory of the VM
 * system, counted in {@code uvmexp.aobjpages}, paged to swap under pressure, and the very frames a
 * {@code MAP_SHARED} mapping of the file maps.
 *
 * <p>Invariant: holds one reference on its object from creation until {@link #free()}; reads past
 * the size return 0 bytes; a write past the end grows the file and the gap reads as zeros.
 */
public final class AobjFileData {
  private final Aobj aobj;
  private boolean freed;

  /** An empty file's data, an object named {@code name} (e.g. {@code "memfd:foo"}). */
  public AobjFileData(Uvm uvm, String name) {
    this.aobj = Aobj.create(uvm, name, 0);
  }

  /** The object holding the pages (what mmap maps). */
  public Aobj object() {
    return aobj;
  }

  public long size() {
    return aobj.size();
  }

  /** Copies up to {@code len} bytes at {@code pos} into {@code buf}: the count (0 at the end). */
  public int read(long pos, byte[] buf, int off, int len) throws UvmException {
    long size = aobj.size();
    if (pos >= size || len <= 0) {
      return 0;
    }
    int n = (int) Math.min(len, size - pos);
    check(aobj.read(pos, buf, off, n));
    return n;
  }

  /**
   * Writes {@code len} bytes at {@code pos}: EFBIG past the largest object, ENOSPC out of memory.
   */
  public void write(long pos, byte[] buf, int off, int len) throws UvmException {
    if (pos < 0 || pos + len < 0 || pos + len > Aobj.MAX_SIZE) {
      throw new UvmException(Errno.EFBIG);
    }
    check(aobj.write(pos, buf, off, len));
  }

  /** Sets the size (zeros when growing). */
  public void truncate(long size) throws UvmException {
    check(aobj.truncate(size));
  }

  /** The file is gone: drops the data's reference (mappings may keep the object a while). */
  public void free() {
    if (!freed) {
      freed = true;
      aobj.detach();
    }
  }

  private static void check(int error) throws UvmException {
    if (error == Errno.ENOMEM) {
      throw new UvmException(Errno.ENOSPC); // tmpfs out of memory and swap: Linux says ENOSPC
    }
    if (error != 0) {
      throw new UvmException(error);
    }
  }
}
