package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.swap.SwapFixture.PG;
import static org.uvm4j.uvm.swap.SwapFixture.pattern;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;

class SwapPagerTest {
  @TempDir Path dir;
  private SwapFixture fx;

  private SwapFixture machine(int ramPages, int swapPages) throws IOException {
    fx = new SwapFixture(dir, ramPages, swapPages, 4, ramPages - 1);
    return fx;
  }

  @AfterEach
  void tearDown() {
    if (fx != null) {
      fx.uvm.check();
      fx.close();
    }
  }

  private List<Anon> dirtyAnons(int n, int firstTag) {
    List<Anon> anons = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      anons.add(fx.dirtyAnon(firstTag + i));
    }
    return anons;
  }

  @Test
  void dirtyPagesAreWrittenInContiguousClustersAndFreed() throws IOException {
    machine(64, 128);
    List<Anon> anons = dirtyAnons(20, 0);
    int freeBefore = fx.free();
    fx.deactivateAll();
    fx.daemon.run();

    assertThat(fx.device.writes()).as("one write per 16-page cluster").isEqualTo(2);
    assertThat(fx.device.pagesWritten()).isEqualTo(20);
    assertThat(fx.free()).isEqualTo(freeBefore + 20);
    for (int i = 0; i < 20; i++) {
      Anon a = anons.get(i);
      assertThat(a.page).isNull();
      assertThat(a.swslot).as("cluster slots follow the queue order").isEqualTo(1 + i);
    }
    assertThat(fx.uvm.exp().swpgonly).isEqualTo(20);
    assertThat(fx.uvm.exp().swpginuse).as("unused tail of the last cluster freed").isEqualTo(20);
    assertThat(fx.uvm.exp().pgswapout).isEqualTo(20);
    assertThat(fx.uvm.exp().pdpageouts).isEqualTo(2);
    assertThat(fx.uvm.exp().pdfreed).isEqualTo(20);

    for (int i = 0; i < 20; i++) {
      assertThat(fx.pagein(anons.get(i))).isZero();
      assertThat(fx.contents(anons.get(i))).isEqualTo(pattern(i));
    }
    assertThat(fx.uvm.exp().pageins).isEqualTo(20);
    assertThat(fx.uvm.exp().swpgonly).isZero();
    assertThat(fx.uvm.exp().swpginuse)
        .as("page-in keeps the slot: the page is clean")
        .isEqualTo(20);
    assertThat(anons.get(3).page.flags & VmPage.PG_CLEAN).isNotZero();
  }

  @Test
  void cleanPageWithCurrentSlotIsFreedWithoutIo() throws IOException {
    machine(32, 64);
    Anon a = fx.dirtyAnon(5);
    fx.deactivateAll();
    fx.daemon.run();
    assertThat(fx.pagein(a)).isZero();
    int slot = a.swslot;
    long writes = fx.device.writes();
    long freed = fx.uvm.exp().pdfreed;

    fx.deactivateAll();
    fx.daemon.run();

    assertThat(fx.device.writes()).isEqualTo(writes);
    assertThat(a.page).isNull();
    assertThat(a.swslot).isEqualTo(slot);
    assertThat(fx.uvm.exp().pdfreed).isEqualTo(freed + 1);
    assertThat(fx.uvm.exp().swpgonly).isEqualTo(1);
    assertThat(fx.pagein(a)).isZero();
    assertThat(fx.contents(a)).isEqualTo(pattern(5));
  }

  @Test
  void writeThroughThePmapMakesTheSlotStaleAndItIsReplaced() throws IOException {
    machine(32, 64);
    Anon a = fx.dirtyAnon(1);
    fx.deactivateAll();
    fx.daemon.run();
    assertThat(fx.pagein(a)).isZero();
    int oldSlot = a.swslot;
    Pmap pmap = new Pmap(fx.uvm.physMem(), fx.uvm.exp());
    long va = 0x40_0000L;
    pmap.enter(va, a.page, Prot.RW, false);
    // the guest writes: the TLB fill for the write sets the modified bit, then the store lands
    assertThat(pmap.tlbLookup(va, Prot.WRITE)).isNotZero();
    fx.uvm.physMem().write(a.page, 0, pattern(2), 0, PG);

    Pmap.clearReferenced(a.page);
    fx.deactivateAll();
    fx.daemon.run();

    assertThat(a.page).isNull();
    assertThat(pmap.extract(va)).as("victim unmapped first").isNull();
    assertThat(a.swslot).isNotEqualTo(oldSlot);
    assertThat(fx.swap.isAllocated(oldSlot)).as("stale slot dropped").isFalse();
    assertThat(fx.pagein(a)).isZero();
    assertThat(fx.contents(a)).isEqualTo(pattern(2));
    pmap.destroy();
  }

  @Test
  void dropSwapOnWriteFreesTheSlotAndDirtiesThePage() throws IOException {
    machine(32, 64);
    Anon a = fx.dirtyAnon(1);
    fx.deactivateAll();
    fx.daemon.run();
    assertThat(fx.pagein(a)).isZero();
    int slot = a.swslot;
    a.lock();
    fx.pager.dropSwapOnWrite(a);
    a.unlock();
    assertThat(a.swslot).isZero();
    assertThat(fx.swap.isAllocated(slot)).isFalse();
    assertThat(a.page.flags & VmPage.PG_CLEAN).isZero();
    assertThat(fx.uvm.exp().swpginuse).isZero();
  }

  @Test
  void readErrorMarksTheSlotBadAndTheAnonGetsEio() throws IOException {
    machine(32, 64);
    Anon a = fx.dirtyAnon(9);
    fx.deactivateAll();
    fx.daemon.run();
    int slot = a.swslot;
    fx.device.failReadsOf(slot - fx.sdp.drumOffset());
    int free = fx.free();

    assertThat(fx.pagein(a)).isEqualTo(Errno.EIO);

    assertThat(a.swslot).isEqualTo(SwapManager.SWSLOT_BAD);
    assertThat(a.page).isNull();
    assertThat(fx.free()).as("the frame for the failed read is given back").isEqualTo(free);
    assertThat(fx.swap.isBad(slot)).isTrue();
    assertThat(fx.uvm.exp().swpgbad).isEqualTo(1);
    assertThat(fx.uvm.exp().swpgonly).isZero();
    long reads = fx.device.reads();
    assertThat(fx.pagein(a)).as("a bad slot is never read again").isEqualTo(Errno.EIO);
    assertThat(fx.device.reads()).isEqualTo(reads);
    // the dead anon's bad slot stays allocated forever; the anon itself can be freed
    a.ref = 0;
    a.free(fx.uvm);
    assertThat(fx.swap.isAllocated(slot)).isTrue();
    assertThat(fx.swap.alloc(1)).isNotEqualTo(slot);
  }

  @Test
  void writeErrorKeepsThePagesResidentDirtyAndIntact() throws IOException {
    machine(32, 64);
    List<Anon> anons = dirtyAnons(3, 40);
    fx.device.failNextWrites(1);
    int free = fx.free();
    fx.deactivateAll();
    fx.daemon.run();

    for (int i = 0; i < 3; i++) {
      Anon a = anons.get(i);
      assertThat(a.page).as("nothing lost").isNotNull();
      assertThat(a.swslot).isZero();
      assertThat(a.page.flags & (VmPage.PG_CLEAN | VmPage.PG_BUSY | VmPage.PG_PAGEOUT)).isZero();
      assertThat(a.page.pqflags & VmPage.PQ_ACTIVE).isNotZero();
      assertThat(fx.contents(a)).isEqualTo(pattern(40 + i));
    }
    assertThat(fx.free()).isEqualTo(free);
    assertThat(fx.uvm.exp().swpgbad).as("the failed slots are never reused").isEqualTo(3);
    assertThat(fx.uvm.exp().swpgonly).isZero();

    fx.deactivateAll();
    fx.daemon.run();
    for (int i = 0; i < 3; i++) {
      Anon a = anons.get(i);
      assertThat(a.page).isNull();
      assertThat(fx.swap.isBad(a.swslot)).isFalse();
      assertThat(fx.pagein(a)).isZero();
      assertThat(fx.contents(a)).isEqualTo(pattern(40 + i));
    }
  }

  @Test
  void wiredPagesAreNeverPagedOut() throws IOException {
    machine(32, 64);
    Anon wired = fx.dirtyAnon(1);
    Anon plain = fx.dirtyAnon(2);
    fx.uvm.pageWire(wired.page);
    fx.deactivateAll();
    fx.daemon.run();
    assertThat(wired.page).isNotNull();
    assertThat(wired.swslot).isZero();
    assertThat(plain.page).isNull();
    fx.uvm.pageUnwire(wired.page);
  }

  @Test
  void busyPagesAreSkipped() throws IOException {
    machine(32, 64);
    Anon a = fx.dirtyAnon(1);
    a.page.flags |= VmPage.PG_BUSY;
    fx.deactivateAll();
    fx.daemon.run();
    assertThat(a.page).isNotNull();
    assertThat(fx.uvm.exp().pdbusy).isPositive();
    a.page.flags &= ~VmPage.PG_BUSY;
  }

  @Test
  void pageinWithoutAFreeFrameRunsTheDaemonThenReportsEnomem() throws IOException {
    machine(16, 64);
    Anon out = fx.dirtyAnon(1);
    fx.deactivateAll();
    fx.daemon.run();
    // fill RAM with wired pages: nothing can be reclaimed
    List<Anon> pinned = new ArrayList<>();
    while (fx.free() > 0) {
      Anon p = fx.dirtyAnon(100 + pinned.size());
      fx.uvm.pageWire(p.page);
      pinned.add(p);
    }
    long woke = fx.uvm.exp().pdwoke;
    assertThat(fx.pagein(out)).isEqualTo(Errno.ENOMEM);
    assertThat(fx.uvm.exp().pdwoke).isEqualTo(woke + 1);
    assertThat(out.page).isNull();
    assertThat(out.swslot).as("slot kept: the data is still in swap").isPositive();
    for (Anon p : pinned) {
      fx.uvm.pageUnwire(p.page);
    }
    assertThat(fx.pagein(out)).as("the daemon makes room now").isZero();
    assertThat(fx.contents(out)).isEqualTo(pattern(1));
  }
}
