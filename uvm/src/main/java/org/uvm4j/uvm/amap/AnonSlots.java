package org.uvm4j.uvm.amap;

/**
 * {@code am_anon}: the anon of each slot, stored sparsely ({@link ChunkedSlots}); an unwritten slot
 * is empty (null). Memory grows with the 16-slot chunks that ever held an anon.
 *
 * <p>The fault path reads am_anon through {@link #getRange} ({@code amap_lookups} of the fault's
 * neighbourhood, up to 16 slots) and {@link #get}. For the two shapes every amap of up to 65,536
 * slots has — flat (one leaf) and a root whose children are the leaves — the root is also kept in a
 * typed field ({@link #flatLeaf}, {@link #leafDir}: the directory is allocated as an {@code
 * Anon[][]}), so those reads need no tree walk and no cast; a window that crosses into the next
 * leaf is copied element by element, not with a second {@code System.arraycopy}
 * (docs/benchmarks.md, "COW reuse after issue 14").
 *
 * <p><b>The near leaf.</b> Reads and writes that the depth-1 directory does not serve (trees of
 * more than 65,536 slots, and flat storage) remember the last leaf a walk reached ({@link #near},
 * covering slots {@code [nearBase, nearBase + near.length)}), so the next access to the same
 * 16-slot chunk — the fault path's sequential pattern — is a bounds check and one load instead of a
 * walk from the root. A walk replaces the near leaf only when it lands in the same or a
 * neighbouring chunk as the walk before it (or the storage is flat), so random reads pay an {@code
 * int} store per walk, not a reference store with its collector barrier. Invariant: {@link #near}
 * is the leaf this storage's tree holds for those slots (or the empty array). It cannot go stale: a
 * leaf, once allocated, is never replaced or removed while the storage lives (a leaf is only
 * installed where none was), absent leaves are never cached, and every structural change of an amap
 * (amap_extend's reallocation and slides, amap_copy, the overlay of a fresh amap) builds a fresh
 * {@code AnonSlots} whose near leaf starts empty, dropping the old one; splitref, add, unadd and
 * wiperange change cells, never leaves. Like every access, reads through it mutate the object: amap
 * lock held.
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

  AnonSlots(int capacity, int flatSlots, int rootFan, org.uvm4j.uvm.MetadataBudget budget) {
    super(capacity, flatSlots, rootFan, budget);
  }

  /** The root when it is the only leaf (flat storage) and allocated, else null. */
  private Anon[] flatLeaf;

  /**
   * The root when its children are the leaves (a tree of depth 1: 17 to 65,536 slots) and
   * allocated, else null.
   */
  private Anon[][] leafDir;

  /**
   * The root when the tree has depth 2 (its children are leaf directories: 65,537 to 2^22 slots)
   * and allocated, else null: the near leaf's walk indexes it without casts.
   */
  private Anon[][][] nodeDir;

  private static final Anon[] NO_LEAF = new Anon[0];

  /** The leaf last reached by a walk ({@link #NO_LEAF} at first); see the class comment. */
  private Anon[] near = NO_LEAF;

  /** The slot of {@code near[0]}. */
  private int nearBase;

  /**
   * The chunk ({@code slot >>> CHUNK_SHIFT}) of the last walk: a walk makes its leaf the near one
   * only if it lands in the same or a neighbouring chunk (a sequential pattern, upwards or
   * downwards), so random reads pay an {@code int} store per walk and no reference store (with its
   * collector barrier).
   */
  private int lastWalk = Integer.MIN_VALUE;

  @Override
  Object newLeaf(int n) {
    return new Anon[n];
  }

  @Override
  Object[] newLeafDirectory(int n) {
    return new Anon[n][];
  }

  @Override
  Object[] newNodeDirectory(int n) {
    return new Anon[n][][];
  }

  @Override
  void rootAllocated(Object root) {
    if (isFlat()) {
      flatLeaf = (Anon[]) root;
    } else if (depth() == 1) {
      leafDir = (Anon[][]) root;
    } else if (depth() == 2) {
      nodeDir = (Anon[][][]) root;
    }
  }

  /** am_anon[slot]. */
  Anon get(int slot) {
    final Anon[][] d = leafDir;
    if (d != null) {
      final Anon[] l = d[slot >>> CHUNK_SHIFT];
      return l == null ? null : l[slot & CHUNK_MASK];
    }
    final Anon[] l = near;
    final int i = slot - nearBase;
    if (i >= 0 && i < l.length) {
      return l[i];
    }
    final Anon[] f = leafFar(slot);
    return f == null ? null : f[index(slot)];
  }

  /**
   * The leaf of {@code slot} (indexed with {@link #index}), or null if it was never written: the
   * near leaf if it covers {@code slot}, else the tree's walk, whose leaf becomes the near one.
   */
  Anon[] leafNear(int slot) {
    final Anon[][] d = leafDir;
    if (d != null) {
      return d[slot >>> CHUNK_SHIFT];
    }
    final Anon[] l = near;
    final int i = slot - nearBase;
    if (i >= 0 && i < l.length) {
      return l;
    }
    return leafFar(slot);
  }

  /**
   * The walk of {@link #leafNear}: the leaf found becomes the near leaf if it is not null and the
   * walk is sequential (the same or a neighbouring chunk as the previous walk), or the storage is
   * flat (one leaf: cached once).
   */
  private Anon[] leafFar(int slot) {
    final Anon[][][] d2 = nodeDir;
    final Anon[] l;
    if (d2 != null) { // depth 2 (65,537 to 2^22 slots): root, node, leaf without casts
      final Anon[][] n = d2[slot >>> (CHUNK_SHIFT + FAN_SHIFT)];
      l = n == null ? null : n[(slot >>> CHUNK_SHIFT) & FAN_MASK];
    } else {
      l = (Anon[]) leaf(slot);
    }
    final int c = slot >>> CHUNK_SHIFT;
    final int step = c - lastWalk;
    lastWalk = c;
    if (l != null && ((step >= -1 && step <= 1) || isFlat())) {
      near = l;
      nearBase = slot - index(slot);
    }
    return l;
  }

  /** As {@link #leafNear}, allocating the leaf (and the nodes above it) if needed. */
  Anon[] leafForWriteNear(int slot) {
    final Anon[] l = leafNear(slot);
    if (l != null) {
      return l;
    }
    final Anon[] w = (Anon[]) leafForWrite(slot);
    near = w;
    nearBase = slot - index(slot);
    return w;
  }

  /** am_anon[slot] = an (storing null never allocates). */
  void set(int slot, Anon an) {
    if (an == null) {
      Anon[] l = leafNear(slot);
      if (l != null) {
        l[index(slot)] = null;
      }
      return;
    }
    leafForWriteNear(slot)[index(slot)] = an;
  }

  /** amap_lookups' memcpy: {@code dst[0..n) = am_anon[slot..slot + n)}, a chunk at a time. */
  void getRange(int slot, Anon[] dst, int n) {
    final Anon[][] d = leafDir;
    if (d != null) {
      // a fault's window (at most 16 slots) lies in one leaf or two neighbours
      final int c = slot >>> CHUNK_SHIFT;
      final int off = slot & CHUNK_MASK;
      final int k = CHUNK - off;
      if (n <= k) {
        copyLeaf(d[c], off, dst, 0, n);
        return;
      }
      if (n <= k + CHUNK) {
        copyLeaf(d[c], off, dst, 0, k);
        copyLeaf(d[c + 1], 0, dst, k, n - k);
        return;
      }
    } else {
      final Anon[] f = flatLeaf;
      if (f != null) {
        System.arraycopy(f, slot, dst, 0, n);
        return;
      }
    }
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
      Anon[] l = leafNear(s);
      if (l == null) {
        java.util.Arrays.fill(dst, i, i + k, null);
      } else {
        System.arraycopy(l, off, dst, i, k);
      }
      i += k;
    }
  }

  /**
   * {@code dst[at..at + n) = l[off..off + n)}, nulls where the leaf {@code l} was never written. An
   * element loop: for the few slots of a fault's window it is cheaper than {@code System.arraycopy}
   * (a call into the copy stub with the collector's barriers).
   */
  private static void copyLeaf(Anon[] l, int off, Anon[] dst, int at, int n) {
    if (l == null) {
      for (int i = 0; i < n; i++) {
        dst[at + i] = null;
      }
    } else {
      for (int i = 0; i < n; i++) {
        dst[at + i] = l[off + i];
      }
    }
  }

  /**
   * Copies {@code [srcPos, srcPos + len)} to {@code dst} at {@code dstPos} (memcpy into a fresh,
   * empty destination range): per source chunk, the run from its first to its last anon is copied
   * with one {@code System.arraycopy} per destination leaf, so a destination leaf is allocated only
   * where an anon lands, and empty source chunks are skipped.
   */
  static void copy(AnonSlots src, int srcPos, AnonSlots dst, int dstPos, int len) {
    int end = srcPos + len;
    for (int b = src.nextLeaf(srcPos); b >= 0 && b < end; b = src.nextLeaf(b + CHUNK)) {
      Anon[] l = (Anon[]) src.leaf(b);
      int lo = Math.max(b, srcPos);
      int hi = Math.min(b + CHUNK, end);
      while (lo < hi && l[src.index(lo)] == null) {
        lo++;
      }
      while (hi > lo && l[src.index(hi - 1)] == null) {
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
  static void move(AnonSlots src, int srcPos, AnonSlots dst, int dstPos, int len) {
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
