package org.uvm4j.uvm.fault;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.FaultService;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;

/**
 * The page-fault handler ({@code uvm_fault}): given an address space, a faulting address and the
 * access, it makes the page resident and maps it, or says why it cannot ({@link FaultResult}).
 * Resident neighbours of the faulting page in the upper layer are mapped too (per the entry's
 * advice). Without a free page or anon the handler waits for memory ({@code uvm_wait}) {@value
 * #MAX_MEMORY_WAITS} times, then reports {@link FaultResult#OOM}; once the machine's {@link
 * MetadataBudget} is exhausted it reports OOM at once, before taking any lock.
 *
 * <p>One handler serves one CPU thread: it owns one {@link FaultContext}, reset at the start of
 * every fault. With no {@link FaultObserver} set (tracing off) a fault allocates nothing but the
 * anons and pages it must create and logs nothing; with one, the observer is called once per fault
 * with the context's read-only {@link FaultInfo} view.
 *
 * <h2>Implementation overview</h2>
 *
 * <p>This is NetBSD's {@code uvm_fault.c} (the "a word on page faults" comment there):
 *
 * <pre>
 * CASE 1: upper layer faults                   CASE 2: lower layer faults
 *
 *    CASE 1A         CASE 1B                  CASE 2A        CASE 2B
 *    read/write1     write>1                  read/write   +-cow_write/zero
 *         |             |                         |        |
 *      +--|--+       +--|--+     +-----+       +  |  +     | +-----+
 * amap |  V  |       |  ---------> new |          |        | |  ^  |
 *      +-----+       +-----+     +-----+       +  |  +     | +--|--+
 *                                                 |        |    |
 *      +-----+       +-----+                   +--|--+     | +--|--+
 * uobj | d/c |       | d/c |                   |  V  |     +----|  |
 *      +-----+       +-----+                   +-----+       +-----+
 *
 * d/c = don't care
 *
 *   case [0]: layerless fault: no amap or uobj is present. this is an error.
 *   case [1]: upper layer fault [anon active]
 *     1A: [read] or [write with anon->an_ref == 1]: the anon's page, in place
 *     1B: [write with anon->an_ref > 1]: new anon is alloc'd and data is copied off ["COW"]
 *   case [2]: lower layer fault [uobj]
 *     2A: [read on non-NULL uobj] or [write to non-copy_on_write area]: the object's page
 *     2B: [write to copy_on_write] or [read on NULL uobj]: data is "promoted" from uobj to a
 *         new anon; if uobj is null, then we zero fill.
 * </pre>
 *
 * <p>The steps, each taking the context and returning a {@link FaultStep} (go on, done with a
 * result, restart, or restart after waiting for memory):
 *
 * <ol>
 *   <li>{@code check} ({@code uvm_fault_check}): look the entry up, check the protection, resolve
 *       needs-copy ({@code amap_copy}, then restart), reject case 0, compute the neighbourhood
 *       window;
 *   <li>{@code upperLookup} ({@code uvm_fault_upper_lookup}), amap locked: the window's anons,
 *       deactivate the pages behind a sequential reader, map resident neighbours;
 *   <li>{@code upper} ({@code uvm_fault_upper}) if the faulting slot holds an anon — page it in
 *       (restart), then 1A or 1B — else {@code lower} ({@code uvm_fault_lower}) — the object's
 *       page, then 2A or 2B;
 *   <li>1B and 2B share {@code promote} ({@code uvmfault_promote}): a new anon and page, a copy of
 *       the old anon's page or of the object's page, or zero fill, entered into the amap.
 * </ol>
 *
 * <p>Locks: the map for the whole fault (released only to wait for memory), the amap from {@code
 * upperLookup} to the end of the pass, anons briefly (see docs/design.md for the order).
 */
public final class FaultHandler implements FaultService {
  private static final Logger log = LogManager.getLogger("uvm.fault");

  /** How often a fault waits for memory before it gives up with OOM. */
  public static final int MAX_MEMORY_WAITS = 4;

  /** A fault that restarts this often is stuck: a bug. */
  private static final int MAX_REFAULTS = 64;

  private static final long PAGE_SIZE = VmMap.PAGE_SIZE;

  private final Uvm uvm;
  private final UvmExp exp;
  private final UvmServices svc;
  private final MetadataBudget budget;
  private final FaultContext ctx = new FaultContext();
  private FaultObserver observer;

  /** A handler for the faults of address spaces of {@code uvm}. */
  public FaultHandler(Uvm uvm) {
    this.uvm = uvm;
    this.exp = uvm.exp();
    this.svc = Vmspace.services(uvm);
    this.budget = uvm.metadataBudget();
  }

  /**
   * Who is told of each fault (null: nobody, tracing off). While one is set the handler also logs
   * each fault to {@code uvm.fault} at TRACE.
   */
  public void setObserver(FaultObserver observer) {
    this.observer = observer;
  }

  /** True while an observer is set. */
  public boolean isTracing() {
    return observer != null;
  }

  /**
   * The view of the last fault (or of the one running): valid until the next fault begins; {@link
   * FaultInfo#snapshot()} keeps it.
   */
  public FaultInfo lastInfo() {
    return ctx;
  }

  /**
   * uvm_fault.c: uvm_fault — resolves a fault at {@code va} for {@code access}.
   *
   * <p>=> no locks held; {@code access} is {@link Prot#READ}, {@link Prot#WRITE} or {@link
   * Prot#EXEC}. <br>
   * => after {@link FaultResult#OK} the pmap answers the access.
   */
  // uvm_fault.c: uvm_fault
  @Override
  public FaultResult fault(Vmspace vm, long va, int access) {
    Kassert.check(
        access == Prot.READ || access == Prot.WRITE || access == Prot.EXEC, "uvm_fault: access");
    return run(vm, va, access, false, false);
  }

  /**
   * uvm_fault with Linux's FOLL_FORCE ({@link FaultService#faultForced}): a fault whose access is
   * checked against the entry's maximum protection, a forced write resolving copy-on-write into a
   * page mapped with the entry's own protection.
   */
  // uvm_fault.c: uvm_fault (mm/gup.c: check_vma_flags, faultin_page with FOLL_FORCE)
  @Override
  public VmPage faultForced(Vmspace vm, long va, int access) {
    Kassert.check(access == Prot.READ || access == Prot.WRITE, "uvm_fault: forced access");
    return run(vm, va, access, false, true) == FaultResult.OK ? ctx.page : null;
  }

  /**
   * uvm_fault.c: uvm_fault(..., UVM_FAULT_WIREMAX) as used by uvm_fault_wire — makes the page at
   * {@code va} of a wired entry resident with the entry's full protection (copy-on-write resolved
   * for a writable entry, shared anons copied), mapped wired. The caller wires the page.
   *
   * <p>=> the entry covering {@code va} has {@code wiredCount > 0}.
   */
  // uvm_fault.c: uvm_fault
  @Override
  public FaultResult faultWire(Vmspace vm, long va) {
    return run(vm, va, Prot.NONE, true, false);
  }

  // uvm_fault.c: uvm_fault_internal
  private FaultResult run(Vmspace vm, long vaddr, int access, boolean wire, boolean force) {
    exp.faults++;
    final FaultObserver o = observer;
    final FaultContext ctx = this.ctx;
    ctx.begin(vm, vaddr, vaddr & ~(PAGE_SIZE - 1), access, wire, o == null ? 0 : System.nanoTime());
    ctx.force = force;
    final VmMap map = vm.map();
    FaultResult result;
    if (budget.exhausted()) {
      // every resolved fault enters a mapping (a pv entry, perhaps a page-table leaf, an anon and
      // amap chunks): with the heap budget for metadata used up it ends like an out-of-memory fault
      exp.fltnometa++;
      result = FaultResult.OOM;
    } else {
      result = resolve(ctx, map);
    }
    ctx.result = result;
    if (o != null) {
      if (log.isTraceEnabled()) {
        log.trace("{}", ctx);
      }
      o.faultDone(ctx);
    }
    return result;
  }

  /** The restart loop of {@link #run}: passes until a result, waiting for memory in between. */
  private FaultResult resolve(FaultContext ctx, VmMap map) {
    FaultResult result;
    map.lock();
    try {
      for (; ; ctx.refaults++) {
        Kassert.check(ctx.refaults < MAX_REFAULTS, "uvm_fault: refault loop");
        FaultStep step = faultOnce(ctx);
        if (step.result != null) {
          result = step.result;
          break;
        }
        if (step.wmsg != null) {
          if (ctx.memoryWaits == MAX_MEMORY_WAITS) {
            result = FaultResult.OOM;
            break;
          }
          ctx.memoryWaits++;
          map.unlock();
          try {
            uvm.waitForMemory(step.wmsg);
          } finally {
            map.lock();
          }
        }
      }
    } finally {
      map.unlock();
    }
    return result;
  }

  /** One pass from ReFault: check, then upper or lower under the amap lock. */
  private FaultStep faultOnce(FaultContext ctx) {
    ctx.beginPass();
    FaultStep step = check(ctx);
    if (step != FaultStep.CONTINUE) {
      return step;
    }
    Amap amap = ctx.amap;
    if (amap != null) {
      amap.lock();
    }
    try {
      upperLookup(ctx);
      return ctx.anon != null ? upper(ctx) : lower(ctx);
    } finally {
      ctx.clearWindow();
      if (amap != null) {
        amap.unlock();
      }
    }
  }

  /**
   * Looks the entry up and checks the protection (uvmfault_lookup), resolves needs-copy
   * (uvmfault_amapcopy, then RESTART), rejects case 0, and sets the neighbourhood window.
   *
   * <p>=> map locked.
   */
  // uvm_fault.c: uvm_fault_check
  private FaultStep check(FaultContext ctx) {
    final VmMap map = ctx.vm.map();
    final long va = ctx.va;
    VmMapEntry e = map.lookup(va);
    if (e == null) {
      // below the stack: grow it (uvm_grow, Linux's expand_stack), then look again
      // (not for a forced access: Linux's GUP no longer expands the stack)
      return !ctx.wire && !ctx.force && ctx.vm.grow(va) ? FaultStep.RESTART : FaultStep.SEGV_MAPERR;
    }
    ctx.entry = e;
    ctx.enterProt = e.protection;
    if (ctx.wire) {
      Kassert.check(e.isWired(), "uvm_fault_wire: entry wired");
      int accessType = ctx.enterProt == Prot.NONE ? Prot.READ : ctx.enterProt;
      if (!Prot.allows(e.maxProtection, accessType)) {
        return FaultStep.SEGV_ACCERR;
      }
      ctx.cowNow = (ctx.enterProt & Prot.WRITE) != 0;
    } else if (ctx.force) {
      // mm/gup.c: check_vma_flags with FOLL_FORCE — the maximum protection (VM_MAYREAD,
      // VM_MAYWRITE) decides; writing without WRITE only into a private (COW) mapping
      if (!Prot.allows(e.maxProtection, ctx.access)) {
        return FaultStep.SEGV_ACCERR;
      }
      if ((ctx.access & Prot.WRITE) != 0
          && (e.protection & Prot.WRITE) == 0
          && (!e.copyOnWrite() || e.isWired())) {
        return FaultStep.SEGV_ACCERR;
      }
      ctx.cowNow = (ctx.access & Prot.WRITE) != 0;
    } else {
      if (!Prot.allows(e.protection, ctx.access)) {
        return FaultStep.SEGV_ACCERR;
      }
      ctx.cowNow = (ctx.access & Prot.WRITE) != 0;
    }
    ctx.wired = e.isWired() || ctx.wire;
    ctx.narrow = ctx.wired;

    // needs-copy: get a private amap before writing into the upper layer
    if (e.needsCopy()) {
      if (ctx.cowNow || e.object == null) {
        exp.fltamcopy++;
        ctx.amapCopied = true;
        ctx.amapBeforeCopy = e.aref.amap == null ? -1 : e.aref.amap.id();
        Amap.copy(map, e, Amap.AMAP_COPY_NOWAIT, va, va + 1);
        VmMapEntry now = map.lookup(va);
        if (now != null && now.needsCopy()) {
          exp.fltnoamap++;
          return FaultStep.WAIT_AMAPCOPY;
        }
        return FaultStep.RESTART;
      }
      ctx.enterProt &= ~Prot.WRITE; // read of a COW object mapping: no amap yet, map read-only
    }

    ctx.amap = e.aref.amap;
    ctx.uobj = e.object;
    if (ctx.amap == null && ctx.uobj == null) {
      return FaultStep.SEGV_MAPERR; // case 0: nothing backs the entry
    }

    // the neighbourhood [startVa, startVa + npages) around va, clipped to the entry
    int nback = ctx.narrow ? 0 : Advice.back(e.advice);
    int nforw = ctx.narrow ? 0 : Advice.forward(e.advice);
    ctx.startVa = Math.max(va - nback * PAGE_SIZE, e.start);
    ctx.centre = (int) ((va - ctx.startVa) >>> 12);
    ctx.npages = ctx.centre + 1 + (int) Math.min(nforw, (e.end - va - PAGE_SIZE) >>> 12);
    return FaultStep.CONTINUE;
  }

  /**
   * The window's anons (amap_lookups), the pages behind a sequential reader deactivated, and the
   * resident neighbours mapped; sets {@code ctx.anon} to the faulting slot's anon.
   *
   * <p>=> map and amap (if any) locked.
   */
  // uvm_fault.c: uvm_fault_upper_lookup
  private void upperLookup(FaultContext ctx) {
    final VmMapEntry e = ctx.entry;
    if (ctx.amap == null) {
      return; // the window is empty (cleared after every pass)
    }
    ctx.amap.lookups(e.aref, ctx.startVa - e.start, ctx.anons, ctx.npages);
    int first = 0;
    if (e.advice == Advice.SEQUENTIAL && ctx.centre > 0) {
      anonFlush(ctx.anons, ctx.centre); // pages behind a sequential reader go inactive
      first = ctx.centre;
    }
    if (ctx.npages > 1) {
      ctx.neighbours += mapNeighbours(ctx, first);
    }
    ctx.anon = ctx.anons[ctx.centre];
  }

  // uvm_fault.c: uvmfault_anonflush
  private void anonFlush(Anon[] anons, int n) {
    for (int i = 0; i < n; i++) {
      Anon a = anons[i];
      VmPage pg = a == null ? null : a.page;
      if (pg != null && !pg.isBusy() && pg.wireCount == 0 && pg.loanCount == 0) {
        uvm.pageDeactivate(pg);
      }
    }
  }

  /** Resident, unbusy anon pages of the window not mapped yet: mapped. Returns how many. */
  private int mapNeighbours(FaultContext ctx, int first) {
    final Pmap pmap = ctx.vm.pmap();
    int mapped = 0;
    for (int i = first; i < ctx.npages; i++) {
      if (i == ctx.centre) {
        continue;
      }
      Anon an = ctx.anons[i];
      if (an == null) {
        continue;
      }
      VmPage pg = an.page;
      if (pg == null || pg.isBusy() || pg.loanCount != 0) {
        continue;
      }
      long nva = ctx.startVa + ((long) i << 12);
      if (pmap.extract(nva) != null) {
        continue;
      }
      int prot = an.ref > 1 ? ctx.enterProt & ~Prot.WRITE : ctx.enterProt;
      if (prot == Prot.NONE) {
        continue;
      }
      pmap.enter(nva, pg, prot, false);
      mapped++;
    }
    return mapped;
  }

  /**
   * Case 1: the faulting slot holds {@code ctx.anon}. Pages it in if it is out (uvmfault_anonget,
   * then RESTART), then 1B (promote) for a write to a shared anon, else 1A.
   *
   * <p>=> map and amap locked.
   */
  // uvm_fault.c: uvm_fault_upper
  private FaultStep upper(FaultContext ctx) {
    final Anon anon = ctx.anon;
    ctx.anonRefBefore = anon.ref;
    // uvmfault_anonget: the page may be out in swap
    if (anon.page == null) {
      exp.fltanget++;
      Kassert.check(anon.swslot != 0, "uvmfault_anonget: anon has neither page nor swap slot");
      if (anon.swslot == Anon.SWSLOT_BAD) {
        return FaultStep.BUS;
      }
      anon.lock();
      if (!uvm.anonPagein(anon)) { // unlocks the anon
        exp.fltnoram++;
        return FaultStep.WAIT_NORAM_PAGEIN;
      }
      if (anon.page == null && anon.swslot == Anon.SWSLOT_BAD) {
        return FaultStep.BUS; // the read failed: the slot is marked bad
      }
      ctx.pagedIn = true;
      return FaultStep.RESTART; // revalidate: the world may have changed while paging in
    }
    if (anon.page.isBusy()) {
      exp.fltpgwait++;
      return FaultStep.WAIT_ANONGET;
    }
    if (anon.ref > 1 && (ctx.cowNow || ctx.wire)) {
      // case 1B: copy-on-write of a shared anon (a wiring fault also un-shares read-only anons)
      // uvm_fault.c: uvm_fault_upper_promote
      Kassert.check(ctx.wire || !ctx.entry.isWired(), "uvm_fault: anon of a wired entry replaced");
      Kassert.check(!ctx.entry.needsCopy(), "uvm_fault: 1B needs a private amap");
      FaultStep step = promote(ctx, anon, null);
      if (step != FaultStep.CONTINUE) {
        return step;
      }
      exp.flt_acow++;
      ctx.faultCase = FaultCase.ANON_COW;
      ctx.page = ctx.newAnon.page;
    } else {
      // case 1A: use the anon's page in place
      // uvm_fault.c: uvm_fault_upper_direct
      exp.flt_anon++;
      if (anon.ref > 1) {
        ctx.enterProt &= ~Prot.WRITE;
      }
      ctx.faultCase = FaultCase.ANON;
      ctx.page = anon.page;
    }
    enter(ctx);
    return FaultStep.OK;
  }

  /**
   * Case 2: no anon in the faulting slot: the object's page (uvm_fault_lower_io), then 2A (map it)
   * or 2B (promote: a copy of it, or zero fill without an object).
   *
   * <p>=> map and amap (if any) locked.
   */
  // uvm_fault.c: uvm_fault_lower
  private FaultStep lower(FaultContext ctx) {
    final VmMapEntry e = ctx.entry;
    final boolean promote = ctx.uobj == null || (ctx.cowNow && e.copyOnWrite());
    if (ctx.uobj != null) {
      long uoff = e.offset + (ctx.va - e.start);
      ctx.uobjpage = ctx.uobj.getPage(uoff);
      if (ctx.uobjpage == null) {
        if (ctx.uobj.isBadPage(uoff)) {
          return FaultStep.BUS; // past the object's end, or its data lost to a swap read error
        }
        exp.fltnoram++;
        return FaultStep.WAIT_NORAM_OBJECT;
      }
    }
    if (!promote) {
      // case 2A: map the object's page; a COW entry never writes it
      // uvm_fault.c: uvm_fault_lower_direct
      exp.flt_obj++;
      if (e.copyOnWrite() || (ctx.uobjpage.flags & VmPage.PG_RDONLY) != 0) {
        ctx.enterProt &= ~Prot.WRITE;
      }
      ctx.faultCase = FaultCase.OBJECT;
      ctx.page = ctx.uobjpage;
      enter(ctx);
      return FaultStep.OK;
    }
    // case 2B: promote into a new anon (copy of the object page, or zero fill)
    // uvm_fault.c: uvm_fault_lower_promote
    Kassert.check(ctx.amap != null && !e.needsCopy(), "uvm_fault: 2B needs a private amap");
    Kassert.check(ctx.wire || !e.isWired(), "uvm_fault: page of a wired entry replaced");
    FaultStep step = promote(ctx, null, ctx.uobjpage);
    if (step != FaultStep.CONTINUE) {
      return step;
    }
    if (ctx.uobjpage != null) {
      if (ctx.amap.isShared()) {
        // sharers that mapped the object page must refault onto the new anon
        uvm.pageProtect(ctx.uobjpage, Prot.NONE);
      }
      exp.flt_prcopy++;
      ctx.faultCase = FaultCase.OBJECT_COW;
    } else {
      exp.flt_przero++;
      ctx.faultCase = FaultCase.ZERO_FILL;
    }
    ctx.page = ctx.newAnon.page;
    enter(ctx);
    return FaultStep.OK;
  }

  /**
   * Promotes the faulting page into a new anon ({@code ctx.newAnon}) in the amap slot of {@code
   * ctx.va}: its page is a copy of {@code oanon}'s (case 1B; the new anon replaces {@code oanon},
   * which loses the amap's reference), a copy of {@code uobjpage} (case 2B), or zero-filled (both
   * null: case 2B without an object). The new page is unbusy and the new anon unlocked on return.
   *
   * <p>=> map and amap locked; at most one of {@code oanon}, {@code uobjpage} is given; {@code
   * oanon} (if any) is resident, unbusy, shared ({@code an_ref > 1}) and unlocked. <br>
   * => CONTINUE, or WAIT_NOANON / WAIT_NORAM_PROMOTE with nothing changed.
   */
  // uvm_fault.c: uvmfault_promote
  FaultStep promote(FaultContext ctx, Anon oanon, VmPage uobjpage) {
    Kassert.check(oanon == null || uobjpage == null, "uvmfault_promote: two sources");
    Anon nanon = Anon.alloc(svc);
    if (nanon == null) {
      exp.fltnoanon++;
      return FaultStep.WAIT_NOANON;
    }
    VmPage npg = uvm.pageAlloc(nanon);
    if (npg == null) {
      dropNewAnon(nanon);
      exp.fltnoram++;
      return FaultStep.WAIT_NORAM_PROMOTE;
    }
    final VmMapEntry e = ctx.entry;
    if (oanon != null) {
      uvm.pageCopy(oanon.page, npg);
      oanon.lock();
      ctx.amap.add(e.aref, ctx.va - e.start, nanon, true);
      oanon.ref--;
      Kassert.check(oanon.ref > 0, "uvmfault_promote: dropped the last reference of the anon");
      oanon.unlock();
    } else {
      if (uobjpage != null) {
        uvm.pageCopy(uobjpage, npg);
      } else {
        uvm.pageZero(npg);
      }
      ctx.amap.add(e.aref, ctx.va - e.start, nanon, false);
    }
    npg.flags &= ~VmPage.PG_FAKE;
    uvm.pageUnbusy(npg);
    nanon.unlock();
    ctx.newAnon = nanon;
    return FaultStep.CONTINUE;
  }

  /**
   * pmap_enter of {@code ctx.page} at {@code ctx.va}, then queue the page (a wired page is queued
   * by nobody: the wiring takes it off).
   */
  // uvm_fault.c: uvm_fault_upper_enter / uvm_fault_lower_enter
  private void enter(FaultContext ctx) {
    VmPage pg = ctx.page;
    if (ctx.enterProt != Prot.NONE) {
      ctx.vm.pmap().enter(ctx.va, pg, ctx.enterProt, ctx.wired);
    }
    if (!ctx.wired && pg.anon != null && pg.object == null) {
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
