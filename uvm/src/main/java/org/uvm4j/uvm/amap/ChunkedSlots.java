package org.uvm4j.uvm.amap;

import org.uvm4j.uvm.UvmPanic;

/**
 * Storage of one per-slot array of an amap ({@code am_anon}, {@code am_bckptr}, {@code am_ppref})
 * in {@link #CHUNK}-slot leaves that are allocated on first write, under a radix tree of {@link
 * #FAN}-way nodes whose root is sized to the capacity. A slot whose leaf was never written reads as
 * zero / null, exactly as a freshly allocated (zeroed) C array would.
 *
 * <p>Invariants: {@code capacity} never changes; a leaf, once allocated, stays until the array is
 * dropped (so memory is O(leaves touched + depth), never O(capacity)); a capacity up to {@link
 * #CHUNK} keeps the single leaf as the root (no tree), larger ones keep a root of at most {@link
 * #FAN} children. Not thread-safe: the owning amap's lock protects it.
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
   * Most children of the root (1 KiB of references): up to 4,096 slots (16 MiB) a lookup is root
   * then leaf; 2^24 slots take two 64-way levels below the root.
   */
  static final int ROOT_FAN = 256;

  static final int FAN_MASK = FAN - 1;

  /** Number of slots; every index must lie in {@code [0, capacity)}. */
  final int capacity;

  /** 0: the root is a leaf; else slot >>> rootShift indexes the root's children. */
  private final int rootShift;

  /** A leaf (rootShift 0) or an {@code Object[]} interior node; null until the first write. */
  private Object root;

  /** Leaves allocated so far. */
  private int leaves;

  ChunkedSlots(int capacity) {
    UvmPanic.check(capacity >= 0, "amap slots: negative capacity");
    this.capacity = capacity;
    if (capacity <= CHUNK) {
      rootShift = 0;
    } else {
      int s = CHUNK_SHIFT;
      while (((capacity - 1) >>> s) >= ROOT_FAN) {
        s += FAN_SHIFT;
      }
      rootShift = s;
    }
  }

  /** A fresh, zeroed leaf of {@link #CHUNK} cells. */
  abstract Object newLeaf();

  /** The leaf holding {@code slot}, or null if it was never written. */
  final Object leaf(int slot) {
    int s = rootShift;
    if (s == 0) {
      return root;
    }
    Object[] node = (Object[]) root;
    if (node == null) {
      return null;
    }
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

  /** The leaf holding {@code slot}, allocating it (and the nodes above it) if needed. */
  final Object leafForWrite(int slot) {
    int s = rootShift;
    if (s == 0) {
      if (root == null) {
        root = newLeaf();
        leaves++;
      }
      return root;
    }
    Object[] node = (Object[]) root;
    if (node == null) {
      node = new Object[((capacity - 1) >>> s) + 1];
      root = node;
    }
    int idx = slot >>> s;
    for (; ; ) {
      Object c = node[idx];
      if (s == CHUNK_SHIFT) {
        if (c == null) {
          c = newLeaf();
          node[idx] = c;
          leaves++;
        }
        return c;
      }
      if (c == null) {
        c = new Object[FAN];
        node[idx] = c;
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
      return 0;
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
