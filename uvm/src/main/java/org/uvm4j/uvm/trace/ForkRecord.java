package org.uvm4j.uvm.trace;

import org.uvm4j.uvm.observe.ForkCensus;

/**
 * The trace record of one uvmspace_fork: the header and the {@link ForkCensus} the map layer made
 * of the parent and the child right after the fork.
 *
 * @param census what the fork did, entry by entry
 * @param costNanos host time the fork took
 */
public record ForkRecord(
    long seq, long vtime, long wallNanos, int pid, int tid, ForkCensus census, long costNanos)
    implements TraceRecord {

  @Override
  public RecordType type() {
    return RecordType.FORK;
  }

  @Override
  public void fields(FieldSink out) {
    ForkCensus c = census;
    out.number("entries", c.entries());
    out.number("inherit_share", c.inheritShare());
    out.number("inherit_copy", c.inheritCopy());
    out.number("inherit_none", c.inheritNone());
    out.number("inherit_zero", c.inheritZero());
    out.number("amaps_shared", c.amapsShared());
    out.number("amaps_referenced", c.amapsReferenced());
    out.number("amaps_copied", c.amapsCopied());
    out.number("pages_copied", c.pagesCopied());
    out.number("child_entries", c.childEntries());
    out.number("cost_ns", costNanos);
  }
}
