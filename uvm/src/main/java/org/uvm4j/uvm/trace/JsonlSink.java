package org.uvm4j.uvm.trace;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;

/**
 * Writes each record as one JSON object on its own line ({@code --trace-format jsonl}): the header
 * ({@code type seq vtime wall_ns pid tid}) then the record's fields, names as in {@code
 * docs/tracing.md}. Output is buffered by the encoder; {@link #close} flushes and closes the
 * stream.
 */
public final class JsonlSink implements TraceSink {
  private final JsonGenerator gen;
  private final JsonFields fields;
  private boolean closed;

  /** Writes to {@code out} (UTF-8), which this sink closes. */
  public JsonlSink(OutputStream out) throws IOException {
    this.gen = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
    gen.setRootValueSeparator(null); // records are separated by the newline written after each
    this.fields = new JsonFields(gen);
  }

  @Override
  public void write(TraceRecord r) throws IOException {
    gen.writeStartObject();
    fields.header(r);
    fields.body(r);
    gen.writeEndObject();
    gen.writeRaw('\n');
  }

  @Override
  public void flush() throws IOException {
    gen.flush();
  }

  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      gen.close();
    }
  }
}
