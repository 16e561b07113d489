package org.uvm4j.uvm.trace;

/** The kinds of trace record; {@link #label()} is the {@code "type"} field of the format. */
public enum RecordType {
  /** One uvm_fault (not a TLB fill): the path taken and its outcome. */
  FAULT("fault"),
  /** uvmspace_fork: entries by inheritance, amaps shared/referenced/copied, pages copied now. */
  FORK("fork"),
  /** munmap: the range, entries removed, frames freed. */
  MUNMAP("munmap"),
  /** mprotect: the range, the new protection, entries changed. */
  MPROTECT("mprotect"),
  /** A page written to swap by the page daemon (anon, slot, frame). */
  PAGEOUT("pageout"),
  /** A page read back from swap (anon, slot, frame). */
  PAGEIN("pagein"),
  /** One pass of the page daemon: what it scanned and freed. */
  PDAEMON("pdaemon"),
  /** A process event: fork (the child's pid), exec, exit. */
  PROC("proc");

  private final String label;

  RecordType(String label) {
    this.label = label;
  }

  /** The name in the trace format (lower case). */
  public String label() {
    return label;
  }
}
