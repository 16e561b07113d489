package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;
import org.uvm4j.machine.host.ForwardingHostLibc;
import org.uvm4j.machine.host.HostLibc;
import org.uvm4j.machine.host.TestHostLibcs;

/**
 * st_blocks and st_blksize of host files are the host kernel's, read through libc ({@link
 * HostStatBlocks}): checked against coreutils' {@code stat -c '%b %o'} of the same files, on a
 * sparse file (whose size says nothing about its blocks), a small file, a directory and a symbolic
 * link (lstat's blocks of the link itself, stat's of its target). Through each host libc binding
 * ({@link TestHostLibcs#ALL}), and through the process's one as {@link HostVnode#statOf} uses it.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("org.uvm4j.machine.host.TestHostLibcs#ALL")
class HostStatBlocksTest {
  @TempDir Path dir;

  private final HostLibc libc;
  private final HostStatBlocks blocks;

  HostStatBlocksTest(String binding) {
    libc = TestHostLibcs.of(binding);
    blocks = new HostStatBlocks(libc);
  }

  @BeforeAll
  static void libcAnswers() {
    Assumptions.assumeTrue(
        System.getProperty("os.name").toLowerCase().contains("linux")
            && "amd64".equals(System.getProperty("os.arch")),
        "libc's struct stat layout is read for x86-64 Linux only");
    assertThat(HostStatBlocks.available()).as("libc's lstat/stat of the process").isTrue();
  }

  /** {@code stat [-L] -c '%b %o' path}: blocks and I/O size as the host's coreutils see them. */
  private static long[] coreutils(Path p, boolean follow) throws Exception {
    List<String> cmd =
        follow
            ? List.of("stat", "-L", "-c", "%b %o", p.toString())
            : List.of("stat", "-c", "%b %o", p.toString());
    Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
    assertThat(proc.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(proc.exitValue()).as(out).isZero();
    String[] f = out.split(" ");
    return new long[] {Long.parseLong(f[0]), Long.parseLong(f[1])};
  }

  private void matches(Path p, boolean follow) throws Exception {
    long[] want = coreutils(p, follow);
    assertThat(blocks.answers()).isTrue();
    HostStatBlocks.Blocks got = blocks.get(p, follow);
    assertThat(got.blocks()).as("st_blocks of %s", p).isEqualTo(want[0]);
    assertThat(got.blksize()).as("st_blksize of %s", p).isEqualTo(want[1]);
    Stat st = HostVnode.statOf(p, follow);
    assertThat(st.blocks()).as("st_blocks of %s (statOf)", p).isEqualTo(want[0]);
    assertThat(st.blksize()).as("st_blksize of %s (statOf)", p).isEqualTo(want[1]);
  }

  @Test
  void aSparseFileHasTheBlocksItReallyTakes() throws Exception {
    Path sparse = dir.resolve("sparse");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(64L << 20);
      f.seek(32L << 20);
      f.write(1);
    }
    Stat st = HostVnode.statOf(sparse, true);
    assertThat(st.size()).isEqualTo(64L << 20);
    // the size's estimate would be 131072 blocks; the file holds one data block (a file system
    // without holes would allocate all: then coreutils says so too)
    matches(sparse, true);
  }

  @Test
  void smallFilesDirectoriesAndLinksMatchCoreutils() throws Exception {
    Path small = dir.resolve("small.txt");
    Files.writeString(small, "x".repeat(100));
    matches(small, true);
    Path empty = dir.resolve("empty");
    Files.createFile(empty);
    matches(empty, true);
    assertThat(HostVnode.statOf(empty, true).blocks()).isZero();
    Path sub = Files.createDirectory(dir.resolve("sub"));
    matches(sub, true);
    Path link = Files.createSymbolicLink(dir.resolve("link"), small);
    matches(link, false);
    matches(link, true);
  }

  @Test
  void aMissingFileIsNoAnswerNotAnError() {
    assertThat(blocks.get(dir.resolve("missing"), true)).isNull();
    assertThat(blocks.get(dir.resolve("missing"), false)).isNull();
    assertThat(HostStatBlocks.of(dir.resolve("missing"), true)).isNull();
    assertThat(HostStatBlocks.of(dir.resolve("missing"), false)).isNull();
  }

  /** When libc's lstat("/") fails, nothing is asked later and the size's estimate is used. */
  @Test
  void aLibcThatDoesNotAnswerMeansEstimates() throws Exception {
    HostLibc broken =
        new ForwardingHostLibc(libc) {
          @Override
          public void lstat(String path, byte[] buf) {
            super.lstat(path + "/no/such/file", buf);
          }
        };
    HostStatBlocks none = new HostStatBlocks(broken);
    assertThat(none.answers()).isFalse();
    Path small = dir.resolve("small.txt");
    Files.writeString(small, "x".repeat(100));
    assertThat(none.get(small, true)).isNull();
  }
}
