package org.uvm4j.kernel.mempolicy;

import java.util.BitSet;
import org.uvm4j.kernel.bitmap.Bitmap;

/**
 * Linux's {@code nodemask_t}: a set of NUMA node numbers below {@link #MAX_NUMNODES}, with the
 * {@code <linux/nodemask.h>} operations mempolicy uses ({@code nodes_and}, {@code nodes_fold},
 * {@code nodes_onto}, {@code node_remap}, {@code next_node_in}, ...): a {@link Bitmap} of {@link
 * #MAX_NUMNODES} bits, named for nodes.
 *
 * <p>Invariant: immutable; no bit at or above {@link #MAX_NUMNODES}; equality by the set.
 *
 * @param bits the nodes, a bitmap of exactly {@link #MAX_NUMNODES} bits
 */
public record Nodemask(Bitmap bits) {
  /** {@code MAX_NUMNODES}: 1 << CONFIG_NODES_SHIFT (10 in Debian's x86-64 kernel). */
  public static final int MAX_NUMNODES = 1024;

  /** The mask's size in 64-bit words ({@code BITS_TO_LONGS(MAX_NUMNODES)}). */
  public static final int WORDS = MAX_NUMNODES / 64;

  /** The empty mask. */
  public static final Nodemask EMPTY = new Nodemask(Bitmap.empty(MAX_NUMNODES));

  public Nodemask {
    if (bits.size() != MAX_NUMNODES) {
      throw new IllegalArgumentException("a node mask has " + MAX_NUMNODES + " bits");
    }
  }

  /** The mask of {@code node} alone (below {@link #MAX_NUMNODES}). */
  public static Nodemask of(int node) {
    return EMPTY.with(node);
  }

  /** This mask with {@code node} (below {@link #MAX_NUMNODES}) added ({@code node_set}). */
  public Nodemask with(int node) {
    return new Nodemask(bits.with(node));
  }

  /** This mask without {@code node} (below {@link #MAX_NUMNODES}; {@code node_clear}). */
  public Nodemask without(int node) {
    return new Nodemask(bits.without(node));
  }

  /** The mask whose word {@code i} is {@code words[i]} (at most {@link #WORDS} words). */
  public static Nodemask ofWords(long... words) {
    if (words.length > WORDS) {
      throw new IllegalArgumentException("more than " + WORDS + " words");
    }
    return new Nodemask(Bitmap.ofWords(MAX_NUMNODES, words));
  }

  /** Word {@code i} (nodes 64i to 64i + 63), as the mask is laid out in user memory. */
  public long word(int i) {
    return bits.word(i);
  }

  /**
   * The first {@code len} bytes of the mask as user memory holds it (little-endian words, zeros
   * past {@link #WORDS} words).
   */
  public byte[] toBytes(int len) {
    return bits.toBytes(len);
  }

  /** {@code nodes_empty}. */
  public boolean isEmpty() {
    return bits.isEmpty();
  }

  /** {@code node_isset}. */
  public boolean contains(int node) {
    return bits.get(node);
  }

  /** {@code nodes_weight}: how many nodes are set. */
  public int weight() {
    return bits.weight();
  }

  /** {@code next_node}: the first node above {@code n}, or {@link #MAX_NUMNODES}. */
  public int next(int n) {
    int r = n >= MAX_NUMNODES ? -1 : bits.nextSetBit(n + 1);
    return r < 0 ? MAX_NUMNODES : r;
  }

  /** {@code first_node}: the lowest node, or {@link #MAX_NUMNODES} when empty. */
  public int first() {
    return next(-1);
  }

  /** {@code next_node_in}: the next node above {@code n}, wrapping to the first. */
  public int nextIn(int n) {
    int r = next(n);
    return r == MAX_NUMNODES ? first() : r;
  }

  /** {@code nodes_and}. */
  public Nodemask and(Nodemask o) {
    return new Nodemask(bits.and(o.bits));
  }

  /** {@code nodes_subset}: every node of this mask is in {@code o}. */
  public boolean subsetOf(Nodemask o) {
    return bits.subsetOf(o.bits);
  }

  /** {@code nodes_fold} (lib/bitmap.c: bitmap_fold): node {@code n} becomes {@code n % sz}. */
  public Nodemask fold(int sz) {
    BitSet b = new BitSet();
    for (int n = first(); n < MAX_NUMNODES; n = next(n)) {
      b.set(n % sz);
    }
    return new Nodemask(Bitmap.of(MAX_NUMNODES, b));
  }

  /**
   * {@code nodes_onto} (lib/bitmap.c: bitmap_onto): the m-th node of {@code relmap} is in the
   * result when node m is in this mask.
   */
  public Nodemask onto(Nodemask relmap) {
    BitSet b = new BitSet();
    int m = 0;
    for (int n = relmap.first(); n < MAX_NUMNODES; n = relmap.next(n)) {
      if (contains(m)) {
        b.set(n);
      }
      m++;
    }
    return new Nodemask(Bitmap.of(MAX_NUMNODES, b));
  }

  /**
   * {@code node_remap} (lib/bitmap.c: bitmap_bitremap): where node {@code node} of {@code from}
   * goes in {@code to} — the n-th node of {@code from} becomes the (n mod weight(to))-th of {@code
   * to}; a node not in {@code from}, or an empty {@code to}, stays.
   */
  public static int remap(int node, Nodemask from, Nodemask to) {
    int w = to.weight();
    if (!from.contains(node) || w == 0) {
      return node;
    }
    int ord = 0;
    for (int n = from.first(); n < node; n = from.next(n)) {
      ord++;
    }
    int k = ord % w;
    int n = to.first();
    for (int i = 0; i < k; i++) {
      n = to.next(n);
    }
    return n;
  }

  /** The nodes as a list, e.g. {@code {0,5}}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("{");
    for (int n = first(); n < MAX_NUMNODES; n = next(n)) {
      sb.append(sb.length() > 1 ? "," : "").append(n);
    }
    return sb.append('}').toString();
  }
}
