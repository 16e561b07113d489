package org.uvm4j.kernel.elf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

/**
 * The initial process stack as Linux builds it ({@code create_elf_tables}): from the top down an
 * 8-byte zero end marker, the exec file name, the environment strings, the argument strings, 16
 * random bytes (AT_RANDOM), then at a 16-byte aligned stack pointer {@code argc}, the argv pointers
 * and a NULL, the envp pointers and a NULL, and the auxiliary vector ending with AT_NULL.
 *
 * <p>The image is built in a byte array (no guest memory touched); the loader copies it out to
 * {@link #base()}. Invariant: {@code base() + bytes().length == top} and {@link #sp()} is 16-byte
 * aligned, {@code base() <= sp()}.
 */
public final class StackImage {
  private final long base;
  private final long sp;
  private final byte[] bytes;
  private final long randomAddress;
  private final long execfnAddress;

  private StackImage(long base, long sp, byte[] bytes, long randomAddress, long execfnAddress) {
    this.base = base;
    this.sp = sp;
    this.bytes = bytes;
    this.randomAddress = randomAddress;
    this.execfnAddress = execfnAddress;
  }

  /** Lowest address of the image (page alignment is not required). */
  public long base() {
    return base;
  }

  /** The initial RSP: address of {@code argc}. */
  public long sp() {
    return sp;
  }

  /** The image contents, to be copied to {@link #base()}. */
  public byte[] bytes() {
    return bytes;
  }

  /** Where the AT_RANDOM bytes are. */
  public long randomAddress() {
    return randomAddress;
  }

  /** Where the AT_EXECFN string is. */
  public long execfnAddress() {
    return execfnAddress;
  }

  /** Total bytes the strings take with their NULs (what Linux counts against ARG_MAX). */
  public static long stringBytes(List<byte[]> argv, List<byte[]> envp) {
    long n = 0;
    for (byte[] a : argv) {
      n += a.length + 1;
    }
    for (byte[] e : envp) {
      n += e.length + 1;
    }
    return n;
  }

  /**
   * Builds the image.
   *
   * @param top one past the highest stack byte (16-byte aligned)
   * @param argv argument strings without NUL
   * @param envp environment strings ({@code NAME=value}) without NUL
   * @param execfn the program path for AT_EXECFN
   * @param random16 the 16 AT_RANDOM bytes
   * @param auxv (tag, value) pairs without AT_RANDOM, AT_EXECFN and AT_NULL, which are added here
   */
  public static StackImage build(
      long top, List<byte[]> argv, List<byte[]> envp, byte[] execfn, byte[] random16, long[] auxv) {
    if ((top & 15) != 0 || random16.length != 16 || (auxv.length & 1) != 0) {
      throw new IllegalArgumentException("bad stack image parameters");
    }
    long p = top - 8; // end marker
    p -= execfn.length + 1;
    long execfnAt = p;
    long[] envAt = new long[envp.size()];
    for (int i = envp.size() - 1; i >= 0; i--) {
      p -= envp.get(i).length + 1;
      envAt[i] = p;
    }
    long[] argAt = new long[argv.size()];
    for (int i = argv.size() - 1; i >= 0; i--) {
      p -= argv.get(i).length + 1;
      argAt[i] = p;
    }
    p -= 16;
    long randomAt = p;
    p &= ~15L;
    int auxWords = auxv.length + 6; // + AT_RANDOM, AT_EXECFN, AT_NULL pairs
    long words = 1 + argv.size() + 1 + envp.size() + 1 + auxWords;
    long sp = (p - words * 8) & ~15L;
    long size = top - sp;
    if (size > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("stack image too large: " + size + " bytes");
    }
    byte[] img = new byte[(int) size];
    ByteBuffer b = ByteBuffer.wrap(img).order(ByteOrder.LITTLE_ENDIAN);
    put(img, sp, execfnAt, execfn);
    for (int i = 0; i < envp.size(); i++) {
      put(img, sp, envAt[i], envp.get(i));
    }
    for (int i = 0; i < argv.size(); i++) {
      put(img, sp, argAt[i], argv.get(i));
    }
    System.arraycopy(random16, 0, img, (int) (randomAt - sp), 16);
    int w = 0;
    b.putLong(w, argv.size());
    w += 8;
    for (long a : argAt) {
      b.putLong(w, a);
      w += 8;
    }
    b.putLong(w, 0);
    w += 8;
    for (long e : envAt) {
      b.putLong(w, e);
      w += 8;
    }
    b.putLong(w, 0);
    w += 8;
    for (long v : auxv) {
      b.putLong(w, v);
      w += 8;
    }
    long[] tail = {Auxv.AT_RANDOM, randomAt, Auxv.AT_EXECFN, execfnAt, Auxv.AT_NULL, 0};
    for (long v : tail) {
      b.putLong(w, v);
      w += 8;
    }
    return new StackImage(sp, sp, img, randomAt, execfnAt);
  }

  private static void put(byte[] img, long base, long at, byte[] s) {
    System.arraycopy(s, 0, img, (int) (at - base), s.length);
    img[(int) (at - base) + s.length] = 0;
  }
}
