package org.uvm4j.machine.backend;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.List;

/**
 * The bindings the machine tests run on: every test class parameterized over {@link #ALL} runs once
 * per binding, and on a JVM without FFM (Java 17) the FFM runs are skipped with the reason.
 */
public final class TestBackends {
  /** Both bindings, JNA first. */
  public static final List<BackendKind> ALL = List.of(BackendKind.JNA, BackendKind.FFM);

  private TestBackends() {}

  /** Skips the calling test (a JUnit assumption) when {@code kind} cannot run on this JVM. */
  public static void assumeAvailable(BackendKind kind) {
    if (kind == BackendKind.FFM) {
      String why = CpuBackends.ffmUnavailableReason();
      assumeTrue(why == null, () -> "FFM backend skipped: " + why);
    }
  }
}
