package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.pdaemon.MemoryUsage;
import org.uvm4j.uvm.pdaemon.PageDaemon;

/**
 * Every page read back from swap is checked against the CRC32C recorded when it was written: a file
 * changed behind uvm4j's back gives an I/O error (SIGBUS for the guest), never other data.
 */
class SwapChecksumTest {
  private static final int PG = SwapDevice.PAGE_SIZE;

  @TempDir Path dir;
  private final UvmExp exp = new UvmExp();
  private final SwapManager swap = new SwapManager(exp, (s, e) -> false);

  @AfterEach
  void close() {
    swap.close();
  }

  private static ByteBuffer page(int tag) {
    byte[] b = new byte[PG];
    Arrays.fill(b, (byte) (tag * 13 + 5));
    b[7] = (byte) tag;
    return ByteBuffer.wrap(b);
  }

  private Path swapOn(int pages) throws IOException {
    Path p = dir.resolve("swap");
    swap.swapOn(FileSwapDevice.open(p, (long) pages * PG, false), 0);
    return p;
  }

  @Test
  void intactPagesReadBackAndChangedOnesAreIoErrors() throws IOException {
    Path p = swapOn(8);
    int slot = swap.alloc(3);
    assertThat(
            swap.put(
                slot, ByteBuffer.allocate(3 * PG).put(page(1)).put(page(2)).put(page(3)).flip()))
        .isZero();
    ByteBuffer back = ByteBuffer.allocate(PG);
    assertThat(swap.get(slot, back)).isZero();
    assertThat(back.array()).isEqualTo(page(1).array());

    // someone else writes one byte into the second page's slot
    long fileOffset = (long) (slot - swap.devices().get(0).drumOffset() + 1) * PG + 100;
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.write(ByteBuffer.wrap(new byte[] {42}), fileOffset);
    }
    assertThat(swap.get(slot + 1, ByteBuffer.allocate(PG))).isEqualTo(Errno.EIO);
    assertThat(exp.swpgcorrupt).isEqualTo(1);
    assertThat(swap.get(slot + 2, ByteBuffer.allocate(PG))).as("its neighbour is intact").isZero();
  }

  @Test
  void truncatedAndRegrownFileReadsAsErrorsNotZeros() throws IOException {
    Path p = swapOn(16);
    int slot = swap.alloc(4);
    ByteBuffer four = ByteBuffer.allocate(4 * PG);
    for (int i = 0; i < 4; i++) {
      four.put(page(i + 10));
    }
    assertThat(swap.put(slot, four.flip())).isZero();
    // truncated from outside, then regrown by a later page-out: the holes read as zeros
    try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
      ch.truncate(0);
    }
    int later = swap.alloc(1);
    assertThat(later).isGreaterThan(slot + 3);
    assertThat(swap.put(later, page(99))).isZero();
    for (int i = 0; i < 4; i++) {
      assertThat(swap.get(slot + i, ByteBuffer.allocate(PG))).isEqualTo(Errno.EIO);
    }
    assertThat(exp.swpgcorrupt).isEqualTo(4);
    ByteBuffer back = ByteBuffer.allocate(PG);
    assertThat(swap.get(later, back)).isZero();
    assertThat(back.array()).isEqualTo(page(99).array());
  }

  @Test
  void aFreedOrNeverWrittenSlotDoesNotVerify() throws IOException {
    swapOn(4);
    int slot = swap.alloc(1);
    assertThat(swap.get(slot, ByteBuffer.allocate(PG))).isEqualTo(Errno.EIO);
    assertThat(swap.put(slot, page(3))).isZero();
    assertThat(swap.get(slot, ByteBuffer.allocate(PG))).isZero();
    swap.free(slot, 1);
    assertThat(swap.get(slot, ByteBuffer.allocate(PG))).isEqualTo(Errno.EIO);
  }

  @Test
  void corruptedSwapGivesTheOwningSpaceSigbusAndCountsTheSlotBad() throws IOException {
    VmFixture m = new VmFixture(32L * VmFixture.PAGE);
    SwapPager pager = SwapPager.attach(m.uvm);
    PageDaemon daemon = PageDaemon.attach(m.uvm, pager);
    Path p = dir.resolve("vmswap");
    pager.swap().swapOn(FileSwapDevice.open(p, 128L * PG, false), 0);
    try {
      Vmspace vm = m.newSpace();
      Vmspace other = m.newSpace();
      long a = m.mapAnon(vm, 4, Prot.RW, false);
      long b = m.mapAnon(other, 1, Prot.RW, false);
      for (int i = 0; i < 4; i++) {
        VmFixture.assertPoke(vm, a + i * VmFixture.PAGE, 0x40 + i);
      }
      VmFixture.assertPoke(other, b, 0x77);
      m.uvm.pageQueues().lock().lock();
      try {
        while (m.uvm.pageQueues().activeHead() != null) {
          m.uvm.pageDeactivate(m.uvm.pageQueues().activeHead());
        }
      } finally {
        m.uvm.pageQueues().lock().unlock();
      }
      long freetarg = m.exp().freetarg;
      m.exp().freetarg = m.uvm.physMem().frameCount();
      daemon.run();
      m.exp().freetarg = freetarg;
      assertThat(MemoryUsage.of(vm).swapPages()).isEqualTo(4);
      assertThat(MemoryUsage.of(other).swapPages()).isEqualTo(1);
      // the whole file is zeroed from outside
      try (FileChannel ch = FileChannel.open(p, StandardOpenOption.WRITE)) {
        long size = ch.size();
        ch.truncate(0);
        ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
      }
      assertThat(VmFixture.touch(vm, a, Prot.READ)).isEqualTo(FaultResult.BUS);
      assertThat(VmFixture.touch(vm, a, Prot.READ)).as("stays bad").isEqualTo(FaultResult.BUS);
      assertThat(VmFixture.touch(other, b, Prot.READ)).isEqualTo(FaultResult.BUS);
      assertThat(m.exp().swpgbad).isEqualTo(2);
      assertThat(m.exp().swpgcorrupt).isEqualTo(2);
      m.audit();
      SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList());
    } finally {
      pager.swap().close();
    }
  }
}
