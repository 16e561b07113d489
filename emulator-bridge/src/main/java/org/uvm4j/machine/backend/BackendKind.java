package org.uvm4j.machine.backend;

import java.util.Locale;

/**
 * Which binding of libunicorn drives the CPU: {@link #JNA} (any Java 17+), {@link #FFM} (the JDK's
 * FFM API, Java 22+, and only when this build of uvm4j was compiled on a JDK 22+), or {@link #AUTO}
 * (FFM when this JVM has it, else JNA).
 */
public enum BackendKind {
  /** FFM when available, else JNA. */
  AUTO,
  /** libunicorn through JNA ({@code machine.unicorn}). */
  JNA,
  /** libunicorn through {@code java.lang.foreign} ({@code machine.ffm}). */
  FFM;

  /**
   * Parses {@code jna}, {@code ffm} or {@code auto} (any case).
   *
   * @throws IllegalArgumentException naming the accepted values
   */
  public static BackendKind parse(String s) {
    for (BackendKind k : values()) {
      if (k.cliName().equals(s.toLowerCase(Locale.ROOT))) {
        return k;
      }
    }
    throw new IllegalArgumentException(
        "unknown backend '" + s + "': use jna, ffm or auto (the default)");
  }

  /** The name {@code --backend} takes. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
