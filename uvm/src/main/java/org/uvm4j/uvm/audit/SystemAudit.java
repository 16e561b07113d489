package org.uvm4j.uvm.audit;

import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.AmapAllocator;
import org.uvm4j.uvm.amap.AmapAudit;
import org.uvm4j.uvm.amap.AmapList;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.Aref;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.Aobj;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.system.SwapObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * The whole-system audit: one machine's {@link Uvm} against the complete set of its live address
 * spaces. It checks, and reports every violation of:
 *
 * <ul>
 *   <li>the maps: entries ordered, disjoint, aligned, NEEDSCOPY ⇒ COPYONWRITE ({@link
 *       VmMap#check});
 *   <li>the amaps: each consistent, every anon's {@code ref} equal to the slots pointing at it
 *       ({@link AmapAudit#checkAll}); the machine's amap list holds exactly the amaps the maps
 *       reference (no leaked amap);
 *   <li>the frames: each one free, or owned by exactly one reachable anon (whose {@code page} is
 *       it), or by an object whose page it is — no frame leaked, none counted twice; an anon
 *       without a page has a swap slot;
 *   <li>wiring: each page's {@code wireCount} equals the number of wired entries holding it, and
 *       every page a wired entry holds is resident;
 *   <li>the pmaps: every translation lies in a map entry, maps the page the entry's amap (else
 *       object) holds for that address, never a free frame, with no permission beyond the entry's
 *       protection, and WRITE only where the anon is unshared ({@code ref == 1}), the entry is not
 *       NEEDSCOPY, and it is not an object page of a copy-on-write entry;
 *   <li>the anonymous objects ({@code uao_list}): each alive and consistent ({@link
 *       Aobj#problems}), every {@code PQ_AOBJ} frame owned by a listed one;
 *   <li>the page layer's own counters and queues ({@link Uvm#check});
 *   <li>the metadata budget: the bytes charged equal those the live amaps, anons, page tables and
 *       map entries hold (nothing charged is leaked or released twice).
 * </ul>
 *
 * Call it between operations (no fault in progress). It takes each amap's lock while reading it.
 */
public final class SystemAudit {
  private SystemAudit() {}

  /**
   * Audits {@code uvm} with {@code live}, which must be every address space of the machine that has
   * not been freed.
   *
   * @throws UvmPanic listing every violation found
   */
  public static void check(Uvm uvm, Collection<Vmspace> live) {
    List<String> problems = problems(uvm, live);
    if (!problems.isEmpty()) {
      throw new UvmPanic(
          "system audit: " + problems.size() + " problem(s):\n  " + String.join("\n  ", problems));
    }
  }

  /**
   * Checks that no address space remains: every frame is free except object pages, no amap is left,
   * and the free count is {@code expectedFree}.
   *
   * @throws UvmPanic naming what is left over
   */
  public static void checkAllFreed(Uvm uvm, long expectedFree) {
    List<String> problems = problems(uvm, List.of());
    PhysMem phys = uvm.physMem();
    if (phys.freeCount() != expectedFree) {
      problems.add("free frames " + phys.freeCount() + " != expected " + expectedFree);
    }
    if (!problems.isEmpty()) {
      throw new UvmPanic("system audit after exit: " + String.join("\n  ", problems));
    }
  }

  /** All violations found (empty when the system is consistent). */
  public static List<String> problems(Uvm uvm, Collection<Vmspace> live) {
    List<String> out = new ArrayList<>();
    try {
      uvm.check();
    } catch (UvmPanic p) {
      out.add("page layer: " + p.getMessage());
    }
    Map<Amap, Boolean> amaps = new IdentityHashMap<>();
    Map<VmPage, int[]> wiredHolders = new IdentityHashMap<>();
    for (Vmspace vm : live) {
      if (vm.isFreed()) {
        out.add("a freed vmspace was passed as live");
        continue;
      }
      try {
        vm.map().check();
      } catch (UvmPanic p) {
        out.add("map: " + p.getMessage());
      }
      for (VmMapEntry e : vm.map().entries()) {
        if (e.aref.amap != null) {
          if (e.aref.amap.isFreed()) {
            out.add("entry " + e + " references a freed amap");
            continue;
          }
          amaps.put(e.aref.amap, Boolean.TRUE);
        }
        if (e.isWired()) {
          collectWired(e, wiredHolders, out);
        }
      }
    }
    try {
      AmapAudit.checkAll(amaps.keySet());
    } catch (UvmPanic p) {
      out.add("amaps: " + p.getMessage());
    }
    checkAmapList(Vmspace.services(uvm).amapList(), amaps, out);
    Map<Anon, Boolean> anons = reachableAnons(amaps, out);
    checkFrames(uvm, anons, wiredHolders, out);
    checkAobjs(uvm, out);
    for (Vmspace vm : live) {
      if (!vm.isFreed()) {
        checkPmap(vm, out);
      }
    }
    checkMetadataBudget(uvm, live, out);
    return out;
  }

  /**
   * The metadata budget's {@code used} equals what the live structures hold: every amap on the
   * list, every live anon, each live space's page table and map entries.
   */
  private static void checkMetadataBudget(Uvm uvm, Collection<Vmspace> live, List<String> out) {
    long expected = 0;
    for (Amap a : Vmspace.services(uvm).amapList().amaps()) {
      expected += a.storageBytes();
    }
    AmapAllocator alloc = Vmspace.services(uvm).allocator();
    expected += alloc.live(AmapAllocator.Kind.ANON) * AmapAllocator.ANON_BYTES;
    for (SwapObject so : uvm.swapObjects().objects()) {
      if (so instanceof Aobj a) {
        expected += a.tableBytes(); // tmpfs files, memfds, shm: their page/slot tables
      }
    }
    Map<Vmspace, Boolean> seen = new IdentityHashMap<>();
    for (Vmspace vm : live) {
      if (!vm.isFreed() && seen.put(vm, Boolean.TRUE) == null) {
        expected += vm.pmap().tableBytes() + vm.map().entryCount() * VmMapEntry.BYTES;
      }
    }
    long used = uvm.metadataBudget().used() - uvm.metadataBudget().kernelUsed(); // pipes apart
    if (used != expected) {
      out.add("metadata budget: " + used + " bytes charged, the live structures hold " + expected);
    }
  }

  private static void collectWired(VmMapEntry e, Map<VmPage, int[]> holders, List<String> out) {
    for (long va = e.start; va < e.end; va += VmMap.PAGE_SIZE) {
      VmPage pg = heldPage(e, va);
      if (pg == null) {
        out.add(String.format("wired entry %s holds no resident page at 0x%x", e, va));
        continue;
      }
      holders.computeIfAbsent(pg, k -> new int[1])[0]++;
    }
  }

  private static void checkAmapList(AmapList list, Map<Amap, Boolean> used, List<String> out) {
    List<Amap> listed = list.amaps();
    Map<Amap, Boolean> onList = new IdentityHashMap<>();
    for (Amap a : listed) {
      onList.put(a, Boolean.TRUE);
      if (!used.containsKey(a)) {
        out.add("amap " + a.id() + " (ref " + a.ref() + ") is on the amap list but no map uses it");
      }
    }
    for (Amap a : used.keySet()) {
      if (!onList.containsKey(a)) {
        out.add("amap " + a.id() + " is used by a map but not on the amap list");
      }
    }
  }

  private static Map<Anon, Boolean> reachableAnons(Map<Amap, Boolean> amaps, List<String> out) {
    Map<Anon, Boolean> anons = new IdentityHashMap<>();
    for (Amap a : amaps.keySet()) {
      a.lock();
      try {
        Aref all = new Aref();
        all.amap = a;
        // the occupied slots only (chunks never used are skipped: huge sparse amaps stay cheap)
        for (int slot = a.nextAnonPage(all, 0, a.nslot());
            slot >= 0;
            slot = a.nextAnonPage(all, slot + 1, a.nslot())) {
          Anon an = a.anonAt(slot);
          if (anons.put(an, Boolean.TRUE) != null) {
            continue;
          }
          if (an.isFreed()) {
            out.add("amap " + a.id() + " slot " + slot + " holds freed " + an);
          } else if (an.page == null && an.swslot == 0) {
            out.add(an + " has neither page nor swap slot");
          } else if (an.page != null && (an.page.anon != an || an.page.isFree())) {
            out.add(an + " page frame " + an.page.frame + " is not owned by it");
          }
        }
      } finally {
        a.unlock();
      }
    }
    return anons;
  }

  private static void checkFrames(
      Uvm uvm, Map<Anon, Boolean> anons, Map<VmPage, int[]> wiredHolders, List<String> out) {
    PhysMem phys = uvm.physMem();
    int frontier = phys.frontier();
    int free = phys.frameCount() - frontier; // never used: free without a record
    for (int f = phys.firstFrame(); f < frontier; f++) {
      VmPage pg = phys.page(f);
      int[] holders = wiredHolders.get(pg);
      int expectWired = holders == null ? 0 : holders[0];
      if (pg.isFree()) {
        free++;
        if (expectWired != 0) {
          out.add("frame " + f + " is free but wired entries hold it");
        }
        continue;
      }
      if (pg.anon != null && pg.object != null) {
        out.add("frame " + f + " has two owners");
      } else if (pg.anon != null) {
        if (!anons.containsKey(pg.anon)) {
          out.add("frame " + f + " belongs to " + pg.anon + ", which no live amap holds (leak)");
        }
      } else if (pg.object != null) {
        UvmObject obj = (UvmObject) pg.object;
        if (obj.residentPage(pg.offset) != pg) {
          out.add("frame " + f + " claims object offset 0x" + Long.toHexString(pg.offset));
        }
      } else {
        out.add("frame " + f + " is neither free nor owned (leak)");
      }
      if (pg.wireCount != expectWired) {
        out.add(
            "frame " + f + " wireCount " + pg.wireCount + " but " + expectWired + " wired holders");
      }
    }
    if (free != phys.freeCount()) {
      out.add(
          "free count is "
              + phys.freeCount()
              + " frames but "
              + free
              + " are marked free or above the frontier");
    }
  }

  /**
   * Every anonymous object on {@code uao_list} is alive and consistent ({@link Aobj#problems}), and
   * the list holds exactly the owners of the {@code PQ_AOBJ} frames.
   */
  private static void checkAobjs(Uvm uvm, List<String> out) {
    Map<Object, Boolean> listed = new IdentityHashMap<>();
    for (SwapObject so : uvm.swapObjects().objects()) {
      listed.put(so, Boolean.TRUE);
      if (so instanceof Aobj a) {
        out.addAll(a.problems());
      } else {
        out.add(so + " on uao_list is not an aobj");
      }
    }
    if (listed.size() != uvm.exp().aobjs) {
      out.add("uvmexp.aobjs " + uvm.exp().aobjs + " != uao_list length " + listed.size());
    }
    PhysMem phys = uvm.physMem();
    for (int f = phys.firstFrame(), end = phys.frontier(); f < end; f++) {
      VmPage pg = phys.page(f);
      if (!pg.isFree() && (pg.pqflags & VmPage.PQ_AOBJ) != 0 && !listed.containsKey(pg.object)) {
        out.add("frame " + f + " belongs to " + pg.object + ", which is not on uao_list (leak)");
      }
    }
  }

  private static void checkPmap(Vmspace vm, List<String> out) {
    vm.pmap()
        .forEach(
            (va, pg, prot, wired) -> {
              VmMapEntry e = vm.map().lookup(va);
              String where = String.format("pmap %x va 0x%x", System.identityHashCode(vm), va);
              if (e == null) {
                out.add(where + " maps frame " + pg.frame + " outside every entry");
                return;
              }
              if (pg.isFree()) {
                out.add(where + " maps free frame " + pg.frame);
                return;
              }
              if ((prot & ~e.protection) != 0) {
                out.add(
                    where
                        + " allows "
                        + Prot.toString(prot)
                        + " beyond entry "
                        + Prot.toString(e.protection));
              }
              Anon anon = null;
              if (e.aref.amap != null) {
                e.aref.amap.lock();
                try {
                  anon = e.aref.amap.lookup(e.aref, va - e.start);
                } finally {
                  e.aref.amap.unlock();
                }
              }
              boolean mayWrite;
              if (anon != null) {
                if (anon.page != pg) {
                  out.add(where + " maps frame " + pg.frame + " but the amap holds " + anon);
                }
                mayWrite = anon.ref == 1 && !e.needsCopy();
              } else if (e.object != null) {
                if (pg.object != e.object || pg.offset != e.offset + (va - e.start)) {
                  out.add(where + " maps frame " + pg.frame + " which is not the object's page");
                }
                mayWrite = !e.copyOnWrite();
              } else {
                out.add(where + " maps frame " + pg.frame + " where the entry holds no page");
                return;
              }
              if ((prot & Prot.WRITE) != 0 && !mayWrite) {
                out.add(where + " is writable but must be read-only (shared or copy-on-write)");
              }
            });
  }

  private static VmPage heldPage(VmMapEntry e, long va) {
    if (e.aref.amap != null) {
      Anon an;
      e.aref.amap.lock();
      try {
        an = e.aref.amap.lookup(e.aref, va - e.start);
      } finally {
        e.aref.amap.unlock();
      }
      if (an != null) {
        return an.page;
      }
    }
    if (e.object != null) {
      return e.object.getPage(e.offset + (va - e.start));
    }
    return null;
  }
}
