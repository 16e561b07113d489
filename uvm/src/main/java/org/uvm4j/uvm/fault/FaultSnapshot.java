package org.uvm4j.uvm.fault;

import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.map.Inheritance;

/**
 * An immutable {@link FaultInfo}: the values of a fault's view at the moment {@link
 * FaultInfo#snapshot()} was called. It holds no reference to the VM's objects (entry, amap, anon,
 * page), so keeping it keeps nothing alive and nothing it says changes afterwards. Made only while
 * someone observes faults (tracing on).
 */
public record FaultSnapshot(
    long va,
    int access,
    boolean wire,
    FaultResult result,
    FaultCase faultCase,
    long entryStart,
    long entryEnd,
    int entryProt,
    int entryMaxProt,
    Inheritance entryInheritance,
    int entryFlags,
    int entryWiredCount,
    int amapId,
    int amapSlot,
    int amapRef,
    boolean amapShared,
    boolean amapCopied,
    int amapBeforeCopy,
    int foundAnonId,
    int anonRefBefore,
    int anonRefAfter,
    int anonId,
    int frame,
    int enterProt,
    boolean pagedIn,
    int neighbours,
    int memoryWaits,
    int refaults,
    long startNanos)
    implements FaultInfo {

  /** The values of {@code f} now (a snapshot of a snapshot is itself). */
  public static FaultSnapshot of(FaultInfo f) {
    if (f instanceof FaultSnapshot s) {
      return s;
    }
    return new FaultSnapshot(
        f.va(),
        f.access(),
        f.wire(),
        f.result(),
        f.faultCase(),
        f.entryStart(),
        f.entryEnd(),
        f.entryProt(),
        f.entryMaxProt(),
        f.entryInheritance(),
        f.entryFlags(),
        f.entryWiredCount(),
        f.amapId(),
        f.amapSlot(),
        f.amapRef(),
        f.amapShared(),
        f.amapCopied(),
        f.amapBeforeCopy(),
        f.foundAnonId(),
        f.anonRefBefore(),
        f.anonRefAfter(),
        f.anonId(),
        f.frame(),
        f.enterProt(),
        f.pagedIn(),
        f.neighbours(),
        f.memoryWaits(),
        f.refaults(),
        f.startNanos());
  }

  @Override
  public FaultSnapshot snapshot() {
    return this;
  }

  @Override
  public String toString() {
    return FaultInfo.describe(this);
  }
}
