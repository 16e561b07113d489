package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmExp;

/**
 * Coverage-guided fuzzing of the swap reader (Jazzer): pages are written to a swap file, then the
 * file is damaged behind uvm4j's back as the input says (bytes overwritten anywhere, truncated to
 * any length — reads past its end are short —, regrown with holes); every page read back must be
 * exactly the page written or an I/O error (EIO, the slot marked bad), never zeros, other data or
 * an exception. {@code make test} fuzzes for a few seconds; {@code make fuzz} for longer.
 */
class SwapReaderFuzzTest {
  private static final int PG = SwapDevice.PAGE_SIZE;

  @FuzzTest(maxDuration = "5s")
  void damagedSwapReadsBackIntactOrAsIoErrors(FuzzedDataProvider data) throws IOException {
    Path dir = Files.createTempDirectory("uvm4j-swapfuzz");
    UvmExp exp = new UvmExp();
    SwapManager swap = new SwapManager(exp, (s, e) -> false);
    try {
      int pages = data.consumeInt(1, 12);
      Path file = dir.resolve("swap");
      swap.swapOn(FileSwapDevice.open(file, (long) (pages + 4) * PG, false), 0);
      int slot = swap.alloc(pages);
      assertThat(slot).isPositive();
      SplittableRandom rnd = new SplittableRandom(data.consumeLong());
      byte[][] written = new byte[pages][PG];
      ByteBuffer all = ByteBuffer.allocate(pages * PG);
      for (byte[] page : written) {
        if (rnd.nextBoolean()) {
          for (int i = 0; i < PG; i++) {
            page[i] = (byte) rnd.nextInt();
          }
        } // else an all-zero page: a reader that returned zeros for it must still be checked
        all.put(page);
      }
      assertThat(swap.put(slot, all.flip())).isZero();

      long size = Files.size(file);
      try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
        int ops = data.consumeInt(0, 6);
        for (int i = 0; i < ops; i++) {
          switch (data.consumeInt(0, 2)) {
            case 0 ->
                ch.write(
                    ByteBuffer.wrap(data.consumeBytes(data.consumeInt(1, 64))),
                    data.consumeLong(0, size + PG));
            case 1 -> ch.truncate(data.consumeLong(0, size));
            default -> ch.write(ByteBuffer.wrap(new byte[] {0}), data.consumeLong(0, 2 * size));
          }
        }
      }

      for (int i = 0; i < pages; i++) {
        ByteBuffer back = ByteBuffer.allocate(PG);
        int e = swap.get(slot + i, back);
        if (e == 0) {
          assertThat(back.array()).as("page %d read back", i).isEqualTo(written[i]);
        } else {
          assertThat(e).as("page %d", i).isEqualTo(Errno.EIO);
        }
      }
      assertThat(exp.swpgcorrupt).isLessThanOrEqualTo(pages);
    } finally {
      swap.close();
      try (Stream<Path> s = Files.walk(dir)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
