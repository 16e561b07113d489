package org.uvm4j.uvm.map;

import java.util.ArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.observe.ForkCensus;
import org.uvm4j.uvm.page.VmPage;

/**
 * uvmspace_fork, split as in NetBSD 2015+ into clone / forkshared / forkcopy / forkzero: builds a
 * child map entry by entry from the parent's inheritance.
 *
 * <ul>
 *   <li>NONE: the child gets nothing there.
 *   <li>SHARE: both reference one amap, flagged AMAP_SHARED (a NEEDSCOPY parent gets its own amap
 *       first, so that there is something to share).
 *   <li>COPY: the child references the parent's amap with COPYONWRITE|NEEDSCOPY; the parent is
 *       write-protected and marked NEEDSCOPY, so whoever writes first copies the amap and then the
 *       page (fault cases 1B/2B). No page is copied at fork, except: a wired parent keeps its
 *       mappings and the child's copy-on-write is resolved now (amap_cow_now); a parent whose amap
 *       is shared with other processes (AMAP_SHARED) or which is a shared mapping gives the child
 *       private copies of the pages now too, so the parent's later writes still reach the processes
 *       it shares with (NetBSD would mark such a parent NEEDSCOPY and silently detach it from
 *       them).
 *   <li>ZERO: the child gets a fresh zero-fill entry (neither amap nor object inherited).
 * </ul>
 *
 * Wiring is not inherited. The parent's map is locked for the whole walk.
 */
final class VmspaceFork {
  private static final Logger log = LogManager.getLogger("uvm.fork");

  /** Attempts of an amap_copy (with a wait for memory in between) before fork gives up. */
  private static final int MAX_TRIES = 4;

  private VmspaceFork() {}

  /**
   * uvm_map.c: uvmspace_fork — fills {@code child} (empty) from {@code parent}.
   *
   * @return false when memory ran out; the caller frees the partial child
   */
  // uvm_map.c: uvmspace_fork
  static boolean fork(Vmspace parent, Vmspace child) {
    VmMap om = parent.map();
    VmMap nm = child.map();
    om.lock();
    nm.lock();
    try {
      for (VmMapEntry old : new ArrayList<>(om.entries())) {
        Kassert.check(!old.needsCopy() || old.copyOnWrite(), "fork: NEEDSCOPY implies COW");
        boolean ok =
            switch (old.inheritance) {
              case NONE -> true;
              case SHARE -> forkShared(om, nm, old);
              case COPY -> forkCopy(parent, child, old);
              case ZERO -> forkZero(nm, old);
            };
        if (!ok) {
          log.debug("fork: out of memory at {}", old);
          return false;
        }
      }
      parent.pmap().update();
      parent.uvm().exp().forks++;
      if (log.isDebugEnabled()) {
        log.debug("fork: {} entries, child {} entries", om.entryCount(), nm.entryCount());
      }
      return true;
    } finally {
      nm.unlock();
      om.unlock();
    }
  }

  /** uvm_map.c: uvm_mapent_clone — the child's copy of {@code old}, not wired, linked in. */
  // uvm_map.c: uvm_mapent_clone
  private static VmMapEntry cloneEntry(VmMap nm, VmMapEntry old, int amapRefFlags) {
    VmMapEntry ne = old.duplicate();
    ne.wiredCount = 0;
    ne.flags &= ~VmMapEntry.LOCKONFAULT;
    if (ne.aref.amap != null) {
      ne.aref.amap.ref(ne.aref.pageOffset, ne.pages(), amapRefFlags);
    }
    if (ne.object != null) {
      ne.object.reference();
    }
    nm.insert(ne);
    return ne;
  }

  /** uvm_map.c: uvm_mapent_forkshared. */
  // uvm_map.c: uvm_mapent_forkshared
  private static boolean forkShared(VmMap om, VmMap nm, VmMapEntry old) {
    if (old.needsCopy() && !copyAmap(om, old)) {
      return false;
    }
    cloneEntry(nm, old, Amap.AMAP_SHARED);
    return true;
  }

  /** uvm_map.c: uvm_mapent_forkcopy. */
  // uvm_map.c: uvm_mapent_forkcopy
  private static boolean forkCopy(Vmspace parent, Vmspace child, VmMapEntry old) {
    VmMap nm = child.map();
    VmMapEntry ne = cloneEntry(nm, old, 0);
    ne.etype |= VmMapEntry.COPYONWRITE | VmMapEntry.NEEDSCOPY;
    Amap amap = old.aref.amap;
    if (amap == null) {
      // nothing to protect: object pages of a COW entry are always mapped read-only
      return true;
    }
    boolean sharedWithOthers = amap.isShared() || old.isSharedMapping();
    if (old.isWired() || sharedWithOthers) {
      if (!copyAmap(nm, ne)) {
        return false;
      }
    }
    if (old.isWired()) {
      return Amap.cowNow(ne) == 0; // ENOMEM: fork fails, the caller frees the child
    } else if (sharedWithOthers) {
      return copyNow(child, ne);
    } else if (!old.needsCopy()) {
      if ((old.maxProtection & Prot.WRITE) != 0) {
        parent.pmap().protect(old.start, old.end, old.protection & ~Prot.WRITE);
      }
      old.etype |= VmMapEntry.NEEDSCOPY;
    }
    return true;
  }

  /** uvm_map.c: uvm_mapent_forkzero — fresh zero-fill memory, nothing inherited. */
  // uvm_map.c: uvm_mapent_forkzero
  private static boolean forkZero(VmMap nm, VmMapEntry old) {
    VmMapEntry ne = old.duplicate();
    ne.wiredCount = 0;
    ne.flags &= ~VmMapEntry.LOCKONFAULT;
    ne.aref.amap = null;
    ne.aref.pageOffset = 0;
    ne.object = null;
    ne.offset = 0;
    ne.etype = VmMapEntry.COPYONWRITE | VmMapEntry.NEEDSCOPY;
    nm.insert(ne);
    return true;
  }

  /** amap_copy(map, entry, NOWAIT|NOCHUNK|NOMERGE), retried after waiting for memory. */
  private static boolean copyAmap(VmMap map, VmMapEntry e) {
    for (int i = 0; i < MAX_TRIES; i++) {
      Amap.copy(
          map,
          e,
          Amap.AMAP_COPY_NOWAIT | Amap.AMAP_COPY_NOCHUNK | Amap.AMAP_COPY_NOMERGE,
          e.start,
          e.end);
      if (!e.needsCopy()) {
        return true;
      }
      map.services().waitForMemory("forkamapcopy");
    }
    return false;
  }

  /**
   * Gives the child entry {@code ne} (which has a private amap) its own copy of every page it still
   * shares with another amap, like amap_cow_now but for unwired pages (paged in if needed).
   */
  private static boolean copyNow(Vmspace child, VmMapEntry ne) {
    UvmServices svc = child.map().services();
    Amap amap = ne.aref.amap;
    final int pages = ne.pages();
    // only the pages that hold an anon (a huge, sparsely used entry costs its chunks, not its
    // pages)
    for (int p = nextAnonPage(amap, ne, 0, pages);
        p >= 0;
        p = nextAnonPage(amap, ne, p + 1, pages)) {
      long off = (long) p * VmMap.PAGE_SIZE;
      amap.lock();
      try {
        Anon anon = amap.lookup(ne.aref, off);
        if (anon == null || anon.ref == 1) {
          continue;
        }
        if (anon.page == null && !pageIn(svc, anon)) {
          return false;
        }
        Anon nanon = null;
        VmPage npg = null;
        for (int i = 0; i < MAX_TRIES && npg == null; i++) {
          nanon = Anon.alloc(svc);
          if (nanon != null) {
            npg = svc.pageAlloc(nanon);
            if (npg == null) {
              nanon.ref = 0;
              nanon.unlock();
              nanon.free(svc);
            }
          }
          if (npg == null) {
            svc.waitForMemory("forkcopynow");
          }
        }
        if (npg == null) {
          return false;
        }
        svc.pageCopy(anon.page, npg);
        anon.lock();
        amap.add(ne.aref, off, nanon, true);
        anon.ref--;
        anon.unlock();
        npg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
        svc.pageActivate(npg);
        nanon.unlock();
      } finally {
        amap.unlock();
      }
    }
    return true;
  }

  private static int nextAnonPage(Amap amap, VmMapEntry e, int page, int pages) {
    amap.lock();
    try {
      return amap.nextAnonPage(e.aref, page, pages);
    } finally {
      amap.unlock();
    }
  }

  private static boolean pageIn(UvmServices svc, Anon anon) {
    for (int i = 0; i < MAX_TRIES; i++) {
      anon.lock();
      if (svc.anonPagein(anon)) { // unlocks the anon
        return anon.page != null; // false: the read failed (bad slot)
      }
      svc.waitForMemory("forkpagein");
    }
    return false;
  }

  /**
   * Compares {@code parent}'s map with that of {@code child}, just forked from it (see {@link
   * ForkCensus}); for the observer, which is told of every fork while tracing is on.
   *
   * <p>=> neither map locked.
   */
  static ForkCensus census(Vmspace parent, Vmspace child) {
    int entries = 0;
    int[] inherit = new int[Inheritance.values().length];
    int shared = 0;
    int referenced = 0;
    int copied = 0;
    int pages = 0;
    VmMap cm = child.map();
    for (VmMapEntry e : parent.map().entries()) {
      entries++;
      inherit[e.inheritance.ordinal()]++;
      Amap amap = e.aref.amap;
      if (amap == null) {
        continue;
      }
      if (e.inheritance == Inheritance.SHARE) {
        shared++;
      } else if (e.inheritance == Inheritance.COPY) {
        VmMapEntry ce = cm.lookup(e.start);
        if (ce == null || ce.aref.amap == null) {
          continue;
        }
        if (ce.aref.amap == amap) {
          referenced++;
        } else {
          copied++;
          pages += pagesDiffering(e, ce);
        }
      }
    }
    return new ForkCensus(
        entries,
        inherit[Inheritance.SHARE.ordinal()],
        inherit[Inheritance.COPY.ordinal()],
        inherit[Inheritance.NONE.ordinal()],
        inherit[Inheritance.ZERO.ordinal()],
        shared,
        referenced,
        copied,
        pages,
        cm.entryCount());
  }

  /** Pages of the child entry {@code ce} whose anon is not the parent entry {@code e}'s. */
  private static int pagesDiffering(VmMapEntry e, VmMapEntry ce) {
    Amap pa = e.aref.amap;
    Amap ca = ce.aref.amap;
    int n = 0;
    pa.lock();
    ca.lock();
    try {
      long len = Math.min(e.end - e.start, ce.end - ce.start);
      for (long off = 0; off < len; off += VmMap.PAGE_SIZE) {
        Anon c = ca.lookup(ce.aref, off);
        if (c != null && c != pa.lookup(e.aref, off)) {
          n++;
        }
      }
    } finally {
      ca.unlock();
      pa.unlock();
    }
    return n;
  }
}
