package org.uvm4j.uvm.amap;

/**
 * An int per slot ({@code am_bckptr}, {@code am_ppref}), stored sparsely ({@link ChunkedSlots}); an
 * unwritten slot reads 0 and writing 0 there allocates nothing. The ppref run encoding only writes
 * the first two cells of each run, so per-page counts cost memory only where runs start: a partial
 * reference to a huge amap touches a few chunks, not the whole range.
 */
final class IntSlots extends ChunkedSlots {
  IntSlots(int capacity) {
    super(capacity);
  }

  IntSlots(int capacity, int flatSlots) {
    super(capacity, flatSlots);
  }

  IntSlots(int capacity, int flatSlots, org.uvm4j.uvm.MetadataBudget budget) {
    super(capacity, flatSlots, budget);
  }

  @Override
  Object newLeaf(int n) {
    return new int[n];
  }

  /** a[slot]. */
  int get(int slot) {
    int[] l = (int[]) leaf(slot);
    return l == null ? 0 : l[index(slot)];
  }

  /** a[slot] = v (storing 0 into an unwritten chunk allocates nothing). */
  void set(int slot, int v) {
    if (v == 0) {
      int[] l = (int[]) leaf(slot);
      if (l != null) {
        l[index(slot)] = 0;
      }
      return;
    }
    ((int[]) leafForWrite(slot))[index(slot)] = v;
  }

  /**
   * Copies the non-zero cells of {@code [srcPos, srcPos + len)} to {@code dst} at {@code dstPos}
   * (memcpy into a fresh, zero destination range).
   */
  static void copy(IntSlots src, int srcPos, IntSlots dst, int dstPos, int len) {
    int end = srcPos + len;
    for (int b = src.nextLeaf(srcPos); b >= 0 && b < end; b = src.nextLeaf(b + CHUNK)) {
      int[] l = (int[]) src.leaf(b);
      int lo = Math.max(b, srcPos);
      int hi = Math.min(b + CHUNK, end);
      for (int s = lo; s < hi; s++) {
        int v = l[src.index(s)];
        if (v != 0) {
          dst.set(s - srcPos + dstPos, v);
        }
      }
    }
  }
}
