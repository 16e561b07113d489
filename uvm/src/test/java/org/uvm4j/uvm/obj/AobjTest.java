package org.uvm4j.uvm.obj;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.VmPage;

/** uvm_aobj without swap: one test per uao_* function and per host-side operation. */
class AobjTest {
  private static final int PAGE = (int) VmFixture.PAGE;
  private final VmFixture m = new VmFixture(4L << 20);

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i * 7);
    }
    return b;
  }

  @Test
  void createPutsTheObjectOnUaoListWithOneReference() {
    Aobj a = Aobj.create(m.uvm, "t", 3 * PAGE);
    assertThat(a.refs()).isEqualTo(1);
    assertThat(a.size()).isEqualTo(3 * PAGE);
    assertThat(a.residentPages()).isZero();
    assertThat(m.uvm.swapObjects().objects()).containsExactly(a);
    assertThat(m.exp().aobjs).isEqualTo(1);
    m.audit();
    a.detach();
    assertThat(m.uvm.swapObjects().objects()).isEmpty();
    assertThat(m.exp().aobjs).isZero();
  }

  @Test
  void createRejectsBadSizes() {
    assertThatThrownBy(() -> Aobj.create(m.uvm, "neg", -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Aobj.create(m.uvm, "huge", Aobj.MAX_SIZE + 1))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void referenceAndDetachCountUsersAndTheLastDetachFreesEveryPage() {
    long free0 = m.uvm.physMem().freeCount();
    Aobj a = Aobj.create(m.uvm, "t", 4 * PAGE);
    a.reference();
    assertThat(a.write(0, bytes(4 * PAGE, 1), 0, 4 * PAGE)).isZero();
    assertThat(a.residentPages()).isEqualTo(4);
    assertThat(m.exp().aobjpages).isEqualTo(4);
    a.detach();
    assertThat(a.refs()).isEqualTo(1);
    assertThat(a.residentPages()).isEqualTo(4);
    a.detach();
    assertThat(a.isDead()).isTrue();
    assertThat(m.exp().aobjpages).isZero();
    assertThat(m.uvm.physMem().freeCount()).isEqualTo(free0);
    assertThatThrownBy(a::reference).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(a::detach).isInstanceOf(UvmPanic.class);
    m.audit();
  }

  @Test
  void getZeroFillsAHoleOnceAndReturnsTheSamePageAfter() {
    Aobj a = Aobj.create(m.uvm, "t", 2 * PAGE);
    VmPage pg = a.getPage(PAGE);
    assertThat(pg).isNotNull();
    assertThat(pg.object).isSameAs(a);
    assertThat(pg.offset).isEqualTo(PAGE);
    assertThat(pg.pqflags & VmPage.PQ_AOBJ).isNotZero();
    assertThat(pg.isBusy()).isFalse();
    assertThat(pg.isQueued()).as("on a paging queue, for the page daemon").isTrue();
    byte[] got = new byte[PAGE];
    m.uvm.physMem().read(pg, 0, got, 0, PAGE);
    assertThat(got).containsOnly(0);
    assertThat(a.getPage(PAGE)).isSameAs(pg);
    assertThat(a.residentPages()).isEqualTo(1);
    assertThat(a.residentPage(0)).isNull();
    m.audit();
    a.detach();
  }

  @Test
  void getBeyondTheEndIsABadPage() {
    Aobj a = Aobj.create(m.uvm, "t", PAGE + 1);
    assertThat(a.getPage(PAGE)).isNotNull(); // the partial last page is inside
    assertThat(a.getPage(2 * PAGE)).isNull();
    assertThat(a.isBadPage(2 * PAGE)).isTrue();
    assertThat(a.isBadPage(PAGE)).isFalse();
    assertThatThrownBy(() -> a.getPage(3)).isInstanceOf(UvmPanic.class);
    a.detach();
  }

  @Test
  void getWithoutFreeFramesReturnsNullAndIsNotBad() {
    VmFixture small = new VmFixture(8 * VmFixture.PAGE);
    Aobj a = Aobj.create(small.uvm, "t", 64L * PAGE);
    int got = 0;
    while (a.getPage((long) got * PAGE) != null) {
      got++;
    }
    assertThat(got).isPositive().isLessThan(64);
    assertThat(a.isBadPage((long) got * PAGE)).isFalse();
    assertThat(a.write(0L, new byte[1], 0, 1)).isZero(); // resident: no frame needed
    assertThat(a.write((long) got * PAGE, new byte[1], 0, 1)).isEqualTo(Errno.ENOMEM);
    a.detach();
    small.audit();
  }

  @Test
  void writeThenReadRoundTripsAcrossPagesAndGrowsTheObject() {
    Aobj a = Aobj.create(m.uvm, "t", 0);
    byte[] data = bytes(3 * PAGE + 100, 5);
    assertThat(a.write(PAGE / 2, data, 0, data.length)).isZero();
    assertThat(a.size()).isEqualTo(PAGE / 2 + data.length);
    byte[] back = new byte[data.length];
    assertThat(a.read(PAGE / 2, back, 0, back.length)).isZero();
    assertThat(back).isEqualTo(data);
    byte[] head = new byte[PAGE / 2];
    assertThat(a.read(0, head, 0, head.length)).isZero();
    assertThat(head).containsOnly(0);
    assertThat(a.write(Aobj.MAX_SIZE - 1, new byte[2], 0, 2)).isEqualTo(Errno.EFBIG);
    assertThatThrownBy(() -> a.read(-1, back, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    m.audit();
    a.detach();
  }

  @Test
  void readingAHoleAllocatesNothing() {
    Aobj a = Aobj.create(m.uvm, "t", 100L * PAGE);
    long free0 = m.uvm.physMem().freeCount();
    byte[] buf = new byte[10 * PAGE];
    Arrays.fill(buf, (byte) 9);
    assertThat(a.read(50L * PAGE, buf, 0, buf.length)).isZero();
    assertThat(buf).containsOnly(0);
    assertThat(m.uvm.physMem().freeCount()).isEqualTo(free0);
    assertThat(a.residentPages()).isZero();
    a.detach();
  }

  @Test
  void putFreeMakesHolesAndRemovesMappings() throws UvmException {
    Aobj a = Aobj.create(m.uvm, "t", 4 * PAGE);
    assertThat(a.write(0, bytes(4 * PAGE, 3), 0, 4 * PAGE)).isZero();
    Vmspace vm = m.newSpace();
    long va = vm.mmap(MapRequest.anon(4 * PAGE, Prot.RW).withObject(a, 0).withShared(true));
    VmFixture.assertPeek(vm, va + PAGE, bytes(4 * PAGE, 3)[PAGE]);
    assertThat(a.put(PAGE, 3 * PAGE, Aobj.PGO_FREE)).isZero();
    assertThat(a.residentPages()).isEqualTo(2);
    assertThat(vm.pmap().extract(va + PAGE)).as("mapping removed").isNull();
    VmFixture.assertPeek(vm, va + PAGE, 0); // a hole now
    VmFixture.assertPeek(vm, va + 3 * PAGE, bytes(4 * PAGE, 3)[3 * PAGE]);
    assertThat(a.put(1, PAGE, Aobj.PGO_FREE)).isEqualTo(Errno.EINVAL);
    assertThat(a.put(0, PAGE, 0x80)).isEqualTo(Errno.EINVAL);
    m.audit();
    m.exit(vm);
    a.detach();
    m.audit();
  }

  @Test
  void putDeactivateMovesPagesToTheInactiveQueue() {
    Aobj a = Aobj.create(m.uvm, "t", 2 * PAGE);
    VmPage pg = a.getPage(0);
    assertThat(pg.pqflags & VmPage.PQ_ACTIVE).isNotZero();
    assertThat(a.put(0, 2 * PAGE, Aobj.PGO_DEACTIVATE)).isZero();
    assertThat(pg.pqflags & VmPage.PQ_INACTIVE).isNotZero();
    a.detach();
  }

  @Test
  void truncateShrinksZeroesTheTailAndGrowsWithHoles() {
    Aobj a = Aobj.create(m.uvm, "t", 0);
    assertThat(a.write(0, bytes(3 * PAGE, 1), 0, 3 * PAGE)).isZero();
    assertThat(a.truncate(PAGE + 10)).isZero();
    assertThat(a.size()).isEqualTo(PAGE + 10);
    assertThat(a.residentPages()).isEqualTo(2);
    assertThat(a.truncate(3 * PAGE)).isZero();
    byte[] back = new byte[2 * PAGE];
    assertThat(a.read(PAGE, back, 0, back.length)).isZero();
    assertThat(Arrays.copyOfRange(back, 0, 10))
        .isEqualTo(Arrays.copyOfRange(bytes(3 * PAGE, 1), PAGE, PAGE + 10));
    assertThat(Arrays.copyOfRange(back, 10, back.length)).containsOnly(0);
    assertThat(a.truncate(-1)).isEqualTo(Errno.EINVAL);
    assertThat(a.truncate(Aobj.MAX_SIZE + 1)).isEqualTo(Errno.EFBIG);
    m.audit();
    a.detach();
  }

  @Test
  void swapSlotFunctionsNeedTheObjectLock() {
    Aobj a = Aobj.create(m.uvm, "t", PAGE);
    assertThatThrownBy(() -> a.findSwslot(0)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> a.setSwslot(0, 5)).isInstanceOf(UvmPanic.class);
    a.lock().lock();
    try {
      assertThat(a.findSwslot(0)).isZero();
      assertThat(a.setSwslot(0, Aobj.SWSLOT_BAD)).isZero();
      assertThat(a.findSwslot(0)).isEqualTo(Aobj.SWSLOT_BAD);
      assertThat(a.setSwslot(0, 0)).isEqualTo(Aobj.SWSLOT_BAD);
    } finally {
      a.lock().unlock();
    }
    a.detach();
  }

  @Test
  void aBadSlotIsEioForReadsAndSigbusForFaults() throws UvmException {
    Aobj a = Aobj.create(m.uvm, "t", 2 * PAGE);
    a.lock().lock();
    a.setSwslot(1, Aobj.SWSLOT_BAD);
    a.lock().unlock();
    assertThat(a.read(PAGE, new byte[4], 0, 4)).isEqualTo(Errno.EIO);
    assertThat(a.write(PAGE, new byte[4], 0, 4)).isEqualTo(Errno.EIO);
    Vmspace vm = m.newSpace();
    long va = vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW).withObject(a, 0).withShared(true));
    assertThat(VmFixture.touch(vm, va + PAGE, Prot.READ)).isEqualTo(FaultResult.BUS);
    assertThat(VmFixture.touch(vm, va, Prot.READ)).isEqualTo(FaultResult.OK);
    m.exit(vm);
    a.detach();
    m.audit();
  }

  @Test
  void auditReportsAPageThatLeftItsObject() {
    Aobj a = Aobj.create(m.uvm, "t", PAGE);
    VmPage pg = a.getPage(0);
    pg.offset = PAGE; // corrupt
    assertThat(a.problems()).anyMatch(p -> p.contains("not owned by it"));
    pg.offset = 0;
    assertThat(a.problems()).isEmpty();
    a.detach();
  }
}
