package org.uvm4j.uvm.trace;

import org.uvm4j.uvm.Prot;

/**
 * The trace record of one mprotect that changed protections (a call refused with EINVAL, ENOMEM or
 * EACCES changes nothing and makes no record). {@code errno} is that of re-wiring a wired range
 * made writable, normally 0.
 *
 * @param start first address
 * @param end end of the range (exclusive)
 * @param prot the protection asked for ({@link Prot} bits)
 * @param errno 0, or the error the call returned
 * @param entries map entries in the range afterwards
 * @param resident pages of the range mapped in the process's pmap afterwards
 * @param costNanos host time the call took
 */
public record ProtectRecord(
    long seq,
    long vtime,
    long wallNanos,
    int pid,
    int tid,
    long start,
    long end,
    int prot,
    int errno,
    int entries,
    long resident,
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
    out.number("entries", entries);
    out.number("resident", resident);
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
