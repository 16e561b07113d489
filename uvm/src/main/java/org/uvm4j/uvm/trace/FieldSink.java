package org.uvm4j.uvm.trace;

/**
 * Receives the type-specific fields of a {@link TraceRecord}, in their documented order, each as
 * the JSON type the format gives it. The JSON writers, the Chrome {@code args} and the log lines
 * all read records through this one interface, so they name every field the same way.
 */
public interface FieldSink {
  /** An integer field. */
  void number(String name, long value);

  /** An address or other bit pattern, written as a {@code "0x…"} hexadecimal string. */
  void hex(String name, long value);

  /** A text field (an enum label, a protection like {@code "rw-"}, a path). */
  void text(String name, String value);

  /** A boolean field. */
  void flag(String name, boolean value);
}
