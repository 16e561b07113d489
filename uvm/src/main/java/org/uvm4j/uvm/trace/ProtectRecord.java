package org.uvm4j.uvm.trace;

import org.uvm4j.uvm.Prot;

/**
 * The trace record of one mprotect.
 *
 * @param start first address
 * @param end end of the range (exclusive)
 * @param prot the protection asked for ({@link Prot} bits)
 * @param errno 0, or the error the call returned
 * @param residentBefore pages of the range mapped in the pmap before the call
 * @param residentAfter pages of the range mapped after it (a downgrade keeps them, read-only)
 * @param costNanos host time the call took
 */
public record ProtectRecord(
    long seq,
    long vtime,
    long wallNanos,
    int pid,
    long start,
    long end,
    int prot,
    int errno,
    long residentBefore,
    long residentAfter,
    long costNanos)
    implements TraceRecord {

  @Override
  public RecordType type() {
    return RecordType.MPROTECT;
  }

  @Override
  public void fields(FieldSink out) {
    out.hex("start", start);
    out.hex("end", end);
    out.text("prot", Prot.toString(prot));
    out.number("errno", errno);
    out.number("resident_before", residentBefore);
    out.number("resident_after", residentAfter);
    out.number("cost_ns", costNanos);
  }

  @Override
  public boolean hasAddress() {
    return true;
  }

  @Override
  public long lowAddress() {
    return start;
  }

  @Override
  public long highAddress() {
    return end;
  }
}
