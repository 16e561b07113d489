package org.uvm4j.kernel.bitmap;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.BitSet;

/**
 * A Linux bitmap of {@link #size()} bits ({@code DECLARE_BITMAP}): bit {@code n} is bit {@code n %
 * 64} of {@code unsigned long} {@code n / 64}, so in user memory, an array of little-endian words,
 * it is bit {@code n % 8} of byte {@code n / 8} — the layout {@link BitSet#valueOf(long[])} and
 * {@link BitSet#toByteArray()} use, which back this class. The value under Linux's {@code struct
 * cpumask} and {@code nodemask_t}.
 *
 * <p>Invariants: immutable (the {@link BitSet} is never changed once built, nor handed out); no bit
 * at or above {@link #size()}; equal when of the same size with the same bits.
 */
public final class Bitmap {
  private final int nbits;
  private final BitSet bits;

  /** Takes {@code bits} (nobody changes it afterwards) and drops its bits at or above nbits. */
  private Bitmap(int nbits, BitSet bits) {
    if (bits.length() > nbits) {
      bits.clear(nbits, bits.length());
    }
    this.nbits = nbits;
    this.bits = bits;
  }

  private static int checkSize(int nbits) {
    if (nbits < 0) {
      throw new IllegalArgumentException("no bitmap of " + nbits + " bits");
    }
    return nbits;
  }

  /** The empty bitmap of {@code nbits} bits ({@code bitmap_zero}). */
  public static Bitmap empty(int nbits) {
    return new Bitmap(checkSize(nbits), new BitSet());
  }

  /** Bits 0 to {@code n - 1} of a bitmap of {@code nbits} ({@code bitmap_fill} of n bits). */
  public static Bitmap first(int nbits, int n) {
    if (n < 0 || n > checkSize(nbits)) {
      throw new IllegalArgumentException("no " + n + " bits in a bitmap of " + nbits);
    }
    BitSet b = new BitSet();
    b.set(0, n);
    return new Bitmap(nbits, b);
  }

  /**
   * The bitmap whose word {@code i} is {@code words[i]} ({@code bitmap_from_arr64}); bits at or
   * above {@code nbits} are dropped.
   */
  public static Bitmap ofWords(int nbits, long[] words) {
    return new Bitmap(checkSize(nbits), BitSet.valueOf(words));
  }

  /** The bits of {@code set} (copied); those at or above {@code nbits} are dropped. */
  public static Bitmap of(int nbits, BitSet set) {
    return new Bitmap(checkSize(nbits), (BitSet) set.clone());
  }

  /**
   * The bitmap in the first {@code len} bytes of {@code bytes} (user memory's {@code unsigned long}
   * array, little-endian); bits at or above {@code nbits} are dropped.
   */
  public static Bitmap fromBytes(int nbits, byte[] bytes, int len) {
    int n = Math.max(0, Math.min(len, bytes.length));
    return new Bitmap(checkSize(nbits), BitSet.valueOf(ByteBuffer.wrap(bytes, 0, n)));
  }

  /**
   * The first {@code len} bytes of the bitmap as user memory holds it (little-endian words), zeros
   * past its last set bit.
   */
  public byte[] toBytes(int len) {
    return Arrays.copyOf(bits.toByteArray(), len);
  }

  /** The size in bits (fixed when the bitmap is made). */
  public int size() {
    return nbits;
  }

  /** {@code BITS_TO_LONGS(size())}: how many {@code unsigned long}s hold it. */
  public int words() {
    return (nbits + 63) / 64;
  }

  /** Word {@code i} (bits 64i to 64i + 63), below {@link #words()}. */
  public long word(int i) {
    if (i < 0 || i >= words()) {
      throw new IndexOutOfBoundsException("word " + i + " of " + words());
    }
    long[] w = bits.toLongArray();
    return i < w.length ? w[i] : 0;
  }

  /** {@code test_bit}: false for any bit outside the bitmap. */
  public boolean get(int bit) {
    return bit >= 0 && bit < nbits && bits.get(bit);
  }

  /** This bitmap with {@code bit} (below {@link #size()}) set ({@code __set_bit}). */
  public Bitmap with(int bit) {
    BitSet b = (BitSet) bits.clone();
    b.set(checkBit(bit));
    return new Bitmap(nbits, b);
  }

  /** This bitmap with {@code bit} (below {@link #size()}) clear ({@code __clear_bit}). */
  public Bitmap without(int bit) {
    BitSet b = (BitSet) bits.clone();
    b.clear(checkBit(bit));
    return new Bitmap(nbits, b);
  }

  private int checkBit(int bit) {
    if (bit < 0 || bit >= nbits) {
      throw new IllegalArgumentException("bit " + bit + " of a bitmap of " + nbits);
    }
    return bit;
  }

  /** {@code bitmap_and}: the bits in both (of the same size). */
  public Bitmap and(Bitmap o) {
    checkSameSize(o);
    BitSet b = (BitSet) bits.clone();
    b.and(o.bits);
    return new Bitmap(nbits, b);
  }

  /** {@code bitmap_subset}: every bit of this bitmap is in {@code o} (of the same size). */
  public boolean subsetOf(Bitmap o) {
    checkSameSize(o);
    BitSet b = (BitSet) bits.clone();
    b.andNot(o.bits);
    return b.isEmpty();
  }

  private void checkSameSize(Bitmap o) {
    if (o.nbits != nbits) {
      throw new IllegalArgumentException("bitmaps of " + nbits + " and " + o.nbits + " bits");
    }
  }

  /** {@code bitmap_empty}. */
  public boolean isEmpty() {
    return bits.isEmpty();
  }

  /** {@code bitmap_weight}: how many bits are set. */
  public int weight() {
    return bits.cardinality();
  }

  /**
   * {@code find_next_bit}: the lowest set bit at or above {@code from} (any int; below 0 counts as
   * 0), or -1 when there is none.
   */
  public int nextSetBit(int from) {
    return from >= nbits ? -1 : bits.nextSetBit(Math.max(0, from));
  }

  /**
   * The bitmap as Linux's {@code %*pbl} prints it ({@code bitmap_list_string}): ranges and single
   * bits separated by commas, e.g. {@code 0-3,5}; empty for the empty bitmap.
   */
  public String toList() {
    StringBuilder b = new StringBuilder();
    int c = nextSetBit(0);
    while (c >= 0) {
      int end = bits.nextClearBit(c) - 1;
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(c);
      if (end > c) {
        b.append('-').append(end);
      }
      c = nextSetBit(end + 1);
    }
    return b.toString();
  }

  /**
   * The first {@code width} bits as Linux's {@code %*pb} prints them ({@code bitmap_string}):
   * hexadecimal in 32-bit groups from the highest, separated by commas, the first group as many
   * digits as its bits need, e.g. {@code 3} for bits 0 and 1 of 2, {@code 00000001,00000000} for
   * bit 32 of 64.
   */
  public String toHex(int width) {
    StringBuilder b = new StringBuilder();
    int groups = Math.max(1, (width + 31) / 32);
    for (int g = groups - 1; g >= 0; g--) {
      long v = 0;
      for (int i = 0; i < 32; i++) {
        int bit = g * 32 + i;
        if (bit < width && get(bit)) {
          v |= 1L << i;
        }
      }
      int gbits = g == groups - 1 && width % 32 != 0 ? width % 32 : 32;
      int digits = Math.max(1, (gbits + 3) / 4);
      if (b.length() > 0) {
        b.append(',');
      }
      String h = Long.toHexString(v);
      b.append("0".repeat(Math.max(0, digits - h.length()))).append(h);
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Bitmap m && m.nbits == nbits && m.bits.equals(bits);
  }

  @Override
  public int hashCode() {
    return 31 * nbits + bits.hashCode();
  }

  /** The set bits in the {@code %*pbl} form, in braces, e.g. {@code {0-3,5}}. */
  @Override
  public String toString() {
    return "{" + toList() + "}";
  }
}
