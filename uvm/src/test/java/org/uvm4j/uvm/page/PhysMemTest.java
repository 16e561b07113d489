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
    assertThat(pm.buffer().capacity()).isGreaterThanOrEqualTo(10 * PAGE);
    pm.check();
  }

  @Test
  void bufferIsDirectAndPageAligned() {
    PhysMem pm = new PhysMem(4 * PAGE);
    ByteBuffer b = pm.buffer();
    assertThat(b.isDirect()).isTrue();
    assertThat(b.alignmentOffset(0, PAGE)).isZero();
  }

  @Test
  void badSizesAreRefusedWithAMessage() {
    assertThatThrownBy(() -> new PhysMem(PAGE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("at least 2 pages");
    assertThatThrownBy(() -> new PhysMem(4L << 30))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("out of range");
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

    // frame f is at offset f << 12 of the shared buffer
    assertThat(pm.buffer().get((a.frame << 12) + 5)).isEqualTo(pattern[5]);
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
}
