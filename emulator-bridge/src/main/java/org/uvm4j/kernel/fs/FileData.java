package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * The bytes of one in-memory file ({@link MemFs}): where a tmpfs keeps file contents. {@link
 * HeapFileData} keeps them on the Java heap; a UVM anonymous object ({@code uao}) can keep them as
 * pages of the VM system instead by implementing this interface.
 *
 * <p>Invariant: bytes past {@link #size()} do not exist; a write past the end grows the file and
 * the gap reads as zeros.
 */
public interface FileData {
  /** Makes the data of a new, empty file. */
  @FunctionalInterface
  interface Factory {
    FileData create() throws UvmException;
  }

  long size();

  /** Copies up to {@code len} bytes at {@code pos} into {@code buf}: the count (0 at the end). */
  int read(long pos, byte[] buf, int off, int len) throws UvmException;

  /** Writes {@code len} bytes at {@code pos}: ENOSPC, EFBIG. */
  void write(long pos, byte[] buf, int off, int len) throws UvmException;

  /** Sets the size (zeros when growing). */
  void truncate(long size) throws UvmException;

  /** The file is gone (no name, no open description): frees the storage. Called once. */
  void free();

  /**
   * The UVM object whose pages are the file's bytes, which mmap maps (shared: those very frames),
   * or null when the bytes are not pages of the VM system (heap data: mmap is ENODEV).
   */
  default UvmObject object() {
    return null;
  }
}
