package org.uvm4j.uvm.trace;

import java.io.IOException;
import java.util.List;

/** Writes every record to several sinks, in order (e.g. a trace file and the log). */
public final class TeeSink implements TraceSink {
  private final List<TraceSink> sinks;

  public TeeSink(List<TraceSink> sinks) {
    this.sinks = List.copyOf(sinks);
  }

  @Override
  public void write(TraceRecord r) throws IOException {
    for (TraceSink s : sinks) {
      s.write(r);
    }
  }

  @Override
  public void flush() throws IOException {
    for (TraceSink s : sinks) {
      s.flush();
    }
  }

  /** Closes every sink, even if one fails; the first failure is thrown after. */
  @Override
  public void close() throws IOException {
    IOException first = null;
    for (TraceSink s : sinks) {
      try {
        s.close();
      } catch (IOException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
