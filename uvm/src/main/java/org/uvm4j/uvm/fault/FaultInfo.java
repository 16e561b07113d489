package org.uvm4j.uvm.fault;

import org.uvm4j.uvm.Prot;

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
  int amapId = -1;
  int anonId = -1;
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
    amapId = -1;
    anonId = -1;
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

  /** Identity of the amap consulted (stable while it lives), or -1. */
  public int amapId() {
    return amapId;
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
