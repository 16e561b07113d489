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
    long seq,
    long vtime,
    long wallNanos,
    int pid,
    int tid,
    int anonId,
    int slot,
    int frame,
    boolean ok)
    implements PageIoRecord {

  @Override
  public RecordType type() {
    return RecordType.PAGEIN;
  }
}
