package org.uvm4j.uvm.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;

class PhysMemTest {
  private static final int PAGE = PhysMem.PAGE_SIZE;

  @Test
  void sizeIsRoundedDownAndFrameZeroIsReserved() {
    UvmExp exp = new UvmExp();
    PhysMem pm = new PhysMem(10 * PAGE + 123, exp);
    assertThat(pm.frameCount()).isEqualTo(10);
    assertThat(pm.freeCount()).isEqualTo(9);
    assertThat(exp.npages).isEqualTo(9);
    assertThat(exp.free).isEqualTo(9);
    assertThat(pm.page(0).isFree()).isFalse();
    assertThat(pm.regionCount()).isEqualTo(1);
    assertThat(pm.region(0).capacity()).isEqualTo(10 * PAGE);
    pm.check();
  }

  @Test
  void regionIsDirectAndPageAligned() {
    PhysMem pm = new PhysMem(4 * PAGE);
    ByteBuffer b = pm.region(0);
    assertThat(b.isDirect()).isTrue();
    assertThat(b.alignmentOffset(0, PAGE)).isZero();
  }

  @Test
  void badSizesAreRefusedWithAMessage() {
    assertThatThrownBy(() -> new PhysMem(PAGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 pages");
    assertThatThrownBy(() -> new PhysMem(PhysMem.MAX_BYTES + PAGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
    assertThatThrownBy(
            () -> new PhysMem(16 * PAGE, new UvmExp(), new DirectRamBacking(), 16 * PAGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("leaves no frame");
  }

  @Test
  void allocUntilExhaustedThenReuseFreedFrames() {
    UvmExp exp = new UvmExp();
    PhysMem pm = new PhysMem(8 * PAGE, exp);
    List<VmPage> got = new ArrayList<>();
    Set<Integer> frames = new HashSet<>();
    VmPage pg;
    while ((pg = pm.alloc()) != null) {
      assertThat(pg.frame).isNotZero();
      assertThat(pg.pqflags).isZero();
      assertThat(frames.add(pg.frame)).isTrue();
      got.add(pg);
    }
    assertThat(got).hasSize(7);
    assertThat(pm.freeCount()).isZero();
    assertThat(exp.free).isZero();
    assertThat(pm.alloc()).isNull();

    VmPage back = got.get(3);
    pm.free(back);
    assertThat(back.isFree()).isTrue();
    assertThat(pm.freeCount()).isEqualTo(1);
    assertThat(pm.alloc()).isSameAs(back);
    pm.check();
  }

  @Test
  void doubleFreePanics() {
    PhysMem pm = new PhysMem(4 * PAGE);
    VmPage pg = pm.alloc();
    pm.free(pg);
    assertThatThrownBy(() -> pm.free(pg)).isInstanceOf(UvmPanic.class).hasMessageContaining("free");
  }

  @Test
  void freeOfAQueuedOrWiredPagePanics() {
    UvmExp exp = new UvmExp();
    PhysMem pm = new PhysMem(4 * PAGE, exp);
    PageQueues q = new PageQueues(exp);
    VmPage pg = pm.alloc();
    q.activate(pg);
    assertThatThrownBy(() -> pm.free(pg)).hasMessageContaining("queued");
    q.wire(pg);
    assertThatThrownBy(() -> pm.free(pg)).hasMessageContaining("wired");
  }

  @Test
  void freeClearsOwnerAndFlags() {
    PhysMem pm = new PhysMem(4 * PAGE);
    VmPage pg = pm.alloc();
    pg.object = "owner";
    pg.offset = 8192;
    pg.flags = VmPage.PG_BUSY | VmPage.PG_CLEAN;
    pm.free(pg);
    assertThat(pg.object).isNull();
    assertThat(pg.offset).isZero();
    assertThat(pg.flags).isZero();
    assertThat(pg.pqflags).isEqualTo(VmPage.PQ_FREE);
  }

  @Test
  void zeroCopyReadWrite() {
    UvmExp exp = new UvmExp();
    PhysMem pm = new PhysMem(4 * PAGE, exp);
    VmPage a = pm.alloc();
    VmPage b = pm.alloc();
    byte[] pattern = new byte[PAGE];
    for (int i = 0; i < PAGE; i++) {
      pattern[i] = (byte) (i * 7 + 1);
    }
    pm.write(a, 0, pattern, 0, PAGE);
    pm.write(b, 0, pattern, 0, PAGE);
    pm.zero(b);
    assertThat(exp.zeropages).isEqualTo(1);
    byte[] out = new byte[PAGE];
    pm.read(b, 0, out, 0, PAGE);
    assertThat(out).containsOnly(0);

    pm.copy(a, b);
    pm.read(b, 0, out, 0, PAGE);
    assertThat(out).isEqualTo(pattern);

    // frame f is at offset f << 12 of the (first and only) region
    assertThat(pm.region(0).get((a.frame << 12) + 5)).isEqualTo(pattern[5]);
    assertThat(pm.frameBuffer(a).get(5)).isEqualTo(pattern[5]);

    byte[] small = new byte[3];
    pm.read(a, PAGE - 3, small, 0, 3);
    assertThat(small).containsExactly(pattern[PAGE - 3], pattern[PAGE - 2], pattern[PAGE - 1]);
    assertThatThrownBy(() -> pm.read(a, PAGE - 2, small, 0, 3)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> pm.copy(a, a)).isInstanceOf(UvmPanic.class);
  }

  @Test
  void codeListenerFiresOnceForExecutedFramesOnly() {
    PhysMem pm = new PhysMem(8 * PAGE);
    List<Integer> told = new ArrayList<>();
    pm.setCodeListener(pg -> told.add(pg.frame));
    VmPage a = pm.alloc();
    VmPage b = pm.alloc();

    pm.zero(a); // never executed: silent
    pm.copy(a, b);
    pm.write(a, 0, new byte[4], 0, 4);
    assertThat(told).isEmpty();

    a.executed = true;
    pm.zero(a);
    assertThat(told).containsExactly(a.frame);
    assertThat(a.executed).isFalse();
    pm.zero(a); // mark cleared: silent until executed again
    assertThat(told).containsExactly(a.frame);

    b.executed = true;
    pm.copy(a, b); // the destination is rewritten
    assertThat(told).containsExactly(a.frame, b.frame);

    a.executed = true;
    pm.copy(a, b); // the source is only read
    assertThat(told).containsExactly(a.frame, b.frame);

    pm.write(a, 10, new byte[2], 0, 2);
    assertThat(told).containsExactly(a.frame, b.frame, a.frame);

    b.executed = true;
    pm.free(b);
    assertThat(told).containsExactly(a.frame, b.frame, a.frame, b.frame);
    assertThat(b.executed).isFalse();
  }

  @Test
  void checkCatchesACorruptedFreeList() {
    PhysMem pm = new PhysMem(4 * PAGE);
    VmPage pg = pm.alloc();
    pg.pqflags = VmPage.PQ_FREE; // claims to be free but is not on the list
    assertThatThrownBy(pm::check).isInstanceOf(UvmPanic.class).hasMessageContaining("PQ_FREE");
  }

  /** A direct backing with small regions that counts what it hands out. */
  private static final class CountingBacking implements RamBacking {
    final DirectRamBacking direct;
    int regions;
    long bytes;
    boolean closed;

    CountingBacking(int regionShift) {
      direct = new DirectRamBacking(regionShift);
    }

    @Override
    public int regionShift() {
      return direct.regionShift();
    }

    @Override
    public ByteBuffer allocateRegion(int n) {
      regions++;
      bytes += n;
      return direct.allocateRegion(n);
    }

    @Override
    public void close() {
      closed = true;
    }
  }

  @Test
  void largeRamCostsNothingUntilAFrameIsUsed() {
    UvmExp exp = new UvmExp();
    CountingBacking backing = new CountingBacking(20);
    PhysMem pm = new PhysMem(64L << 30, exp, backing, 0);
    assertThat(pm.frameCount()).isEqualTo(1 << 24);
    assertThat(pm.regionCount()).isEqualTo(1 << 16);
    assertThat(backing.regions).isZero();
    assertThat(pm.frontier()).isEqualTo(1);
    assertThat(pm.freeCount()).isEqualTo((1 << 24) - 1);
    assertThat(exp.npages).isEqualTo((1 << 24) - 1);
    assertThat(exp.free).isEqualTo(exp.npages);
    assertThatThrownBy(() -> pm.page(2)).isInstanceOf(UvmPanic.class).hasMessageContaining("never");

    VmPage a = pm.alloc();
    VmPage b = pm.alloc();
    assertThat(a.frame).isEqualTo(1);
    assertThat(b.frame).isEqualTo(2);
    assertThat(pm.frontier()).isEqualTo(3);
    assertThat(backing.regions).isEqualTo(1);
    assertThat(backing.bytes).isEqualTo(1 << 20);
    assertThat(exp.free).isEqualTo((1 << 24) - 3);
    pm.check();
  }

  @Test
  void framesAbove4GiBAreAllocatedFreedAndReusedWithTheirContents() {
    UvmExp exp = new UvmExp();
    CountingBacking backing = new CountingBacking(16); // 64 KiB regions: 16 frames each
    long reserved = 5L << 30;
    PhysMem pm = new PhysMem(64L << 30, exp, backing, reserved);
    int first = (int) (reserved >>> 12);
    assertThat(pm.firstFrame()).isEqualTo(first);
    assertThat(exp.npages).isEqualTo((1 << 24) - first);

    // 5000 frames: across region boundaries (every 16 frames) and a record-chunk boundary
    int n = 5000;
    VmPage[] pages = new VmPage[n];
    for (int i = 0; i < n; i++) {
      pages[i] = pm.alloc();
      assertThat(pages[i].frame).isEqualTo(first + i);
      assertThat(pages[i].physAddr()).isEqualTo(reserved + (long) i * PAGE);
      assertThat(pm.pageAt(pages[i].physAddr())).isSameAs(pages[i]);
      byte[] tag = {(byte) i, (byte) (i >> 8), (byte) 0x5a};
      pm.write(pages[i], PAGE - 3, tag, 0, 3);
    }
    assertThat(pm.frontier()).isEqualTo(first + n);
    assertThat(backing.regions).isEqualTo((n + 15) / 16);
    assertThat(exp.free).isEqualTo(exp.npages - n);
    pm.check();

    // contents stay apart; a copy crosses regions
    byte[] tag = new byte[3];
    for (int i = 0; i < n; i += 97) {
      pm.read(pages[i], PAGE - 3, tag, 0, 3);
      assertThat(tag).containsExactly((byte) i, (byte) (i >> 8), (byte) 0x5a);
    }
    pm.copy(pages[4321], pages[17]);
    pm.read(pages[17], PAGE - 3, tag, 0, 3);
    assertThat(tag).containsExactly((byte) 4321, (byte) (4321 >> 8), (byte) 0x5a);
    pm.zero(pages[4321]);
    assertThat(pm.frameBuffer(pages[4321]).getInt(PAGE - 4)).isZero();
    assertThat(pm.frameBuffer(pages[17]).get(PAGE - 1)).isEqualTo((byte) 0x5a);

    // freed frames come back first (LIFO), then the frontier moves on
    pm.free(pages[4000]);
    pm.free(pages[100]);
    assertThat(pm.freeCount()).isEqualTo(exp.npages - n + 2);
    assertThat(pm.frontier()).isEqualTo(first + n);
    pm.check();
    assertThat(pm.alloc()).isSameAs(pages[100]);
    assertThat(pm.alloc()).isSameAs(pages[4000]);
    VmPage next = pm.alloc();
    assertThat(next.frame).isEqualTo(first + n);
    assertThat(pm.frontier()).isEqualTo(first + n + 1);
    // a reused frame keeps what it held (contents undefined until zeroed or written)
    pm.read(pages[4000], PAGE - 3, tag, 0, 3);
    assertThat(tag).containsExactly((byte) 4000, (byte) (4000 >> 8), (byte) 0x5a);
    pm.check();

    // the reserved low memory has no records and is never handed out
    assertThatThrownBy(() -> pm.page(first - 1)).isInstanceOf(UvmPanic.class);
    assertThat(pm.page(0).isFree()).isFalse();
  }

  @Test
  void recordsOfAChunkAreMadeTogetherButExistOnlyFromTheFrontierDown() {
    // 2.5 chunks of records, the first frame in the middle of the first chunk (reserved low
    // memory) and a partial last chunk: every frame gets its own record once, in frame order, and a
    // frame the frontier has not reached has none, even when the rest of its chunk was made ahead
    UvmExp exp = new UvmExp();
    int chunk = PhysMem.CHUNK_FRAMES;
    int first = chunk / 2 + 3;
    int frames = 2 * chunk + chunk / 2;
    PhysMem pm =
        new PhysMem((long) frames * PAGE, exp, new CountingBacking(16), (long) first * PAGE);
    assertThat(pm.firstFrame()).isEqualTo(first);
    Set<VmPage> seen = new HashSet<>();
    for (int f = first; f < frames; f++) {
      int next = f;
      assertThatThrownBy(() -> pm.page(next))
          .isInstanceOf(UvmPanic.class)
          .hasMessageContaining("never");
      VmPage pg = pm.alloc();
      assertThat(pg.frame).isEqualTo(f);
      assertThat(pg.pqflags).isZero();
      assertThat(pg.anon).isNull();
      assertThat(pg.mdpage.isMapped()).isFalse();
      assertThat(seen.add(pg)).isTrue();
      assertThat(pm.page(f)).isSameAs(pg);
      assertThat(pm.pageAt(pg.physAddr())).isSameAs(pg);
      assertThat(pm.frontier()).isEqualTo(f + 1);
    }
    assertThat(pm.alloc()).isNull();
    assertThat(exp.free).isZero();
    assertThatThrownBy(() -> pm.page(first - 1)).isInstanceOf(UvmPanic.class);
    pm.check();
    // freed and handed out again: the same records, not new ones
    VmPage a = pm.page(first + chunk);
    pm.free(a);
    assertThat(pm.alloc()).isSameAs(a);
    pm.check();
  }

  @Test
  void closeReleasesTheBackingAndLaterAccessFailsClearly() {
    UvmExp exp = new UvmExp();
    CountingBacking backing = new CountingBacking(16);
    PhysMem pm = new PhysMem(1 << 20, exp, backing, 0);
    VmPage pg = pm.alloc();
    pm.free(pg);
    pm.close();
    pm.close();
    assertThat(backing.closed).isTrue();
    assertThat(pm.isClosed()).isTrue();
    assertThat(pm.freeCount()).isEqualTo(255);
    pm.check();
    assertThatThrownBy(() -> pm.read(pg, 0, new byte[1], 0, 1)).hasMessageContaining("closed");
    assertThatThrownBy(pm::alloc).hasMessageContaining("closed");
    assertThatThrownBy(() -> pm.region(0)).hasMessageContaining("closed");
  }
}
