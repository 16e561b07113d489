package org.uvm4j.uvm.map;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * mremap as a map operation ({@code uvm_mremap}): a mapping shrinks by unmapping its tail, grows in
 * place by a tail that has the attributes of the entry it extends ({@code uvm_map_enter} merges it
 * into that entry with {@code amap_extend} when it can), and moves by moving its entries ({@link
 * VmMap#moveRange}, {@code uvm_map_extract}): the amap and object references, offsets, protections,
 * inheritance, advice and wiring go with the entries, and the pmap translations move with them.
 * Nothing is copied and nothing untouched is allocated; shared mappings move like private ones
 * (every sharer keeps the same amap).
 *
 * <p>With {@code dontUnmap} ({@code MREMAP_DONTUNMAP}) the old range stays mapped with the same
 * attributes but unwired: a private range starts afresh (zeros, or the object's pages), a shared
 * range keeps showing the same memory (one more {@code AMAP_SHARED} reference to its amap).
 *
 * <p>Invariant: every step runs with the map locked and leaves the map as {@code VmMap.check} and
 * the system audit want it; references dropped by unmapping are released after the unlock.
 */
final class Remap {
  private static final Logger log = LogManager.getLogger("uvm.map");

  private Remap() {}

  /** See {@link Vmspace#remap(long, long, long, RemapMode, long, boolean)}. */
  // uvm_mremap.c: uvm_mremap
  static long remap(
      Vmspace vm,
      long oldVa,
      long oldSize,
      long newSize,
      RemapMode mode,
      long newVa,
      boolean dontUnmap)
      throws UvmException {
    if (mode == null || (oldVa & Vmspace.PAGE_MASK) != 0) {
      throw new UvmException(Errno.EINVAL, "remap: bad mode or misaligned address");
    }
    long oldLen = Vmspace.roundPage(oldSize);
    long newLen = Vmspace.roundPage(newSize);
    if (newLen <= 0 || oldLen <= 0 || oldVa + oldLen < oldVa) {
      throw new UvmException(Errno.EINVAL, "remap: bad sizes");
    }
    boolean fixed = mode == RemapMode.FIXED;
    if (dontUnmap && (mode == RemapMode.IN_PLACE || oldLen != newLen)) {
      throw new UvmException(Errno.EINVAL, "remap: dontUnmap needs a move of the same size");
    }
    if (fixed
        && ((newVa & Vmspace.PAGE_MASK) != 0
            || newVa > Vmspace.USER_MAX - newLen
            || (newVa < oldVa + oldLen && oldVa < newVa + newLen))) {
      throw new UvmException(
          Errno.EINVAL, "remap: fixed target misaligned, outside or overlapping");
    }
    VmMap map = vm.map();
    List<VmMapEntry> dead = new ArrayList<>();
    map.lock();
    try {
      // mseal: neither the old range nor a fixed target may hold a sealed entry (Linux 6.12's
      // can_modify_mm before anything is done)
      if (map.anySealed(oldVa, oldVa + oldLen) || (fixed && map.anySealed(newVa, newVa + newLen))) {
        throw new UvmException(Errno.EPERM, "remap: sealed mapping");
      }
      if (fixed && newVa < Vmspace.USER_MIN) {
        // below the user range: Linux's mmap_min_addr check (security_mmap_addr) says EPERM
        throw new UvmException(Errno.EPERM, "remap: fixed target below the user range");
      }
      if (!fixed && !dontUnmap && newLen <= oldLen) {
        // Linux's mremap: a shrink (or same size) in place needs only a mapping at the old address
        // (vma_lookup); the tail is unmapped whatever it holds
        if (oldVa < Vmspace.USER_MIN || map.lookup(oldVa) == null) {
          throw new UvmException(Errno.EFAULT, "remap: old address not mapped");
        }
        if (newLen < oldLen) {
          unmap(vm, oldVa + newLen, oldVa + oldLen, dead);
        }
        return oldVa;
      }
      VmMapEntry last = checkOldRange(map, oldVa, oldLen);
      boolean wired = last.isWired();
      if (!fixed && !dontUnmap) {
        long tail = oldVa + oldLen;
        if (tail <= Vmspace.USER_MAX - (newLen - oldLen) && map.isFree(tail, oldVa + newLen)) {
          if (map.entryCount() > Vmspace.MAX_MAP_COUNT) {
            throw new UvmException(Errno.ENOMEM, "remap: more than vm.max_map_count entries");
          }
          growTail(vm, last, tail, oldVa + newLen, wired, dead);
          return oldVa;
        }
        if (mode == RemapMode.IN_PLACE) {
          throw new UvmException(Errno.ENOMEM, "remap: cannot grow in place");
        }
      }
      if (map.entryCount() >= Vmspace.MAX_MAP_COUNT - 3) {
        throw new UvmException(Errno.ENOMEM, "remap: moving needs entries beyond the limit");
      }
      long to;
      if (fixed) {
        to = newVa;
        unmap(vm, newVa, newVa + newLen, dead);
        if (newLen < oldLen) {
          unmap(vm, oldVa + newLen, oldVa + oldLen, dead);
          oldLen = newLen;
        }
      } else {
        to = vm.chooseAddress(0, newLen);
        if (to < 0) {
          throw new UvmException(Errno.ENOMEM, "remap: no free range to move to");
        }
      }
      long moveLen = Math.min(oldLen, newLen);
      List<VmMapEntry> moved = map.moveRange(oldVa, oldVa + moveLen, to);
      if (newLen > moveLen) {
        try {
          growTail(vm, moved.get(moved.size() - 1), to + moveLen, to + newLen, wired, dead);
        } catch (UvmException e) {
          map.moveRange(to, to + moveLen, oldVa); // put it back: the call changes nothing
          throw e;
        }
      }
      if (dontUnmap) {
        for (VmMapEntry e : moved) {
          leaveBehind(map, e, e.start - (to - oldVa));
        }
      }
      if (log.isDebugEnabled()) {
        log.debug(
            "mremap {}+{} -> {}+{}{}",
            VmMap.hex(oldVa),
            VmMap.hex(oldLen),
            VmMap.hex(to),
            VmMap.hex(newLen),
            dontUnmap ? " (old range kept)" : "");
      }
      return to;
    } finally {
      map.unlock();
      VmMap.unmapDetach(dead);
    }
  }

  /**
   * The old range must be fully mapped by entries that make one mapping as Linux sees it (one
   * vm_area): the same protections, sharing, object (at contiguous offsets), inheritance, advice
   * and wiring; EFAULT otherwise.
   *
   * @return the last entry of the range (its attributes are what a growing tail gets)
   */
  private static VmMapEntry checkOldRange(VmMap map, long oldVa, long oldLen) throws UvmException {
    if (oldVa < Vmspace.USER_MIN
        || oldVa + oldLen > Vmspace.USER_MAX
        || !map.isFullyMapped(oldVa, oldVa + oldLen)) {
      throw new UvmException(Errno.EFAULT, "remap: old range not mapped");
    }
    List<VmMapEntry> es = map.entriesIn(oldVa, oldVa + oldLen);
    VmMapEntry first = es.get(0);
    VmMapEntry prev = null;
    for (VmMapEntry e : es) {
      if (e.protection != first.protection
          || e.maxProtection != first.maxProtection
          || e.isSharedMapping() != first.isSharedMapping()
          || e.object != first.object
          || e.inheritance != first.inheritance
          || e.advice != first.advice
          || e.isWired() != first.isWired()
          || !e.samePolicy(first)
          || (prev != null
              && e.object != null
              && prev.offset + (prev.end - prev.start) != e.offset)) {
        throw new UvmException(Errno.EFAULT, "remap: range spans different mappings");
      }
      prev = e;
    }
    return prev;
  }

  /** Unwires and removes {@code [start, end)}; the references go to {@code dead}. */
  private static void unmap(Vmspace vm, long start, long end, List<VmMapEntry> dead) {
    Wiring.unwireRange(vm, start, end);
    dead.addAll(vm.map().unmapRemove(start, end));
  }

  /**
   * Maps {@code [start, end)} right after {@code last} with its attributes: the same protections,
   * inheritance, advice, sharing and object (at the following offset); wired when the mapping is
   * ({@code uvm_map_enter} merges it into {@code last} when their amaps allow it).
   *
   * @throws UvmException ENOMEM (no amap), EAGAIN (the tail of a wired mapping could not be wired:
   *     nothing stays mapped)
   */
  private static void growTail(
      Vmspace vm, VmMapEntry last, long start, long end, boolean wired, List<VmMapEntry> dead)
      throws UvmException {
    VmMap map = vm.map();
    Kassert.check(last.end == start, "remap: tail right after the entry");
    int flags;
    if (!last.isSharedMapping()) {
      flags = VmMap.FLAG_COPYONW;
    } else {
      flags = last.object == null ? VmMap.FLAG_OVERLAY : 0;
    }
    UvmObject obj = last.object;
    long off = obj == null ? 0 : last.offset + (start - last.start);
    if (obj != null) {
      obj.reference();
    }
    int err =
        map.enter(
            start,
            end - start,
            obj,
            off,
            last.protection,
            last.maxProtection,
            last.inheritance,
            last.advice,
            flags);
    if (err != 0) {
      if (obj != null) {
        obj.detach();
      }
      throw new UvmException(err, "remap: could not map the tail");
    }
    if (wired && Wiring.wireRange(vm, start, end) != 0) {
      unmap(vm, start, end, dead);
      throw new UvmException(Errno.EAGAIN, "remap: could not wire the tail");
    }
    // vma_expand: the grown part is the same vma, with its memory policy
    for (VmMapEntry e : map.entriesIn(start, end)) {
      e.policy = last.policy;
    }
    // the grown mapping is one with its neighbours where uvm_map_enter could not merge it (an amap
    // the clipped mapping still shares with its other part): Linux's vma_merge on expansion
    map.mergeRange(start, end);
  }

  /**
   * MREMAP_DONTUNMAP: a new entry at {@code oldStart} with the attributes of the moved entry {@code
   * e}, unwired. A shared entry's amap gets one more {@code AMAP_SHARED} reference (both ranges
   * show the same memory); a private one starts without an amap (NEEDSCOPY: zeros or the object's
   * pages).
   */
  private static void leaveBehind(VmMap map, VmMapEntry e, long oldStart) {
    VmMapEntry r = e.duplicate();
    r.start = oldStart;
    r.end = oldStart + (e.end - e.start);
    r.wiredCount = 0;
    r.flags &= ~VmMapEntry.LOCKONFAULT;
    r.aref.amap = null;
    r.aref.pageOffset = 0;
    if (e.object != null) {
      e.object.reference();
    }
    if (e.isSharedMapping() && e.aref.amap != null) {
      e.aref.amap.ref(e.aref.pageOffset, e.pages(), Amap.AMAP_SHARED);
      r.aref.copyFrom(e.aref);
    } else if (r.copyOnWrite()) {
      r.etype |= VmMapEntry.NEEDSCOPY;
    }
    map.insert(r);
  }
}
