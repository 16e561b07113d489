package org.uvm4j.uvm.fault;

import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Inheritance;

/**
 * What one fault did (the trace record of {@code uvm_fault}): the address and access, the map
 * entry, whether needs-copy was resolved ({@code amap_copy}) or a page came back from swap, the
 * case taken, the amap and anon involved, the frame mapped, how many neighbours were pre-mapped,
 * and the result.
 *
 * <p>Owned and reused by its {@link FaultHandler}; filled only while tracing is on. Ids are -1 when
 * not applicable.
 */
public final class FaultInfo {
  long va;
  int access;
  boolean wire;
  FaultResult result;
  FaultCase faultCase = FaultCase.NONE;
  long entryStart = -1;
  long entryEnd = -1;
  int entryProt;
  int entryMaxProt;
  Inheritance entryInheritance;
  int entryFlags;
  int entryWiredCount;
  int amapId = -1;
  int amapSlot = -1;
  int amapRef;
  boolean amapShared;
  int amapBeforeCopy = -1;
  int foundAnonId = -1;
  int anonRefBefore;
  int anonRefAfter;
  int anonId = -1;
  long startNanos;
  int frame = -1;
  int enterProt;
  boolean amapCopied;
  boolean pagedIn;
  int neighbours;
  int memoryWaits;
  int refaults;

  void reset(long va, int access, boolean wire) {
    this.va = va;
    this.access = access;
    this.wire = wire;
    result = null;
    faultCase = FaultCase.NONE;
    entryStart = -1;
    entryEnd = -1;
    entryProt = 0;
    entryMaxProt = 0;
    entryInheritance = null;
    entryFlags = 0;
    entryWiredCount = 0;
    amapId = -1;
    amapSlot = -1;
    amapRef = 0;
    amapShared = false;
    amapBeforeCopy = -1;
    foundAnonId = -1;
    anonRefBefore = 0;
    anonRefAfter = 0;
    anonId = -1;
    startNanos = System.nanoTime();
    frame = -1;
    enterProt = 0;
    amapCopied = false;
    pagedIn = false;
    neighbours = 0;
    memoryWaits = 0;
    refaults = 0;
  }

  /** The faulting virtual address (as given, not truncated). */
  public long va() {
    return va;
  }

  /** The access: {@link Prot#READ}, {@link Prot#WRITE} or {@link Prot#EXEC}. */
  public int access() {
    return access;
  }

  /** True for a wiring fault (mlock), which maps with the entry's full protection. */
  public boolean wire() {
    return wire;
  }

  public FaultResult result() {
    return result;
  }

  public FaultCase faultCase() {
    return faultCase;
  }

  /** Start of the map entry that covered the address, or -1. */
  public long entryStart() {
    return entryStart;
  }

  /** End of the map entry that covered the address, or -1. */
  public long entryEnd() {
    return entryEnd;
  }

  /** The entry's protection. */
  public int entryProt() {
    return entryProt;
  }

  /** The entry's maximum protection. */
  public int entryMaxProt() {
    return entryMaxProt;
  }

  /** The entry's inheritance, or null if no entry. */
  public Inheritance entryInheritance() {
    return entryInheritance;
  }

  /** The entry's {@code etype} bits (OBJ, COPYONWRITE, NEEDSCOPY) when the fault looked it up. */
  public int entryFlags() {
    return entryFlags;
  }

  /** The entry's wiring count. */
  public int entryWiredCount() {
    return entryWiredCount;
  }

  /** Id of the amap consulted ({@code Amap.id()}), or -1. */
  public int amapId() {
    return amapId;
  }

  /** The amap slot of the faulting page, or -1. */
  public int amapSlot() {
    return amapSlot;
  }

  /** The amap's reference count when consulted. */
  public int amapRef() {
    return amapRef;
  }

  /** True if the amap was AMAP_SHARED when consulted. */
  public boolean amapShared() {
    return amapShared;
  }

  /**
   * The id of the entry's amap before amap_copy ran, or -1 (it had none); meaningful if {@link
   * #amapCopied()}. Equal to {@link #amapId()} after a take-over.
   */
  public int amapBeforeCopy() {
    return amapBeforeCopy;
  }

  /** Id of the anon found in the amap slot (before any promotion), or -1. */
  public int foundAnonId() {
    return foundAnonId;
  }

  /** Reference count of the found anon when the fault reached it. */
  public int anonRefBefore() {
    return anonRefBefore;
  }

  /** Reference count of the found anon when the fault was done with it (1B drops one). */
  public int anonRefAfter() {
    return anonRefAfter;
  }

  /** Id of the anon whose page was mapped (the new one after a promotion), or -1. */
  public int anonId() {
    return anonId;
  }

  /** The frame mapped, or -1. */
  public int frame() {
    return frame;
  }

  /** The protection the page was entered with. */
  public int enterProt() {
    return enterProt;
  }

  /** True if the entry's needs-copy was resolved (amap_copy) during this fault. */
  public boolean amapCopied() {
    return amapCopied;
  }

  /** True if the anon's page was brought back from swap. */
  public boolean pagedIn() {
    return pagedIn;
  }

  /** Resident neighbour pages mapped along with the faulting one. */
  public int neighbours() {
    return neighbours;
  }

  /** Times the handler waited for memory. */
  public int memoryWaits() {
    return memoryWaits;
  }

  /** {@link System#nanoTime()} when the fault began. */
  public long startNanos() {
    return startNanos;
  }

  /** Times the handler restarted its lookup (after amap_copy, pagein or a wait). */
  public int refaults() {
    return refaults;
  }

  @Override
  public String toString() {
    return String.format(
        "fault va=0x%x %s%s -> %s case=%s entry=0x%x-0x%x amap=%d anon=%d frame=%d prot=%s"
            + "%s%s neighbours=%d waits=%d refaults=%d",
        va,
        Prot.toString(access),
        wire ? " wire" : "",
        result,
        faultCase,
        entryStart,
        entryEnd,
        amapId,
        anonId,
        frame,
        Prot.toString(enterProt),
        amapCopied ? " amapcopy" : "",
        pagedIn ? " pagein" : "",
        neighbours,
        memoryWaits,
        refaults);
  }
}
