package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * Typed access to the calling process's memory for system calls, all through {@link
 * Vmspace#copyin}/{@link Vmspace#copyout}/{@link Vmspace#copyinstr} (so a bad pointer is EFAULT,
 * never an exception from the VM). One per {@link SyscallContext}, rebound to the caller's address
 * space for each call; small structs go through one reused scratch buffer, so the common path
 * allocates nothing.
 *
 * <p>Error convention: reads (they have a result) throw {@link UvmException} with a positive errno;
 * writes return 0 or a positive errno.
 */
public final class UserMemory {
  /** PATH_MAX, the terminating NUL included. */
  public static final int PATH_MAX = 4096;

  /** The largest struct {@link #in}/{@link #buffer} can hold. */
  public static final int SCRATCH = 256;

  private Vmspace vm;
  private final byte[] scratch = new byte[SCRATCH];
  private final ByteBuffer view = ByteBuffer.wrap(scratch).order(ByteOrder.LITTLE_ENDIAN);

  /** Reused for string copy-in (execve copies up to 128 KiB per string). */
  private byte[] strings = new byte[PATH_MAX];

  /** Memory of {@code vm} (null until {@link #bind}). */
  public UserMemory(Vmspace vm) {
    this.vm = vm;
  }

  /** Switches to the address space of the next caller. */
  void bind(Vmspace space) {
    this.vm = space;
  }

  /** The address space read and written. */
  public Vmspace vm() {
    return vm;
  }

  /**
   * Reads {@code len} (at most {@link #SCRATCH}) bytes at {@code va} into the scratch buffer and
   * returns a little-endian view of it (valid until the next read or {@link #buffer}).
   */
  public ByteBuffer in(long va, int len) throws UvmException {
    if (vm.copyin(va, scratch, 0, len) != 0) {
      throw new UvmException(Errno.EFAULT);
    }
    return view;
  }

  /** The scratch buffer with its first {@code len} bytes zeroed, to fill and {@link #out}. */
  public ByteBuffer buffer(int len) {
    java.util.Arrays.fill(scratch, 0, len, (byte) 0);
    return view;
  }

  /** Copies the first {@code len} bytes of the scratch buffer to {@code va}: 0 or EFAULT. */
  public int out(long va, int len) {
    return vm.copyout(va, scratch, 0, len);
  }

  /** The 8 bytes at {@code va}. */
  public long readLong(long va) throws UvmException {
    return in(va, 8).getLong(0);
  }

  /** The 4 bytes at {@code va}. */
  public int readInt(long va) throws UvmException {
    return in(va, 4).getInt(0);
  }

  /** Stores {@code v} at {@code va}: 0 or EFAULT. */
  public int writeLong(long va, long v) {
    buffer(8).putLong(0, v);
    return out(va, 8);
  }

  /** Stores {@code v} at {@code va}: 0 or EFAULT. */
  public int writeInt(long va, int v) {
    buffer(4).putInt(0, v);
    return out(va, 4);
  }

  /** Copies {@code b} to {@code va}: 0 or EFAULT. */
  public int write(long va, byte[] b) {
    return vm.copyout(va, b, 0, b.length);
  }

  /** Copies {@code len} bytes of {@code b} from {@code off} to {@code va}: 0 or EFAULT. */
  public int write(long va, byte[] b, int off, int len) {
    return vm.copyout(va, b, off, len);
  }

  /** Fills {@code len} bytes of {@code b} from {@code off} with the bytes at {@code va}. */
  public void read(long va, byte[] b, int off, int len) throws UvmException {
    if (vm.copyin(va, b, off, len) != 0) {
      throw new UvmException(Errno.EFAULT);
    }
  }

  /**
   * The raw bytes of a NUL-terminated string of at most {@code max - 1} bytes: EFAULT, or
   * ENAMETOOLONG when no NUL comes within {@code max} bytes.
   */
  public byte[] string(long va, int max) throws UvmException {
    if (strings.length < max) {
      strings = new byte[max];
    }
    int n = vm.copyinstr(va, strings, max); // throws EFAULT, ENAMETOOLONG
    byte[] s = new byte[n];
    System.arraycopy(strings, 0, s, 0, n);
    return s;
  }

  /** A path argument (PATH_MAX 4096 with the NUL). */
  public String path(long va) throws UvmException {
    return new String(string(va, PATH_MAX), StandardCharsets.UTF_8);
  }
}
