package org.uvm4j.uvm.trace;

/** {@code 0x…} formatting of addresses into a caller's buffer, without allocation. */
final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  /** Characters {@link #format} may write: "0x" and 16 digits. */
  static final int MAX_CHARS = 18;

  private Hex() {}

  /** Writes {@code 0x} and the lower-case digits of {@code v} (no leading zeros); the length. */
  static int format(long v, char[] buf) {
    int digits = v == 0 ? 1 : (64 - Long.numberOfLeadingZeros(v) + 3) / 4;
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = digits + 1; i >= 2; i--) {
      buf[i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
    return digits + 2;
  }

  /** {@code 0x…} as a String (for log lines). */
  static String of(long v) {
    return "0x" + Long.toHexString(v);
  }
}
