package org.uvm4j.api;

import java.util.ArrayDeque;
import java.util.List;
import org.uvm4j.uvm.trace.TraceRecord;
import org.uvm4j.uvm.trace.TraceSink;

/**
 * A trace sink that keeps the records in memory: all of them, or only the last {@code limit} (older
 * ones are dropped and counted). Records are immutable, so keeping them is safe.
 */
final class TraceRecorder implements TraceSink {
  private final ArrayDeque<TraceRecord> records = new ArrayDeque<>();
  private final int limit;
  private long dropped;

  /**
   * @param limit the most records kept (the newest), or 0 for all
   */
  TraceRecorder(int limit) {
    this.limit = limit;
  }

  @Override
  public void write(TraceRecord record) {
    if (limit > 0 && records.size() == limit) {
      records.removeFirst();
      dropped++;
    }
    records.addLast(record);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}

  List<TraceRecord> records() {
    return List.copyOf(records);
  }

  long dropped() {
    return dropped;
  }
}
