package org.uvm4j.uvm.pdaemon;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.swap.FileSwapDevice;
import org.uvm4j.uvm.swap.SwapPager;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

class PageDaemonTest {
  private static final int PG = PhysMem.PAGE_SIZE;

  @TempDir Path dir;
  private Uvm uvm;
  private SwapPager pager;
  private PageDaemon daemon;

  private void machine(int ramPages, int freeMin, int freeTarget, boolean withSwap)
      throws IOException {
    uvm = new Uvm(new UvmConfig((long) ramPages * PG, freeMin, freeTarget));
    if (withSwap) {
      pager = SwapPager.attach(uvm);
      pager.swap().swapOn(FileSwapDevice.open(dir.resolve("swap"), 256L * PG, false), 0);
    }
    daemon = PageDaemon.attach(uvm, pager);
  }

  @AfterEach
  void tearDown() {
    if (uvm != null) {
      uvm.check();
      daemon.check();
    }
    if (pager != null) {
      pager.swap().close();
    }
  }

  private Anon dirtyAnon(int tag) {
    Anon anon = Anon.alloc(uvm);
    VmPage pg = uvm.pageAlloc(anon);
    byte[] b = new byte[PG];
    b[0] = (byte) tag;
    uvm.physMem().write(pg, 0, b, 0, PG);
    pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE | VmPage.PG_CLEAN);
    uvm.pageActivate(pg);
    anon.unlock();
    return anon;
  }

  private List<Anon> fillRamDownTo(int free) {
    List<Anon> anons = new ArrayList<>();
    while (uvm.physMem().freeCount() > free) {
      anons.add(dirtyAnon(anons.size()));
    }
    return anons;
  }

  @Test
  void watermarksComeFromTheRamSizeUnlessConfigured() throws IOException {
    machine(4096, 0, 0, false); // 16 MiB: npages / 20 = 204, capped at 512 KiB (uvmpd_tune)
    assertThat(daemon.lowWatermark()).isEqualTo(128);
    assertThat(daemon.highWatermark()).isEqualTo(128 * 4 / 3);
    machine(1024, 0, 0, false); // 4 MiB: npages / 20
    assertThat(daemon.lowWatermark()).isEqualTo(1023 / 20);
    Uvm small = new Uvm(new UvmConfig(64L * PG, 6, 10));
    PageDaemon pd = new PageDaemon(small, null);
    assertThat(pd.lowWatermark()).isEqualTo(6);
    assertThat(pd.highWatermark()).isEqualTo(10);
  }

  @Test
  void runIfNeededDoesNothingAboveTheLowWatermark() throws IOException {
    machine(64, 8, 16, true);
    fillRamDownTo(10);
    assertThat(daemon.needed()).isFalse();
    assertThat(daemon.runIfNeeded()).isZero();
    assertThat(uvm.exp().pdscans).isZero();
    assertThat(uvm.physMem().freeCount()).isEqualTo(10);
  }

  @Test
  void belowTheLowWatermarkItFreesUpToTheHighOne() throws IOException {
    machine(64, 8, 16, true);
    List<Anon> anons = fillRamDownTo(3);
    assertThat(daemon.needed()).isTrue();
    int freed = daemon.runIfNeeded();
    int free = uvm.physMem().freeCount();
    assertThat(free).isGreaterThanOrEqualTo(16);
    assertThat(freed).isEqualTo(free - 3);
    // cluster granularity: never more than one cluster beyond the target
    assertThat(free).isLessThan(16 + SwapPager.MAXCLUSTER);
    assertThat(anons.stream().filter(a -> a.page == null).count()).isEqualTo(freed);
    assertThat(uvm.exp().pdscans).isPositive();
  }

  @Test
  void referencedPagesGetASecondChanceAndColdOnesGoFirst() throws IOException {
    machine(64, 4, 8, true);
    List<Anon> anons = fillRamDownTo(2);
    Pmap pmap = new Pmap(uvm.physMem(), uvm.exp());
    // map everything, then let the guest touch only the first half again after deactivation
    for (int i = 0; i < anons.size(); i++) {
      pmap.enter(0x10_0000L + (long) i * PG, anons.get(i).page, Prot.RW, false);
    }
    uvm.pageQueues().lock().lock();
    try {
      VmPage pg;
      while ((pg = uvm.pageQueues().activeHead()) != null) {
        uvm.pageDeactivate(pg); // clears the referenced bit
      }
    } finally {
      uvm.pageQueues().lock().unlock();
    }
    int hot = anons.size() / 2;
    for (int i = 0; i < hot; i++) {
      assertThat(pmap.tlbLookup(0x10_0000L + (long) i * PG, Prot.READ)).isNotZero();
    }

    daemon.run();

    for (int i = 0; i < hot; i++) {
      assertThat(anons.get(i).page).as("hot page %d kept", i).isNotNull();
      assertThat(anons.get(i).page.pqflags & VmPage.PQ_ACTIVE).isNotZero();
    }
    long coldOut = anons.subList(hot, anons.size()).stream().filter(a -> a.page == null).count();
    assertThat(coldOut).isPositive();
    assertThat(uvm.exp().pdreact).isGreaterThanOrEqualTo(hot);
    for (int i = hot; i < anons.size(); i++) {
      if (anons.get(i).page == null) {
        assertThat(pmap.extract(0x10_0000L + (long) i * PG)).as("victim unmapped").isNull();
      }
    }
    pmap.destroy();
  }

  @Test
  void victimsAreUnmappedWithATlbInvalidation() throws IOException {
    machine(32, 4, 31, true);
    Anon a = dirtyAnon(1);
    Pmap pmap = new Pmap(uvm.physMem(), uvm.exp());
    List<long[]> invalidated = new ArrayList<>();
    pmap.setTlbListener((p, sva, eva) -> invalidated.add(new long[] {sva, eva}));
    long va = 0x7000_0000L;
    pmap.enter(va, a.page, Prot.RW, false);
    uvm.pageDeactivate(a.page);

    daemon.run();

    assertThat(a.page).isNull();
    assertThat(pmap.extract(va)).isNull();
    assertThat(invalidated).anySatisfy(r -> assertThat(r[0]).isLessThanOrEqualTo(va));
    pmap.destroy();
  }

  @Test
  void withoutSwapDirtyAnonPagesStayAndNothingIsFreed() throws IOException {
    machine(32, 4, 31, false);
    List<Anon> anons = fillRamDownTo(0);
    long woke = uvm.exp().pdwoke;
    uvm.waitForMemory("test");
    assertThat(uvm.exp().pdwoke).isEqualTo(woke + 1);
    assertThat(uvm.physMem().freeCount()).isZero();
    assertThat(anons).allSatisfy(a -> assertThat(a.page).isNotNull());
  }

  @Test
  void readOnlyFileObjectPagesAreNotTaken() throws IOException {
    machine(32, 4, 31, true);
    FileObject obj = new FileObject(uvm, "f", new byte[3 * PG]);
    VmPage op = obj.getPage(0);
    uvm.pageActivate(op);
    Anon a = dirtyAnon(2);
    uvm.pageDeactivate(op);
    uvm.pageDeactivate(a.page);

    daemon.run();

    assertThat(op.object).isSameAs(obj);
    assertThat(op.isFree()).isFalse();
    assertThat(a.page).isNull();
    obj.detach();
  }

  @Test
  void uvmWaitRunsTheDaemonSoAnAllocationCanSucceed() throws IOException {
    machine(32, 4, 8, true);
    fillRamDownTo(0);
    Anon extra = Anon.alloc(uvm);
    assertThat(uvm.pageAlloc(extra)).isNull();
    uvm.waitForMemory("flt_noram1");
    VmPage pg = uvm.pageAlloc(extra);
    assertThat(pg).isNotNull();
    assertThat(uvm.physMem().freeCount()).isGreaterThanOrEqualTo(8 - 1);
    pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
    uvm.pageActivate(pg);
    extra.unlock();
  }
}
