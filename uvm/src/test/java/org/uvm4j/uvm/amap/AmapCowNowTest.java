package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.amap.TestServices.at;
import static org.uvm4j.uvm.amap.TestServices.entry;
import static org.uvm4j.uvm.amap.TestServices.put;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.amap.AmapAllocator.Kind;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.page.VmPage;

/** amap_cow_now: fork of a wired entry copies every shared anon at once. */
class AmapCowNowTest {
  private static final long BASE = 0x20000000L;
  private final TestServices svc = new TestServices();
  private final TestMap map = new TestMap(svc);
  private Amap parentAmap;
  private Anon[] parentAnons;

  /** A wired parent entry of {@code n} resident pages and a child that shares its anons. */
  private VmMapEntry forkWired(int n) {
    parentAmap = svc.amap(n, 0);
    parentAnons = new Anon[n];
    for (int s = 0; s < n; s++) {
      parentAnons[s] = svc.anonWithPage(100 + s);
      parentAnons[s].page.wireCount = 1;
      put(parentAmap, s, parentAnons[s]);
    }
    parentAmap.ref(0, n, 0);
    VmMapEntry child = entry(BASE, n, parentAmap, 0);
    child.etype |= VmMapEntry.NEEDSCOPY;
    Amap.copy(map, child, 0, BASE, BASE + 4096);
    assertThat(parentAnons[0].ref).isEqualTo(2);
    return child;
  }

  @Test
  void everySharedAnonIsCopiedIntoTheSameSlot() {
    VmMapEntry child = forkWired(3);
    Amap c = child.aref.amap;
    assertThat(Amap.cowNow(child)).isZero();
    for (int s = 0; s < 3; s++) {
      Anon mine = at(c, s);
      assertThat(mine).isNotSameAs(parentAnons[s]);
      assertThat(mine.ref).isEqualTo(1);
      assertThat(parentAnons[s].ref).isEqualTo(1);
      assertThat(svc.content.get(mine.page)).isEqualTo(100 + s);
      assertThat(mine.page.flags & (VmPage.PG_BUSY | VmPage.PG_FAKE)).isZero();
      assertThat(mine.isLocked()).isFalse();
    }
    assertThat(svc.activated).hasSize(3);
    assertThat(c.isLocked()).isFalse();
    AmapAudit.checkAll(svc.list.amaps());
  }

  @Test
  void privateAndLoanedAnonsAreLeftAlone() {
    VmMapEntry child = forkWired(3);
    Amap c = child.aref.amap;
    // slot 0 already private to the child (an earlier pass), slot 1 loaned out
    Anon own = svc.anonSwapOnly();
    c.lock();
    c.anon[0] = own;
    c.unlock();
    parentAnons[0].ref--;
    parentAnons[1].page.loanCount = 1;
    Amap.cowNow(child);
    assertThat(at(c, 0)).isSameAs(own);
    assertThat(at(c, 1)).isSameAs(parentAnons[1]);
    assertThat(at(c, 2)).isNotSameAs(parentAnons[2]);
    assertThat(parentAnons[1].ref).isEqualTo(2);
  }

  @Test
  void aBusyPageIsWaitedForAndTheScanRestarts() {
    VmMapEntry child = forkWired(2);
    VmPage busy = parentAnons[1].page;
    busy.flags |= VmPage.PG_BUSY;
    Amap.cowNow(child);
    assertThat(svc.pageWaits).containsExactly("cownow");
    assertThat(busy.flags & (VmPage.PG_BUSY | VmPage.PG_WANTED)).isZero();
    assertThat(parentAnons[0].ref).isEqualTo(1);
    assertThat(parentAnons[1].ref).isEqualTo(1);
    AmapAudit.checkAll(svc.list.amaps());
  }

  @Test
  void theBusyWaitSetsWantedAndHoldsNoLock() {
    VmMapEntry child = forkWired(1);
    VmPage busy = parentAnons[0].page;
    busy.flags |= VmPage.PG_BUSY;
    svc.onPageWait =
        pg -> {
          assertThat(pg.flags & VmPage.PG_WANTED).isNotZero();
          assertThat(child.aref.amap.isLocked()).isFalse();
          assertThat(parentAnons[0].isLocked()).isFalse();
          pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_WANTED);
        };
    Amap.cowNow(child);
    assertThat(svc.pageWaits).hasSize(1);
  }

  @Test
  void noFrameMeansWaitForMemoryAndRestart() {
    VmMapEntry child = forkWired(2);
    svc.freeFrames = 1; // the second copy finds no frame
    assertThat(Amap.cowNow(child)).isZero();
    assertThat(svc.memoryWaits).containsExactly("cownowpage");
    assertThat(parentAnons[0].ref).isEqualTo(1);
    assertThat(parentAnons[1].ref).isEqualTo(1);
    // the anon allocated for the failed attempt went back to the pool
    assertThat(svc.allocator.live(Kind.ANON)).isEqualTo(4);
    AmapAudit.checkAll(svc.list.amaps());
  }

  @Test
  void memoryThatNeverComesBackFailsWithEnomemInsteadOfSpinning() {
    VmMapEntry child = forkWired(3);
    svc.freeFrames = 1; // the first copy succeeds, then no frame is ever freed
    svc.onWaitForMemory =
        () -> {
          if (svc.memoryWaits.size() > 100) {
            throw new AssertionError("amap_cow_now spins waiting for memory that never comes");
          }
        };
    assertThat(Amap.cowNow(child)).isEqualTo(org.uvm4j.uvm.Errno.ENOMEM);
    assertThat(svc.memoryWaits).hasSize(Amap.COW_NOW_MAX_MEMORY_WAITS);
    Amap c = child.aref.amap;
    assertThat(c.isLocked()).isFalse();
    // slot 0 was copied, slots 1 and 2 still share the parent's anons
    assertThat(at(c, 0)).isNotSameAs(parentAnons[0]);
    assertThat(parentAnons[0].ref).isEqualTo(1);
    assertThat(at(c, 1)).isSameAs(parentAnons[1]);
    assertThat(parentAnons[1].ref).isEqualTo(2);
    for (Anon an : parentAnons) {
      assertThat(an.isLocked()).isFalse();
    }
    // only the anons actually in use remain: 3 parent + 1 copy (the failed attempts went back)
    assertThat(svc.allocator.live(Kind.ANON)).isEqualTo(4);
    AmapAudit.checkAll(svc.list.amaps());
  }

  @Test
  void aCopyBetweenWaitsResetsTheBudget() {
    VmMapEntry child = forkWired(3);
    // every copy fails once, then succeeds after the wait: 3 waits, never 4 in a row
    svc.freeFrames = 0;
    svc.onWaitForMemory = () -> svc.freeFrames = 1;
    assertThat(Amap.cowNow(child)).isZero();
    assertThat(svc.memoryWaits).hasSize(3);
    for (Anon an : parentAnons) {
      assertThat(an.ref).isEqualTo(1);
    }
  }

  @Test
  void noAnonMeansWaitForMemoryToo() {
    VmMapEntry child = forkWired(1);
    svc.allocator.failNth(1);
    Amap.cowNow(child);
    assertThat(svc.memoryWaits).containsExactly("cownowpage");
    assertThat(parentAnons[0].ref).isEqualTo(1);
  }

  @Test
  void theParentsPagesMustBeResidentAndWired() {
    VmMapEntry child = forkWired(1);
    parentAnons[0].page.wireCount = 0;
    assertThatThrownBy(() -> Amap.cowNow(child)).hasMessageContaining("not wired");
    VmMapEntry other = forkWired(1);
    parentAnons[0].page = null;
    assertThatThrownBy(() -> Amap.cowNow(other)).hasMessageContaining("not resident");
  }
}
