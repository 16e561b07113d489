package org.uvm4j.api;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** The guest binaries of guest-programs/build (made by {@code make guests}) for the API's tests. */
public final class TestGuests {
  /** The build directory of the guests. */
  public static final Path BUILD = Path.of("../guest-programs/build").toAbsolutePath().normalize();

  private TestGuests() {}

  /** Guest {@code name}; the test is skipped when it is not built. */
  public static Path guest(String name) {
    Path p = BUILD.resolve(name);
    Assumptions.assumeTrue(Files.isExecutable(p), "guest " + name + " not built (make guests)");
    return p;
  }
}
