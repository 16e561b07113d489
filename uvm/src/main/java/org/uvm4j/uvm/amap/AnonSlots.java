package org.uvm4j.uvm.amap;

/**
 * {@code am_anon}: the anon of each slot, stored sparsely ({@link ChunkedSlots}); an unwritten slot
 * is empty (null). Memory grows with the 16-slot chunks that ever held an anon.
 */
final class AnonSlots extends ChunkedSlots {
  AnonSlots(int capacity) {
    super(capacity);
  }

  AnonSlots(int capacity, int flatSlots) {
    super(capacity, flatSlots);
  }

  AnonSlots(int capacity, int flatSlots, org.uvm4j.uvm.MetadataBudget budget) {
    super(capacity, flatSlots, budget);
  }

  @Override
  Object newLeaf(int n) {
    return new Anon[n];
  }

  /** am_anon[slot]. */
  Anon get(int slot) {
    Anon[] l = (Anon[]) leaf(slot);
    return l == null ? null : l[index(slot)];
  }

  /** am_anon[slot] = an (storing null never allocates). */
  void set(int slot, Anon an) {
    if (an == null) {
      Anon[] l = (Anon[]) leaf(slot);
      if (l != null) {
        l[index(slot)] = null;
      }
      return;
    }
    ((Anon[]) leafForWrite(slot))[index(slot)] = an;
  }

  /** amap_lookups' memcpy: {@code dst[0..n) = am_anon[slot..slot + n)}, a chunk at a time. */
  void getRange(int slot, Anon[] dst, int n) {
    if (isFlat()) {
      Anon[] l = (Anon[]) leaf(slot);
      if (l == null) {
        java.util.Arrays.fill(dst, 0, n, null);
      } else {
        System.arraycopy(l, slot, dst, 0, n);
      }
      return;
    }
    int i = 0;
    while (i < n) {
      int s = slot + i;
      int off = s & CHUNK_MASK;
      int k = Math.min(n - i, CHUNK - off);
      Anon[] l = (Anon[]) leaf(s);
      if (l == null) {
        java.util.Arrays.fill(dst, i, i + k, null);
      } else {
        System.arraycopy(l, off, dst, i, k);
      }
      i += k;
    }
  }

  /**
   * Copies the non-empty slots of {@code [srcPos, srcPos + len)} to {@code dst} at {@code dstPos}
   * (memcpy into a fresh, empty destination range: empty source slots are not written).
   */
  static void copy(AnonSlots src, int srcPos, AnonSlots dst, int dstPos, int len) {
    int end = srcPos + len;
    for (int b = src.nextLeaf(srcPos); b >= 0 && b < end; b = src.nextLeaf(b + CHUNK)) {
      Anon[] l = (Anon[]) src.leaf(b);
      int lo = Math.max(b, srcPos);
      int hi = Math.min(b + CHUNK, end);
      for (int s = lo; s < hi; s++) {
        Anon an = l[src.index(s)];
        if (an != null) {
          dst.set(s - srcPos + dstPos, an);
        }
      }
    }
  }
}
