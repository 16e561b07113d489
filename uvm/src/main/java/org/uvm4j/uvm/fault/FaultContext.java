package org.uvm4j.uvm.fault;

import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.Inheritance;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.page.VmPage;

/**
 * The state of the fault a {@link FaultHandler} is resolving (NetBSD's {@code struct uvm_faultctx}
 * together with the parts of {@code struct uvm_faultinfo} the steps share): the request, what
 * {@code check} found (entry, amap, object, protection, the neighbourhood window), what {@code
 * upper}/{@code lower} did (anon found, new anon, page mapped, case), and the counts the trace
 * reports. Its {@link FaultInfo} methods are the read-only view of the fault.
 *
 * <p>One per handler, reused: {@link #begin} resets every field at the start of a fault and {@link
 * #beginPass} every per-pass field at each restart, so nothing of a previous fault or pass leaks
 * into the next; nothing here is allocated per fault. The references it holds (entry, amap, anons,
 * page) are the fault's own and are meaningful only until the handler's next fault.
 */
public final class FaultContext implements FaultInfo {
  // ---- the request (set by begin, constant during the fault)
  Vmspace vm;
  long vaddr;

  /** The faulting page (trunc_page of the address): ufi.orig_rvaddr. */
  long va;

  int access;
  boolean wire;

  /** A forced access (FOLL_FORCE): checked against the maximum protection; set after begin. */
  boolean force;

  // ---- set by check for the current pass
  VmMapEntry entry;
  Amap amap;
  UvmObject uobj;
  int enterProt;

  /** The access writes: copy-on-write must be resolved now (flt->cow_now). */
  boolean cowNow;

  /** The page is mapped wired (the entry is wired or this is a wiring fault). */
  boolean wired;

  /** No neighbours: a wired mapping (flt->narrow). */
  boolean narrow;

  /** The neighbourhood window: first page, its size, the faulting page's index in it. */
  long startVa;

  int npages;
  int centre;

  /** The upper layer's anons of the window (amap_lookups), cleared after each pass. */
  final Anon[] anons = new Anon[Advice.MAXRANGE];

  // ---- set by upper / lower for the current pass
  /** The anon in the faulting page's slot, or null (case 2). */
  Anon anon;

  int anonRefBefore;

  /** The object's page (case 2 with an object), or null. */
  VmPage uobjpage;

  /** The anon a promotion made (1B, 2B), or null. */
  Anon newAnon;

  /** The page entered into the pmap, or null. */
  VmPage page;

  FaultCase faultCase = FaultCase.NONE;

  // ---- across passes
  FaultResult result;
  boolean amapCopied;
  int amapBeforeCopy = -1;
  boolean pagedIn;
  int neighbours;
  int memoryWaits;
  int refaults;
  long startNanos;

  /** Resets every field for a new fault at {@code vaddr}. */
  void begin(Vmspace vm, long vaddr, long va, int access, boolean wire, long startNanos) {
    this.vm = vm;
    this.vaddr = vaddr;
    this.va = va;
    this.access = access;
    this.wire = wire;
    this.force = false;
    this.startNanos = startNanos;
    result = null;
    amapCopied = false;
    amapBeforeCopy = -1;
    pagedIn = false;
    neighbours = 0;
    memoryWaits = 0;
    refaults = 0;
    beginPass();
  }

  /** Resets what one pass (from the lookup on) finds, for the first pass and each restart. */
  void beginPass() {
    entry = null;
    amap = null;
    uobj = null;
    enterProt = 0;
    cowNow = false;
    wired = false;
    narrow = false;
    startVa = 0;
    npages = 0;
    centre = 0;
    anon = null;
    anonRefBefore = 0;
    uobjpage = null;
    newAnon = null;
    page = null;
    faultCase = FaultCase.NONE;
  }

  /** Drops what the window holds (amap_lookups filled it under the amap lock). */
  void clearWindow() {
    for (int i = 0; i < npages; i++) {
      anons[i] = null;
    }
  }

  // ---- FaultInfo: the read-only view

  @Override
  public long va() {
    return vaddr;
  }

  @Override
  public int access() {
    return access;
  }

  @Override
  public boolean wire() {
    return wire;
  }

  @Override
  public FaultResult result() {
    return result;
  }

  @Override
  public FaultCase faultCase() {
    return faultCase;
  }

  @Override
  public long entryStart() {
    return entry == null ? -1 : entry.start;
  }

  @Override
  public long entryEnd() {
    return entry == null ? -1 : entry.end;
  }

  @Override
  public int entryProt() {
    return entry == null ? 0 : entry.protection;
  }

  @Override
  public int entryMaxProt() {
    return entry == null ? 0 : entry.maxProtection;
  }

  @Override
  public Inheritance entryInheritance() {
    return entry == null ? null : entry.inheritance;
  }

  @Override
  public int entryFlags() {
    return entry == null ? 0 : entry.etype;
  }

  @Override
  public int entryWiredCount() {
    return entry == null ? 0 : entry.wiredCount;
  }

  @Override
  public int amapId() {
    return amap == null ? -1 : amap.id();
  }

  @Override
  public int amapSlot() {
    return amap == null ? -1 : entry.aref.pageOffset + (int) ((va - entry.start) >>> 12);
  }

  @Override
  public int amapRef() {
    return amap == null ? 0 : amap.ref();
  }

  @Override
  public boolean amapShared() {
    return amap != null && amap.isShared();
  }

  @Override
  public boolean amapCopied() {
    return amapCopied;
  }

  @Override
  public int amapBeforeCopy() {
    return amapBeforeCopy;
  }

  @Override
  public int foundAnonId() {
    return anon == null ? -1 : anon.id();
  }

  @Override
  public int anonRefBefore() {
    return anonRefBefore;
  }

  @Override
  public int anonRefAfter() {
    return anon == null ? 0 : anon.ref;
  }

  @Override
  public int anonId() {
    return switch (faultCase) {
      case ANON -> anon.id();
      case ANON_COW, OBJECT_COW, ZERO_FILL -> newAnon.id();
      default -> -1;
    };
  }

  @Override
  public int frame() {
    return page == null ? -1 : page.frame;
  }

  @Override
  public int enterProt() {
    return page == null ? 0 : enterProt;
  }

  @Override
  public boolean pagedIn() {
    return pagedIn;
  }

  @Override
  public int neighbours() {
    return neighbours;
  }

  @Override
  public int memoryWaits() {
    return memoryWaits;
  }

  @Override
  public int refaults() {
    return refaults;
  }

  @Override
  public long startNanos() {
    return startNanos;
  }

  @Override
  public FaultSnapshot snapshot() {
    return FaultSnapshot.of(this);
  }

  @Override
  public String toString() {
    return FaultInfo.describe(this);
  }
}
