package org.uvm4j.uvm.amap;

import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmPanic;

/**
 * The per-page reference count encoding of {@code am_ppref}: an int array over the amap's slots cut
 * into runs. A run of length 1 with count {@code r} is one cell holding {@code r + 1} (always &gt;
 * 0); a longer run holds {@code -(r + 1)} (always &lt; 0) in its first cell and its length in the
 * second; its other cells are don't-care. The "+1" keeps a count of 0 distinguishable by sign.
 *
 * <pre>
 *   counts: 2  2  2  2  3  1  1  0  0  0  4  4  0  1  1  1
 *   ppref: -3  4  x  x  4 -2  2 -1  3  x -5  2  1 -2  3  x
 * </pre>
 *
 * <p>Runs tile {@code [0, am_nslot)}; adjacent runs may have equal counts (the encoding is not
 * canonical), so encodings must never be compared cell by cell — compare {@link #counts} instead.
 */
public final class Ppref {
  private Ppref() {}

  /** pp_getreflen, first half: the count of the run that starts at {@code offset}. */
  // uvm_amap.c: pp_getreflen
  public static int ref(int[] ppref, int offset) {
    int v = ppref[offset];
    return v > 0 ? v - 1 : -v - 1;
  }

  /** pp_getreflen, second half: the length of the run that starts at {@code offset}. */
  // uvm_amap.c: pp_getreflen
  public static int len(int[] ppref, int offset) {
    return ppref[offset] > 0 ? 1 : ppref[offset + 1];
  }

  /**
   * pp_setreflen: make {@code [offset, offset+len)} one run with count {@code ref}; len 0: no-op.
   */
  // uvm_amap.c: pp_setreflen
  public static void set(int[] ppref, int offset, int ref, int len) {
    if (len == 0) {
      return;
    }
    if (len == 1) {
      ppref[offset] = ref + 1;
    } else {
      ppref[offset] = (ref + 1) * -1;
      ppref[offset + 1] = len;
    }
  }

  /**
   * Decodes the runs over {@code [0, nslot)} into one count per slot.
   *
   * @throws UvmPanic if the runs do not tile {@code [0, nslot)} exactly
   */
  public static int[] counts(int[] ppref, int nslot) {
    int[] out = new int[nslot];
    int off = 0;
    while (off < nslot) {
      int head = ppref[off];
      Kassert.check(head != 0, "ppref: zero cell where a run must start");
      int len = len(ppref, off);
      Kassert.check(head > 0 || len >= 2, "ppref: long-run head with a length below 2");
      Kassert.check(off + len <= nslot, "ppref: run extends past am_nslot");
      int r = ref(ppref, off);
      for (int i = 0; i < len; i++) {
        out[off + i] = r;
      }
      off += len;
    }
    return out;
  }

  /**
   * Encodes {@code counts} with maximal runs (the canonical encoding; don't-care cells are 0).
   *
   * @param size length of the returned array (at least {@code counts.length}, e.g. am_maxslot)
   */
  public static int[] encode(int[] counts, int size) {
    Kassert.check(size >= counts.length, "ppref encode: array smaller than the counts");
    int[] p = new int[size];
    int off = 0;
    while (off < counts.length) {
      int end = off + 1;
      while (end < counts.length && counts[end] == counts[off]) {
        end++;
      }
      Kassert.check(counts[off] >= 0, "ppref encode: negative count");
      set(p, off, counts[off], end - off);
      off = end;
    }
    return p;
  }

  // ---------------------------------------------------------------------------------------------
  // the same over the chunked storage of an amap's am_ppref

  // The chunked pp_getreflen/pp_setreflen go through the storage's near leaf (IntSlots.getNear,
  // setNear): amap_pp_adjref's walk reads a chain of cells that mostly stay in one 16-slot leaf,
  // and
  // a walk from the root per cell made it 2.4-2.6x slower than on the seed's flat array. They
  // mutate the storage's cursor, so they need the amap lock like every other ppref access.

  /** pp_getreflen, first half, over chunked storage (amap locked). */
  // uvm_amap.c: pp_getreflen
  static int ref(IntSlots ppref, int offset) {
    int v = ppref.getNear(offset);
    return v > 0 ? v - 1 : -v - 1;
  }

  /** pp_getreflen, second half, over chunked storage (amap locked). */
  // uvm_amap.c: pp_getreflen
  static int len(IntSlots ppref, int offset) {
    int v = ppref.getNear(offset);
    return v > 0 ? 1 : ppref.getNear(offset + 1);
  }

  /** pp_setreflen over chunked storage: writes at most two cells (amap locked). */
  // uvm_amap.c: pp_setreflen
  static void set(IntSlots ppref, int offset, int ref, int len) {
    if (len == 0) {
      return;
    }
    if (len == 1) {
      ppref.setNear(offset, ref + 1);
    } else {
      ppref.setNear(offset, (ref + 1) * -1);
      ppref.setNear(offset + 1, len);
    }
  }

  /**
   * {@link #counts(int[], int)} over chunked storage (O(nslot): for tests and small amaps). A pure
   * read ({@link IntSlots#get}, not the near leaf), so it may run without the amap lock.
   */
  static int[] counts(IntSlots ppref, int nslot) {
    int[] out = new int[nslot];
    int off = 0;
    while (off < nslot) {
      int head = ppref.get(off);
      Kassert.check(head != 0, "ppref: zero cell where a run must start");
      int len = head > 0 ? 1 : ppref.get(off + 1);
      Kassert.check(head > 0 || len >= 2, "ppref: long-run head with a length below 2");
      Kassert.check(off + len <= nslot, "ppref: run extends past am_nslot");
      java.util.Arrays.fill(out, off, off + len, head > 0 ? head - 1 : -head - 1);
      off += len;
    }
    return out;
  }

  /** {@link #encode(int[], int)} into chunked storage of capacity {@code size}. */
  static IntSlots encodeSlots(int[] counts, int size) {
    int[] p = encode(counts, size);
    IntSlots out = new IntSlots(size);
    for (int i = 0; i < size; i++) {
      out.set(i, p[i]);
    }
    return out;
  }
}
