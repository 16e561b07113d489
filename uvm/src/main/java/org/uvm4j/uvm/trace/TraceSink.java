package org.uvm4j.uvm.trace;

import java.io.IOException;

/**
 * Where trace records go. {@link #write} is called on the CPU thread, synchronously, once per kept
 * record. Records are immutable: a sink may keep them.
 */
public interface TraceSink extends AutoCloseable {
  /** Writes one record. */
  void write(TraceRecord record) throws IOException;

  /** Pushes buffered output to its destination. */
  void flush() throws IOException;

  /** Finishes the output (closing brackets, flush) and releases it. Idempotent. */
  @Override
  void close() throws IOException;
}
