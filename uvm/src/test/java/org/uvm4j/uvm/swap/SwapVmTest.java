package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pdaemon.MemoryUsage;
import org.uvm4j.uvm.pdaemon.PageDaemon;

/** Swap under real address spaces: faults page in and out through the map and amap layers. */
class SwapVmTest {
  private static final long PAGE = VmFixture.PAGE;

  @TempDir Path dir;
  private VmFixture m;
  private SwapPager pager;
  private PageDaemon daemon;
  private FaultInjectingSwapDevice device;

  private void machine(long ramPages, long swapPages) throws IOException {
    m = new VmFixture(ramPages * PAGE);
    pager = SwapPager.attach(m.uvm);
    daemon = PageDaemon.attach(m.uvm, pager);
    if (swapPages > 0) {
      device =
          new FaultInjectingSwapDevice(
              FileSwapDevice.open(dir.resolve("swap"), swapPages * PAGE, false));
      pager.swap().swapOn(device, 0);
    }
  }

  @AfterEach
  void tearDown() {
    if (pager != null) {
      pager.swap().close();
    }
  }

  private void audit() {
    m.audit();
    SwapAudit.check(pager.swap(), m.exp(), m.uvm.amapList());
  }

  @Test
  void workingSetThreeTimesRamRoundTripsThroughSwap() throws IOException {
    machine(64, 512);
    Vmspace vm = m.newSpace();
    int pages = 192;
    long a = m.mapAnon(vm, pages, Prot.RW, false);
    for (int i = 0; i < pages; i++) {
      VmFixture.assertPoke(vm, a + i * PAGE, i & 0xff);
      VmFixture.assertPoke(vm, a + i * PAGE + PAGE - 1, (i * 3) & 0xff);
    }
    audit();
    assertThat(m.exp().pgswapout).isPositive();
    MemoryUsage u = MemoryUsage.of(vm);
    assertThat(u.totalPages()).isEqualTo(pages);
    assertThat(u.swapPages()).isPositive();
    assertThat(u.swapPages()).isEqualTo(m.exp().swpgonly);

    for (int round = 0; round < 2; round++) {
      for (int i = 0; i < pages; i++) {
        VmFixture.assertPeek(vm, a + i * PAGE, i & 0xff);
        VmFixture.assertPeek(vm, a + i * PAGE + PAGE - 1, (i * 3) & 0xff);
      }
    }
    assertThat(m.exp().pageins).isPositive();
    audit();

    m.exit(vm);
    assertThat(m.exp().swpginuse).as("no slot leaks after exit").isZero();
    assertThat(m.exp().swpgonly).isZero();
    audit();
  }

  @Test
  void forkedChildrenShareSwappedAnonsAndCopyOnWrite() throws IOException {
    machine(48, 512);
    Vmspace p = m.newSpace();
    int pages = 64;
    long a = m.mapAnon(p, pages, Prot.RW, false);
    for (int i = 0; i < pages; i++) {
      VmFixture.assertPoke(p, a + i * PAGE, 1 + (i & 0x7f));
    }
    Vmspace c = m.fork(p);
    daemon.run();
    for (int i = 0; i < pages; i += 2) {
      VmFixture.assertPoke(c, a + i * PAGE, 200);
    }
    audit();
    for (int i = 0; i < pages; i++) {
      VmFixture.assertPeek(p, a + i * PAGE, 1 + (i & 0x7f));
      VmFixture.assertPeek(c, a + i * PAGE, i % 2 == 0 ? 200 : 1 + (i & 0x7f));
    }
    audit();
    m.exit(p);
    audit();
    m.exit(c);
    assertThat(m.exp().swpginuse).isZero();
    audit();
  }

  @Test
  void pageReadBackByAFaultStaysCleanAndIsDroppedWithoutAWrite() throws IOException {
    machine(32, 128);
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, 8, Prot.RW, false);
    for (int i = 0; i < 8; i++) {
      VmFixture.assertPoke(vm, a + i * PAGE, 40 + i);
    }
    pushAllOut();
    long written = device.pagesWritten();
    for (int i = 0; i < 8; i++) {
      VmFixture.assertPeek(vm, a + i * PAGE, 40 + i); // read faults: page-in, slot kept
    }
    assertThat(m.exp().swpginuse).as("the fault path keeps the slots").isEqualTo(8);
    assertThat(m.exp().swpgonly).isZero();
    VmFixture.assertPoke(vm, a, 99); // a write makes page 0's slot stale
    audit();

    pushAllOut();

    assertThat(device.pagesWritten())
        .as("only the written page goes out again")
        .isEqualTo(written + 1);
    for (int i = 0; i < 8; i++) {
      VmFixture.assertPeek(vm, a + i * PAGE, i == 0 ? 99 : 40 + i);
    }
    audit();
    m.exit(vm);
    assertThat(m.exp().swpginuse).isZero();
  }

  /** Deactivates everything and runs the daemon with a target of all of RAM. */
  private void pushAllOut() {
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
  }

  @Test
  void readErrorOnSwapInGivesBus() throws IOException {
    machine(32, 128);
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, 8, Prot.RW, false);
    for (int i = 0; i < 8; i++) {
      VmFixture.assertPoke(vm, a + i * PAGE, 9);
    }
    m.uvm.pageQueues().lock().lock();
    try {
      while (m.uvm.pageQueues().activeHead() != null) {
        m.uvm.pageDeactivate(m.uvm.pageQueues().activeHead());
      }
    } finally {
      m.uvm.pageQueues().lock().unlock();
    }
    device.failNextReads(1);
    // push everything out, then touch the first page
    long freetarg = m.exp().freetarg;
    m.exp().freetarg = m.uvm.physMem().frameCount();
    daemon.run();
    m.exp().freetarg = freetarg;
    assertThat(MemoryUsage.of(vm).swapPages()).isEqualTo(8);

    assertThat(VmFixture.touch(vm, a, Prot.READ)).isEqualTo(FaultResult.BUS);
    assertThat(VmFixture.touch(vm, a, Prot.READ))
        .as("the slot stays bad")
        .isEqualTo(FaultResult.BUS);
    assertThat(VmFixture.touch(vm, a + PAGE, Prot.READ)).isEqualTo(FaultResult.OK);
    assertThat(m.exp().swpgbad).isEqualTo(1);
    audit();
    m.exit(vm);
    assertThat(m.exp().swpginuse).as("only the bad slot stays allocated").isEqualTo(1);
  }

  @Test
  void ramAndSwapExhaustedGivesOom() throws IOException {
    machine(32, 16);
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, 128, Prot.RW, false);
    FaultResult last = FaultResult.OK;
    int i = 0;
    while (i < 128 && (last = VmFixture.touch(vm, a + i * PAGE, Prot.WRITE)) == FaultResult.OK) {
      i++;
    }
    assertThat(last).isEqualTo(FaultResult.OOM);
    assertThat(i).as("RAM plus swap were used").isGreaterThan(32);
    assertThat(MemoryUsage.of(vm).totalPages()).isEqualTo(i);
    audit();
    m.exit(vm);
  }

  @Test
  void oomVictimIsTheLargestSpace() throws IOException {
    machine(64, 128);
    Vmspace small = m.newSpace();
    Vmspace big = m.newSpace();
    long s = m.mapAnon(small, 4, Prot.RW, false);
    long b = m.mapAnon(big, 80, Prot.RW, false);
    for (int i = 0; i < 4; i++) {
      VmFixture.assertPoke(small, s + i * PAGE, 1);
    }
    for (int i = 0; i < 80; i++) {
      VmFixture.assertPoke(big, b + i * PAGE, 1);
    }
    assertThat(MemoryUsage.of(big).swapPages()).isPositive();
    assertThat(MemoryUsage.largest(List.of(small, big), v -> v)).isSameAs(big);
    m.exit(big);
    assertThat(MemoryUsage.largest(List.of(small, big), v -> v)).isSameAs(small);
    m.exit(small);
    assertThat(m.exp().swpginuse).isZero();
  }

  @Test
  void swapOffBringsAProcessBackIntoRam() throws IOException {
    machine(128, 256);
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, 40, Prot.RW, false);
    for (int i = 0; i < 40; i++) {
      VmFixture.assertPoke(vm, a + i * PAGE, 5 + i);
    }
    long freetarg = m.exp().freetarg;
    m.exp().freetarg = m.uvm.physMem().frameCount();
    daemon.run();
    m.exp().freetarg = freetarg;
    assertThat(MemoryUsage.of(vm).swapPages()).isPositive();

    assertThat(pager.swap().swapOff(pager.swap().devices().get(0))).isZero();

    assertThat(MemoryUsage.of(vm).swapPages()).isZero();
    for (int i = 0; i < 40; i++) {
      VmFixture.assertPeek(vm, a + i * PAGE, 5 + i);
    }
    List<Anon> none = List.of();
    assertThat(SwapAudit.problems(pager.swap(), m.exp(), java.util.Set.copyOf(none))).isEmpty();
    audit();
    m.exit(vm);
  }

  @Test
  void madvPageoutWritesThePagesOnlyThisMappingHoldsAndForkStillCopiesOnWrite() throws IOException {
    machine(64, 128);
    Vmspace p = m.newSpace();
    long a = m.mapAnon(p, 4, Prot.RW, false);
    for (int i = 0; i < 4; i++) {
      VmFixture.assertPoke(p, a + i * PAGE, 10 + i);
    }
    List<VmPage> pages = new ArrayList<>();
    assertThat(p.pageoutCandidates(a, 4 * PAGE, pages)).isZero();
    assertThat(pages).hasSize(4);
    assertThat(daemon.pageout(pages)).isEqualTo(4);
    assertThat(MemoryUsage.of(p).swapPages()).as("all four in swap").isEqualTo(4);
    assertThat(device.pagesWritten()).isEqualTo(4);
    audit();

    Vmspace c = m.fork(p);
    VmFixture.assertPeek(c, a, 10); // paged in, shared copy-on-write
    List<VmPage> shared = new ArrayList<>();
    assertThat(p.pageoutCandidates(a, 4 * PAGE, shared)).isZero();
    assertThat(shared).as("pages still shared with the child are left").isEmpty();
    VmFixture.assertPoke(p, a, 99);
    VmFixture.assertPoke(c, a + PAGE, 77);
    for (int i = 0; i < 4; i++) {
      VmFixture.assertPeek(p, a + i * PAGE, i == 0 ? 99 : 10 + i);
      VmFixture.assertPeek(c, a + i * PAGE, i == 1 ? 77 : 10 + i);
    }
    audit();
    m.exit(c);

    // the child gone, the parent alone holds them again: out they go, and come back
    List<VmPage> again = new ArrayList<>();
    assertThat(p.pageoutCandidates(a, 4 * PAGE, again)).isZero();
    assertThat(again).isNotEmpty();
    assertThat(daemon.pageout(again)).isEqualTo(again.size());
    VmFixture.assertPeek(p, a, 99);
    VmFixture.assertPeek(p, a + 3 * PAGE, 13);
    audit();

    // a locked range: EINVAL (can_madv_lru_vma); an unmapped one: ENOMEM
    assertThat(p.mlock(a, PAGE)).isZero();
    assertThat(p.pageoutCandidates(a, 2 * PAGE, new ArrayList<>())).isEqualTo(Errno.EINVAL);
    assertThat(p.pageoutCandidates(a + 64 * PAGE, PAGE, new ArrayList<>())).isEqualTo(Errno.ENOMEM);
    m.exit(p);
    assertThat(m.exp().swpginuse).isZero();
    audit();
  }

  @Test
  void madvPageoutWithoutSwapLeavesDirtyPagesResident() throws IOException {
    machine(64, 0);
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    VmFixture.assertPoke(vm, a, 5);
    VmFixture.assertPoke(vm, a + PAGE, 6);
    List<VmPage> pages = new ArrayList<>();
    assertThat(vm.pageoutCandidates(a, 2 * PAGE, pages)).isZero();
    assertThat(pages).hasSize(2);
    assertThat(daemon.pageout(pages)).isZero();
    assertThat(MemoryUsage.of(vm).swapPages()).isZero();
    VmFixture.assertPeek(vm, a, 5);
    VmFixture.assertPeek(vm, a + PAGE, 6);
    m.exit(vm);
    m.audit();
  }
}
