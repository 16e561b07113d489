package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A /proc file reads one snapshot, taken by the first read (not at open), and a fresh one from each
 * later read at offset 0.
 */
class SyntheticFileTest {
  private final AtomicInteger version = new AtomicInteger(1);
  private final SyntheticFile file =
      new SyntheticFile(
          5, 7, 0444, () -> ("v" + version.get() + "\n").getBytes(StandardCharsets.US_ASCII));

  private static String read(OpenFile f, int len) throws Exception {
    byte[] b = new byte[len];
    long n = f.read(b, 0, len);
    return new String(b, 0, (int) n, StandardCharsets.US_ASCII);
  }

  @Test
  void aReadFromOffsetZeroTakesTheContentsAgain() throws Exception {
    OpenFile f = file.open(OpenFlags.O_RDONLY);
    version.set(2);
    assertThat(read(f, 1)).as("taken by the first read, not at open (seq_file)").isEqualTo("v");
    version.set(5);
    assertThat(read(f, 10)).as("the same snapshot goes on").isEqualTo("2\n");
    version.set(2);
    assertThat(f.lseek(0, SeekableFile.SEEK_SET)).isZero();
    assertThat(read(f, 10)).isEqualTo("v2\n");
    version.set(3);
    byte[] b = new byte[3];
    assertThat(f.pread(b, 0, 3, 0)).isEqualTo(3);
    assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("v3\n");
    f.release();
  }
}
