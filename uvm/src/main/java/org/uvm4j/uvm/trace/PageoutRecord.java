package org.uvm4j.uvm.trace;

/**
 * The trace record of one anon page written to swap by the page daemon (its pid is 0).
 *
 * @param anonId the anon whose page went out
 * @param slot the swap slot it was written to
 * @param frame the frame freed
 * @param ok false if the write failed (the slot is marked bad and the page stays resident)
 */
public record PageoutRecord(
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
    return RecordType.PAGEOUT;
  }
}
