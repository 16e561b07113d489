package org.uvm4j.uvm.trace;

/**
 * A trace record of one anon page moved between a frame and a swap slot: {@link PageoutRecord}
 * (frame to slot, by the page daemon) or {@link PageinRecord} (slot to frame, for a fault or
 * swapoff). Both write the same fields.
 */
public sealed interface PageIoRecord extends TraceRecord permits PageinRecord, PageoutRecord {
  /** The anon whose page moved. */
  int anonId();

  /** The swap slot written or read. */
  int slot();

  /** The frame freed (page-out) or filled (page-in). */
  int frame();

  /** False if the I/O failed (the slot is marked bad). */
  boolean ok();

  @Override
  default void fields(FieldSink out) {
    out.number("anon_id", anonId());
    out.number("slot", slot());
    out.number("frame", frame());
    out.flag("ok", ok());
  }
}
