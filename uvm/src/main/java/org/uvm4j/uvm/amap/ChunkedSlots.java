package org.uvm4j.uvm.amap;

import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.MetadataBudget;

/**
 * Storage of one per-slot array of an amap ({@code am_anon}, {@code am_bckptr}, {@code am_ppref})
 * in {@link #CHUNK}-slot leaves that are allocated on first write, under a radix tree of {@link
 * #FAN}-way nodes whose root is sized to the capacity. A slot whose leaf was never written reads as
 * zero / null, exactly as a freshly allocated (zeroed) C array would.
 *
 * <p>A capacity up to {@link #CHUNK}, or up to the allocator's flat limit ({@link
 * AmapAllocator#flatSlots()}), is stored <em>flat</em>: the root is one leaf of the whole capacity,
 * allocated on the first write (OpenBSD's "small amap" layout; a flat limit of {@code
 * Integer.MAX_VALUE} gives the seed's flat arrays, the baseline of the benchmarks). Callers index a
 * leaf with {@link #index}, which is {@code slot & CHUNK_MASK} in a tree and {@code slot} when
 * flat.
 *
 * <p>Invariants: {@code capacity} never changes; a leaf, once allocated, stays until the array is
 * dropped (so a tree's memory is O(leaves touched + depth), never O(capacity)); larger capacities
 * keep a root of at most {@link #ROOT_FAN} children. Every leaf and node allocated is charged to
 * the machine's {@link MetadataBudget} (if the array was given one) and counted in {@link
 * #bytes()}; {@link #release()} gives it all back when the array is dropped. Not thread-safe: the
 * owning amap's lock protects it.
 */
abstract class ChunkedSlots {
  /** log2 of the slots per leaf. */
  static final int CHUNK_SHIFT = 4;

  /** Slots per leaf (the same 16 as {@code UVM_AMAP_CHUNK}). */
  static final int CHUNK = 1 << CHUNK_SHIFT;

  static final int CHUNK_MASK = CHUNK - 1;

  /** log2 of the children of an interior node. */
  static final int FAN_SHIFT = 6;

  /** Children of an interior node. */
  static final int FAN = 1 << FAN_SHIFT;

  /**
   * Most children of the root (16 KiB of compressed references): up to 65,536 slots (256 MiB) a
   * lookup is root then leaf; up to 2^22 slots (16 GiB) one 64-way level lies between, up to 2^28
   * two. A wide root costs at most 16 KiB per array whatever the capacity, and takes a level off
   * the walk of every amap between 16 MiB and 256 MiB, where amap_add + amap_unadd walk four times
   * (AmapSizeBench at 65,536 slots: 1.7–2.1× flat with a 256-way root, 1.2× with this one).
   */
  static final int ROOT_FAN = 4096;

  static final int FAN_MASK = FAN - 1;

  /** Number of slots; every index must lie in {@code [0, capacity)}. */
  final int capacity;

  /** 0: the root is a leaf; else slot >>> rootShift indexes the root's children. */
  private final int rootShift;

  /** Index mask inside a leaf: {@link #CHUNK_MASK} in a tree, all ones when flat. */
  private final int mask;

  /** Cells of a leaf: {@link #CHUNK}, or the capacity when flat. */
  private final int leafSize;

  /** A leaf (rootShift 0) or an {@code Object[]} interior node; null until the first write. */
  private Object root;

  /** Leaves allocated so far. */
  private int leaves;

  /** Where leaves and nodes are charged (null: nowhere, for tests and the PPREF_NONE marker). */
  private final MetadataBudget budget;

  /** Estimated bytes of the leaves and nodes allocated so far (charged to {@link #budget}). */
  private long bytes;

  ChunkedSlots(int capacity) {
    this(capacity, CHUNK, null);
  }

  ChunkedSlots(int capacity, int flatSlots) {
    this(capacity, flatSlots, null);
  }

  ChunkedSlots(int capacity, int flatSlots, MetadataBudget budget) {
    this(capacity, flatSlots, ROOT_FAN, budget);
  }

  /**
   * @param flatSlots capacities up to this (and always up to {@link #CHUNK}) are stored flat
   * @param rootFan most children of a tree's root ({@link #ROOT_FAN}; tests give smaller roots to
   *     get deep trees at small capacities)
   * @param budget where the storage is charged, or null
   */
  ChunkedSlots(int capacity, int flatSlots, int rootFan, MetadataBudget budget) {
    Kassert.check(capacity >= 0, "amap slots: negative capacity");
    Kassert.check(rootFan >= 2 && rootFan <= ROOT_FAN, "amap slots: root fan-out out of range");
    this.budget = budget;
    this.capacity = capacity;
    if (capacity <= CHUNK) {
      rootShift = 0;
      mask = CHUNK_MASK;
      leafSize = CHUNK;
    } else if (capacity <= flatSlots) {
      rootShift = 0;
      mask = -1;
      leafSize = capacity;
    } else {
      mask = CHUNK_MASK;
      leafSize = CHUNK;
      int s = CHUNK_SHIFT;
      while (((capacity - 1) >>> s) >= rootFan) {
        s += FAN_SHIFT;
      }
      rootShift = s;
    }
  }

  /** A fresh, zeroed leaf of {@code n} cells. */
  abstract Object newLeaf(int n);

  /**
   * A fresh root node of {@code n} children whose children are leaves (a tree of depth 1): an array
   * of the leaf type, so that a subclass can index it without a cast. Plain {@code Object[]} here.
   */
  Object[] newLeafDirectory(int n) {
    return new Object[n];
  }

  /**
   * A fresh node of {@code n} children whose children are leaf directories (the root of a tree of
   * depth 2, or the level above the last in deeper trees): an array of the leaf directories' type,
   * so that a subclass can walk a depth-2 tree without casts. Plain {@code Object[]} here.
   */
  Object[] newNodeDirectory(int n) {
    return new Object[n];
  }

  /**
   * The node of {@code n} children whose index is {@code slot >>> shift}, of the type its level
   * takes.
   */
  private Object[] newNode(int shift, int n) {
    if (shift == CHUNK_SHIFT) {
      return newLeafDirectory(n);
    }
    return shift == CHUNK_SHIFT + FAN_SHIFT ? newNodeDirectory(n) : new Object[n];
  }

  /** Called once, when the root (a leaf, or a node) has been allocated. */
  void rootAllocated(Object root) {}

  /** True when the whole capacity is one leaf (no tree). */
  final boolean isFlat() {
    return rootShift == 0;
  }

  /** The cell of {@code slot} inside its leaf. */
  final int index(int slot) {
    return slot & mask;
  }

  /**
   * The leaf holding {@code slot}, or null if it was never written. The walk is unrolled per tree
   * height (root, then one 64-way level per {@link #FAN_SHIFT} bits), so a lookup is a fixed
   * sequence of loads with no loop: flat 0, up to 65,536 slots 1, up to 2^22 slots 2, up to 2^28
   * slots 3, beyond 4.
   */
  final Object leaf(int slot) {
    final Object r = root;
    if (r == null) {
      return null;
    }
    switch (rootShift) {
      case 0:
        return r;
      case CHUNK_SHIFT:
        return ((Object[]) r)[slot >>> CHUNK_SHIFT];
      case CHUNK_SHIFT + FAN_SHIFT:
        {
          Object[] n1 = (Object[]) ((Object[]) r)[slot >>> (CHUNK_SHIFT + FAN_SHIFT)];
          return n1 == null ? null : n1[(slot >>> CHUNK_SHIFT) & FAN_MASK];
        }
      case CHUNK_SHIFT + 2 * FAN_SHIFT:
        {
          Object[] n1 = (Object[]) ((Object[]) r)[slot >>> (CHUNK_SHIFT + 2 * FAN_SHIFT)];
          if (n1 == null) {
            return null;
          }
          Object[] n2 = (Object[]) n1[(slot >>> (CHUNK_SHIFT + FAN_SHIFT)) & FAN_MASK];
          return n2 == null ? null : n2[(slot >>> CHUNK_SHIFT) & FAN_MASK];
        }
      default:
        return leafDeep((Object[]) r, slot);
    }
  }

  /** The general walk, for trees of 2^26 slots or more. */
  private Object leafDeep(Object[] node, int slot) {
    int s = rootShift;
    int idx = slot >>> s;
    for (; ; ) {
      Object c = node[idx];
      if (c == null || s == CHUNK_SHIFT) {
        return c;
      }
      node = (Object[]) c;
      s -= FAN_SHIFT;
      idx = (slot >>> s) & FAN_MASK;
    }
  }

  /**
   * The leaf holding {@code slot}, allocating it (and the nodes above it) if needed. An existing
   * leaf is found by the unrolled walk of {@link #leaf}; only a missing one takes the general loop.
   */
  final Object leafForWrite(int slot) {
    final Object l = leaf(slot);
    return l != null ? l : allocLeaf(slot);
  }

  /**
   * Stores {@code n} cells of {@code from} (an array of this storage's leaf type) starting at
   * {@code fromIndex} into slots {@code [slot, slot + n)}: one {@code System.arraycopy} per leaf
   * touched, each leaf allocated if needed (the seed's {@code memcpy} of a run).
   */
  final void storeRange(Object from, int fromIndex, int slot, int n) {
    while (n > 0) {
      final Object l = leafForWrite(slot);
      final int off = index(slot);
      final int k = rootShift == 0 ? n : Math.min(n, CHUNK - off);
      System.arraycopy(from, fromIndex, l, off, k);
      fromIndex += k;
      slot += k;
      n -= k;
    }
  }

  /** The walk of {@link #leafForWrite} that allocates the missing leaf and nodes. */
  private Object allocLeaf(int slot) {
    return installLeaf(slot, null);
  }

  /**
   * Takes over {@code src}'s leaves that lie wholly inside its slots {@code [lo, hi)} (multiples of
   * {@link #CHUNK}), each at its slot {@code + shift} here (a multiple of {@link #CHUNK}): the leaf
   * objects themselves move, nothing is copied or allocated but the nodes above them. Both must be
   * trees ({@link #isFlat} false) of the same leaf type, no leaf may exist here yet where one
   * lands, and {@code src} must be dropped afterwards (its leaves are now shared): the move of a
   * window between an amap's old and new arrays (amap_extend's reallocation and slides).
   */
  final void adoptLeaves(ChunkedSlots src, int lo, int hi, int shift) {
    Kassert.check(
        !isFlat() && !src.isFlat() && ((lo | hi | shift) & CHUNK_MASK) == 0,
        "amap slots: adopting leaves between unaligned or flat storage");
    for (int b = src.nextLeaf(lo); b >= 0 && b < hi; b = src.nextLeaf(b + CHUNK)) {
      installLeaf(b + shift, src.leaf(b));
    }
  }

  /**
   * True when a move from {@code src} slot {@code srcPos} to slot {@code dstPos} here can adopt
   * whole leaves ({@link #adoptLeaves}): both are trees and the shift is a multiple of {@link
   * #CHUNK}.
   */
  final boolean canAdopt(ChunkedSlots src, int srcPos, int dstPos) {
    return !isFlat() && !src.isFlat() && ((srcPos - dstPos) & CHUNK_MASK) == 0;
  }

  /** The first multiple of {@link #CHUNK} at or above {@code slot} (as a long: no overflow). */
  static long chunkCeil(long slot) {
    return (slot + CHUNK_MASK) & ~(long) CHUNK_MASK;
  }

  /**
   * Walks to {@code slot}'s leaf, making the missing nodes; a missing leaf becomes {@code given}
   * (adopted, must not be null where a leaf exists) or, if null, a fresh one. Returns the leaf.
   */
  private Object installLeaf(int slot, Object given) {
    int s = rootShift;
    if (s == 0) {
      if (root == null) {
        root = newLeaf(leafSize);
        leaves++;
        charge(MetadataBudget.array(leafSize, 4));
        rootAllocated(root);
      }
      return root;
    }
    Object[] node = (Object[]) root;
    if (node == null) {
      int n = ((capacity - 1) >>> s) + 1;
      node = newNode(s, n);
      root = node;
      charge(MetadataBudget.array(n, 4));
      rootAllocated(node);
    }
    int idx = slot >>> s;
    for (; ; ) {
      Object c = node[idx];
      if (s == CHUNK_SHIFT) {
        if (given != null) {
          Kassert.check(c == null, "amap slots: adopting a leaf where one exists");
          c = given;
          node[idx] = c;
          leaves++;
          charge(LEAF_BYTES);
        } else if (c == null) {
          c = newLeaf(CHUNK);
          node[idx] = c;
          leaves++;
          charge(LEAF_BYTES);
        }
        return c;
      }
      if (c == null) {
        c = newNode(s - FAN_SHIFT, FAN);
        node[idx] = c;
        charge(NODE_BYTES);
      }
      node = (Object[]) c;
      s -= FAN_SHIFT;
      idx = (slot >>> s) & FAN_MASK;
    }
  }

  /**
   * The first slot of the first allocated leaf that holds a slot {@code >= from}, or -1. Skips
   * absent subtrees whole, so walking every leaf costs O(leaves × depth), not O(capacity).
   */
  final int nextLeaf(int from) {
    if (from >= capacity) {
      return -1;
    }
    if (root == null) {
      return -1;
    }
    if (rootShift == 0) {
      // one leaf: every chunk-sized part of it counts as present
      return Math.max(from, 0) & ~CHUNK_MASK;
    }
    return next((Object[]) root, 0L, rootShift, Math.max(from, 0));
  }

  private static int next(Object[] node, long nodeBase, int s, int from) {
    int i = from <= nodeBase ? 0 : (int) ((from - nodeBase) >>> s);
    for (; i < node.length; i++) {
      Object c = node[i];
      if (c == null) {
        continue;
      }
      long childBase = nodeBase + ((long) i << s);
      if (s == CHUNK_SHIFT) {
        return (int) childBase;
      }
      int r = next((Object[]) c, childBase, s - FAN_SHIFT, from);
      if (r >= 0) {
        return r;
      }
    }
    return -1;
  }

  /**
   * Calls {@code visit} with every storage object: the root, each interior node, each leaf (for
   * footprint measurements; the objects must not be modified).
   */
  final void forEachNode(java.util.function.Consumer<Object> visit) {
    if (root == null) {
      return;
    }
    visit.accept(root);
    if (rootShift != 0) {
      visitChildren((Object[]) root, rootShift, visit);
    }
  }

  private static void visitChildren(
      Object[] node, int s, java.util.function.Consumer<Object> visit) {
    for (Object c : node) {
      if (c != null) {
        visit.accept(c);
        if (s != CHUNK_SHIFT) {
          visitChildren((Object[]) c, s - FAN_SHIFT, visit);
        }
      }
    }
  }

  private static final long LEAF_BYTES = MetadataBudget.array(CHUNK, 4);
  private static final long NODE_BYTES = MetadataBudget.array(FAN, 4);

  private void charge(long n) {
    bytes += n;
    if (budget != null) {
      budget.charge(n);
    }
  }

  /** Estimated bytes of the storage allocated so far. */
  final long bytes() {
    return bytes;
  }

  /**
   * Gives the storage's bytes back to the budget: the array is being dropped (kmem_free) and must
   * not be written again. Idempotent.
   */
  final void release() {
    if (budget != null) {
      budget.release(bytes);
    }
    bytes = 0;
  }

  /** Leaves allocated so far. */
  final int leaves() {
    return leaves;
  }

  /** Interior nodes below the root on the path of each leaf (for size estimates and tests). */
  final int depth() {
    if (rootShift == 0) {
      return 0;
    }
    return (rootShift - CHUNK_SHIFT) / FAN_SHIFT + 1;
  }
}
