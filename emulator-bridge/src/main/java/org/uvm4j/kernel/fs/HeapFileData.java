package org.uvm4j.kernel.fs;

import java.util.Arrays;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * File contents in a Java byte array (the scratch tmpfs until file pages live in UVM anonymous
 * objects). Files are limited to {@link #MAX_SIZE} bytes (EFBIG beyond).
 */
public final class HeapFileData implements FileData {
  /** The largest file a byte array holds. */
  public static final long MAX_SIZE = Integer.MAX_VALUE - 16;

  private byte[] bytes = new byte[0];
  private int size;

  @Override
  public long size() {
    return size;
  }

  @Override
  public int read(long pos, byte[] buf, int off, int len) {
    if (pos >= size) {
      return 0;
    }
    int n = (int) Math.min(len, size - pos);
    System.arraycopy(bytes, (int) pos, buf, off, n);
    return n;
  }

  @Override
  public void write(long pos, byte[] buf, int off, int len) throws UvmException {
    long end = pos + len;
    if (end > MAX_SIZE || end < 0) {
      throw new UvmException(Errno.EFBIG);
    }
    ensure((int) end);
    System.arraycopy(buf, off, bytes, (int) pos, len);
    size = Math.max(size, (int) end);
  }

  @Override
  public void truncate(long newSize) throws UvmException {
    if (newSize > MAX_SIZE) {
      throw new UvmException(Errno.EFBIG);
    }
    int n = (int) newSize;
    if (n < size) {
      Arrays.fill(bytes, n, size, (byte) 0);
    } else {
      ensure(n);
    }
    size = n;
  }

  private void ensure(int cap) {
    if (cap > bytes.length) {
      int grown = (int) Math.min(MAX_SIZE, Math.max(cap, 2L * bytes.length));
      bytes = Arrays.copyOf(bytes, grown);
    }
  }

  @Override
  public void free() {
    bytes = new byte[0];
    size = 0;
  }
}
