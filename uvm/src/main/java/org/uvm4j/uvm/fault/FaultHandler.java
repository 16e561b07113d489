package org.uvm4j.uvm.fault;

import java.util.Arrays;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;

/**
 * The page-fault handler ({@code uvm_fault}): given an address space, a faulting address and the
 * access, it finds the map entry, checks the protection, resolves needs-copy ({@code amap_copy}),
 * and then takes one of NetBSD's cases:
 *
 * <ul>
 *   <li>1A — the amap slot holds an anon: page it in from swap if needed and map its page
 *       (read-only while the anon is shared, {@code an_ref > 1}, or the entry still needs a copy);
 *   <li>1B — a write to a shared anon: copy its page into a new anon that replaces it in the amap;
 *   <li>2A — no anon, an object: map the object's page (read-only in copy-on-write entries);
 *   <li>2B — a write to a copy-on-write object mapping, or no object at all: a new anon, with a
 *       copy of the object page or zero-filled.
 * </ul>
 *
 * Resident neighbours of the faulting page in the upper layer are mapped too (per the entry's
 * advice). Without a free page or anon the handler waits for memory ({@code uvm_wait}) a few times,
 * then reports {@link FaultResult#OOM}.
 *
 * <p>Allocation-free except for the anons and pages a fault must create; logging and the {@link
 * FaultInfo} record only while tracing is on. One handler serves one CPU thread: it keeps a scratch
 * anon window and the reusable record.
 */
public final class FaultHandler {
  private static final Logger log = LogManager.getLogger("uvm.fault");

  /** How often a fault waits for memory before it gives up with OOM. */
  public static final int MAX_MEMORY_WAITS = 4;

  /** A fault that restarts this often is stuck: a bug. */
  private static final int MAX_REFAULTS = 64;

  private static final long PAGE_SIZE = VmMap.PAGE_SIZE;

  private static final int DONE = 0;
  private static final int REFAULT = 1;
  private static final int WAIT = 2;

  private final Uvm uvm;
  private final UvmExp exp;
  private final UvmServices svc;
  private final Anon[] window = new Anon[Advice.MAXRANGE];
  private final FaultInfo info = new FaultInfo();
  private boolean tracing;
  private FaultObserver observer;

  /**
   * Outcome of the last step that returned DONE, and the wait message of one that returned WAIT.
   */
  private FaultResult stepResult;

  private String waitMessage;

  /** A handler for the faults of address spaces of {@code uvm}. */
  public FaultHandler(Uvm uvm) {
    this.uvm = uvm;
    this.exp = uvm.exp();
    this.svc = Vmspace.services(uvm);
  }

  /** Turns the per-fault record (and the observer calls, and trace logging) on or off. */
  public void setTracing(boolean on) {
    tracing = on;
  }

  public boolean isTracing() {
    return tracing;
  }

  /** Who is told of each fault while tracing (null: nobody). */
  public void setObserver(FaultObserver observer) {
    this.observer = observer;
  }

  /** The record of the last fault (meaningful only while tracing is on). */
  public FaultInfo lastInfo() {
    return info;
  }

  /**
   * uvm_fault.c: uvm_fault — resolves a fault at {@code va} for {@code access}.
   *
   * <p>=> no locks held; {@code access} is {@link Prot#READ}, {@link Prot#WRITE} or {@link
   * Prot#EXEC}. <br>
   * => after {@link FaultResult#OK} the pmap answers the access.
   */
  // uvm_fault.c: uvm_fault
  public FaultResult fault(Vmspace vm, long va, int access) {
    UvmPanic.check(
        access == Prot.READ || access == Prot.WRITE || access == Prot.EXEC, "uvm_fault: access");
    return run(vm, va, access, false);
  }

  /**
   * uvm_fault.c: uvm_fault(..., UVM_FAULT_WIREMAX) as used by uvm_fault_wire — makes the page at
   * {@code va} of a wired entry resident with the entry's full protection (copy-on-write resolved
   * for a writable entry, shared anons copied), mapped wired. The caller wires the page.
   *
   * <p>=> the entry covering {@code va} has {@code wiredCount > 0}.
   */
  // uvm_fault.c: uvm_fault
  public FaultResult faultWire(Vmspace vm, long va) {
    return run(vm, va, Prot.NONE, true);
  }

  private FaultResult run(Vmspace vm, long vaddr, int access, boolean wire) {
    exp.faults++;
    final boolean trace = tracing;
    if (trace) {
      info.reset(vaddr, access, wire);
    }
    final long va = vaddr & ~(PAGE_SIZE - 1);
    final VmMap map = vm.map();
    FaultResult result;
    map.lock();
    try {
      int waits = 0;
      for (int refaults = 0; ; refaults++) {
        UvmPanic.check(refaults < MAX_REFAULTS, "uvm_fault: refault loop");
        int step = faultOnce(vm, map, va, access, wire, trace);
        if (step == DONE) {
          result = stepResult;
          break;
        }
        if (trace) {
          info.refaults++;
        }
        if (step == WAIT) {
          if (waits++ >= MAX_MEMORY_WAITS) {
            result = FaultResult.OOM;
            break;
          }
          if (trace) {
            info.memoryWaits++;
          }
          map.unlock();
          try {
            uvm.waitForMemory(waitMessage);
          } finally {
            map.lock();
          }
        }
      }
    } finally {
      map.unlock();
    }
    if (trace) {
      info.result = result;
      if (log.isTraceEnabled()) {
        log.trace("{}", info);
      }
      FaultObserver o = observer;
      if (o != null) {
        o.faultDone(info);
      }
    }
    return result;
  }

  private int done(FaultResult r) {
    stepResult = r;
    return DONE;
  }

  private int waitFor(String wmsg) {
    waitMessage = wmsg;
    return WAIT;
  }

  /** One pass of uvm_fault from ReFault: to DONE, or REFAULT/WAIT to go round again. */
  private int faultOnce(Vmspace vm, VmMap map, long va, int access, boolean wire, boolean trace) {
    // ---- lookup and protection check (uvmfault_lookup)
    VmMapEntry e = map.lookup(va);
    if (e == null) {
      return done(FaultResult.SEGV_MAPERR);
    }
    if (trace) {
      info.entryStart = e.start;
      info.entryEnd = e.end;
      info.entryProt = e.protection;
      info.entryMaxProt = e.maxProtection;
      info.entryInheritance = e.inheritance;
      info.entryFlags = e.etype;
      info.entryWiredCount = e.wiredCount;
    }
    int enterProt = e.protection;
    boolean cowNow;
    if (wire) {
      UvmPanic.check(e.isWired(), "uvm_fault_wire: entry wired");
      int accessType = enterProt == Prot.NONE ? Prot.READ : enterProt;
      if (!Prot.allows(e.maxProtection, accessType)) {
        return done(FaultResult.SEGV_ACCERR);
      }
      cowNow = (enterProt & Prot.WRITE) != 0;
    } else {
      if (!Prot.allows(e.protection, access)) {
        return done(FaultResult.SEGV_ACCERR);
      }
      cowNow = (access & Prot.WRITE) != 0;
    }
    final boolean wired = e.isWired() || wire;

    // ---- needs-copy: get a private amap before writing into the upper layer
    if (e.needsCopy()) {
      if (cowNow || e.object == null) {
        exp.fltamcopy++;
        if (trace) {
          info.amapCopied = true;
          info.amapBeforeCopy = e.aref.amap == null ? -1 : e.aref.amap.id();
        }
        Amap.copy(map, e, Amap.AMAP_COPY_NOWAIT, va, va + 1);
        VmMapEntry now = map.lookup(va);
        if (now != null && now.needsCopy()) {
          exp.fltnoamap++;
          return waitFor("fltamapcopy");
        }
        return REFAULT;
      }
      enterProt &= ~Prot.WRITE; // read of a COW object mapping: no amap yet, map read-only
    }

    final Amap amap = e.aref.amap;
    final UvmObject obj = e.object;
    if (amap == null && obj == null) {
      return done(FaultResult.SEGV_MAPERR); // case 0: nothing backs the entry
    }

    // ---- the neighbourhood [startVa, startVa + npages) around va, clipped to the entry
    int nback = wired ? 0 : Advice.back(e.advice);
    int nforw = wired ? 0 : Advice.forward(e.advice);
    long startVa = Math.max(va - nback * PAGE_SIZE, e.start);
    int centre = (int) ((va - startVa) >>> 12);
    int npages = centre + 1 + (int) Math.min(nforw, (e.end - va - PAGE_SIZE) >>> 12);

    if (amap != null) {
      amap.lock();
    }
    try {
      if (amap != null) {
        amap.lookups(e.aref, startVa - e.start, window, npages);
        if (trace) {
          info.amapId = amap.id();
          info.amapSlot = e.aref.pageOffset + (int) ((va - e.start) >>> 12);
          info.amapRef = amap.ref();
          info.amapShared = amap.isShared();
        }
      } else {
        Arrays.fill(window, 0, npages, null);
      }
      int first = 0;
      if (e.advice == Advice.SEQUENTIAL && centre > 0) {
        flushBehind(centre); // uvmfault_anonflush: pages behind a sequential reader go inactive
        first = centre;
      }
      // ---- upper-layer neighbours: resident, unbusy anon pages not mapped yet
      if (npages > 1) {
        int mapped = mapNeighbours(vm.pmap(), startVa, first, centre, npages, enterProt);
        if (trace) {
          info.neighbours = mapped;
        }
      }
      Anon anon = window[centre];
      if (anon != null) {
        return upper(vm, e, amap, anon, va, enterProt, cowNow, wire, wired, trace);
      }
      return lower(vm, e, amap, obj, va, enterProt, cowNow, wire, wired, trace);
    } finally {
      Arrays.fill(window, 0, npages, null);
      if (amap != null) {
        amap.unlock();
      }
    }
  }

  // uvm_fault.c: uvmfault_anonflush
  private void flushBehind(int centre) {
    for (int i = 0; i < centre; i++) {
      Anon a = window[i];
      VmPage pg = a == null ? null : a.page;
      if (pg != null && !pg.isBusy() && pg.wireCount == 0 && pg.loanCount == 0) {
        uvm.pageDeactivate(pg);
      }
    }
  }

  private int mapNeighbours(
      Pmap pmap, long startVa, int first, int centre, int npages, int enterProt) {
    int mapped = 0;
    for (int i = first; i < npages; i++) {
      if (i == centre) {
        continue;
      }
      Anon an = window[i];
      if (an == null) {
        continue;
      }
      VmPage pg = an.page;
      if (pg == null || pg.isBusy() || pg.loanCount != 0) {
        continue;
      }
      long nva = startVa + ((long) i << 12);
      if (pmap.extract(nva) != null) {
        continue;
      }
      int prot = an.ref > 1 ? enterProt & ~Prot.WRITE : enterProt;
      if (prot == Prot.NONE) {
        continue;
      }
      pmap.enter(nva, pg, prot, false);
      mapped++;
    }
    return mapped;
  }

  /** Case 1: the amap slot of {@code va} holds {@code anon}. => amap locked. */
  // uvm_fault.c: uvm_fault (case 1, with uvmfault_anonget and uvmfault_promote)
  private int upper(
      Vmspace vm,
      VmMapEntry e,
      Amap amap,
      Anon anon,
      long va,
      int enterProt,
      boolean cowNow,
      boolean wire,
      boolean wired,
      boolean trace) {
    if (trace) {
      info.foundAnonId = anon.id();
      info.anonRefBefore = anon.ref;
    }
    // uvmfault_anonget: the page may be out in swap
    if (anon.page == null) {
      exp.fltanget++;
      UvmPanic.check(anon.swslot != 0, "uvmfault_anonget: anon has neither page nor swap slot");
      if (anon.swslot == Anon.SWSLOT_BAD) {
        return done(FaultResult.BUS);
      }
      anon.lock();
      if (!uvm.anonPagein(anon)) { // unlocks the anon
        exp.fltnoram++;
        return waitFor("flt_noram1");
      }
      if (anon.page == null && anon.swslot == Anon.SWSLOT_BAD) {
        return done(FaultResult.BUS); // the read failed: the slot is marked bad
      }
      if (trace) {
        info.pagedIn = true;
      }
      return REFAULT; // revalidate: the world may have changed while paging in
    }
    VmPage pg = anon.page;
    if (pg.isBusy()) {
      exp.fltpgwait++;
      return waitFor("anonget");
    }
    if (anon.ref > 1 && (cowNow || wire)) {
      // case 1B: copy-on-write of a shared anon (a wiring fault also un-shares read-only anons)
      UvmPanic.check(wire || !e.isWired(), "uvm_fault: anon of a wired entry replaced");
      UvmPanic.check(!e.needsCopy(), "uvm_fault: 1B needs a private amap");
      Anon nanon = Anon.alloc(svc);
      if (nanon == null) {
        exp.fltnoanon++;
        return waitFor("flt_noanon");
      }
      VmPage npg = uvm.pageAlloc(nanon);
      if (npg == null) {
        dropNewAnon(nanon);
        exp.fltnoram++;
        return waitFor("flt_noram5");
      }
      uvm.pageCopy(pg, npg);
      anon.lock();
      amap.add(e.aref, va - e.start, nanon, true);
      anon.ref--;
      UvmPanic.check(anon.ref > 0, "uvm_fault: 1B dropped the last reference of the old anon");
      anon.unlock();
      npg.flags &= ~VmPage.PG_FAKE;
      uvm.pageUnbusy(npg);
      nanon.unlock();
      exp.flt_acow++;
      if (trace) {
        info.anonRefAfter = anon.ref;
      }
      anon = nanon;
      pg = npg;
      if (trace) {
        info.faultCase = FaultCase.ANON_COW;
      }
    } else {
      // case 1A: use the anon's page in place
      exp.flt_anon++;
      if (anon.ref > 1) {
        enterProt &= ~Prot.WRITE;
      }
      if (trace) {
        info.faultCase = FaultCase.ANON;
        info.anonRefAfter = anon.ref;
      }
    }
    enter(vm, va, pg, enterProt, wired);
    if (trace) {
      info.anonId = anon.id();
      info.frame = pg.frame;
      info.enterProt = enterProt;
    }
    return done(FaultResult.OK);
  }

  /** Case 2: no anon at {@code va}: the object layer, or zero fill. => amap (if any) locked. */
  // uvm_fault.c: uvm_fault (case 2, with uvmfault_promote)
  private int lower(
      Vmspace vm,
      VmMapEntry e,
      Amap amap,
      UvmObject obj,
      long va,
      int enterProt,
      boolean cowNow,
      boolean wire,
      boolean wired,
      boolean trace) {
    boolean promote = obj == null || (cowNow && e.copyOnWrite());
    VmPage uobjpage = null;
    if (obj != null) {
      uobjpage = obj.getPage(e.offset + (va - e.start));
      if (uobjpage == null) {
        exp.fltnoram++;
        return waitFor("flt_noram2");
      }
    }
    if (!promote) {
      // case 2A: map the object's page; a COW entry never writes it
      exp.flt_obj++;
      if (e.copyOnWrite() || (uobjpage.flags & VmPage.PG_RDONLY) != 0) {
        enterProt &= ~Prot.WRITE;
      }
      enter(vm, va, uobjpage, enterProt, wired);
      if (trace) {
        info.faultCase = FaultCase.OBJECT;
        info.frame = uobjpage.frame;
        info.enterProt = enterProt;
      }
      return done(FaultResult.OK);
    }
    // case 2B: promote into a new anon (copy of the object page, or zero fill)
    UvmPanic.check(amap != null && !e.needsCopy(), "uvm_fault: 2B needs a private amap");
    UvmPanic.check(wire || !e.isWired(), "uvm_fault: page of a wired entry replaced");
    Anon nanon = Anon.alloc(svc);
    if (nanon == null) {
      exp.fltnoanon++;
      return waitFor("flt_noanon");
    }
    VmPage npg = uvm.pageAlloc(nanon);
    if (npg == null) {
      dropNewAnon(nanon);
      exp.fltnoram++;
      return waitFor("flt_noram5");
    }
    if (uobjpage != null) {
      uvm.pageCopy(uobjpage, npg);
      if (amap.isShared()) {
        // sharers that mapped the object page must refault onto the new anon
        uvm.pageProtect(uobjpage, Prot.NONE);
      }
      exp.flt_prcopy++;
    } else {
      uvm.pageZero(npg);
      exp.flt_przero++;
    }
    amap.add(e.aref, va - e.start, nanon, false);
    npg.flags &= ~VmPage.PG_FAKE;
    uvm.pageUnbusy(npg);
    nanon.unlock();
    enter(vm, va, npg, enterProt, wired);
    if (trace) {
      info.faultCase = uobjpage != null ? FaultCase.OBJECT_COW : FaultCase.ZERO_FILL;
      info.anonId = nanon.id();
      info.frame = npg.frame;
      info.enterProt = enterProt;
    }
    return done(FaultResult.OK);
  }

  /**
   * pmap_enter, then queue the page (a wired page is queued by nobody: the wiring takes it off).
   */
  private void enter(Vmspace vm, long va, VmPage pg, int prot, boolean wired) {
    if (prot != Prot.NONE) {
      vm.pmap().enter(va, pg, prot, wired);
    }
    if (!wired && pg.anon != null && pg.object == null) {
      uvm.pageActivate(pg);
    }
  }

  /** Undo of a fresh anon whose page could not be allocated (uvmfault_promote's failure path). */
  private void dropNewAnon(Anon nanon) {
    nanon.ref = 0;
    nanon.unlock();
    nanon.free(svc);
  }
}
