package org.uvm4j.kernel.strace;

/**
 * Symbolic names of flag words and enumerations as strace prints them: set bits in table order
 * joined by {@code |}, the bits no name covers in hex at the end; a value with no name in hex.
 */
final class Xlat {
  private final long[] values;
  private final String[] names;

  private Xlat(Object... pairs) {
    values = new long[pairs.length / 2];
    names = new String[pairs.length / 2];
    for (int i = 0; i < values.length; i++) {
      values[i] = ((Number) pairs[2 * i]).longValue();
      names[i] = (String) pairs[2 * i + 1];
    }
  }

  static Xlat of(Object... pairs) {
    return new Xlat(pairs);
  }

  /** The name of {@code v}, or null. */
  String name(long v) {
    for (int i = 0; i < values.length; i++) {
      if (values[i] == v) {
        return names[i];
      }
    }
    return null;
  }

  /** The name of {@code v}, or {@code v} in hex followed by {@code comment}. */
  void value(StringBuilder sb, long v, String unknownComment) {
    String n = name(v);
    if (n != null) {
      sb.append(n);
    } else {
      sb.append("0x").append(Long.toHexString(v));
      if (unknownComment != null) {
        sb.append(" /* ").append(unknownComment).append(" */");
      }
    }
  }

  /** Flags: the named bits joined by |, leftovers in hex; 0 as {@code zero} (or "0"). */
  void flags(StringBuilder sb, long v, String zero) {
    if (v == 0) {
      sb.append(zero != null ? zero : "0");
      return;
    }
    long left = v;
    boolean first = true;
    for (int i = 0; i < values.length; i++) {
      long f = values[i];
      if (f != 0 && (left & f) == f) {
        if (!first) {
          sb.append('|');
        }
        sb.append(names[i]);
        first = false;
        left &= ~f;
      }
    }
    if (left != 0) {
      if (!first) {
        sb.append('|');
      }
      sb.append("0x").append(Long.toHexString(left));
    }
  }
}
