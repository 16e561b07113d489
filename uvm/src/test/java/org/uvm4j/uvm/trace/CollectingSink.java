package org.uvm4j.uvm.trace;

import java.util.ArrayList;
import java.util.List;

/** Keeps (copies of) every record written, for assertions. */
final class CollectingSink implements TraceSink {
  final List<TraceRecord> records = new ArrayList<>();
  boolean closed;

  @Override
  public void write(TraceRecord r) {
    records.add(r);
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    closed = true;
  }

  List<FaultRecord> faults() {
    List<FaultRecord> out = new ArrayList<>();
    for (TraceRecord r : records) {
      if (r instanceof FaultRecord f) {
        out.add(f);
      }
    }
    return out;
  }

  <T extends TraceRecord> List<T> of(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (TraceRecord r : records) {
      if (type.isInstance(r)) {
        out.add(type.cast(r));
      }
    }
    return out;
  }
}
