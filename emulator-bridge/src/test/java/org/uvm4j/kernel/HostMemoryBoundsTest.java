package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * Guest-driven host allocations stay bounded: a private mapping of a 64 GiB host file or of
 * /dev/zero reads only the pages touched (the file is never read whole into the heap).
 */
class HostMemoryBoundsTest {
  @TempDir static Path dir;

  @BeforeAll
  static void build() throws IOException, InterruptedException {
    Assumptions.assumeTrue(
        new ProcessBuilder("sh", "-c", "command -v musl-gcc").start().waitFor() == 0,
        "musl-gcc not installed");
    for (String f : List.of("kt.h", "bigmap.c")) {
      try (InputStream in = HostMemoryBoundsTest.class.getResourceAsStream("guests/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    Process p =
        new ProcessBuilder(
                "musl-gcc", "-static", "-O1", "-Wall", "-Werror", "-o", "bigmap", "bigmap.c")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("musl-gcc bigmap: " + log).isZero();
  }

  @Test
  void hugeFileAndDevZeroMappingsPageInLazily() throws Exception {
    Path big = dir.resolve("big.sparse");
    try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
      f.setLength(64L << 30);
      f.seek(0);
      f.write('A');
      f.seek(40L << 30);
      f.write('B');
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel k =
        new Kernel(
            KernelConfig.builder()
                .ram(32L << 20)
                .stdin(new ByteArrayInputStream(new byte[0]))
                .stdout(out)
                .stderr(err)
                .cwd(dir)
                .build(),
            Linux64::create);
    long free = k.uvm().physMem().freeCount();
    int st = k.run(dir.resolve("bigmap"), List.of("bigmap", big.toString()), Map.of());
    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(out.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            "bigmap: 64 GiB file mapped, two pages read\n"
                + "bigmap: /dev/zero mapped privately\n");
    assertThat(st).isZero();
    SystemAudit.checkAllFreed(k.uvm(), free);
  }
}
