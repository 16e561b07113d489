package org.uvm4j.uvm.amap;

import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Map;
import org.uvm4j.uvm.UvmPanic;

/**
 * Consistency checks of amaps and anons (the invariants of {@code uvm_amap.h} and §2.21 of the
 * reference). Each failure throws a {@link UvmPanic} whose message names the amap, the slot and the
 * values that disagree.
 *
 * <p>For one amap: {@code 0 <= nused <= nslot <= maxslot}; slots beyond {@code nslot} empty; {@code
 * slots}/{@code bckptr} a consistent permutation of the occupied slots; no freed anon and no anon
 * with {@code ref <= 0} in a slot; per-page counts (if established) tile {@code [0, nslot)} with
 * non-negative counts and no anon under a zero count. Across a set of amaps: every anon's {@code
 * ref} equals the number of slots pointing at it.
 *
 * <p>The amap lock is taken for the check unless the caller holds it already.
 */
public final class AmapAudit {
  private AmapAudit() {}

  /** Checks one amap. */
  public static void check(Amap amap) {
    if (amap.isFreed()) {
      throw fail(amap, "is freed but still reachable");
    }
    boolean took = !amap.isLocked();
    if (took) {
      amap.lock();
    }
    try {
      checkLocked(amap);
    } finally {
      if (took) {
        amap.unlock();
      }
    }
  }

  /**
   * Checks every amap of {@code amaps} and that each anon found in them has a reference count equal
   * to the number of slots (over all of them) that point at it. The set must contain every amap
   * that can hold those anons (e.g. a machine's whole {@link AmapList}).
   */
  public static void checkAll(Collection<Amap> amaps) {
    Map<Anon, int[]> seen = new IdentityHashMap<>();
    for (Amap amap : amaps) {
      if (amap.isFreed()) {
        throw fail(amap, "is freed but still reachable");
      }
      boolean took = !amap.isLocked();
      if (took) {
        amap.lock();
      }
      try {
        checkLocked(amap);
        for (int i = 0; i < amap.nused; i++) {
          seen.computeIfAbsent(amap.anon.get(amap.slots[i]), k -> new int[1])[0]++;
        }
      } finally {
        if (took) {
          amap.unlock();
        }
      }
    }
    for (Map.Entry<Anon, int[]> e : seen.entrySet()) {
      Anon an = e.getKey();
      int slots = e.getValue()[0];
      if (an.ref != slots) {
        throw fail(null, an + " has ref " + an.ref + " but " + slots + " slot(s) point at it");
      }
    }
  }

  private static void checkLocked(Amap a) {
    if (a.ref < 0 || (a.ref == 0 && (a.flags & Amap.AMAP_SWAPOFF) == 0)) {
      throw fail(a, "live amap with ref " + a.ref);
    }
    if ((a.flags & ~(Amap.AMAP_SHARED | Amap.AMAP_SWAPOFF)) != 0) {
      throw fail(a, "unknown flag bits " + Integer.toHexString(a.flags));
    }
    if (!(0 <= a.nused && a.nused <= a.nslot && a.nslot <= a.maxslot)) {
      throw fail(a, "sizes violate 0 <= nused <= nslot <= maxslot");
    }
    if (a.slots.length < a.nused
        || a.slots.length > Math.max(a.maxslot, AmapAllocator.SLOT_LIST_INITIAL)
        || a.bckptr.capacity != a.maxslot
        || a.anon.capacity != a.maxslot) {
      throw fail(
          a,
          "array lengths: slots "
              + a.slots.length
              + " (nused "
              + a.nused
              + "), bckptr "
              + a.bckptr.capacity
              + ", anon "
              + a.anon.capacity
              + " (maxslot "
              + a.maxslot
              + ")");
    }
    // walk the chunks that exist (O(chunks), never O(maxslot))
    int occupied = 0;
    for (int base = a.anon.nextLeaf(0);
        base >= 0;
        base = a.anon.nextLeaf(base + ChunkedSlots.CHUNK)) {
      int hi = Math.min(base + ChunkedSlots.CHUNK, a.maxslot);
      for (int s = base; s < hi; s++) {
        Anon an = a.anon.get(s);
        if (an == null) {
          continue;
        }
        if (s >= a.nslot) {
          throw fail(a, "slot " + s + " beyond nslot holds " + an);
        }
        occupied++;
        if (an.isFreed()) {
          throw fail(a, "slot " + s + " holds freed " + an);
        }
        if (an.ref <= 0) {
          throw fail(a, "slot " + s + " holds " + an + " with ref <= 0");
        }
        int ptr = a.bckptr.get(s);
        if (ptr < 0 || ptr >= a.nused || a.slots[ptr] != s) {
          throw fail(
              a,
              "slot "
                  + s
                  + " is occupied but bckptr["
                  + s
                  + "]="
                  + ptr
                  + (ptr >= 0 && ptr < a.nused ? " and slots[" + ptr + "]=" + a.slots[ptr] : ""));
        }
      }
    }
    if (occupied != a.nused) {
      throw fail(a, occupied + " occupied slots but nused=" + a.nused);
    }
    // nused occupied slots with distinct back pointers into [0, nused) and slots[bckptr[x]] == x:
    // slots[0..nused) is exactly a permutation of the occupied slots
    if (a.hasPpref()) {
      if (a.ppref.capacity != a.maxslot) {
        throw fail(a, "ppref length " + a.ppref.capacity + " != maxslot " + a.maxslot);
      }
      int off = 0;
      while (off < a.nslot) {
        int head = a.ppref.get(off);
        if (head == 0) {
          throw fail(a, "ppref: no run starts at slot " + off + " (cell is 0)");
        }
        int len = Ppref.len(a.ppref, off);
        if (head < 0 && len < 2) {
          throw fail(a, "ppref: long run at slot " + off + " has length " + len);
        }
        if (off + len > a.nslot) {
          throw fail(a, "ppref: run at slot " + off + " of length " + len + " passes nslot");
        }
        int count = Ppref.ref(a.ppref, off);
        if (count == 0) {
          int end = off + len;
          for (int base = a.anon.nextLeaf(off);
              base >= 0 && base < end;
              base = a.anon.nextLeaf(base + ChunkedSlots.CHUNK)) {
            for (int s = Math.max(base, off); s < Math.min(base + ChunkedSlots.CHUNK, end); s++) {
              if (a.anon.get(s) != null) {
                throw fail(a, "slot " + s + " has ppref count 0 but holds " + a.anon.get(s));
              }
            }
          }
        }
        off += len;
      }
    }
  }

  private static UvmPanic fail(Amap a, String what) {
    return new UvmPanic("amap audit: " + (a != null ? a + " " : "") + what);
  }
}
