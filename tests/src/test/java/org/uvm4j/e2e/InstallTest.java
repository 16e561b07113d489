package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make install}'s script into a temporary PREFIX: the installed launcher runs hello from
 * there as the tree's does, prints --help and --version, and --progress ends with its last line.
 */
class InstallTest {
  @TempDir Path prefix;

  @Test
  void installsIntoPrefixAndTheInstalledLauncherRunsHello() throws Exception {
    Path root = Guests.root();
    assumeTrue(
        Uvm4jRuns.launcherReady(),
        "the CLI jar is not built or older than the classes (mvn package / make build)");
    Path hello = Guests.binary("hello");

    GuestRun install =
        Guests.run(List.of(root.resolve("scripts/install.sh").toString(), prefix.toString()), 120);

    assertThat(install.status()).as(install.toString()).isZero();
    assertThat(install.stdout()).contains("uvm4j installed in " + prefix);
    Path launcher = prefix.resolve("bin/uvm4j");
    assertThat(Files.isSymbolicLink(launcher)).isTrue();
    assertThat(Files.isExecutable(launcher)).isTrue();
    assertThat(prefix.resolve("lib/uvm4j/uvm4j.jar")).isRegularFile();
    assertThat(prefix.resolve("lib/uvm4j/scripts/java-home.sh")).isRegularFile();
    try (Stream<Path> jars = Files.list(prefix.resolve("share/java/uvm4j"))) {
      assertThat(jars.map(p -> p.getFileName().toString()))
          .anyMatch(n -> n.startsWith("uvm-") && n.endsWith(".jar"))
          .anyMatch(n -> n.startsWith("emulator-bridge-") && n.endsWith(".jar"));
    }

    GuestRun expected = Guests.runNatively(hello, List.of("one", "two words"));
    GuestRun got =
        Guests.run(List.of(launcher.toString(), "run", hello.toString(), "one", "two words"), 120);
    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.status()).as(got.toString()).isEqualTo(2);
    assertThat(got.stderr()).as(got.toString()).isEmpty();

    GuestRun help = Guests.run(List.of(launcher.toString(), "run", "--help"), 120);
    assertThat(help.status()).as(help.toString()).isZero();
    assertThat(help.stdout()).contains("Usage: uvm4j run").contains("--progress");
    GuestRun version = Guests.run(List.of(launcher.toString(), "--version"), 120);
    assertThat(version.status()).as(version.toString()).isZero();
    assertThat(version.stdout()).containsIgnoringCase("unicorn");

    GuestRun progress =
        Guests.run(List.of(launcher.toString(), "run", "--progress", hello.toString()), 120);
    assertThat(progress.status()).as(progress.toString()).isZero();
    assertThat(progress.stdout()).isEqualTo("hello, world\n");
    assertThat(progress.stderr().lines().toList())
        .last()
        .asString()
        .startsWith("uvm4j: done in ")
        .endsWith("  0 processes");
  }
}
