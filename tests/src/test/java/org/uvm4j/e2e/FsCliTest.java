package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code uvm4j run --root DIR --bind HOST:GUEST[:ro]} as a user runs it. */
class FsCliTest {
  @TempDir Path dir;

  @Test
  void rootAndBindsFromTheCommandLine() throws Exception {
    Path work = Files.createDirectories(dir.resolve("work"));
    Path bin = Guests.binary("fs_ops").getParent();
    // --root work (read-write, the guest's cwd is /), the guest programs bound read-only at /bin
    GuestRun got =
        Uvm4jRuns.cli(
            List.of("run", "--root", work.toString(), "--bind", bin + ":/bin:ro", "/bin/fs_ops"));
    assertThat(got.stderr()).as(got.toString()).isEmpty();
    assertThat(got.status()).as(got.toString()).isZero();
    assertThat(got.stdout())
        .contains("ls .: ../ ./ a.txt bin/ d/ dev/ proc/")
        .endsWith("fs_ops: done\n");
    assertThat(work.resolve("a.txt")).exists(); // what it made is in the root directory
    assertThat(bin.resolve("a.txt")).doesNotExist();
  }

  @Test
  void badOptionsSayWhatIsWrong() throws Exception {
    GuestRun noDir =
        Uvm4jRuns.cli(List.of("run", "--root", dir.resolve("missing").toString(), "/bin/x"));
    assertThat(noDir.status()).isNotZero();
    assertThat(noDir.stderr()).contains("--root").contains("not a directory");
    GuestRun badBind =
        Uvm4jRuns.cli(
            List.of("run", "--bind", dir + ":relative", Guests.binary("hello").toString()));
    assertThat(badBind.status()).isNotZero();
    assertThat(badBind.stderr()).contains("--bind").contains("absolute");
    GuestRun missingInRoot =
        Uvm4jRuns.cli(List.of("run", "--root", dir.toString(), "/no/such/program"));
    assertThat(missingInRoot.status()).isEqualTo(127);
  }
}
