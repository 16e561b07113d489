package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * Typed access to guest memory for system calls, all through {@link Vmspace#copyin}/{@link
 * Vmspace#copyout} (so a bad pointer is EFAULT, never an exception). Reads report failure with a
 * null result.
 */
final class UserMemory {
  /** PATH_MAX, the terminating NUL included. */
  static final int PATH_MAX = 4096;

  /** Reused for string copy-in (execve copies up to 128 KiB per string), one per kernel thread. */
  private static final ThreadLocal<byte[]> SCRATCH = ThreadLocal.withInitial(() -> new byte[4096]);

  private UserMemory() {}

  static int putLong(Vmspace vm, long va, long v) {
    byte[] b = new byte[8];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(0, v);
    return vm.copyout(va, b, 0, 8);
  }

  static int putInt(Vmspace vm, long va, int v) {
    byte[] b = new byte[4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(0, v);
    return vm.copyout(va, b, 0, 4);
  }

  static int put(Vmspace vm, long va, byte[] b) {
    return vm.copyout(va, b, 0, b.length);
  }

  /** The 8 bytes at {@code va}, or null (EFAULT). */
  static Long getLong(Vmspace vm, long va) {
    byte[] b = new byte[8];
    if (vm.copyin(va, b, 0, 8) != 0) {
      return null;
    }
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
  }

  /** {@code len} bytes at {@code va}, or null (EFAULT). */
  static byte[] get(Vmspace vm, long va, int len) {
    byte[] b = new byte[len];
    return vm.copyin(va, b, 0, len) == 0 ? b : null;
  }

  /** A little-endian view of bytes read from the guest. */
  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** A little-endian buffer to fill and copy out. */
  static ByteBuffer le(int size) {
    return ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The raw bytes of a NUL-terminated string of at most {@code max - 1} bytes. */
  static byte[] getStringBytes(Vmspace vm, long va, int max, int[] err) {
    byte[] buf = SCRATCH.get();
    if (buf.length < max) {
      buf = new byte[max];
      SCRATCH.set(buf);
    }
    int n;
    try {
      n = vm.copyinstr(va, buf, max);
    } catch (UvmException e) {
      err[0] = e.errno();
      return null;
    }
    byte[] s = new byte[n];
    System.arraycopy(buf, 0, s, 0, n);
    return s;
  }

  /** A path argument (PATH_MAX 4096 with the NUL), or null with {@code err[0]} set. */
  static String getPath(Vmspace vm, long va, int[] err) {
    byte[] s = getStringBytes(vm, va, PATH_MAX, err);
    return s == null ? null : new String(s, StandardCharsets.UTF_8);
  }
}
