package org.uvm4j.uvm.observe;

/**
 * Told about the VM system's operations while tracing is on (installed with {@code
 * Uvm.setObserver}, null otherwise). Called synchronously by the thread that did the operation,
 * after it; the arguments are all the observer gets (it must not call back into the VM).
 * Implemented by {@code org.uvm4j.uvm.trace.Tracer}.
 */
public interface VmObserver {
  /**
   * munmap of {@code [start, end)} removed {@code entries} map entries (after clipping); {@code
   * residentUnmapped} pages left the process's pmap and {@code pagesFreed} frames went back to the
   * free list.
   */
  void munmap(
      long start, long end, int entries, long residentUnmapped, long pagesFreed, long costNanos);

  /**
   * mprotect of {@code [start, end)} to {@code prot} returned {@code errno} (0, or the error of
   * re-wiring); afterwards {@code entries} map entries and {@code resident} mapped pages are in the
   * range.
   */
  void mprotect(
      long start, long end, int prot, int errno, int entries, long resident, long costNanos);

  /** uvmspace_fork made a child address space; {@code census} compares it with its parent. */
  void fork(ForkCensus census, long costNanos);

  /** The page daemon wrote anon {@code anonId}'s page (frame) to swap slot {@code slot}. */
  void pageout(int anonId, int slot, int frame, boolean ok);

  /** Anon {@code anonId}'s page was read from swap slot {@code slot} into {@code frame}. */
  void pagein(int anonId, int slot, int frame, boolean ok);

  /** One page-daemon pass ended. */
  void pdaemon(
      long freeBefore, long freeAfter, long scanned, long pagedOut, long freed, long costNanos);
}
