package org.uvm4j.machine;

import java.util.Arrays;

/**
 * Which virtual pages the emulator's TLB may hold since its last flush: every page the fill hook
 * answered, recorded in a small open-addressing set of page numbers. An invalidation of pages none
 * of which was filled since the flush needs no flush at all. When more pages were filled than the
 * set holds, it gives up ({@link #mayHold} answers true for everything) until the next flush.
 *
 * <p>Invariant: every page with a TLB entry is in the set, or the set has overflowed. Allocates
 * nothing after construction (the fill hook is the hot path).
 */
final class TlbShadow {
  /** Slots of the set; the TLB of libunicorn's x86 target holds at most a few thousand entries. */
  static final int CAPACITY = 4096;

  private static final int MAX_USED = CAPACITY / 2;
  private static final long EMPTY = -1;

  private final long[] vpns = new long[CAPACITY];
  private int used;
  private boolean overflowed;

  TlbShadow() {
    Arrays.fill(vpns, EMPTY);
  }

  /** The fill hook answered for page {@code va}. */
  void filled(long va) {
    if (overflowed) {
      return;
    }
    long vpn = va >>> 12;
    int i = slot(vpn);
    for (; ; ) {
      long v = vpns[i];
      if (v == vpn) {
        return;
      }
      if (v == EMPTY) {
        if (used == MAX_USED) {
          overflowed = true;
          return;
        }
        vpns[i] = vpn;
        used++;
        return;
      }
      i = (i + 1) & (CAPACITY - 1);
    }
  }

  /** Whether the TLB may hold an entry for a page of {@code [sva, eva)}. */
  boolean mayHold(long sva, long eva) {
    if (overflowed) {
      return true;
    }
    if (used == 0) {
      return false;
    }
    long lo = sva >>> 12;
    long hi = (eva + 0xfff) >>> 12;
    if (hi - lo <= used) {
      for (long vpn = lo; vpn < hi; vpn++) {
        if (contains(vpn)) {
          return true;
        }
      }
      return false;
    }
    for (long v : vpns) {
      if (v != EMPTY && v >= lo && v < hi) {
        return true;
      }
    }
    return false;
  }

  /** Whether nothing was filled since the last flush. */
  boolean isEmpty() {
    return used == 0 && !overflowed;
  }

  /** The TLB was flushed. */
  void flushed() {
    if (used > 0) {
      Arrays.fill(vpns, EMPTY);
      used = 0;
    }
    overflowed = false;
  }

  private boolean contains(long vpn) {
    int i = slot(vpn);
    for (; ; ) {
      long v = vpns[i];
      if (v == vpn) {
        return true;
      }
      if (v == EMPTY) {
        return false;
      }
      i = (i + 1) & (CAPACITY - 1);
    }
  }

  private static int slot(long vpn) {
    long h = vpn * 0x9E3779B97F4A7C15L;
    return (int) (h >>> 52) & (CAPACITY - 1);
  }
}
