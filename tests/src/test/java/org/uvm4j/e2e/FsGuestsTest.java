package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * The file system guests (guest-programs/fs_*.c) run in a fresh directory, natively and under uvm4j
 * (where that directory is bound read-write at the same guest path, so the paths they print are the
 * same): same stdout, stderr and status, and a clean system audit afterwards.
 */
class FsGuestsTest {
  @TempDir Path work;

  @ParameterizedTest
  @ValueSource(strings = {"fs_ops", "fs_locks", "fs_proc"})
  void runsLikeNativelyInAWritableDirectory(String name) throws Exception {
    Path bin = Guests.binary(name);
    Path dir = Files.createDirectory(work.resolve("run"));
    GuestRun expected = runNatively(bin, dir);
    assertThat(expected.status()).as(expected.toString()).isZero();
    clear(dir);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel kernel =
        new Kernel(
            KernelConfig.builder()
                .ram(Uvm4jRuns.RAM)
                .stdout(out)
                .stderr(err)
                .cwd(dir)
                .fs(new FsLayout(null, List.of(new FsLayout.Bind(dir, dir.toString(), false))))
                .build(),
            Linux64::create);
    int status = kernel.run(bin, List.of(bin.toString()), Map.of("PATH", "/usr/bin:/bin"));
    GuestRun got =
        new GuestRun(
            out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8), status);
    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.stderr()).as(got.toString()).isEqualTo(expected.stderr());
    assertThat(got.status()).isEqualTo(expected.status());
    assertThat(SystemAudit.problems(kernel.uvm(), List.of())).isEmpty();
  }

  private static GuestRun runNatively(Path bin, Path dir) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(List.of(bin.toString())).directory(dir.toFile());
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    Path o = Files.createTempFile("fs-native", ".out");
    Path e = Files.createTempFile("fs-native", ".err");
    try {
      pb.redirectOutput(o.toFile()).redirectError(e.toFile());
      Process p = pb.start();
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IllegalStateException(bin + " did not finish natively");
      }
      return new GuestRun(Files.readString(o), Files.readString(e), p.exitValue());
    } finally {
      Files.deleteIfExists(o);
      Files.deleteIfExists(e);
    }
  }

  /** Empties {@code dir} (keeps it). */
  private static void clear(Path dir) throws IOException {
    List<Path> all = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.sorted(Comparator.reverseOrder()).forEach(all::add);
    }
    for (Path p : all) {
      if (!p.equals(dir)) {
        Files.delete(p);
      }
    }
  }
}
