package org.uvm4j.uvm.map;

import java.util.ArrayList;
import java.util.List;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.page.VmPage;

/**
 * Wiring of map entries ({@code uvm_map_pageable}, {@code uvm_fault_wire}, {@code
 * uvm_fault_unwire}).
 *
 * <p>Invariant kept: an entry is wired ({@code wiredCount == 1}; user wiring is not counted) iff
 * every page it holds — the anon page of its amap slot, else its object page — is resident and
 * counts this entry once in its {@code wireCount}; the anons a wired entry holds have {@code ref ==
 * 1} (wiring resolves copy-on-write sharing, fork gives the child copies), so no other address
 * space can replace them under it.
 */
final class Wiring {
  /** How often a wiring fault waits for memory before mlock gives up. */
  private static final int MAX_AMAP_COPY_TRIES = 4;

  private Wiring() {}

  /**
   * uvm_map.c: uvm_map_pageable (wire) — wires every unwired entry of {@code [start, end)}. On
   * failure the entries wired by this call are unwired again.
   *
   * <p>=> map locked; range fully mapped.
   */
  // uvm_map.c: uvm_map_pageable
  static int wireRange(Vmspace vm, long start, long end) {
    VmMap map = vm.map();
    List<VmMapEntry> done = new ArrayList<>();
    for (VmMapEntry e : map.entriesIn(start, end)) {
      if (e.isWired()) {
        continue;
      }
      map.clipStart(e, start);
      map.clipEnd(e, end);
      // the fault path must not need amap_copy while wiring: give the entry its own amap first
      // (uvm_map_pageable does this under the write lock)
      int tries = 0;
      while (needsPrivateAmap(e) && tries++ < MAX_AMAP_COPY_TRIES) {
        Amap.copy(
            map,
            e,
            Amap.AMAP_COPY_NOWAIT | Amap.AMAP_COPY_NOCHUNK | Amap.AMAP_COPY_NOMERGE,
            e.start,
            e.end);
        if (e.needsCopy()) {
          map.services().waitForMemory("wireamapcopy");
        }
      }
      if (needsPrivateAmap(e)) {
        undo(vm, done);
        return Errno.ENOMEM;
      }
      e.wiredCount = 1;
      for (long va = e.start; va < e.end; va += VmMap.PAGE_SIZE) {
        if (vm.faultHandler().faultWire(vm, va) != FaultResult.OK) {
          unwirePages(vm, e, e.start, va);
          e.wiredCount = 0;
          undo(vm, done);
          return Errno.ENOMEM;
        }
        wirePage(vm, heldPage(e, va));
      }
      done.add(e);
    }
    return 0;
  }

  /**
   * Whether wiring {@code e} needs its amap copied first: writable or anonymous entries (as in
   * uvm_map_pageable), and any entry that already shares an amap (its shared anons get copied).
   */
  private static boolean needsPrivateAmap(VmMapEntry e) {
    return e.needsCopy()
        && ((e.maxProtection & Prot.WRITE) != 0 || e.object == null || e.aref.amap != null);
  }

  private static void undo(Vmspace vm, List<VmMapEntry> wired) {
    for (VmMapEntry e : wired) {
      unwirePages(vm, e, e.start, e.end);
      e.wiredCount = 0;
    }
  }

  /**
   * uvm_map.c: uvm_map_pageable (unwire) / uvm_map_entry_unwire — unwires every wired entry in
   * {@code [start, end)}: its pages lose this entry's wiring, its translations their wired bit.
   *
   * <p>=> map locked.
   */
  // uvm_map.c: uvm_map_pageable
  static void unwireRange(Vmspace vm, long start, long end) {
    VmMap map = vm.map();
    for (VmMapEntry e : map.entriesIn(start, end)) {
      if (!e.isWired()) {
        continue;
      }
      map.clipStart(e, start);
      map.clipEnd(e, end);
      unwirePages(vm, e, e.start, e.end);
      e.wiredCount = 0;
    }
  }

  /**
   * After mprotect of {@code [start, end)}: a wired entry whose protection changed is faulted again
   * with wiring semantics, so that a newly writable wired range has its copy-on-write resolved and
   * writable translations now. A page replaced by that (an object page promoted to an anon) moves
   * its wiring to the new page.
   */
  static int rewire(Vmspace vm, long start, long end) {
    for (VmMapEntry e : vm.map().entriesIn(start, end)) {
      if (!e.isWired()) {
        continue;
      }
      for (long va = e.start; va < e.end; va += VmMap.PAGE_SIZE) {
        VmPage before = heldPage(e, va);
        if (vm.faultHandler().faultWire(vm, va) != FaultResult.OK) {
          return Errno.ENOMEM;
        }
        VmPage after = heldPage(e, va);
        if (after != before) {
          unwirePage(vm, before);
          wirePage(vm, after);
        }
      }
    }
    return 0;
  }

  /** uvm_fault.c: uvm_fault_unwire_locked for the pages of {@code e} in {@code [from, to)}. */
  // uvm_fault.c: uvm_fault_unwire_locked
  private static void unwirePages(Vmspace vm, VmMapEntry e, long from, long to) {
    for (long va = from; va < to; va += VmMap.PAGE_SIZE) {
      unwirePage(vm, heldPage(e, va));
      if (vm.pmap().isWired(va)) {
        vm.pmap().unwire(va);
      }
    }
  }

  /**
   * uvm_page.c: uvm_pagewire, plus what uvm_fault does for a wired anon page: it is dirty (no
   * longer CLEAN) and its swap copy is dropped (a wired page is never paged out).
   */
  // uvm_page.c: uvm_pagewire
  private static void wirePage(Vmspace vm, VmPage pg) {
    vm.uvm().pageQueues().wire(pg);
    Anon anon = Anon.owner(pg);
    if (anon != null && pg.object == null) {
      pg.flags &= ~VmPage.PG_CLEAN;
      if (anon.swslot != 0) {
        anon.lock();
        try {
          anon.dropSwap(vm.map().services());
        } finally {
          anon.unlock();
        }
      }
    }
  }

  /** uvm_page.c: uvm_pageunwire. */
  // uvm_page.c: uvm_pageunwire
  private static void unwirePage(Vmspace vm, VmPage pg) {
    vm.uvm().pageQueues().unwire(pg);
  }

  /**
   * The page {@code e} holds at {@code va}: its amap slot's anon page, else its object page.
   *
   * <p>=> only for pages that must be resident (wired entries, after a wiring fault).
   */
  static VmPage heldPage(VmMapEntry e, long va) {
    Amap amap = e.aref.amap;
    if (amap != null) {
      amap.lock();
      Anon anon;
      try {
        anon = amap.lookup(e.aref, va - e.start);
      } finally {
        amap.unlock();
      }
      if (anon != null) {
        Kassert.check(anon.page != null, "wired anon resident");
        return anon.page;
      }
    }
    Kassert.check(e.object != null, "wired page held by amap or object");
    VmPage pg = e.object.getPage(e.offset + (va - e.start));
    Kassert.check(pg != null, "wired object page resident");
    return pg;
  }
}
