package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;

class SwapManagerTest {
  private static final int PG = SwapDevice.PAGE_SIZE;

  @TempDir Path dir;
  private final List<SwapDevice> opened = new ArrayList<>();
  private final UvmExp exp = new UvmExp();
  private final SwapManager swap = new SwapManager(exp, (s, e) -> false);

  private FaultInjectingSwapDevice device(String name, int pages) throws IOException {
    FaultInjectingSwapDevice d =
        new FaultInjectingSwapDevice(
            FileSwapDevice.open(dir.resolve(name), (long) pages * PG, false));
    opened.add(d);
    return d;
  }

  @AfterEach
  void closeAll() throws IOException {
    swap.close();
    for (SwapDevice d : opened) {
      d.close();
    }
  }

  @Test
  void slotZeroIsNeverHandedOutAndCountersFollowAllocAndFree() throws IOException {
    SwapArea sdp = swap.swapOn(device("a", 8), 0);
    assertThat(sdp.drumOffset()).isEqualTo(1);
    assertThat(swap.swpages()).isEqualTo(8);
    assertThat(swap.swpgavail()).isEqualTo(8);
    int first = swap.alloc(1);
    assertThat(first).isEqualTo(1);
    int run = swap.alloc(3);
    assertThat(run).isEqualTo(2);
    assertThat(swap.swpginuse()).isEqualTo(4);
    swap.free(run, 3);
    assertThat(swap.swpginuse()).isEqualTo(1);
    assertThat(swap.isAllocated(first)).isTrue();
    assertThat(swap.isAllocated(run)).isFalse();
    assertThat(swap.isAllocated(0)).isFalse();
  }

  @Test
  void clusterAllocationIsContiguousNextFitAndWraps() throws IOException {
    swap.swapOn(device("a", 10), 0);
    int a = swap.alloc(4); // drum 1..4
    int b = swap.alloc(4); // 5..8
    assertThat(b).isEqualTo(a + 4);
    swap.free(a, 4);
    // next fit continues after b: only 2 left at the end, so a run of 3 wraps to the freed hole
    int c = swap.alloc(3);
    assertThat(c).isEqualTo(a);
    int d = swap.alloc(2); // the tail 9..10
    assertThat(d).isEqualTo(9);
    assertThat(swap.alloc(2)).as("no run of two left: only slot 4 is free").isZero();
    assertThat(swap.alloc(1)).isEqualTo(4);
    assertThat(swap.alloc(1)).isZero();
    assertThat(swap.swpginuse()).isEqualTo(10);
  }

  @Test
  void clusterNeverSpansAHoleOrTwoDevices() throws IOException {
    SwapArea d1 = swap.swapOn(device("a", 4), 0);
    SwapArea d2 = swap.swapOn(device("b", 4), 0);
    assertThat(d2.drumOffset()).isEqualTo(d1.drumOffset() + 4);
    int x = swap.alloc(3);
    int y = swap.alloc(3);
    assertThat(d1.contains(x) && d1.contains(x + 2) || d2.contains(x) && d2.contains(x + 2))
        .isTrue();
    assertThat(d1.contains(y) != d1.contains(x))
        .as("round robin between equal priorities")
        .isTrue();
    assertThat(swap.alloc(2)).as("one slot free on each device").isZero();
    assertThat(swap.alloc(1)).isPositive();
  }

  @Test
  void higherPriorityDeviceIsFilledFirst() throws IOException {
    SwapArea low = swap.swapOn(device("low", 4), 1);
    SwapArea high = swap.swapOn(device("high", 2), 5);
    assertThat(swap.devices()).containsExactly(high, low);
    assertThat(high.contains(swap.alloc(1))).isTrue();
    assertThat(high.contains(swap.alloc(1))).isTrue();
    assertThat(low.contains(swap.alloc(1))).isTrue();
  }

  @Test
  void badSlotsStayAllocatedAndAreNeverReused() throws IOException {
    swap.swapOn(device("a", 3), 0);
    int s = swap.alloc(1);
    swap.markBad(s, 1);
    assertThat(swap.isBad(s)).isTrue();
    assertThat(swap.swpgavail()).isEqualTo(2);
    assertThat(exp.swpgbad).isEqualTo(1);
    assertThat(exp.swpginuse).as("a bad slot stays allocated").isEqualTo(1);
    swap.free(SwapManager.SWSLOT_BAD, 1); // ignored, as uvm_swap_free does
    assertThatThrownBy(() -> swap.free(s, 1)).isInstanceOf(UvmPanic.class);
    int t = swap.alloc(1);
    int u = swap.alloc(1);
    assertThat(List.of(t, u)).doesNotContain(s);
    assertThat(swap.alloc(1)).isZero();
    List<Integer> good = new ArrayList<>();
    swap.forEachGoodSlot(good::add);
    assertThat(good).containsExactlyInAnyOrder(t, u);
  }

  @Test
  void swapOnlyCountFollowsDropPageinFreeAndMarkBad() throws IOException {
    swap.swapOn(device("a", 8), 0);
    int s = swap.alloc(2);
    swap.put(s, ByteBuffer.allocate(2 * PG));
    swap.setSwapOnly(s);
    swap.setSwapOnly(s + 1);
    assertThat(swap.swpgonly()).isEqualTo(2);
    assertThat(swap.get(s, ByteBuffer.allocate(PG))).isZero();
    assertThat(swap.swpgonly()).as("a page-in gives the data a RAM copy").isEqualTo(1);
    assertThatThrownBy(() -> swap.free(s + 1, 1))
        .as("freeing the only copy outside uvm_anfree is a bug")
        .isInstanceOf(UvmPanic.class);
    swap.swapOnlyFreed();
    swap.free(s + 1, 1);
    assertThat(swap.swpgonly()).isZero();
    assertThat(exp.swpgonly).isZero();
    assertThat(exp.swpginuse).isEqualTo(1);
    swap.setSwapOnly(s);
    swap.markBad(s, 1);
    assertThat(swap.swpgonly()).isZero();
  }

  @Test
  void ioErrorsBecomeEioAndBadSlotNeverReadsTheDevice() throws IOException {
    FaultInjectingSwapDevice d = device("a", 4);
    swap.swapOn(d, 0);
    int s = swap.alloc(2);
    d.failWritesOf(1);
    assertThat(swap.put(s, ByteBuffer.allocate(2 * PG))).isEqualTo(Errno.EIO);
    assertThat(swap.put(s, ByteBuffer.allocate(PG))).isZero();
    d.failReadsOf(0);
    assertThat(swap.get(s, ByteBuffer.allocate(PG))).isEqualTo(Errno.EIO);
    long readsBefore = d.reads();
    assertThat(swap.get(SwapManager.SWSLOT_BAD, ByteBuffer.allocate(PG))).isEqualTo(Errno.EIO);
    assertThat(d.reads()).isEqualTo(readsBefore);
  }

  @Test
  void dataRoundTripsThroughDrumSlotsOnTheSecondDevice() throws IOException {
    swap.swapOn(device("a", 2), 1);
    swap.swapOn(device("b", 2), 0);
    swap.alloc(2);
    int s = swap.alloc(1);
    assertThat(s).isEqualTo(3);
    ByteBuffer out = ByteBuffer.allocate(PG);
    out.putLong(0, 0x1122334455667788L).flip();
    out.limit(PG);
    assertThat(swap.put(s, out)).isZero();
    ByteBuffer in = ByteBuffer.allocate(PG);
    assertThat(swap.get(s, in)).isZero();
    assertThat(in.getLong(0)).isEqualTo(0x1122334455667788L);
  }

  @Test
  void isFullWhenSwapOnlyPagesFillNinetyNinePercent() throws IOException {
    swap.swapOn(device("a", 100), 0);
    int s = swap.alloc(99);
    for (int i = 0; i < 98; i++) {
      swap.setSwapOnly(s + i);
    }
    assertThat(swap.isFull()).isFalse();
    swap.setSwapOnly(s + 98);
    assertThat(swap.isFull()).isTrue();
  }

  @Test
  void swapOffRemovesAnIdleDeviceAndClosesIt() throws IOException {
    FaultInjectingSwapDevice d = device("a", 4);
    SwapArea sdp = swap.swapOn(d, 0);
    int[] range = new int[2];
    swap.setSwapOffWalker(
        (start, end) -> {
          range[0] = start;
          range[1] = end;
          return false;
        });
    assertThat(swap.swapOff(sdp)).isZero();
    assertThat(range).containsExactly(1, 5);
    assertThat(swap.devices()).isEmpty();
    assertThat(swap.swpages()).isZero();
    assertThat(swap.swapOff(sdp)).isEqualTo(Errno.EINVAL);
    assertThat(dir.resolve("a")).doesNotExist();
  }

  @Test
  void swapOffFailsWithEnomemAndKeepsTheDeviceInUse() throws IOException {
    SwapArea sdp = swap.swapOn(device("a", 4), 0);
    int s = swap.alloc(1);
    swap.setSwapOffWalker((start, end) -> true);
    assertThat(swap.swapOff(sdp)).isEqualTo(Errno.ENOMEM);
    assertThat(swap.devices()).containsExactly(sdp);
    assertThat(swap.swpgavail()).isEqualTo(4);
    assertThat(swap.isAllocated(s)).isTrue();
    assertThat(swap.alloc(1)).as("device enabled again").isPositive();
  }

  @Test
  void swapOffFailsWithEbusyWhenSlotsRemainAndIgnoresBadOnes() throws IOException {
    SwapArea sdp = swap.swapOn(device("a", 4), 0);
    int bad = swap.alloc(1);
    swap.markBad(bad, 1);
    int held = swap.alloc(1);
    assertThat(swap.swapOff(sdp)).isEqualTo(Errno.EBUSY);
    assertThat(swap.devices()).containsExactly(sdp);
    assertThat(swap.swpgavail()).isEqualTo(3);
    swap.free(held, 1);
    assertThat(swap.swapOff(sdp)).as("only bad slots left").isZero();
    assertThat(swap.swpginuse()).isZero();
    assertThat(exp.swpgbad).isZero();
    assertThat(exp.swpages).isZero();
  }

  @Test
  void closeKeepsTheLastCountersAndAllocatesNothingMore() throws IOException {
    swap.swapOn(device("a", 4), 0);
    int s = swap.alloc(1);
    swap.markBad(s, 1);
    swap.close();
    assertThat(dir.resolve("a")).doesNotExist();
    assertThat(swap.hasSwap()).isFalse();
    assertThat(swap.alloc(1)).isZero();
    assertThat(exp.swpages).isEqualTo(4);
    assertThat(exp.swpginuse).isEqualTo(1);
    assertThat(exp.swpgbad).isEqualTo(1);
  }

  @Test
  void disabledDeviceGetsNoNewSlotsDuringSwapOff() throws IOException {
    SwapArea a = swap.swapOn(device("a", 4), 5);
    SwapArea b = swap.swapOn(device("b", 4), 0);
    List<Integer> allocatedDuringWalk = new ArrayList<>();
    swap.setSwapOffWalker(
        (start, end) -> {
          allocatedDuringWalk.add(swap.alloc(1));
          return false;
        });
    assertThat(swap.swapOff(a)).isZero();
    assertThat(b.contains(allocatedDuringWalk.get(0))).isTrue();
  }
}
