package org.uvm4j.uvm.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.page.DirectRamBacking;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;

class UvmTest {
  private static final int P = PhysMem.PAGE_SIZE;

  @Test
  void tuneFollowsNetBsdDefaultsAndConfig() {
    Uvm small = new Uvm(UvmConfig.ofRam(64 * P));
    assertThat(small.exp().npages).isEqualTo(63);
    assertThat(small.exp().freemin).isEqualTo(4); // 16 KiB floor
    assertThat(small.exp().freetarg).isEqualTo(5);
    Uvm big = new Uvm(UvmConfig.ofRam(64L << 20));
    assertThat(big.exp().freemin).isEqualTo(128); // 512 KiB ceiling
    assertThat(big.exp().freetarg).isEqualTo(170);
    Uvm set = new Uvm(new UvmConfig(64 * P, 10, 20));
    assertThat(set.exp().freemin).isEqualTo(10);
    assertThat(set.exp().freetarg).isEqualTo(20);
  }

  @Test
  void badConfigsAreRefusedWithAMessage() {
    assertThatThrownBy(() -> UvmConfig.ofRam(100)).hasMessageContaining("RAM size 100");
    assertThatThrownBy(() -> new UvmConfig(64 * P, 10, 5)).hasMessageContaining("freeTarget");
    assertThatThrownBy(() -> new UvmConfig(64 * P, -1, 0)).hasMessageContaining("negative");
    assertThatThrownBy(() -> UvmConfig.ofRam(PhysMem.MAX_BYTES + P)).hasMessageContaining("range");
    assertThatThrownBy(() -> UvmConfig.ofRam(64 * P).withReservedLow(64 * P))
        .hasMessageContaining("reserved");
  }

  @Test
  void largeRamCostsNothingUntilUsedAndReservedLowMemoryIsNeverHandedOut() {
    // 1 MiB regions: the test allocates one region, not a 1 GiB one
    Uvm uvm =
        new Uvm(UvmConfig.ofRam(64L << 30).withReservedLow(5L << 30), new DirectRamBacking(20));
    PhysMem pm = uvm.physMem();
    assertThat(pm.regionsAllocated()).isZero();
    assertThat(uvm.exp().npages).isEqualTo((59L << 30) / P);
    assertThat(uvm.exp().freemin).isEqualTo(128);
    FileObject obj = new FileObject(uvm, new byte[0]);
    VmPage pg = obj.getPage(0);
    assertThat(pg.physAddr()).isEqualTo(5L << 30);
    assertThat(pm.regionsAllocated()).isEqualTo(1);
    uvm.check();
    obj.detach();
    uvm.check();
    assertThat(pm.freeCount()).isEqualTo(uvm.exp().npages);
  }

  @Test
  void anonPagesAreOwnedBusyAndFreedThroughTheAnon() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    Anon anon = Anon.alloc(uvm); // returned locked, ref 1
    VmPage pg = uvm.pageAlloc(anon);
    assertThat(pg.anon).isSameAs(anon);
    assertThat(anon.page).isSameAs(pg);
    assertThat(pg.flags).isEqualTo(VmPage.PG_BUSY | VmPage.PG_CLEAN | VmPage.PG_FAKE);
    assertThat(pg.pqflags).isEqualTo(VmPage.PQ_ANON);
    assertThat(uvm.exp().anonpages).isEqualTo(1);
    assertThatThrownBy(() -> uvm.pageAlloc(anon)).hasMessageContaining("already has a page");
    uvm.check();

    pg.flags &= ~VmPage.PG_FAKE;
    uvm.pageUnbusy(pg);
    uvm.pageActivate(pg);
    Pmap pmap = new Pmap(uvm.physMem(), uvm.exp());
    pmap.enter(0x1000, pg, Prot.RW, false);
    anon.unlock();
    anon.ref = 0;
    anon.free(uvm); // uvm_anfree: unmaps and frees the page through UvmServices
    assertThat(pg.isFree()).isTrue();
    assertThat(pmap.extract(0x1000)).isNull();
    assertThat(anon.page).isNull();
    assertThat(uvm.exp().anonpages).isZero();
    assertThat(uvm.exp().active).isZero();
    assertThat(uvm.allocator().liveTotal()).isZero();
    uvm.check();
  }

  @Test
  void anonPageAllocNeedsTheAnonLockedAndFailsWhenRamIsFull() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(4 * P));
    Anon anon = Anon.alloc(uvm);
    anon.unlock();
    assertThatThrownBy(() -> uvm.pageAlloc(anon)).hasMessageContaining("not locked");
    anon.lock();
    while (uvm.physMem().alloc() != null) {
      // exhaust RAM
    }
    assertThat(uvm.pageAlloc(anon)).isNull();
    assertThat(anon.page).isNull();
    assertThat(uvm.exp().anonpages).isZero();
  }

  @Test
  void withoutSwapPageinFailsAndUnlocksAndSwapOnlyFreedPanics() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(4 * P));
    Anon anon = Anon.alloc(uvm);
    assertThat(uvm.anonPagein(anon)).isFalse();
    assertThat(anon.isLocked()).isFalse();
    assertThatThrownBy(uvm::swapOnlyFreed).hasMessageContaining("no swap device");
  }

  @Test
  void aSwapServiceReceivesTheSwapCalls() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(4 * P));
    List<String> calls = new ArrayList<>();
    uvm.setSwapService(
        new SwapService() {
          @Override
          public void swapFree(int slot) {
            calls.add("free " + slot);
          }

          @Override
          public void swapOnlyFreed() {
            calls.add("only");
          }

          @Override
          public boolean anonPagein(Anon anon) {
            calls.add("pagein");
            anon.unlock();
            return true;
          }
        });
    uvm.swapFree(5);
    uvm.swapOnlyFreed();
    assertThat(uvm.anonPagein(Anon.alloc(uvm))).isTrue();
    assertThat(calls).containsExactly("free 5", "only", "pagein");
  }

  @Test
  void anAnonPageSleeperReleasesTheAnonAndWakesOnUnbusy() throws Exception {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    Anon anon = Anon.alloc(uvm);
    VmPage pg = uvm.pageAlloc(anon);
    pg.flags &= ~VmPage.PG_FAKE;
    anon.unlock();
    java.util.concurrent.CountDownLatch asleep = new java.util.concurrent.CountDownLatch(1);
    Thread sleeper =
        new Thread(
            () -> {
              anon.lock();
              asleep.countDown();
              pg.unlockAndWait(anon, "anonget");
            });
    sleeper.start();
    asleep.await();
    anon.lock(); // only possible once the sleeper released it
    try {
      assertThat(pg.flags & VmPage.PG_WANTED).isNotZero();
      uvm.pageUnbusy(pg);
    } finally {
      anon.unlock();
    }
    sleeper.join(10_000);
    assertThat(sleeper.isAlive()).isFalse();
    assertThat(pg.isBusy()).isFalse();
  }

  @Test
  void pageWaitReturnsWhenTheOwnerUnbusies() throws Exception {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    FileObject obj = new FileObject(uvm, new byte[0]);
    VmPage pg = uvm.pageAllocObject(obj, 0);
    pg.flags &= ~VmPage.PG_FAKE;
    pg.flags |= VmPage.PG_WANTED;
    Thread waiter = new Thread(() -> uvm.pageWait(pg, "test"));
    waiter.start();
    while (pg.sleepers() == 0 && waiter.isAlive()) {
      Thread.onSpinWait();
    }
    assertThat(waiter.isAlive()).isTrue();
    uvm.pageUnbusy(pg);
    waiter.join(10_000);
    assertThat(waiter.isAlive()).isFalse();
    uvm.pageWait(pg, "not busy"); // returns at once
  }

  @Test
  void objectPagesAllocateBusyAndFreeBack() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    FileObject obj = new FileObject(uvm, new byte[0]);
    VmPage pg = uvm.pageAllocObject(obj, 3 * P);
    assertThat(pg.flags).isEqualTo(VmPage.PG_BUSY | VmPage.PG_CLEAN | VmPage.PG_FAKE);
    assertThat(pg.object).isSameAs(obj);
    assertThat(pg.offset).isEqualTo(3 * P);
    assertThat(uvm.exp().filepages).isEqualTo(1);
    uvm.pageActivate(pg);
    uvm.pageWire(pg);
    uvm.pageFree(pg);
    assertThat(pg.isFree()).isTrue();
    assertThat(uvm.exp().filepages).isZero();
    assertThat(uvm.exp().wired).isZero();
    assertThat(uvm.exp().free).isEqualTo(15);
    uvm.check();
  }

  @Test
  void freeingAMappedPagePanics() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    VmPage pg = uvm.pageAllocObject(new FileObject(uvm, new byte[0]), 0);
    Pmap pmap = new Pmap(uvm.physMem(), uvm.exp());
    pmap.enter(0x1000, pg, Prot.READ, false);
    assertThatThrownBy(() -> uvm.pageFree(pg)).hasMessageContaining("mapped");
  }

  @Test
  void unbusyClearsBusyOrFreesAReleasedPage() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    FileObject obj = new FileObject(uvm, new byte[0]);
    VmPage pg = uvm.pageAllocObject(obj, 0);
    assertThatThrownBy(() -> uvm.pageUnbusy(pg)).hasMessageContaining("PG_FAKE");
    pg.flags &= ~VmPage.PG_FAKE;
    pg.flags |= VmPage.PG_WANTED;
    uvm.pageUnbusy(pg);
    assertThat(pg.flags).isEqualTo(VmPage.PG_CLEAN);

    VmPage rel = uvm.pageAllocObject(obj, P);
    Pmap pmap = new Pmap(uvm.physMem(), uvm.exp());
    pmap.enter(0x1000, rel, Prot.READ, false);
    rel.flags |= VmPage.PG_RELEASED;
    uvm.pageUnbusy(rel);
    assertThat(rel.isFree()).isTrue();
    assertThat(pmap.extract(0x1000)).isNull();
  }

  @Test
  void zeroAndCopyClearClean() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    FileObject obj = new FileObject(uvm, new byte[0]);
    VmPage a = uvm.pageAllocObject(obj, 0);
    VmPage b = uvm.pageAllocObject(obj, P);
    uvm.physMem().write(a, 0, new byte[] {7}, 0, 1);
    uvm.pageCopy(a, b);
    assertThat(b.flags & VmPage.PG_CLEAN).isZero();
    assertThat(uvm.physMem().region(0).get(b.frame * P)).isEqualTo((byte) 7);
    uvm.pageZero(a);
    assertThat(a.flags & VmPage.PG_CLEAN).isZero();
    assertThat(uvm.physMem().region(0).get(a.frame * P)).isZero();
    assertThat(uvm.exp().cowpages).isEqualTo(1);
    assertThat(uvm.exp().zeropages).isEqualTo(1);
  }

  @Test
  void deactivateClearsTheReferenceBit() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    VmPage pg = uvm.pageAllocObject(new FileObject(uvm, new byte[0]), 0);
    Pmap pmap = new Pmap(uvm.physMem(), uvm.exp());
    pmap.enter(0x1000, pg, Prot.READ, false);
    pmap.tlbLookup(0x1000, Prot.READ);
    uvm.pageActivate(pg);
    assertThat(Pmap.isReferenced(pg)).isTrue();
    uvm.pageDeactivate(pg);
    assertThat(Pmap.isReferenced(pg)).isFalse();
    assertThat(uvm.exp().inactive).isEqualTo(1);
    assertThat(uvm.exp().active).isZero();
    uvm.pageDequeue(pg);
    assertThat(uvm.exp().inactive).isZero();
  }

  @Test
  void waitForMemoryRunsThePageDaemon() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    List<String> runs = new ArrayList<>();
    uvm.waitForMemory("flt_noram1"); // none registered: returns
    uvm.setPageDaemon(() -> runs.add("pd"));
    uvm.waitForMemory("flt_noram1");
    assertThat(runs).containsExactly("pd");
    assertThat(uvm.exp().pdwoke).isEqualTo(2);
  }

  @Test
  void swapFreeWithoutADevicePanics() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    assertThatThrownBy(() -> uvm.swapFree(3)).hasMessageContaining("no swap device");
  }

  @Test
  void checkCatchesWrongGauges() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(16 * P));
    uvm.pageAllocObject(new FileObject(uvm, new byte[0]), 0);
    uvm.check();
    uvm.exp().filepages = 7;
    assertThatThrownBy(uvm::check).hasMessageContaining("filepages");
  }

  @Test
  void snapshotListsNetBsdNamesInAStableOrder() {
    UvmExp exp = new UvmExp();
    exp.faults = 3;
    exp.flt_acow = 2;
    Map<String, Long> s = exp.snapshot();
    assertThat(s)
        .containsKeys(
            "faults",
            "fltamcopy",
            "flt_anon",
            "flt_acow",
            "flt_obj",
            "flt_prcopy",
            "flt_przero",
            "fltnoram",
            "fltnoanon",
            "fltpgwait",
            "fltanget",
            "pageins",
            "pgswapout",
            "pdpageouts",
            "pdfreed",
            "pdscans",
            "swpginuse",
            "swpgonly",
            "swpgavail",
            "swpages",
            "forks",
            "tlbfills",
            "tlbflushes",
            "zeropages",
            "cowpages");
    assertThat(s.get("faults")).isEqualTo(3);
    assertThat(s.get("flt_acow")).isEqualTo(2);
    assertThat(List.copyOf(s.keySet())).isEqualTo(List.copyOf(new UvmExp().snapshot().keySet()));
    assertThat(List.copyOf(s.keySet()).subList(0, 3)).containsExactly("npages", "free", "active");
  }
}
