package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.Aobj;
import org.uvm4j.uvm.pdaemon.PageDaemon;

/** Anonymous objects under memory pressure: page-out, page-in, errors, swap-off, free. */
class AobjSwapTest {
  private static final int PAGE = (int) VmFixture.PAGE;

  @TempDir Path dir;
  private VmFixture m;
  private SwapPager pager;
  private PageDaemon daemon;
  private FaultInjectingSwapDevice device;
  private SwapArea area;

  private void machine(long ramPages, long swapPages) throws IOException {
    m = new VmFixture(ramPages * PAGE);
    pager = SwapPager.attach(m.uvm);
    daemon = PageDaemon.attach(m.uvm, pager);
    device =
        new FaultInjectingSwapDevice(
            FileSwapDevice.open(dir.resolve("swap"), swapPages * PAGE, false));
    area = pager.swap().swapOn(device, 0);
  }

  @AfterEach
  void tearDown() {
    if (pager != null) {
      pager.swap().close();
    }
  }

  private void audit() {
    daemon.check();
    m.audit();
    SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList(), m.uvm.swapObjects().objects());
  }

  private static byte[] pageOf(int i) {
    byte[] b = new byte[PAGE];
    Arrays.fill(b, (byte) (i * 31 + 7));
    b[0] = (byte) i;
    b[PAGE - 1] = (byte) (i >> 8);
    return b;
  }

  private static void fill(Aobj a, int pages) {
    for (int i = 0; i < pages; i++) {
      assertThat(a.write((long) i * PAGE, pageOf(i), 0, PAGE)).as("write page %d", i).isZero();
    }
  }

  private static void verify(Aobj a, int pages) {
    byte[] got = new byte[PAGE];
    for (int i = 0; i < pages; i++) {
      assertThat(a.read((long) i * PAGE, got, 0, PAGE)).as("read page %d", i).isZero();
      assertThat(got).as("page %d", i).isEqualTo(pageOf(i));
    }
  }

  @Test
  void anObjectThreeTimesRamRoundTripsThroughSwap() throws IOException {
    machine(64, 512);
    Aobj a = Aobj.create(m.uvm, "tmpfs:big", 0);
    fill(a, 192);
    assertThat(m.exp().pgswapout).as("pages went to swap").isPositive();
    assertThat(a.swapSlots()).isPositive();
    assertThat(m.exp().swpgonly).isPositive();
    audit();
    verify(a, 192);
    assertThat(m.exp().pgswapin).isPositive();
    audit();
    a.detach();
    audit();
    assertThat(m.exp().swpginuse).as("every slot freed with the object").isZero();
    assertThat(m.exp().swpgonly).isZero();
    assertThat(m.exp().aobjpages).isZero();
  }

  @Test
  void aCleanPagedInPageIsDroppedWithoutWritingItAgain() throws IOException {
    machine(64, 512);
    Aobj a = Aobj.create(m.uvm, "t", 0);
    fill(a, 150);
    verify(a, 150); // pages come back clean, keeping their slots
    long written = device.pagesWritten();
    long slots = m.exp().swpginuse;
    a.put(0, 150L * PAGE, Aobj.PGO_DEACTIVATE);
    daemon.reclaim();
    assertThat(m.exp().pdfreed).isPositive();
    // the pages verified last were clean: reclaimed without new writes beyond the dirty ones
    assertThat(device.pagesWritten() - written).isLessThan(150);
    assertThat(m.exp().swpginuse).isLessThanOrEqualTo(slots + 150);
    audit();
    verify(a, 150);
    audit();
    a.detach();
    audit();
  }

  @Test
  void writingThroughASharedMappingMakesTheSwapCopyStale() throws IOException, UvmException {
    machine(64, 512);
    Aobj a = Aobj.create(m.uvm, "memfd:m", 100L * PAGE);
    Vmspace vm = m.newSpace();
    long va = vm.mmap(MapRequest.anon(100L * PAGE, Prot.RW).withObject(a, 0).withShared(true));
    for (int i = 0; i < 100; i++) {
      VmFixture.assertPoke(vm, va + (long) i * PAGE, i);
    }
    audit();
    for (int i = 0; i < 100; i++) {
      VmFixture.assertPeek(vm, va + (long) i * PAGE, i);
    }
    for (int i = 0; i < 100; i++) {
      VmFixture.assertPoke(vm, va + (long) i * PAGE + 1, 200 - i);
    }
    audit();
    byte[] two = new byte[2];
    for (int i = 0; i < 100; i++) {
      assertThat(a.read((long) i * PAGE, two, 0, 2)).isZero();
      assertThat(two).as("page %d", i).containsExactly((byte) i, (byte) (200 - i));
    }
    m.exit(vm);
    a.detach();
    audit();
  }

  @Test
  void aReadErrorLosesOnlyThatPageAsEioAndSigbus() throws IOException, UvmException {
    machine(64, 512);
    Aobj a = Aobj.create(m.uvm, "t", 0);
    fill(a, 150);
    int lost = -1;
    a.lock().lock();
    try {
      for (int i = 0; i < 150 && lost < 0; i++) {
        if (a.findSwslot(i) > 0 && a.residentPage((long) i * PAGE) == null) {
          lost = i;
          device.failReadsOf(a.findSwslot(i) - area.drumOffset());
        }
      }
    } finally {
      a.lock().unlock();
    }
    assertThat(lost).as("some page is only in swap").isNotNegative();
    byte[] got = new byte[PAGE];
    assertThat(a.read((long) lost * PAGE, got, 0, PAGE)).isEqualTo(Errno.EIO);
    assertThat(a.isBadPage((long) lost * PAGE)).isTrue();
    Vmspace vm = m.newSpace();
    long va = vm.mmap(MapRequest.anon(150L * PAGE, Prot.RW).withObject(a, 0).withShared(true));
    assertThat(VmFixture.touch(vm, va + (long) lost * PAGE, Prot.READ)).isEqualTo(FaultResult.BUS);
    device.heal();
    for (int i = 0; i < 150; i++) {
      if (i != lost) {
        assertThat(a.read((long) i * PAGE, got, 0, PAGE)).isZero();
        assertThat(got).isEqualTo(pageOf(i));
      }
    }
    audit();
    m.exit(vm);
    a.detach();
    audit();
  }

  @Test
  void aWriteErrorKeepsThePageResident() throws IOException {
    machine(64, 512);
    Aobj a = Aobj.create(m.uvm, "t", 0);
    fill(a, 40);
    device.failNextWrites(1000);
    int extra = 0;
    for (int i = 40; i < 100; i++) {
      int error = a.write((long) i * PAGE, pageOf(i), 0, PAGE);
      if (error != 0) {
        assertThat(error).as("nowhere to put a page: ENOMEM").isEqualTo(Errno.ENOMEM);
        break;
      }
      extra++;
    }
    assertThat(pager.objectPager().writeErrors()).as("page-outs were tried").isPositive();
    assertThat(m.exp().swpgbad).isPositive();
    assertThat(m.exp().swpgonly).as("no page lives in a failed slot").isZero();
    device.heal();
    verify(a, 40 + extra);
    audit();
    a.detach();
    audit();
  }

  @Test
  void swapOffPagesObjectDataBackIn() throws IOException {
    machine(64, 512);
    Aobj a = Aobj.create(m.uvm, "t", 0);
    fill(a, 70);
    assertThat(a.truncate(30L * PAGE)).isZero();
    assertThat(a.swapSlots()).as("early pages were paged out").isPositive();
    audit();
    assertThat(pager.swap().swapOff(area)).isZero();
    assertThat(a.swapSlots()).isZero();
    assertThat(m.exp().swpginuse).isZero();
    audit();
    verify(a, 30);
    a.detach();
    audit();
  }

  @Test
  void swapOffFailsWithEnomemWhenRamCannotHoldTheObject() throws IOException {
    machine(64, 512);
    Aobj a = Aobj.create(m.uvm, "t", 0);
    fill(a, 150);
    assertThat(pager.swap().swapOff(area)).isEqualTo(Errno.ENOMEM);
    audit();
    verify(a, 150);
    a.detach();
    audit();
  }

  @Test
  void truncateFreesSwapOnlySlots() throws IOException {
    machine(64, 512);
    Aobj a = Aobj.create(m.uvm, "t", 0);
    fill(a, 150);
    long only = m.exp().swpgonly;
    assertThat(only).isPositive();
    assertThat(a.truncate(10L * PAGE)).isZero();
    audit();
    assertThat(m.exp().swpgonly).isLessThan(only);
    verify(a, 10);
    a.detach();
    audit();
    assertThat(m.exp().swpginuse).isZero();
  }
}
