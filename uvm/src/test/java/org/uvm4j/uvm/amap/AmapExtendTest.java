package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.amap.Amap.AMAP_EXTEND_BACKWARDS;
import static org.uvm4j.uvm.amap.Amap.AMAP_EXTEND_FORWARDS;
import static org.uvm4j.uvm.amap.Amap.AMAP_EXTEND_NOWAIT;
import static org.uvm4j.uvm.amap.TestServices.entry;
import static org.uvm4j.uvm.amap.TestServices.put;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.amap.AmapAllocator.Kind;
import org.uvm4j.uvm.map.VmMapEntry;

/** amap_extend: cases 1, 2 and 3, forwards and backwards, with and without per-page counts. */
class AmapExtendTest {
  private static final long BASE = 0x400000;
  private final TestServices svc = new TestServices();

  /** An entry using slots [0, pages) of a fresh amap of nslot slots (padding pad); no ppref. */
  private VmMapEntry plain(int nslot, int pad, int pages) {
    return entry(BASE, pages, svc.amap(nslot, pad), 0);
  }

  /**
   * An entry using slots [0, keep) of a fresh nslot-slot amap with ref 1 and per-page counts 1 on
   * [0, keep), 0 after: made the real way (clip at keep, drop the right part).
   */
  private VmMapEntry withPpref(int nslot, int pad, int keep) {
    Amap a = svc.amap(nslot, pad);
    VmMapEntry e = entry(BASE, nslot, a, 0);
    Aref right = new Aref();
    right.copyFrom(e.aref);
    Amap.splitref(e.aref, right, (long) keep << 12);
    e.end = BASE + ((long) keep << 12);
    a.unref(right.pageOffset, nslot - keep, false);
    assertThat(a.ref()).isEqualTo(1);
    assertThat(a.hasPpref()).isTrue();
    return e;
  }

  /** Fills every page of the entry with an anon and returns them in entry order. */
  private Anon[] fill(VmMapEntry e) {
    Anon[] an = new Anon[e.pages()];
    for (int i = 0; i < an.length; i++) {
      an[i] = svc.anon();
      put(e.aref.amap, e.aref.pageOffset + i, an[i]);
    }
    return an;
  }

  /** The anons of the entry's pages [from, from + n) after it grew. */
  private static Anon[] pages(VmMapEntry e, int from, int n) {
    Anon[] out = new Anon[n];
    e.aref.amap.lock();
    e.aref.amap.lookups(e.aref, (long) from << 12, out, n);
    e.aref.amap.unlock();
    return out;
  }

  private static void grow(VmMapEntry e, int pages, boolean forwards) {
    if (forwards) {
      e.end += (long) pages << 12;
    } else {
      e.start -= (long) pages << 12;
    }
  }

  // ---- issue 13: a clip without per-page counts, then a partial unmap ------------------------

  /**
   * An 8-slot amap full of anons, clipped at page 4 while the NOWAIT ppref allocation fails
   * (PPREF_NONE), then one half unmapped: the anons of that half stay in the amap, unreachable.
   * Returns the remaining entry ({@code keepLeft}: pages [0, 4), else [4, 8)); {@code anons} gets
   * the 8 anons.
   */
  private VmMapEntry clipWithoutPprefAndUnmapHalf(boolean keepLeft, Anon[] anons) {
    Amap a = svc.amap(8, 0);
    VmMapEntry e = entry(BASE, 8, a, 0);
    System.arraycopy(fill(e), 0, anons, 0, 8);
    Aref right = new Aref();
    right.copyFrom(e.aref);
    svc.allocator.failKind(Kind.PPREF, true);
    Amap.splitref(e.aref, right, 4L << 12);
    svc.allocator.failKind(Kind.PPREF, false);
    assertThat(a.isPprefDisabled()).isTrue();
    VmMapEntry kept;
    if (keepLeft) {
      e.end = BASE + (4L << 12);
      a.unref(right.pageOffset, 4, false);
      kept = e;
    } else {
      kept = entry(BASE + (4L << 12), 4, a, right.pageOffset);
      a.unref(e.aref.pageOffset, 4, false);
    }
    assertThat(a.ref()).isEqualTo(1);
    return kept;
  }

  private void assertUnmappedHalfIsGone(VmMapEntry e, Anon[] anons, int from, int grown) {
    assertThat(pages(e, from, grown)).containsOnlyNulls();
    for (int i = 0; i < 8; i++) {
      boolean kept = e.aref.pageOffset <= 4 ? i < 4 : i >= 4;
      assertThat(anons[i].isFreed()).as("anon of old page %d freed", i).isEqualTo(!kept);
    }
    e.aref.amap.audit();
  }

  @Test
  void forwardExtendOverPagesUnmappedWithoutPprefFindsThemEmpty() {
    Anon[] anons = new Anon[8];
    VmMapEntry e = clipWithoutPprefAndUnmapHalf(true, anons);
    assertThat(Amap.extend(e, 4 << 12, AMAP_EXTEND_FORWARDS)).isZero(); // case 1f
    grow(e, 4, true);
    assertUnmappedHalfIsGone(e, anons, 4, 4);
    assertThat(pages(e, 0, 4)).containsExactly(anons[0], anons[1], anons[2], anons[3]);
  }

  @Test
  void backwardExtendOverPagesUnmappedWithoutPprefFindsThemEmpty() {
    Anon[] anons = new Anon[8];
    VmMapEntry e = clipWithoutPprefAndUnmapHalf(false, anons);
    assertThat(Amap.extend(e, 4 << 12, AMAP_EXTEND_BACKWARDS)).isZero(); // case 1b
    grow(e, 4, false);
    assertThat(e.aref.pageOffset).isZero();
    assertThat(pages(e, 0, 4)).containsOnlyNulls();
    assertThat(pages(e, 4, 4)).containsExactly(anons[4], anons[5], anons[6], anons[7]);
    for (int i = 0; i < 4; i++) {
      assertThat(anons[i].isFreed()).isTrue();
    }
    e.aref.amap.audit();
  }

  @Test
  void backwardReallocationWithStaleAnonsOutsideTheWindowDoesNotPanic() {
    Anon[] anons = new Anon[8];
    VmMapEntry e = clipWithoutPprefAndUnmapHalf(false, anons);
    // 8 pages in front: slotneed 12 > maxslot 8, case 3b slides the window (panicked before)
    assertThat(Amap.extend(e, 8 << 12, AMAP_EXTEND_BACKWARDS)).isZero();
    grow(e, 8, false);
    assertThat(pages(e, 0, 8)).containsOnlyNulls();
    assertThat(pages(e, 8, 4)).containsExactly(anons[4], anons[5], anons[6], anons[7]);
    for (int i = 0; i < 4; i++) {
      assertThat(anons[i].isFreed()).isTrue();
    }
    e.aref.amap.audit();
  }

  // ---- case 1 ----------------------------------------------------------------------------------

  @Test
  void case1fOnlyTakesExistingSlotsIntoUse() {
    VmMapEntry e = plain(8, 0, 4);
    Anon[] an = fill(e);
    assertThat(Amap.extend(e, 2 << 12, AMAP_EXTEND_FORWARDS)).isZero();
    grow(e, 2, true);
    Amap a = e.aref.amap;
    assertThat(a.nslot()).isEqualTo(8);
    assertThat(a.maxslot()).isEqualTo(8);
    assertThat(pages(e, 0, 6)).containsExactly(an[0], an[1], an[2], an[3], null, null);
    assertThat(a.hasPpref()).isFalse();
    a.audit();
  }

  @Test
  void case1fBumpsThePerPageCountsOfTheNewPart() {
    VmMapEntry e = withPpref(8, 0, 4);
    assertThat(Amap.extend(e, 2 << 12, AMAP_EXTEND_FORWARDS)).isZero();
    assertThat(e.aref.amap.pprefCounts()).containsExactly(1, 1, 1, 1, 1, 1, 0, 0);
    e.aref.amap.audit();
  }

  @Test
  void case1bMovesThePageOffsetDown() {
    Amap a = svc.amap(8, 0);
    VmMapEntry e = entry(BASE, 4, a, 4);
    Anon[] an = fill(e);
    assertThat(Amap.extend(e, 3 << 12, AMAP_EXTEND_BACKWARDS)).isZero();
    grow(e, 3, false);
    assertThat(e.aref.pageOffset).isEqualTo(1);
    assertThat(pages(e, 0, 7)).containsExactly(null, null, null, an[0], an[1], an[2], an[3]);
    assertThat(a.nslot()).isEqualTo(8);
  }

  @Test
  void case1bBumpsThePerPageCountsOfTheNewFront() {
    // an entry using [4, 8) only: clip the whole-amap entry at 4, drop the left part
    Amap a = svc.amap(8, 0);
    VmMapEntry e = entry(BASE, 8, a, 0);
    Aref right = new Aref();
    right.copyFrom(e.aref);
    Amap.splitref(e.aref, right, 4 << 12);
    a.unref(0, 4, false);
    e.aref.copyFrom(right);
    e.start = BASE + (4 << 12);
    assertThat(a.pprefCounts()).containsExactly(0, 0, 0, 0, 1, 1, 1, 1);
    assertThat(Amap.extend(e, 2 << 12, AMAP_EXTEND_BACKWARDS)).isZero();
    assertThat(e.aref.pageOffset).isEqualTo(2);
    assertThat(a.pprefCounts()).containsExactly(0, 0, 1, 1, 1, 1, 1, 1);
    a.audit();
  }

  // ---- case 2 ----------------------------------------------------------------------------------

  @Test
  void case2fUsesThePaddingWithoutReallocating() {
    VmMapEntry e = plain(4, 4, 4);
    Anon[] an = fill(e);
    int[] slotsBefore = e.aref.amap.slots;
    assertThat(Amap.extend(e, 3 << 12, AMAP_EXTEND_FORWARDS)).isZero();
    grow(e, 3, true);
    Amap a = e.aref.amap;
    assertThat(a.nslot()).isEqualTo(7);
    assertThat(a.maxslot()).isEqualTo(8);
    assertThat(a.slots).isSameAs(slotsBefore);
    assertThat(pages(e, 0, 7)).containsExactly(an[0], an[1], an[2], an[3], null, null, null);
    a.audit();
  }

  @Test
  void case2fExtendsThePerPageCountsOverOldTailAndPadding() {
    VmMapEntry e = withPpref(4, 4, 2);
    assertThat(Amap.extend(e, 3 << 12, AMAP_EXTEND_FORWARDS)).isZero();
    Amap a = e.aref.amap;
    assertThat(a.nslot()).isEqualTo(5);
    assertThat(a.pprefCounts()).containsExactly(1, 1, 1, 1, 1);
    a.audit();
  }

  @Test
  void case2bSlidesTheWindowToTheEndOfTheAllocation() {
    VmMapEntry e = plain(4, 4, 4);
    Anon[] an = fill(e);
    Amap a = e.aref.amap;
    assertThat(Amap.extend(e, 2 << 12, AMAP_EXTEND_BACKWARDS)).isZero();
    grow(e, 2, false);
    assertThat(a.nslot()).isEqualTo(8);
    assertThat(e.aref.pageOffset).isEqualTo(2);
    assertThat(pages(e, 0, 6)).containsExactly(null, null, an[0], an[1], an[2], an[3]);
    assertThat(TestServices.at(a, 0)).isNull();
    assertThat(TestServices.at(a, 1)).isNull();
    a.audit();
  }

  @Test
  void case2bRewritesThePerPageCounts() {
    VmMapEntry e = withPpref(4, 4, 3);
    Anon[] an = fill(e);
    Amap a = e.aref.amap;
    assertThat(Amap.extend(e, 2 << 12, AMAP_EXTEND_BACKWARDS)).isZero();
    grow(e, 2, false);
    // window [0,3) moved to [5,8); new front [3,5) count 1; [0,3) unreferenced
    assertThat(e.aref.pageOffset).isEqualTo(3);
    assertThat(a.pprefCounts()).containsExactly(0, 0, 0, 1, 1, 1, 1, 1);
    assertThat(pages(e, 0, 5)).containsExactly(null, null, an[0], an[1], an[2]);
    a.audit();
  }

  @Test
  void case2bWithSlotsAlreadyPartlyFreeInFront() {
    Amap a = svc.amap(4, 4);
    VmMapEntry e = entry(BASE, 3, a, 1); // slot 0 unused
    Anon[] an = fill(e);
    assertThat(Amap.extend(e, 3 << 12, AMAP_EXTEND_BACKWARDS)).isZero(); // slotadj 2
    grow(e, 3, false);
    assertThat(e.aref.pageOffset).isEqualTo(2);
    assertThat(pages(e, 0, 6)).containsExactly(null, null, null, an[0], an[1], an[2]);
    a.audit();
  }

  // ---- case 3 ----------------------------------------------------------------------------------

  @Test
  void case3fReallocatesAndCopies() {
    VmMapEntry e = plain(4, 0, 4);
    Anon[] an = fill(e);
    Amap a = e.aref.amap;
    assertThat(Amap.extend(e, 2 << 12, AMAP_EXTEND_FORWARDS)).isZero();
    grow(e, 2, true);
    assertThat(a.nslot()).isEqualTo(6);
    assertThat(a.maxslot()).isEqualTo(6);
    assertThat(pages(e, 0, 6)).containsExactly(an[0], an[1], an[2], an[3], null, null);
    assertThat(svc.allocator.live(Kind.SLOTS)).isEqualTo(1);
    assertThat(svc.allocator.liveElements(Kind.SLOTS)).isEqualTo(6);
    a.audit();
  }

  @Test
  void case3fCarriesThePerPageCountsOver() {
    VmMapEntry e = withPpref(4, 0, 3);
    Amap a = e.aref.amap;
    assertThat(Amap.extend(e, 3 << 12, AMAP_EXTEND_FORWARDS)).isZero();
    assertThat(a.maxslot()).isEqualTo(6);
    assertThat(a.pprefCounts()).containsExactly(1, 1, 1, 1, 1, 1);
    assertThat(svc.allocator.live(Kind.PPREF)).isEqualTo(1);
    a.audit();
  }

  @Test
  void case3bReallocatesWithTheWindowAtTheEnd() {
    VmMapEntry e = plain(4, 0, 4);
    Anon[] an = fill(e);
    Amap a = e.aref.amap;
    assertThat(Amap.extend(e, 3 << 12, AMAP_EXTEND_BACKWARDS)).isZero();
    grow(e, 3, false);
    // slotneed 7 -> slotalloc 8; window at [4, 8); pageoff 4 - 3 = 1
    assertThat(a.maxslot()).isEqualTo(8);
    assertThat(a.nslot()).isEqualTo(8);
    assertThat(e.aref.pageOffset).isEqualTo(1);
    assertThat(pages(e, 0, 7)).containsExactly(null, null, null, an[0], an[1], an[2], an[3]);
    a.audit();
  }

  @Test
  void case3bRewritesThePerPageCounts() {
    VmMapEntry e = withPpref(4, 0, 3);
    Amap a = e.aref.amap;
    assertThat(Amap.extend(e, 2 << 12, AMAP_EXTEND_BACKWARDS)).isZero();
    // slotneed 5 -> slotalloc 6; window [3,6); [1,3) new, count 1; [0,1) count 0
    assertThat(e.aref.pageOffset).isEqualTo(1);
    assertThat(a.pprefCounts()).containsExactly(0, 1, 1, 1, 1, 1);
    a.audit();
  }

  @Test
  void case3GivesUpAtTheLargeLimit() {
    VmMapEntry e = plain(200, 0, 200);
    assertThat(Amap.extend(e, 56L << 12, AMAP_EXTEND_FORWARDS)).isEqualTo(Errno.E2BIG);
    assertThat(Amap.extend(e, 55L << 12, AMAP_EXTEND_FORWARDS)).isZero();
    VmMapEntry b = plain(10, 0, 10);
    assertThat(Amap.extend(b, 1L << 40, AMAP_EXTEND_BACKWARDS)).isEqualTo(Errno.E2BIG);
    assertThat(b.aref.amap.isLocked()).isFalse();
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void case3NowaitFailureLeavesTheAmapUntouched(int nth) {
    VmMapEntry e = withPpref(4, 0, 3); // 4 allocations: ppref, slots, bckptr, overlay
    Anon[] an = fill(e);
    Amap a = e.aref.amap;
    long live = svc.allocator.liveTotal();
    svc.allocator.failNth(nth);
    int rv = Amap.extend(e, 3 << 12, AMAP_EXTEND_FORWARDS | AMAP_EXTEND_NOWAIT);
    if (nth == 1) {
      // only the ppref copy failed: the amap grows and gives up its per-page counts
      assertThat(rv).isZero();
      assertThat(a.isPprefDisabled()).isTrue();
      assertThat(a.nslot()).isEqualTo(6);
      assertThat(svc.allocator.live(Kind.PPREF)).isZero();
    } else {
      assertThat(rv).isEqualTo(Errno.ENOMEM);
      assertThat(a.nslot()).isEqualTo(4);
      assertThat(a.maxslot()).isEqualTo(4);
      assertThat(a.pprefCounts()).containsExactly(1, 1, 1, 0);
      assertThat(svc.allocator.liveTotal()).isEqualTo(live);
    }
    assertThat(pages(e, 0, 3)).containsExactly(an);
    assertThat(svc.memoryWaits).isEmpty();
    a.audit();
  }

  @Test
  void case3WaitingAllocationWaitsAndSucceeds() {
    VmMapEntry e = plain(4, 0, 4);
    svc.allocator.failNth(2);
    assertThat(Amap.extend(e, 1 << 12, AMAP_EXTEND_FORWARDS)).isZero();
    assertThat(svc.memoryWaits).containsExactly("kmem_alloc");
  }

  // ---- preconditions -----------------------------------------------------------------------

  @Test
  void aSharedAmapIsNeverExtended() {
    VmMapEntry e = plain(4, 0, 4);
    e.aref.amap.ref(0, 4, 0);
    assertThatThrownBy(() -> Amap.extend(e, 4096, AMAP_EXTEND_FORWARDS))
        .hasMessageContaining("shared");
  }

  @Test
  void aBackwardsSlideWithAnAnonOutsideTheWindowPanicsInsteadOfCorrupting() {
    Amap a = svc.amap(4, 4);
    put(a, 3, svc.anon()); // outside the entry's window [0, 2): the seed would mis-number it
    VmMapEntry e = entry(BASE, 2, a, 0);
    assertThatThrownBy(() -> Amap.extend(e, 2 << 12, AMAP_EXTEND_BACKWARDS))
        .hasMessageContaining("outside the entry's window");
  }
}
