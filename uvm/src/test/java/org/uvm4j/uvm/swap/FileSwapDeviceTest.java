package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSwapDeviceTest {
  private static final int PG = SwapDevice.PAGE_SIZE;

  @TempDir Path dir;

  private static byte[] page(int fill) {
    byte[] b = new byte[PG];
    Arrays.fill(b, (byte) fill);
    b[0] = (byte) (fill + 1);
    b[PG - 1] = (byte) (fill + 2);
    return b;
  }

  @Test
  void createsFileOfConfiguredSizeAndRemovesItAtClose() throws IOException {
    Path p = dir.resolve("swap0");
    try (FileSwapDevice d = FileSwapDevice.open(p, 10 * PG + 100, false)) {
      assertThat(d.pages()).isEqualTo(10);
      assertThat(d.createdFile()).isTrue();
      assertThat(Files.size(p)).isEqualTo(10L * PG);
    }
    assertThat(p).doesNotExist();
  }

  @Test
  void keepsCreatedFileWhenAskedWithItsContents() throws IOException {
    Path p = dir.resolve("kept");
    try (FileSwapDevice d = FileSwapDevice.open(p, 4 * PG, true)) {
      d.writePages(2, page(7), 0, 1);
    }
    assertThat(p).exists();
    try (FileSwapDevice d = FileSwapDevice.open(p, 4 * PG, false, true)) {
      assertThat(d.createdFile()).isFalse();
      byte[] back = new byte[PG];
      d.readPage(2, back, 0);
      assertThat(back).isEqualTo(page(7));
    }
    assertThat(p).as("a file uvm4j did not create is never removed").exists();
  }

  @Test
  void clusteredWriteThenPageReadsRoundTrip() throws IOException {
    try (FileSwapDevice d = FileSwapDevice.open(dir.resolve("s"), 8 * PG, false)) {
      ByteBuffer cluster = ByteBuffer.allocateDirect(3 * PG);
      for (int i = 0; i < 3; i++) {
        cluster.put(page(10 * i));
      }
      cluster.flip();
      d.writePages(4, cluster);
      assertThat(cluster.hasRemaining()).isFalse();
      ByteBuffer dst = ByteBuffer.allocateDirect(2 * PG);
      dst.position(PG);
      d.readPage(5, dst);
      assertThat(dst.position()).isEqualTo(2 * PG);
      byte[] got = new byte[PG];
      dst.get(PG, got);
      assertThat(got).isEqualTo(page(10));
      byte[] never = new byte[PG];
      d.readPage(0, never, 0);
      assertThat(never).as("unwritten slots read as zero").containsOnly(0);
    }
  }

  @Test
  void refusesAnExistingFileSmallerThanTheSize() throws IOException {
    Path p = dir.resolve("small");
    Files.write(p, new byte[PG]);
    assertThatThrownBy(() -> FileSwapDevice.open(p, 2 * PG, false, true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("smaller than the swap size");
    assertThat(Files.size(p)).isEqualTo(PG);
  }

  @Test
  void refusesADirectoryAMissingParentAndATinySize() {
    assertThatThrownBy(() -> FileSwapDevice.open(dir, 2 * PG, false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("not a regular file");
    assertThatThrownBy(() -> FileSwapDevice.open(dir.resolve("no/such/f"), 2 * PG, false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("directory does not exist");
    assertThatThrownBy(() -> FileSwapDevice.open(dir.resolve("t"), PG - 1, false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("smaller than one page");
    assertThat(dir.resolve("t")).doesNotExist();
  }

  @Test
  void refusesAFileAlreadyInUse() throws IOException {
    Path p = dir.resolve("busy");
    try (FileSwapDevice d = FileSwapDevice.open(p, 2 * PG, false)) {
      assertThatThrownBy(() -> FileSwapDevice.open(p, 2 * PG, false))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("in use");
      assertThat(d.pages()).isEqualTo(2);
    }
  }

  @Test
  void rejectsTransfersOutsideTheDeviceOrNotWholePages() throws IOException {
    try (FileSwapDevice d = FileSwapDevice.open(dir.resolve("b"), 2 * PG, false)) {
      assertThatThrownBy(() -> d.writePages(1, new byte[2 * PG], 0, 2))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> d.readPage(2, new byte[PG], 0))
          .isInstanceOf(IndexOutOfBoundsException.class);
      assertThatThrownBy(() -> d.writePages(0, ByteBuffer.allocate(100)))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void truncatedFileGivesAnIoErrorNotGarbage() throws IOException {
    Path p = dir.resolve("trunc");
    try (FileSwapDevice d = FileSwapDevice.open(p, 4 * PG, false)) {
      try (var ch = java.nio.channels.FileChannel.open(p, java.nio.file.StandardOpenOption.WRITE)) {
        ch.truncate(PG);
      }
      assertThatThrownBy(() -> d.readPage(3, new byte[PG], 0))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("truncated");
    }
  }

  @Test
  void faultInjectorFailsChosenTransfersOnly() throws IOException {
    try (FaultInjectingSwapDevice d =
        new FaultInjectingSwapDevice(FileSwapDevice.open(dir.resolve("f"), 8 * PG, false))) {
      d.failWritesOf(3);
      assertThatThrownBy(() -> d.writePages(2, new byte[2 * PG], 0, 2))
          .isInstanceOf(IOException.class);
      d.writePages(4, page(1), 0, 1);
      d.failReadsOf(4);
      assertThatThrownBy(() -> d.readPage(4, new byte[PG], 0)).isInstanceOf(IOException.class);
      d.heal();
      byte[] back = new byte[PG];
      d.readPage(4, back, 0);
      assertThat(back).isEqualTo(page(1));
      d.failNextWrites(1);
      assertThatThrownBy(() -> d.writePages(0, new byte[PG], 0, 1)).isInstanceOf(IOException.class);
      d.writePages(0, new byte[PG], 0, 1);
      assertThat(d.writes()).isEqualTo(2);
      assertThat(d.pagesWritten()).isEqualTo(2);
      assertThat(d.reads()).isEqualTo(1);
    }
  }

  @Test
  void refusesAnExistingFileWithDataUnlessForcedAndLeavesItIntact() throws IOException {
    Path p = dir.resolve("precious");
    byte[] data = new byte[3 * PG];
    Arrays.fill(data, (byte) 0x5a);
    Files.write(p, data);
    assertThatThrownBy(() -> FileSwapDevice.open(p, 2 * PG, false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("already exists and holds " + 3 * PG + " bytes")
        .hasMessageContaining("--swap-force");
    assertThat(Files.readAllBytes(p)).isEqualTo(data);
    try (FileSwapDevice d = FileSwapDevice.open(p, 2 * PG, false, true)) {
      d.writePages(0, page(1), 0, 1);
      assertThat(Files.getPosixFilePermissions(p))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
    assertThat(p).as("a forced file is not removed").exists();
    assertThat(Files.size(p)).as("but the guests' pages do not outlive the run").isZero();
  }

  @Test
  void createsThePrivateFileModeSixHundred() throws IOException {
    Path p = dir.resolve("fresh");
    try (FileSwapDevice d = FileSwapDevice.open(p, 2 * PG, false)) {
      assertThat(Files.getPosixFilePermissions(p))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
    }
  }

  @Test
  void takesOverAnEmptyFileAndEmptiesItAgain() throws IOException {
    Path p = Files.createFile(dir.resolve("mktemp"));
    Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rw-r--r--"));
    try (FileSwapDevice d = FileSwapDevice.open(p, 4 * PG, false)) {
      assertThat(d.createdFile()).isFalse();
      assertThat(Files.size(p)).isEqualTo(4 * PG);
      assertThat(Files.getPosixFilePermissions(p))
          .isEqualTo(PosixFilePermissions.fromString("rw-------"));
      d.writePages(3, page(9), 0, 1);
    }
    assertThat(p).exists();
    assertThat(Files.size(p)).isZero();
  }

  @Test
  void refusesASymbolicLink() throws IOException {
    Path target = Files.createFile(dir.resolve("target"));
    Path link = Files.createSymbolicLink(dir.resolve("link"), target);
    assertThatThrownBy(() -> FileSwapDevice.open(link, 2 * PG, false, true))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
    Path dangling = Files.createSymbolicLink(dir.resolve("dangling"), dir.resolve("nowhere"));
    assertThatThrownBy(() -> FileSwapDevice.open(dangling, 2 * PG, false))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("symbolic link");
    assertThat(dir.resolve("nowhere")).doesNotExist();
    assertThat(Files.size(target)).isZero();
  }
}
