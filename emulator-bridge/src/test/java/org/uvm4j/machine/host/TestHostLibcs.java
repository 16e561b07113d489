package org.uvm4j.machine.host;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

/**
 * The host libc bindings the tests run on: a test class parameterized over {@link #ALL} runs once
 * per binding, and on a JVM without FFM (Java 17) the FFM runs are skipped with the reason.
 */
public final class TestHostLibcs {
  /** Both bindings' names, JNA first. */
  public static final List<String> ALL = List.of("jna", "ffm");

  private TestHostLibcs() {}

  /**
   * The binding named {@code name}; skips the calling test (a JUnit assumption) when it cannot run
   * on this JVM.
   */
  public static HostLibc of(String name) {
    switch (name) {
      case "jna":
        return HostLibcs.jna();
      case "ffm":
        String why = HostLibcs.ffmUnavailableReason();
        assumeTrue(why == null, () -> "FFM host libc skipped: " + why);
        return HostLibcs.ffm();
      default:
        throw new IllegalArgumentException("no host libc binding " + name);
    }
  }
}
