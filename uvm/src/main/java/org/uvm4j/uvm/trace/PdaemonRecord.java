package org.uvm4j.uvm.trace;

/**
 * The trace record of one pass of the page daemon (its pid is 0).
 *
 * @param freeBefore free frames when the pass began
 * @param freeAfter free frames when it ended
 * @param scanned pages the pass looked at
 * @param pagedOut pages it wrote to swap
 * @param freed frames it freed
 * @param costNanos host time the pass took
 */
public record PdaemonRecord(
    long seq,
    long vtime,
    long wallNanos,
    int pid,
    int tid,
    long freeBefore,
    long freeAfter,
    long scanned,
    long pagedOut,
    long freed,
    long costNanos)
    implements TraceRecord {

  @Override
  public RecordType type() {
    return RecordType.PDAEMON;
  }

  @Override
  public void fields(FieldSink out) {
    out.number("free_before", freeBefore);
    out.number("free_after", freeAfter);
    out.number("scanned", scanned);
    out.number("paged_out", pagedOut);
    out.number("freed", freed);
    out.number("cost_ns", costNanos);
  }
}
