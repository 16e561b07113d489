package org.uvm4j.api.junit;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.uvm4j.api.GuestBuilder;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.Uvm4j;

/**
 * What a {@link Uvm4jTest} test is handed: {@link #guest} starts a {@link GuestBuilder} already
 * configured from the annotation (RAM, binding, a bounded trace for failure reports, the system
 * audit on), and remembers the result of every run so that {@link Uvm4jExtension} can check the
 * audits after the test. One runner per test invocation; not thread-safe.
 */
public final class Uvm4jRunner {
  private final Uvm4jTest config;
  private final List<GuestResult> results = new ArrayList<>();

  Uvm4jRunner(Uvm4jTest config) {
    this.config = config;
  }

  /**
   * A builder for a run of {@code program} on a fresh machine, configured from the test's {@link
   * Uvm4jTest}. The test is aborted (skipped), with the path in the message, when the program does
   * not exist.
   */
  public GuestBuilder guest(Path program) {
    Assumptions.assumeTrue(
        Files.isRegularFile(program),
        () -> "uvm4j: guest binary missing: " + program + " (build the guests with 'make guests')");
    GuestBuilder b =
        Uvm4j.guest(program)
            .ram(config.ram())
            .backend(config.backend())
            .audit(true)
            .observe(results::add);
    if (config.failureTrace() > 0) {
      b.traceTail(config.failureTrace());
    }
    return b;
  }

  /** The results of this test's runs so far (failed runs' partial results included), in order. */
  public List<GuestResult> results() {
    return List.copyOf(results);
  }

  /** The configuration the runs get. */
  public Uvm4jTest config() {
    return config;
  }
}
