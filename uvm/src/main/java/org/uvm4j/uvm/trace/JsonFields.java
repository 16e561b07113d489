package org.uvm4j.uvm.trace;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Writes record fields as members of the JSON object a {@link JsonGenerator} is in. I/O errors
 * surface as {@link UncheckedIOException} (a {@link FieldSink} cannot throw), which the writing
 * sink unwraps.
 */
final class JsonFields implements FieldSink {
  private final JsonGenerator gen;
  private final char[] hex = new char[Hex.MAX_CHARS];

  JsonFields(JsonGenerator gen) {
    this.gen = gen;
  }

  /** Writes the common header fields, in documented order. */
  void header(TraceRecord r) throws IOException {
    gen.writeStringField("type", r.type().label());
    gen.writeNumberField("seq", r.seq());
    gen.writeNumberField("vtime", r.vtime());
    gen.writeNumberField("wall_ns", r.wallNanos());
    gen.writeNumberField("pid", r.pid());
    gen.writeNumberField("tid", r.tid());
  }

  /**
   * Writes {@code r}'s type-specific fields, turning an unchecked I/O error back into a checked
   * one.
   */
  void body(TraceRecord r) throws IOException {
    try {
      r.fields(this);
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  @Override
  public void number(String name, long value) {
    try {
      gen.writeNumberField(name, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void hex(String name, long value) {
    try {
      gen.writeFieldName(name);
      gen.writeString(hex, 0, Hex.format(value, hex));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void text(String name, String value) {
    try {
      gen.writeStringField(name, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void flag(String name, boolean value) {
    try {
      gen.writeBooleanField(name, value);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
