package org.uvm4j.uvm.amap;

/**
 * An int per slot ({@code am_bckptr}, {@code am_ppref}), stored sparsely ({@link ChunkedSlots}); an
 * unwritten slot reads 0 and writing 0 there allocates nothing. The ppref run encoding only writes
 * the first two cells of each run, so per-page counts cost memory only where runs start: a partial
 * reference to a huge amap touches a few chunks, not the whole range.
 *
 * <p><b>The near leaf.</b> {@code amap_pp_adjref} walks the runs from slot 0 to its range, reading
 * one or two cells per run: a chain of dependent reads (each run's length gives the next run's
 * position) through the same 16-slot leaf several times in a row. {@link #getNear} and {@link
 * #setNear} (what {@link Ppref}'s chunked pp_getreflen/pp_setreflen use) remember the last leaf
 * they reached and its first slot, so a read in that leaf is one bounds check and one load, as on
 * the seed's flat array, instead of a walk from the root per cell. Invariant: {@link #near} is a
 * leaf of this storage (or the empty array) covering {@code [nearBase, nearBase + near.length)}; it
 * stays valid because a leaf, once allocated, is never replaced (only dropped with the whole
 * storage). Unlike {@link #get}, these mutate the object even when reading: call them only under
 * the owning amap's lock.
 */
final class IntSlots extends ChunkedSlots {
  private static final int[] NO_LEAF = new int[0];

  /** The leaf last reached by {@link #getNear}/{@link #setNear} ({@link #NO_LEAF} at first). */
  private int[] near = NO_LEAF;

  /** The slot of {@code near[0]}. */
  private int nearBase;

  /** The root once allocated when the storage is flat (one leaf over the capacity), else null. */
  private int[] flatLeaf;

  /**
   * The root when its children are the leaves (a tree of depth 1: 17 to 65,536 slots) and
   * allocated, else null: {@link #get} and {@link #set} ({@code am_bckptr}'s accesses in amap_add
   * and amap_unadd) index it without the generic walk's switch and casts.
   */
  private int[][] leafDir;

  IntSlots(int capacity) {
    super(capacity);
  }

  IntSlots(int capacity, int flatSlots) {
    super(capacity, flatSlots);
  }

  IntSlots(int capacity, int flatSlots, org.uvm4j.uvm.MetadataBudget budget) {
    super(capacity, flatSlots, budget);
  }

  IntSlots(int capacity, int flatSlots, int rootFan, org.uvm4j.uvm.MetadataBudget budget) {
    super(capacity, flatSlots, rootFan, budget);
  }

  @Override
  Object newLeaf(int n) {
    return new int[n];
  }

  @Override
  void rootAllocated(Object root) {
    if (isFlat()) {
      flatLeaf = (int[]) root;
    } else if (depth() == 1) {
      leafDir = (int[][]) root;
    }
  }

  @Override
  Object[] newLeafDirectory(int n) {
    return new int[n][];
  }

  /**
   * The storage as one plain array indexed by slot — the seed's flat {@code int[]} — when it is
   * flat and its leaf is allocated, else null (a tree, or nothing written yet). Writes through it
   * are writes to the storage. Its length is at least the capacity.
   */
  int[] flatLeaf() {
    return flatLeaf;
  }

  /** a[slot]. */
  int get(int slot) {
    final int[][] d = leafDir;
    final int[] l = d != null ? d[slot >>> CHUNK_SHIFT] : (int[]) leaf(slot);
    return l == null ? 0 : l[index(slot)];
  }

  /** a[slot] = v (storing 0 into an unwritten chunk allocates nothing). */
  void set(int slot, int v) {
    final int[][] d = leafDir;
    if (d != null) {
      final int[] l = d[slot >>> CHUNK_SHIFT];
      if (l != null) {
        l[slot & CHUNK_MASK] = v;
        return;
      }
      if (v == 0) {
        return; // the leaf is absent: the slot already reads 0
      }
    }
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
   * a[slot] through the near leaf: one load when {@code slot} lies in the leaf of the previous near
   * access, else the walk of {@link #get}, which makes {@code slot}'s leaf (if it exists) the near
   * one. Amap lock held.
   */
  int getNear(int slot) {
    final int[] l = near;
    final int i = slot - nearBase;
    if (i >= 0 && i < l.length) {
      return l[i];
    }
    return getFar(slot);
  }

  private int getFar(int slot) {
    final int[] l = (int[]) leaf(slot);
    if (l == null) {
      return 0;
    }
    final int i = index(slot);
    near = l;
    nearBase = slot - i;
    return l[i];
  }

  /**
   * a[slot] = v through the near leaf (as {@link #set}: storing 0 into an unwritten chunk allocates
   * nothing). Amap lock held.
   */
  void setNear(int slot, int v) {
    final int[] l = near;
    final int i = slot - nearBase;
    if (i >= 0 && i < l.length) {
      l[i] = v;
      return;
    }
    setFar(slot, v);
  }

  private void setFar(int slot, int v) {
    if (v == 0) {
      set(slot, 0);
      return;
    }
    final int[] l = (int[]) leafForWrite(slot);
    final int i = index(slot);
    near = l;
    nearBase = slot - i;
    l[i] = v;
  }

  /**
   * Copies {@code [srcPos, srcPos + len)} to {@code dst} at {@code dstPos} (memcpy into a fresh,
   * zero destination range): per source chunk, the run from its first to its last non-zero cell is
   * copied with one {@code System.arraycopy} per destination leaf, so a destination leaf is
   * allocated only where a non-zero cell lands (ppref stays lazy), and empty chunks are skipped.
   */
  static void copy(IntSlots src, int srcPos, IntSlots dst, int dstPos, int len) {
    int end = srcPos + len;
    for (int b = src.nextLeaf(srcPos); b >= 0 && b < end; b = src.nextLeaf(b + CHUNK)) {
      int[] l = (int[]) src.leaf(b);
      int lo = Math.max(b, srcPos);
      int hi = Math.min(b + CHUNK, end);
      while (lo < hi && l[src.index(lo)] == 0) {
        lo++;
      }
      while (hi > lo && l[src.index(hi - 1)] == 0) {
        hi--;
      }
      if (lo < hi) {
        dst.storeRange(l, src.index(lo), lo - srcPos + dstPos, hi - lo);
      }
    }
  }

  /**
   * Moves {@code [srcPos, srcPos + len)} of {@code src} to {@code dst} at {@code dstPos} (a fresh,
   * empty destination range) when {@code src} is dropped right after (amap_extend's reallocation
   * and slides): where the shift allows it, whole leaves are taken over ({@link
   * ChunkedSlots#adoptLeaves}) instead of copied; the partial leaves at the ends, or everything
   * otherwise, are copied ({@link #copy}).
   */
  static void move(IntSlots src, int srcPos, IntSlots dst, int dstPos, int len) {
    long lo = chunkCeil(srcPos);
    long hi = ((long) srcPos + len) & ~(long) CHUNK_MASK;
    if (lo >= hi || !dst.canAdopt(src, srcPos, dstPos)) {
      copy(src, srcPos, dst, dstPos, len);
      return;
    }
    copy(src, srcPos, dst, dstPos, (int) lo - srcPos);
    dst.adoptLeaves(src, (int) lo, (int) hi, dstPos - srcPos);
    copy(src, (int) hi, dst, (int) hi - srcPos + dstPos, srcPos + len - (int) hi);
  }
}
