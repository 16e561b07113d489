package org.uvm4j.uvm.map;

import java.util.AbstractCollection;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmPanic;

/**
 * The entries of one {@link VmMap} as NetBSD keeps them ({@code vm_map.rb_tree} + the entry list):
 * a balanced search tree keyed by entry start, augmented with free space, threaded by the
 * address-ordered {@code prev}/{@code next} list. The nodes are the {@link VmMapEntry}s themselves
 * (their package-private tree fields), so nothing is allocated per operation.
 *
 * <p>NetBSD's tree is a red-black tree; this one is an AVL tree (height-balanced, hence also O(log
 * n) worst case), which keeps the augmented bookkeeping in one {@link #pull} per node on the way
 * back up. As in NetBSD, every entry carries {@code gap} — the free space after it, up to the next
 * entry's start or the map's end — and {@code maxGap} — the largest gap in its subtree ({@code
 * uvm_rb_gap}/{@code uvm_rb_maxgap}); the free space before the first entry is the map's own
 * (NetBSD's header entry). That makes the free-space searches of {@code uvm_map_findspace} O(log
 * n): a subtree whose {@code maxGap} is too small is never entered.
 *
 * <p>Invariants (checked by {@link #check}): in-order traversal is the list order and is sorted by
 * start; entries do not overlap; every node's height is 1 + the larger child height and the child
 * heights differ by at most one; {@code gap} and {@code maxGap} are exact; {@link #size} is the
 * number of entries.
 *
 * <p>An entry's start is its key: it may change only through {@link #setStart}, which keeps the
 * order; its end only through {@link #setEnd}. Both refresh the gaps.
 */
final class EntryTree extends AbstractCollection<VmMapEntry> {
  private final long minOffset;
  private final long maxOffset;
  private VmMapEntry root;
  private VmMapEntry first;
  private VmMapEntry last;
  private int count;

  EntryTree(long minOffset, long maxOffset) {
    this(minOffset, maxOffset, new org.uvm4j.uvm.MetadataBudget());
  }

  /** Where each entry on the tree is charged ({@link VmMapEntry#BYTES}), the map's machine's. */
  private final org.uvm4j.uvm.MetadataBudget budget;

  EntryTree(long minOffset, long maxOffset, org.uvm4j.uvm.MetadataBudget budget) {
    this.budget = budget;
    this.minOffset = minOffset;
    this.maxOffset = maxOffset;
  }

  @Override
  public int size() {
    return count;
  }

  /** The lowest entry, or null. */
  VmMapEntry first() {
    return first;
  }

  /** The highest entry, or null. */
  VmMapEntry last() {
    return last;
  }

  /** The address-ordered entries (a live view; do not change the tree while iterating). */
  @Override
  public Iterator<VmMapEntry> iterator() {
    return new Iterator<>() {
      private VmMapEntry cur = first;

      @Override
      public boolean hasNext() {
        return cur != null;
      }

      @Override
      public VmMapEntry next() {
        if (cur == null) {
          throw new NoSuchElementException();
        }
        VmMapEntry e = cur;
        cur = e.nextEntry;
        return e;
      }
    };
  }

  // ------------------------------------------------------------------------------ lookups

  /** The entry with the greatest start {@code <= va}, or null; allocation-free. */
  VmMapEntry floor(long va) {
    VmMapEntry n = root;
    VmMapEntry best = null;
    while (n != null) {
      if (n.start <= va) {
        best = n;
        n = n.right;
      } else {
        n = n.left;
      }
    }
    return best;
  }

  /** The entry with the least start {@code >= va}, or null. */
  VmMapEntry ceiling(long va) {
    VmMapEntry n = root;
    VmMapEntry best = null;
    while (n != null) {
      if (n.start >= va) {
        best = n;
        n = n.left;
      } else {
        n = n.right;
      }
    }
    return best;
  }

  /** The entry that starts exactly at {@code va}, or null. */
  VmMapEntry at(long va) {
    VmMapEntry e = floor(va);
    return e != null && e.start == va ? e : null;
  }

  /**
   * uvm_map.c: uvm_map_lookup_entry's tree walk — the entry containing {@code va}, or null;
   * allocation-free.
   */
  // uvm_map.c: uvm_map_lookup_entry_bytree
  VmMapEntry containing(long va) {
    VmMapEntry e = floor(va);
    return e != null && va < e.end ? e : null;
  }

  // ------------------------------------------------------------------------------ changes

  /** uvm_map.c: uvm_rb_insert + uvm_map_entry_link — links {@code e} (its range must be free). */
  // uvm_map.c: uvm_rb_insert
  void insert(VmMapEntry e) {
    VmMapEntry pred = floor(e.start);
    VmMapEntry succ = pred == null ? first : pred.nextEntry;
    Kassert.check(pred == null || pred.end <= e.start, "rb_insert: overlaps its predecessor");
    Kassert.check(succ == null || e.end <= succ.start, "rb_insert: overlaps its successor");
    e.prevEntry = pred;
    e.nextEntry = succ;
    if (pred == null) {
      first = e;
    } else {
      pred.nextEntry = e;
    }
    if (succ == null) {
      last = e;
    } else {
      succ.prevEntry = e;
    }
    e.gap = gapOf(e);
    root = insert(root, e);
    count++;
    budget.charge(VmMapEntry.BYTES);
    if (pred != null) {
      fixup(pred);
    }
  }

  /** uvm_map.c: uvm_rb_remove + uvm_map_entry_unlink — unlinks {@code e}. */
  // uvm_map.c: uvm_rb_remove
  void remove(VmMapEntry e) {
    Kassert.check(e.nextEntry != null || last == e, "rb_remove: entry not on this tree");
    VmMapEntry pred = e.prevEntry;
    VmMapEntry succ = e.nextEntry;
    root = remove(root, e);
    if (pred == null) {
      first = succ;
    } else {
      pred.nextEntry = succ;
    }
    if (succ == null) {
      last = pred;
    } else {
      succ.prevEntry = pred;
    }
    e.prevEntry = null;
    e.nextEntry = null;
    e.left = null;
    e.right = null;
    count--;
    budget.release(VmMapEntry.BYTES);
    if (pred != null) {
      fixup(pred);
    }
  }

  /**
   * Moves the start of {@code e} to {@code start} in place; the order must not change (the range
   * {@code [start, e.end)} stays non-empty and clear of the previous entry).
   */
  void setStart(VmMapEntry e, long start) {
    VmMapEntry pred = e.prevEntry;
    Kassert.check(start < e.end, "rb: start below end");
    Kassert.check(pred == null || pred.end <= start, "rb: new start overlaps the previous entry");
    e.start = start;
    if (pred != null) {
      fixup(pred);
    }
  }

  /** Moves the end of {@code e} to {@code end} in place (clear of the next entry). */
  void setEnd(VmMapEntry e, long end) {
    VmMapEntry succ = e.nextEntry;
    Kassert.check(end > e.start, "rb: end above start");
    Kassert.check(end <= (succ == null ? maxOffset : succ.start), "rb: new end overlaps");
    e.end = end;
    fixup(e);
  }

  // ------------------------------------------------------------------------------ free space

  /**
   * uvm_map.c: uvm_map_findspace, top-down — the highest start of a free range of {@code length}
   * bytes that ends at or below {@code limit}, or -1; O(log n).
   */
  // uvm_map.c: uvm_map_findspace
  long findSpaceTopDown(long limit, long length) {
    long hi = Math.min(limit, maxOffset);
    VmMapEntry in = containing(hi - 1);
    if (in != null) {
      hi = in.start;
    }
    VmMapEntry below = in != null ? in.prevEntry : floor(hi - 1);
    long lowEnd = below == null ? minOffset : below.end;
    if (hi - lowEnd >= length) {
      return hi - length;
    }
    if (below == null) {
      return -1;
    }
    VmMapEntry e = rightmostWithGap(root, below.start, length);
    if (e != null) {
      return e.end + e.gap - length;
    }
    return first.start - minOffset >= length ? first.start - length : -1;
  }

  /**
   * uvm_map.c: uvm_map_findspace, bottom-up — the lowest start, at or above {@code limit}, of a
   * free range of {@code length} bytes, or -1; O(log n).
   */
  // uvm_map.c: uvm_map_findspace
  long findSpaceBottomUp(long limit, long length) {
    long lo = Math.max(limit, minOffset);
    VmMapEntry in = containing(lo);
    if (in != null) {
      lo = in.end;
    }
    VmMapEntry above = in != null ? in.nextEntry : ceiling(lo);
    long highStart = above == null ? maxOffset : above.start;
    if (highStart - lo >= length) {
      return lo;
    }
    if (above == null) {
      return -1;
    }
    VmMapEntry e = leftmostWithGap(root, above.start, length);
    return e == null ? -1 : e.end;
  }

  /** The rightmost entry with {@code start < bound} and {@code gap >= length}, or null. */
  private static VmMapEntry rightmostWithGap(VmMapEntry n, long bound, long length) {
    if (n == null || n.maxGap < length) {
      return null;
    }
    if (n.start >= bound) {
      return rightmostWithGap(n.left, bound, length);
    }
    VmMapEntry r = rightmostWithGap(n.right, bound, length);
    if (r != null) {
      return r;
    }
    if (n.gap >= length) {
      return n;
    }
    return rightmostWithGap(n.left, Long.MAX_VALUE, length);
  }

  /** The leftmost entry with {@code start >= bound} and {@code gap >= length}, or null. */
  private static VmMapEntry leftmostWithGap(VmMapEntry n, long bound, long length) {
    if (n == null || n.maxGap < length) {
      return null;
    }
    if (n.start < bound) {
      return leftmostWithGap(n.right, bound, length);
    }
    VmMapEntry l = leftmostWithGap(n.left, bound, length);
    if (l != null) {
      return l;
    }
    if (n.gap >= length) {
      return n;
    }
    return leftmostWithGap(n.right, Long.MIN_VALUE, length);
  }

  // ------------------------------------------------------------------------------ AVL mechanics

  /** uvm_map.c: uvm_rb_gap — the free space after {@code e}. */
  // uvm_map.c: uvm_rb_gap
  private long gapOf(VmMapEntry e) {
    return (e.nextEntry == null ? maxOffset : e.nextEntry.start) - e.end;
  }

  /**
   * uvm_map.c: uvm_rb_fixup — recomputes the gap of {@code e} and the heights and maximum gaps on
   * the path from the root to it.
   */
  // uvm_map.c: uvm_rb_fixup
  private void fixup(VmMapEntry e) {
    e.gap = gapOf(e);
    fixPath(root, e);
  }

  private static void fixPath(VmMapEntry n, VmMapEntry target) {
    Kassert.check(n != null, "rb_fixup: entry not in the tree");
    if (n != target) {
      fixPath(target.start < n.start ? n.left : n.right, target);
    }
    pull(n);
  }

  private static int height(VmMapEntry n) {
    return n == null ? 0 : n.height;
  }

  private static long maxGap(VmMapEntry n) {
    return n == null ? -1 : n.maxGap;
  }

  /** uvm_map.c: uvm_rb_maxgap — height and maximum gap from the node's own gap and children. */
  // uvm_map.c: uvm_rb_maxgap
  private static void pull(VmMapEntry n) {
    n.height = 1 + Math.max(height(n.left), height(n.right));
    n.maxGap = Math.max(n.gap, Math.max(maxGap(n.left), maxGap(n.right)));
  }

  private static VmMapEntry insert(VmMapEntry n, VmMapEntry e) {
    if (n == null) {
      e.left = null;
      e.right = null;
      pull(e);
      return e;
    }
    if (e.start < n.start) {
      n.left = insert(n.left, e);
    } else {
      n.right = insert(n.right, e);
    }
    return balance(n);
  }

  private static VmMapEntry remove(VmMapEntry n, VmMapEntry e) {
    Kassert.check(n != null, "rb_remove: entry not in the tree");
    if (e.start < n.start) {
      n.left = remove(n.left, e);
    } else if (e.start > n.start) {
      n.right = remove(n.right, e);
    } else {
      Kassert.check(n == e, "rb_remove: another entry has its start");
      if (n.left == null) {
        return n.right;
      }
      if (n.right == null) {
        return n.left;
      }
      VmMapEntry m = n.right;
      while (m.left != null) {
        m = m.left;
      }
      m.right = removeMin(n.right);
      m.left = n.left;
      n = m;
    }
    return balance(n);
  }

  private static VmMapEntry removeMin(VmMapEntry n) {
    if (n.left == null) {
      return n.right;
    }
    n.left = removeMin(n.left);
    return balance(n);
  }

  private static VmMapEntry balance(VmMapEntry n) {
    pull(n);
    int bf = height(n.left) - height(n.right);
    if (bf > 1) {
      if (height(n.left.left) < height(n.left.right)) {
        n.left = rotateLeft(n.left);
      }
      return rotateRight(n);
    }
    if (bf < -1) {
      if (height(n.right.right) < height(n.right.left)) {
        n.right = rotateRight(n.right);
      }
      return rotateLeft(n);
    }
    return n;
  }

  private static VmMapEntry rotateRight(VmMapEntry n) {
    VmMapEntry l = n.left;
    n.left = l.right;
    l.right = n;
    pull(n);
    pull(l);
    return l;
  }

  private static VmMapEntry rotateLeft(VmMapEntry n) {
    VmMapEntry r = n.right;
    n.right = r.left;
    r.left = n;
    pull(n);
    pull(r);
    return r;
  }

  // ------------------------------------------------------------------------------ check

  /**
   * Checks the invariants of the class comment.
   *
   * @throws UvmPanic naming the first violation
   */
  void check() {
    int[] seen = {0};
    VmMapEntry[] prev = {null};
    checkNode(root, seen, prev);
    if (seen[0] != count) {
      throw new UvmPanic("map tree holds " + seen[0] + " entries but counts " + count);
    }
    if (prev[0] != last) {
      throw new UvmPanic("map tree: last entry " + last + " but in-order ends at " + prev[0]);
    }
    if (count == 0 && first != null) {
      throw new UvmPanic("map tree: empty but has a first entry");
    }
  }

  private void checkNode(VmMapEntry n, int[] seen, VmMapEntry[] prev) {
    if (n == null) {
      return;
    }
    checkNode(n.left, seen, prev);
    if (n.prevEntry != prev[0] || (prev[0] == null ? first != n : prev[0].nextEntry != n)) {
      throw new UvmPanic("map tree: entry list disagrees with the tree at " + n);
    }
    if (prev[0] != null && prev[0].end > n.start) {
      throw new UvmPanic("map tree: entries out of order or overlapping at " + n);
    }
    if (n.gap != gapOf(n)) {
      throw new UvmPanic("map tree: gap " + n.gap + " but " + gapOf(n) + " free after " + n);
    }
    int lh = height(n.left);
    int rh = height(n.right);
    if (n.height != 1 + Math.max(lh, rh) || Math.abs(lh - rh) > 1) {
      throw new UvmPanic("map tree: unbalanced or wrong height at " + n);
    }
    if (n.maxGap != Math.max(n.gap, Math.max(maxGap(n.left), maxGap(n.right)))) {
      throw new UvmPanic("map tree: stale maxgap at " + n);
    }
    seen[0]++;
    prev[0] = n;
    checkNode(n.right, seen, prev);
  }
}
