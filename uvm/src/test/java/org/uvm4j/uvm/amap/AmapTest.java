package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.amap.TestServices.at;
import static org.uvm4j.uvm.amap.TestServices.entry;
import static org.uvm4j.uvm.amap.TestServices.put;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.AmapAllocator.Kind;
import org.uvm4j.uvm.map.VmMapEntry;

/** amap_alloc/free, lookup(s), add/unadd, ref/unref, wipeout, share_protect, wiperange. */
class AmapTest {
  private final TestServices svc = new TestServices();

  private static Aref aref(Amap amap, int pageoff) {
    Aref r = new Aref();
    r.amap = amap;
    r.pageOffset = pageoff;
    return r;
  }

  // ---- amap_alloc / amap_alloc1 / amap_free --------------------------------------------------

  @Test
  void allocRoundsUpPadsListsAndReturnsAnUnlockedEmptyAmap() {
    Amap a = svc.amap(3, 2);
    assertThat(a.nslot()).isEqualTo(3);
    assertThat(a.maxslot()).isEqualTo(6); // 5 ints rounded to kmem's 8-byte quantum
    assertThat(a.nused()).isZero();
    assertThat(a.ref()).isEqualTo(1);
    assertThat(a.flags()).isZero();
    assertThat(a.hasPpref()).isFalse();
    assertThat(a.isPprefDisabled()).isFalse();
    assertThat(a.pprefCounts()).isNull();
    assertThat(a.isLocked()).isFalse();
    assertThat(svc.list.amaps()).containsExactly(a);
    assertThat(svc.list.contains(a)).isTrue();
    assertThat(a.id()).isPositive();
    a.audit();
    assertThat(Amap.roundupSlots(4)).isEqualTo(4);
    assertThat(Amap.roundupSlots(0)).isZero();
  }

  @Test
  void allocRejectsUnalignedSizes() {
    assertThatThrownBy(() -> Amap.alloc(svc, 100, 0, true))
        .isInstanceOf(UvmPanic.class)
        .hasMessageContaining("AMAP_B2SLOT");
    assertThatThrownBy(() -> Amap.alloc(svc, -4096, 0, true)).isInstanceOf(UvmPanic.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4})
  void aNowaitAllocFailingAtAnyStepGivesEverythingBack(int nth) {
    svc.allocator.failNth(nth);
    assertThat(Amap.alloc(svc, 4 << 12, 0, true)).isNull();
    assertThat(svc.allocator.liveTotal()).isZero();
    assertThat(svc.list.size()).isZero();
    assertThat(svc.memoryWaits).isEmpty();
  }

  @Test
  void aWaitingAllocWaitsForMemoryAndSucceeds() {
    svc.allocator.failNth(3);
    Amap a = Amap.alloc(svc, 4 << 12, 0, false);
    assertThat(a).isNotNull();
    assertThat(svc.memoryWaits).containsExactly("kmem_alloc");
  }

  @Test
  void anImpossiblyLargeAmapFailsCleanly() {
    assertThat(Amap.alloc(svc, (long) AmapAllocator.DEFAULT_MAX_ELEMENTS << 13, 0, false)).isNull();
    assertThat(svc.allocator.liveTotal()).isZero();
  }

  // ---- lookup / lookups / add / unadd --------------------------------------------------------

  @Test
  void addLookupUnaddKeepSlotsAndBackPointersPacked() {
    Amap a = svc.amap(8, 0);
    Aref r = aref(a, 2); // the entry starts at slot 2
    Anon x = svc.anon();
    Anon y = svc.anon();
    Anon z = svc.anon();
    a.lock();
    a.add(r, 0, x, false); // slot 2
    a.add(r, 3 << 12, y, false); // slot 5
    a.add(r, 5 << 12, z, false); // slot 7
    assertThat(a.nused()).isEqualTo(3);
    assertThat(a.lookup(r, 3 << 12)).isSameAs(y);
    assertThat(a.lookup(r, 1 << 12)).isNull();
    Anon[] out = new Anon[6];
    a.lookups(r, 0, out, 6);
    assertThat(out).containsExactly(x, null, null, y, null, z);
    a.unadd(r, 0); // slot 2 leaves: z moves into its place in am_slots
    assertThat(a.nused()).isEqualTo(2);
    assertThat(a.slots[0]).isEqualTo(7);
    assertThat(a.bckptr.get(7)).isZero();
    assertThat(a.anons()).containsExactly(z, y);
    a.unadd(r, 5 << 12); // the last entry of am_slots: no move needed
    assertThat(a.anons()).containsExactly(y);
    a.unlock();
    a.audit();
  }

  @Test
  void lookupAndFriendsCheckLockingAndBounds() {
    Amap a = svc.amap(4, 0);
    Aref r = aref(a, 1);
    Anon x = svc.anon();
    assertThatThrownBy(() -> a.lookup(r, 0)).hasMessageContaining("not locked");
    assertThatThrownBy(() -> a.add(r, 0, x, false)).hasMessageContaining("not locked");
    assertThatThrownBy(() -> a.lookups(r, 0, new Anon[1], 1)).hasMessageContaining("not locked");
    assertThatThrownBy(() -> a.unadd(r, 0)).hasMessageContaining("not locked");
    a.lock();
    assertThatThrownBy(() -> a.lookup(r, 3 << 12)).hasMessageContaining(">= am_nslot");
    assertThatThrownBy(() -> a.lookup(r, 100)).hasMessageContaining("aligned");
    assertThatThrownBy(() -> a.lookups(r, 0, new Anon[4], 4)).hasMessageContaining("past");
    assertThatThrownBy(() -> a.lookups(r, 0, new Anon[1], 2)).hasMessageContaining("npages");
    assertThatThrownBy(() -> a.lookup(aref(svc.amap(1, 0), 0), 0))
        .hasMessageContaining("does not use this amap");
    assertThatThrownBy(() -> a.unadd(r, 0)).hasMessageContaining("empty");
    assertThatThrownBy(() -> a.add(r, 0, x, true)).hasMessageContaining("replacing an empty");
    a.add(r, 0, x, false);
    assertThatThrownBy(() -> a.add(r, 0, x, false)).hasMessageContaining("occupied");
    x.ref = 0; // a dead anon must never be found
    assertThatThrownBy(() -> a.lookup(r, 0)).hasMessageContaining("ref 0");
    assertThatThrownBy(() -> a.lookups(r, 0, new Anon[1], 1)).hasMessageContaining("ref=0");
    assertThatThrownBy(() -> a.anonAt(9)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(a::lock).hasMessageContaining("against myself");
    assertThatThrownBy(a::tryLock).hasMessageContaining("against myself");
    a.unlock();
    assertThatThrownBy(a::unlock).hasMessageContaining("not locked");
    assertThatThrownBy(a::anons).hasMessageContaining("not locked");
  }

  @Test
  void replaceInAPrivateAmapDoesNotTouchMappings() {
    Amap a = svc.amap(2, 0);
    Anon old = svc.anonWithPage(1);
    put(a, 1, old);
    Anon neu = svc.anonWithPage(2);
    Aref r = aref(a, 0);
    a.lock();
    a.add(r, 1 << 12, neu, true);
    a.unlock();
    assertThat(at(a, 1)).isSameAs(neu);
    assertThat(a.nused()).isEqualTo(1);
    assertThat(svc.protectedPages).isEmpty();
  }

  @Test
  void replaceInASharedAmapUnmapsTheOldPageEverywhere() {
    Amap a = svc.amap(2, 0);
    Anon old = svc.anonWithPage(1);
    put(a, 0, old);
    Anon swapOnly = svc.anonSwapOnly();
    put(a, 1, swapOnly);
    a.ref(0, 2, Amap.AMAP_SHARED);
    Aref r = aref(a, 0);
    a.lock();
    old.lock();
    a.add(r, 0, svc.anon(), true);
    old.unlock();
    a.add(r, 1 << 12, svc.anon(), true); // no resident page: nothing to unmap
    a.unlock();
    assertThat(svc.protectedPages).containsExactly(old.page);
    assertThat(svc.protections).containsExactly(Prot.NONE);
  }

  // ---- amap_ref / amap_unref / amap_wipeout ------------------------------------------------

  @Test
  void refOfTheWholeAmapNeedsNoPerPageCounts() {
    Amap a = svc.amap(4, 0);
    a.ref(0, 4, 0);
    assertThat(a.ref()).isEqualTo(2);
    assertThat(a.hasPpref()).isFalse();
    a.unref(0, 4, false);
    assertThat(a.ref()).isEqualTo(1);
    assertThat(a.hasPpref()).isFalse();
  }

  @Test
  void aSharedRefSetsSharedAndTheLastButOneUnrefClearsIt() {
    Amap a = svc.amap(4, 0);
    a.ref(0, 4, Amap.AMAP_SHARED);
    a.ref(0, 4, Amap.AMAP_SHARED);
    assertThat(a.isShared()).isTrue();
    a.unref(0, 4, false);
    assertThat(a.isShared()).isTrue();
    a.unref(0, 4, false);
    assertThat(a.isShared()).isFalse();
    assertThat(a.ref()).isEqualTo(1);
  }

  @Test
  void aPartialRefEstablishesCountsFromTheOldReferenceCount() {
    Amap a = svc.amap(8, 0);
    a.ref(2, 3, 0);
    // the seed assumes every existing reference covers [offset, nslot): [0, 2) is seeded with 0
    assertThat(a.pprefCounts()).containsExactly(0, 0, 2, 2, 2, 1, 1, 1);
    a.audit();
  }

  @Test
  void refallAddsToTheWholeAmapWithoutEstablishing() {
    Amap a = svc.amap(4, 0);
    a.ref(1, 2, Amap.AMAP_REFALL);
    assertThat(a.hasPpref()).isFalse();
    a.ref(1, 2, 0); // now partial: establish with ref 2 from slot 1, then +1 on [1,3)
    assertThat(a.pprefCounts()).containsExactly(0, 3, 3, 2);
    a.ref(0, 1, Amap.AMAP_REFALL);
    assertThat(a.pprefCounts()).containsExactly(1, 4, 4, 3);
    assertThat(a.ref()).isEqualTo(4);
  }

  @Test
  void unrefOfAllDropsEveryPageAndWipesWhatReachesZero() {
    Amap a = svc.amap(4, 0);
    Anon x = svc.anon();
    Anon y = svc.anon();
    put(a, 0, x);
    put(a, 3, y);
    a.ref(0, 3, 0); // ppref: 2 2 2 1
    a.unref(0, 0, true); // -1 everywhere: 1 1 1 0 -> slot 3 wiped
    assertThat(a.pprefCounts()).containsExactly(1, 1, 1, 0);
    assertThat(y.isFreed()).isTrue();
    assertThat(at(a, 0)).isSameAs(x);
    a.audit();
  }

  @Test
  void theLastUnrefWipesTheAmapOutAndFreesEverything() {
    Amap a = svc.amap(4, 0);
    Anon x = svc.anonWithPage(1);
    Anon y = svc.anonSwapOnly();
    Anon shared = svc.anon();
    put(a, 0, x);
    put(a, 1, y);
    put(a, 2, shared);
    shared.ref++; // also held by some other amap
    a.unref(0, 4, false);
    assertThat(a.isFreed()).isTrue();
    assertThat(x.isFreed()).isTrue();
    assertThat(y.isFreed()).isTrue();
    assertThat(shared.isFreed()).isFalse();
    assertThat(shared.ref).isEqualTo(1);
    assertThat(svc.list.size()).isZero();
    assertThat(svc.allocator.live(Kind.AMAP)).isZero();
    assertThat(svc.allocator.live(Kind.SLOTS)).isZero();
    assertThat(svc.allocator.live(Kind.ANON)).isEqualTo(1);
    assertThatThrownBy(a::lock).hasMessageContaining("freed");
    assertThat(a.toString()).contains("freed");
  }

  @Test
  void wipeoutChecksItsPreconditions() {
    Amap a = svc.amap(2, 0);
    assertThatThrownBy(a::wipeout).hasMessageContaining("not locked");
    a.lock();
    assertThatThrownBy(a::wipeout).hasMessageContaining("still referenced");
    a.unlock();
    Anon x = svc.anon();
    put(a, 0, x);
    x.ref = 0;
    assertThatThrownBy(() -> a.unref(0, 2, false)).hasMessageContaining("ref 0");
  }

  @Test
  void unrefOfADeadAmapPanics() {
    Amap a = svc.amap(2, 0);
    a.lock();
    a.ref = 0;
    a.flags |= Amap.AMAP_SWAPOFF; // keeps wipeout from freeing it
    a.unlock();
    assertThatThrownBy(() -> a.unref(0, 2, false)).hasMessageContaining("already 0");
  }

  // ---- amap_share_protect --------------------------------------------------------------------

  @Test
  void shareProtectWalksTheOverlayWhenTheWindowIsSmall() {
    Amap a = svc.amap(8, 0);
    Anon[] an = new Anon[8];
    for (int s = 0; s < 8; s++) {
      an[s] = s == 3 ? svc.anonSwapOnly() : svc.anonWithPage(s);
      put(a, s, an[s]);
    }
    VmMapEntry e = entry(0x10000, 3, a, 2); // slots 2..4, 3 < nused 8: by am_anon
    a.lock();
    a.shareProtect(e, Prot.READ);
    a.unlock();
    assertThat(svc.protectedPages).containsExactly(an[2].page, an[4].page);
    assertThat(svc.protections).containsOnly(Prot.READ);
  }

  @Test
  void shareProtectWalksTheSlotListWhenTheWindowIsLarge() {
    Amap a = svc.amap(8, 0);
    Anon p1 = svc.anonWithPage(1);
    Anon p6 = svc.anonWithPage(6);
    put(a, 6, p6);
    put(a, 1, p1);
    put(a, 7, svc.anonWithPage(7)); // outside the window
    put(a, 2, svc.anonSwapOnly()); // no page
    VmMapEntry e = entry(0, 7, a, 0); // slots 0..6, 7 >= nused 4: by am_slots
    a.lock();
    a.shareProtect(e, Prot.NONE);
    a.unlock();
    assertThat(svc.protectedPages).containsExactly(p6.page, p1.page);
    VmMapEntry other = entry(0, 1, svc.amap(1, 0), 0);
    a.lock();
    assertThatThrownBy(() -> a.shareProtect(other, 0)).hasMessageContaining("does not use");
    a.unlock();
    assertThatThrownBy(() -> a.shareProtect(e, 0)).hasMessageContaining("not locked");
  }

  // ---- amap_wiperange ----------------------------------------------------------------------

  @Test
  void wiperangeByOverlayRemovesOnlyTheRange() {
    Amap a = svc.amap(10, 0);
    Anon[] an = new Anon[10];
    for (int s = 0; s < 10; s++) {
      an[s] = svc.anon();
      put(a, s, an[s]);
    }
    an[4].ref++; // shared with some other amap: survives with ref 1
    a.lock();
    a.wiperange(3, 3); // 3 < nused 10: walks am_anon
    a.unlock();
    assertThat(a.nused()).isEqualTo(7);
    assertThat(an[3].isFreed()).isTrue();
    assertThat(an[4].isFreed()).isFalse();
    assertThat(an[4].ref).isEqualTo(1);
    assertThat(an[5].isFreed()).isTrue();
    assertThat(at(a, 2)).isSameAs(an[2]);
    assertThat(at(a, 6)).isSameAs(an[6]);
    a.audit();
  }

  @Test
  void wiperangeBySlotListStaysOnEntriesMovedIntoTheHole() {
    Amap a = svc.amap(10, 0);
    // am_slots order 9, 2, 5, 3: removing 9 moves 3 into position 0, which must be re-examined
    int[] order = {9, 2, 5, 3};
    Anon[] an = new Anon[10];
    for (int s : order) {
      an[s] = svc.anon();
      put(a, s, an[s]);
    }
    a.lock();
    a.wiperange(3, 7); // 7 >= nused 4: walks am_slots; removes 9, 3, 5
    a.unlock();
    assertThat(a.nused()).isEqualTo(1);
    assertThat(an[9].isFreed()).isTrue();
    assertThat(an[3].isFreed()).isTrue();
    assertThat(an[5].isFreed()).isTrue();
    assertThat(at(a, 2)).isSameAs(an[2]);
    a.audit();
  }

  @Test
  void wiperangeChecksItsRange() {
    Amap a = svc.amap(4, 0);
    a.lock();
    assertThatThrownBy(() -> a.wiperange(2, 3)).hasMessageContaining("out of bounds");
    a.unlock();
  }

  // ---- amap_splitref, amap_pp_establish, amap_pp_adjref ---------------------------------------

  @Test
  void splitrefEstablishesCountsThenAddsAReference() {
    Amap a = svc.amap(8, 0);
    Aref left = aref(a, 0);
    Aref right = aref(a, 0);
    Amap.splitref(left, right, 3 << 12);
    assertThat(right.pageOffset).isEqualTo(3);
    assertThat(a.ref()).isEqualTo(2);
    assertThat(a.pprefCounts()).containsOnly(1);
    Aref far = aref(a, 3);
    Amap.splitref(right, far, 2 << 12); // already established: counts unchanged
    assertThat(far.pageOffset).isEqualTo(5);
    assertThat(a.ref()).isEqualTo(3);
    assertThat(a.pprefCounts()).containsOnly(1);
  }

  @Test
  void splitrefChecksItsArguments() {
    Amap a = svc.amap(4, 0);
    Aref r = aref(a, 0);
    assertThatThrownBy(() -> Amap.splitref(r, aref(svc.amap(4, 0), 0), 4096))
        .hasMessageContaining("different amaps");
    assertThatThrownBy(() -> Amap.splitref(r, aref(a, 0), 0)).hasMessageContaining("offset 0");
    assertThatThrownBy(() -> Amap.splitref(r, aref(a, 0), 4 << 12))
        .hasMessageContaining("past am_nslot");
  }

  @Test
  void ppEstablishFailureDisablesPerPageCountsForGood() {
    Amap a = svc.amap(8, 0);
    svc.allocator.failKind(Kind.PPREF, true);
    Amap.splitref(aref(a, 0), aref(a, 0), 4 << 12);
    assertThat(a.isPprefDisabled()).isTrue();
    assertThat(a.hasPpref()).isFalse();
    svc.allocator.failKind(Kind.PPREF, false);
    a.ref(1, 2, 0); // no second attempt
    a.unref(1, 2, false);
    assertThat(a.isPprefDisabled()).isTrue();
    assertThat(svc.memoryWaits).isEmpty();
    a.audit();
  }

  @Test
  void ppEstablishSeedsZeroBeforeTheOffsetAndRefAfter() {
    Amap a = svc.amap(6, 0);
    a.ref(0, 6, 0);
    a.lock();
    a.ppEstablish(2);
    assertThat(a.pprefCounts()).containsExactly(0, 0, 2, 2, 2, 2);
    assertThatThrownBy(() -> a.ppEstablish(0)).hasMessageContaining("already");
    a.unlock();
    Amap b = svc.amap(2, 0);
    b.lock();
    assertThatThrownBy(() -> b.ppEstablish(3)).hasMessageContaining("out of range");
    assertThatThrownBy(() -> b.ppAdjref(0, 1, 1)).hasMessageContaining("no ppref");
    b.unlock();
  }

  @Test
  void ppAdjrefSplitsRunsAtBothEndsAndMergesWithThePreviousRun() {
    Amap a = svc.amap(16, 0);
    a.lock();
    a.ppref = Ppref.encodeSlots(PprefTest.SEED_COUNTS, 16);
    // counts 2 2 2 2 3 1 1 0 0 0 4 4 0 1 1 1; +1 on [5,7): 1 1 -> 2 2, merges with nothing
    a.ppAdjref(5, 2, 1);
    assertThat(a.pprefCounts()).containsExactly(2, 2, 2, 2, 3, 2, 2, 0, 0, 0, 4, 4, 0, 1, 1, 1);
    // -1 on [4,5): 3 -> 2, equal to the run [0,4) before it: merged into one run of 5
    a.ppAdjref(4, 1, -1);
    assertThat(a.ppref.get(0)).isEqualTo(-3);
    assertThat(a.ppref.get(1)).isEqualTo(5);
    // +2 on [8,11): splits [7,10) at 8 and [10,12) at 11
    a.ppAdjref(8, 3, 2);
    assertThat(a.pprefCounts()).containsExactly(2, 2, 2, 2, 2, 2, 2, 0, 2, 2, 6, 4, 0, 1, 1, 1);
    // a range starting at slot 0 has no previous run
    a.ppAdjref(0, 1, 1);
    assertThat(a.pprefCounts()[0]).isEqualTo(3);
    assertThatThrownBy(() -> a.ppAdjref(7, 1, -1)).hasMessageContaining("negative");
    assertThatThrownBy(() -> a.ppAdjref(15, 2, 1)).hasMessageContaining("out of bounds");
    a.unlock();
  }

  @Test
  void ppAdjrefToZeroWipesTheRange() {
    Amap a = svc.amap(6, 0);
    Anon[] an = new Anon[6];
    for (int s = 0; s < 6; s++) {
      an[s] = svc.anon();
      put(a, s, an[s]);
    }
    a.ref(0, 6, 0);
    Amap.splitref(aref(a, 0), aref(a, 0), 2 << 12); // counts 2 everywhere, ref 3
    a.lock();
    a.ppAdjref(1, 3, -2);
    a.unlock();
    assertThat(a.pprefCounts()).containsExactly(2, 0, 0, 0, 2, 2);
    assertThat(an[1].isFreed()).isTrue();
    assertThat(an[3].isFreed()).isTrue();
    assertThat(an[4].isFreed()).isFalse();
    assertThat(a.nused()).isEqualTo(3);
    a.audit();
  }

  /**
   * amap_pp_adjref on chunked ppref against plain per-page counts, in every storage shape: flat
   * (one chunk, and the seed's flat arrays via the allocator's flat limit), trees of depth 1 and 2.
   * Ranges of 1 to 40 pages start anywhere, often just before a chunk boundary, so runs are split,
   * merged and walked across leaves (a run's length cell in the leaf after its head included);
   * counts that reach 0 wipe their anons. After every step the decoded counts equal the model's,
   * the anons are exactly those whose page never reached 0, and the audit (tiling) passes.
   */
  @ParameterizedTest
  @ValueSource(ints = {6, 16, 40, 240, 4096, 4097, 9000})
  void ppAdjrefMatchesPlainCountsAcrossChunksInEveryShape(int pages) {
    for (int flat : new int[] {ChunkedSlots.CHUNK, Integer.MAX_VALUE}) {
      TestServices s = new TestServices();
      s.allocator.setFlatSlots(flat);
      Amap a = s.amap(pages, 0);
      java.util.Random rnd = new java.util.Random(pages * 7L + flat);
      Anon[] an = new Anon[pages];
      for (int x = 0; x < pages; x += 1 + rnd.nextInt(9)) {
        an[x] = s.anon();
        put(a, x, an[x]);
      }
      a.ref(0, pages, 0); // two references
      a.lock();
      a.ppEstablish(0);
      assertThat(a.ppref.isFlat())
          .isEqualTo(pages <= Math.max(flat, AmapAllocator.PPREF_FLAT_SLOTS));
      // flat: amap_pp_adjref runs over the plain int[]; a tree: through the near leaf
      assertThat(a.ppref.flatLeaf() != null).isEqualTo(a.ppref.isFlat());
      int[] model = new int[pages];
      java.util.Arrays.fill(model, 2);
      int steps = pages > 4096 ? 400 : 1500;
      for (int step = 0; step < steps; step++) {
        int start =
            rnd.nextBoolean()
                ? rnd.nextInt(pages)
                : Math.max(0, Math.min(pages - 1, (rnd.nextInt(pages / 16 + 1) << 4) - 2));
        int len = Math.min(1 + rnd.nextInt(40), pages - start);
        int min = Integer.MAX_VALUE;
        for (int x = start; x < start + len; x++) {
          min = Math.min(min, model[x]);
        }
        int adj = min > 0 && rnd.nextInt(5) < 2 ? -Math.min(min, 1 + rnd.nextInt(2)) : 1;
        a.ppAdjref(start, len, adj);
        for (int x = start; x < start + len; x++) {
          model[x] += adj;
          if (model[x] == 0) {
            an[x] = null; // amap_wiperange took it out
          }
        }
        if (step % (pages > 4096 ? 40 : 10) == 0 || step == steps - 1) {
          String what = "step " + step + ", " + pages + " pages, flat limit " + flat;
          assertThat(a.pprefCounts()).as("counts after %s", what).containsExactly(model);
          for (int x = 0; x < pages; x++) {
            if (a.anonAt(x) != an[x]) {
              assertThat(a.anonAt(x)).as("slot %d after %s", x, what).isSameAs(an[x]);
            }
          }
          a.audit();
        }
      }
      a.unlock();
    }
  }

  @Test
  void anonsSnapshotAndToStringNameTheAmap() {
    Amap a = svc.amap(2, 0);
    Anon x = svc.anon();
    put(a, 1, x);
    a.lock();
    List<Anon> list = a.anons();
    a.unlock();
    assertThat(list).containsExactly(x);
    assertThat(a.toString()).startsWith("amap#").contains("nused=1");
  }
}
