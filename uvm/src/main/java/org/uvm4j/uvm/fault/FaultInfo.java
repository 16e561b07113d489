package org.uvm4j.uvm.fault;

import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Inheritance;

/**
 * What one fault did, read-only (the trace view of {@code uvm_fault}): the address and access, the
 * map entry, whether needs-copy was resolved ({@code amap_copy}) or a page came back from swap, the
 * case taken, the amap and anon involved, the frame mapped, how many neighbours were pre-mapped,
 * and the result. Ids are -1 when not applicable.
 *
 * <p>Two implementations, one model: the handler's {@link FaultContext} (live: valid during {@link
 * FaultObserver#faultDone} and until the handler's next fault) and the immutable {@link
 * FaultSnapshot} that {@link #snapshot()} makes of it for whoever keeps the fault (the tracer).
 */
public interface FaultInfo {
  /** The faulting virtual address (as given, not truncated). */
  long va();

  /** The access: {@link Prot#READ}, {@link Prot#WRITE} or {@link Prot#EXEC} (NONE for wiring). */
  int access();

  /** True for a wiring fault (mlock), which maps with the entry's full protection. */
  boolean wire();

  /** The outcome, or null while the fault runs. */
  FaultResult result();

  /** The case the fault resolved by, {@link FaultCase#NONE} if it failed before one. */
  FaultCase faultCase();

  /** Start of the map entry that covered the address when last looked up, or -1. */
  long entryStart();

  /** End of that map entry, or -1. */
  long entryEnd();

  /** The entry's protection. */
  int entryProt();

  /** The entry's maximum protection. */
  int entryMaxProt();

  /** The entry's inheritance, or null if no entry. */
  Inheritance entryInheritance();

  /** The entry's {@code etype} bits (OBJ, COPYONWRITE, NEEDSCOPY) when the fault looked it up. */
  int entryFlags();

  /** The entry's wiring count. */
  int entryWiredCount();

  /** Id of the amap consulted ({@code Amap.id()}), or -1. */
  int amapId();

  /** The amap slot of the faulting page, or -1. */
  int amapSlot();

  /** The amap's reference count when consulted. */
  int amapRef();

  /** True if the amap was AMAP_SHARED when consulted. */
  boolean amapShared();

  /** True if the entry's needs-copy was resolved (amap_copy) during this fault. */
  boolean amapCopied();

  /**
   * The id of the entry's amap before amap_copy ran, or -1 (it had none); meaningful if {@link
   * #amapCopied()}. Equal to {@link #amapId()} after a take-over.
   */
  int amapBeforeCopy();

  /** Id of the anon found in the amap slot (before any promotion), or -1. */
  int foundAnonId();

  /** Reference count of the found anon when the fault reached it. */
  int anonRefBefore();

  /** Reference count of the found anon when the fault was done with it (1B drops one). */
  int anonRefAfter();

  /** Id of the anon whose page was mapped (the new one after a promotion), or -1. */
  int anonId();

  /** The frame mapped, or -1. */
  int frame();

  /** The protection the page was entered with. */
  int enterProt();

  /** True if the anon's page was brought back from swap. */
  boolean pagedIn();

  /** Resident neighbour pages mapped along with the faulting one. */
  int neighbours();

  /** Times the handler waited for memory. */
  int memoryWaits();

  /** Times the handler restarted its lookup (after amap_copy, pagein or a wait). */
  int refaults();

  /** {@link System#nanoTime()} when the fault began (0 when nobody observed the fault). */
  long startNanos();

  /** An immutable copy of this view (a {@link FaultSnapshot} is its own snapshot). */
  FaultInfo snapshot();

  /** One line: address, access, result, case, entry, amap, anon, frame, protection, counts. */
  static String describe(FaultInfo f) {
    return String.format(
        "fault va=0x%x %s%s -> %s case=%s entry=0x%x-0x%x amap=%d anon=%d frame=%d prot=%s"
            + "%s%s neighbours=%d waits=%d refaults=%d",
        f.va(),
        Prot.toString(f.access()),
        f.wire() ? " wire" : "",
        f.result(),
        f.faultCase(),
        f.entryStart(),
        f.entryEnd(),
        f.amapId(),
        f.anonId(),
        f.frame(),
        Prot.toString(f.enterProt()),
        f.amapCopied() ? " amapcopy" : "",
        f.pagedIn() ? " pagein" : "",
        f.neighbours(),
        f.memoryWaits(),
        f.refaults());
  }
}
