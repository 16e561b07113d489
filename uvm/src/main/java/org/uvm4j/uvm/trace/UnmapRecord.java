package org.uvm4j.uvm.trace;

/**
 * The trace record of one munmap that changed the map (a call that fails its argument checks
 * changes nothing and makes no record).
 *
 * @param start first address (page aligned as the call was given)
 * @param end end of the range (exclusive)
 * @param entries map entries removed (after clipping)
 * @param residentUnmapped pages that were mapped in the process's pmap in the range and are gone
 * @param pagesFreed frames that went back to the free list (pages no other process referenced)
 * @param costNanos host time the call took
 */
public record UnmapRecord(
    long seq,
    long vtime,
    long wallNanos,
    int pid,
    int tid,
    long start,
    long end,
    int entries,
    long residentUnmapped,
    long pagesFreed,
    long costNanos)
    implements TraceRecord {

  @Override
  public RecordType type() {
    return RecordType.MUNMAP;
  }

  @Override
  public void fields(FieldSink out) {
    out.hex("start", start);
    out.hex("end", end);
    out.number("entries", entries);
    out.number("resident_unmapped", residentUnmapped);
    out.number("pages_freed", pagesFreed);
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
