package org.uvm4j.uvm.trace;

/**
 * The trace record of one anon page read back from swap (uvm_anon_pagein), in the process whose
 * fault (or swapoff) needed it.
 *
 * @param anonId the anon made resident
 * @param slot the swap slot read
 * @param frame the frame it was read into
 * @param ok false if the read failed (the slot is bad: the fault ends in SIGBUS)
 */
public record PageinRecord(
    long seq, long vtime, long wallNanos, int pid, int anonId, int slot, int frame, boolean ok)
    implements TraceRecord {

  @Override
  public RecordType type() {
    return RecordType.PAGEIN;
  }

  @Override
  public void fields(FieldSink out) {
    out.number("anon_id", anonId);
    out.number("slot", slot);
    out.number("frame", frame);
    out.flag("ok", ok);
  }
}
