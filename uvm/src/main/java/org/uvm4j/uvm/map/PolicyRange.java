package org.uvm4j.uvm.map;

import java.util.List;
import java.util.Objects;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;

/**
 * The map side of Linux's memory-policy calls ({@code mm/mempolicy.c}, {@code mm/migrate.c}) on a
 * {@link Vmspace}: walking a range as {@code queue_pages_range} does (holes, resident pages),
 * setting the {@link EntryPolicy} of its entries as {@code mbind_range} does (clip only the entries
 * whose policy changes, then join what became one mapping), and reading an address's policy and
 * residency. The policies themselves are opaque here.
 *
 * <p>A page is resident for these calls when Linux would find a present page-table entry for it:
 * the pmap maps it, or the entry's amap holds an anon whose page is in RAM (Linux keeps a resident
 * anonymous page mapped; uvm4j's pmap may have dropped the translation after fork or
 * mprotect(PROT_NONE)). An object page counts only while mapped. uvm4j has no shared zero page, so
 * an anonymous page that was only read is resident (Linux maps its zero page there).
 *
 * <p>=> every method takes and releases the map lock itself.
 */
final class PolicyRange {
  private PolicyRange() {}

  /**
   * mm/mempolicy.c: do_mbind's walk and update over {@code [start, end)} (page aligned, {@code
   * start < end}): first {@code queue_pages_range}, which fails with EFAULT when no entry meets the
   * range, or (unless {@code holesOk}) when part of it is unmapped, checked entry by entry as
   * {@code queue_pages_test_walk} does; and, with {@code failOnResident} (MPOL_MF_STRICT without
   * MOVE on a node mask the page's node is not in), with EIO at the first entry holding a resident
   * page. Only then is {@code policy} set on the mapped parts ({@code mbind_range}).
   *
   * @return 0, or EFAULT, EIO, ENOMEM (more than {@code vm.max_map_count} entries after the clips)
   */
  // mm/mempolicy.c: do_mbind (queue_pages_range, mbind_range)
  static int bind(
      Vmspace vm,
      long start,
      long end,
      EntryPolicy policy,
      boolean holesOk,
      boolean failOnResident) {
    VmMap map = vm.map();
    map.lock();
    try {
      List<VmMapEntry> es = entriesIn(map, start, end);
      if (es.isEmpty()) {
        return Errno.EFAULT; // the whole range is a hole
      }
      for (int i = 0; i < es.size(); i++) {
        VmMapEntry e = es.get(i);
        if (!holesOk) {
          if (i == 0 && start < e.start) {
            return Errno.EFAULT; // hole at the head of the range
          }
          VmMapEntry next = map.next(e);
          if (e.end < end && (next == null || e.end < next.start)) {
            return Errno.EFAULT; // hole in the middle or at the tail
          }
        }
        if (failOnResident && anyResident(vm, e, Math.max(start, e.start), Math.min(end, e.end))) {
          return Errno.EIO;
        }
      }
      if (tooManyClips(map, start, end, es, policy)) {
        return Errno.ENOMEM;
      }
      for (VmMapEntry e : es) {
        setPolicy(map, e, start, end, policy);
      }
      map.mergeRange(start, end);
      return 0;
    } finally {
      map.unlock();
    }
  }

  /**
   * Runs {@code update} over the entries meeting {@code [start, end)} in address order (holes are
   * skipped), as {@code set_mempolicy_home_node}'s loop: each entry's part of the range gets the
   * policy {@code update} returns; an exception stops the loop there with its errno (the entries
   * before keep theirs).
   *
   * @return 0 or the errno
   */
  // mm/mempolicy.c: sys_set_mempolicy_home_node (its loop of mbind_range)
  static int update(Vmspace vm, long start, long end, PolicyUpdate update) {
    VmMap map = vm.map();
    map.lock();
    try {
      int err = 0;
      boolean changed = false;
      for (VmMapEntry e : entriesIn(map, start, end)) {
        EntryPolicy np;
        try {
          np = update.apply(e.policy);
        } catch (UvmException x) {
          err = x.errno();
          break;
        }
        if (np == e.policy || Objects.equals(np, e.policy)) {
          continue;
        }
        if (tooManyClips(map, start, end, List.of(e), np)) {
          err = Errno.ENOMEM;
          break;
        }
        setPolicy(map, e, start, end, np);
        changed = true;
      }
      if (changed) {
        map.mergeRange(start, end);
      }
      return err;
    } finally {
      map.unlock();
    }
  }

  /**
   * The policy of the entry containing {@code va} (null: the default), as {@code
   * get_mempolicy(MPOL_F_ADDR)} reads it.
   *
   * @throws UvmException EFAULT when no entry contains {@code va} ({@code vma_lookup} failed)
   */
  static EntryPolicy policyAt(Vmspace vm, long va) throws UvmException {
    VmMap map = vm.map();
    map.lock();
    try {
      VmMapEntry e = map.lookup(va);
      if (e == null) {
        throw new UvmException(Errno.EFAULT, "get_mempolicy: no mapping at the address");
      }
      return e.policy;
    } finally {
      map.unlock();
    }
  }

  /**
   * {@link Vmspace#PAGE_UNMAPPED}, {@link Vmspace#PAGE_ABSENT} or {@link Vmspace#PAGE_RESIDENT}.
   */
  // mm/migrate.c: do_pages_stat_array (vma_lookup, folio_walk_start)
  static int residency(Vmspace vm, long va) {
    VmMap map = vm.map();
    map.lock();
    try {
      VmMapEntry e = map.lookup(va);
      if (e == null) {
        return Vmspace.PAGE_UNMAPPED;
      }
      return resident(vm, e, va & ~Vmspace.PAGE_MASK) ? Vmspace.PAGE_RESIDENT : Vmspace.PAGE_ABSENT;
    } finally {
      map.unlock();
    }
  }

  /**
   * The entries meeting {@code [start, end)}; none for a start at or above 2^63 (the signed
   * addresses of the map stop there, and nothing is mapped beyond the user half).
   */
  private static List<VmMapEntry> entriesIn(VmMap map, long start, long end) {
    return start < 0 ? List.of() : map.entriesIn(start, end);
  }

  /** Whether a page of {@code e} in {@code [from, to)} is resident (map locked). */
  private static boolean anyResident(Vmspace vm, VmMapEntry e, long from, long to) {
    for (long va = from; va < to; va += VmMap.PAGE_SIZE) {
      if (resident(vm, e, va)) {
        return true;
      }
    }
    return false;
  }

  /** Whether Linux would find a present page-table entry for {@code va} of {@code e}. */
  private static boolean resident(Vmspace vm, VmMapEntry e, long va) {
    if (vm.pmap().extract(va) != null) {
      return true;
    }
    Amap amap = e.aref.amap;
    if (amap == null) {
      return false;
    }
    amap.lock();
    try {
      Anon an = amap.lookup(e.aref, e.offsetOf(va));
      return an != null && an.page != null;
    } finally {
      amap.unlock();
    }
  }

  /**
   * Whether giving {@code policy} to {@code es} within {@code [start, end)} would split entries
   * beyond {@link Vmspace#MAX_MAP_COUNT} ({@code split_vma}'s ENOMEM): only an entry whose policy
   * changes is clipped.
   */
  private static boolean tooManyClips(
      VmMap map, long start, long end, List<VmMapEntry> es, EntryPolicy policy) {
    int clips = 0;
    for (VmMapEntry e : es) {
      if (Objects.equals(e.policy, policy)) {
        continue;
      }
      if (e.start < start) {
        clips++;
      }
      if (e.end > end) {
        clips++;
      }
    }
    return clips > 0 && map.entryCount() + clips > Vmspace.MAX_MAP_COUNT;
  }

  /** mbind_range for one entry: clipped to the range and given {@code policy} if it differs. */
  // mm/mempolicy.c: mbind_range, vma_replace_policy
  private static void setPolicy(VmMap map, VmMapEntry e, long start, long end, EntryPolicy policy) {
    if (Objects.equals(e.policy, policy)) {
      return; // mpol_equal: nothing to split
    }
    map.clipStart(e, start);
    map.clipEnd(e, end);
    e.policy = policy;
  }
}
