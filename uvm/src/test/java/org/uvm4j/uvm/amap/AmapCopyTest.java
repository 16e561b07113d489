package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.amap.Amap.AMAP_COPY_NOCHUNK;
import static org.uvm4j.uvm.amap.Amap.AMAP_COPY_NOMERGE;
import static org.uvm4j.uvm.amap.Amap.AMAP_COPY_NOWAIT;
import static org.uvm4j.uvm.amap.TestServices.at;
import static org.uvm4j.uvm.amap.TestServices.entry;
import static org.uvm4j.uvm.amap.TestServices.put;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.uvm4j.uvm.amap.AmapAllocator.Kind;
import org.uvm4j.uvm.map.VmMapEntry;

/** amap_copy: fresh amaps (chunking, merge), take-over, real copies and the re-check. */
class AmapCopyTest {
  private static final long BASE = 0x10000000L; // chunk aligned
  private static final long PG = 4096;
  private final TestServices svc = new TestServices();
  private final TestMap map = new TestMap(svc);

  private VmMapEntry needsCopy(long start, int pages, Amap amap, int pageoff) {
    VmMapEntry e = entry(start, pages, amap, pageoff);
    e.etype |= VmMapEntry.NEEDSCOPY;
    return map.add(e);
  }

  // ---- no amap yet -------------------------------------------------------------------------

  @Test
  void aSmallEntryGetsAFreshAmapOfItsSize() {
    VmMapEntry e = needsCopy(BASE, 4, null, 0);
    e.aref.pageOffset = 3; // stale: reset to 0
    Amap.copy(map, e, 0, BASE, BASE + PG);
    assertThat(e.needsCopy()).isFalse();
    assertThat(e.aref.amap.nslot()).isEqualTo(4);
    assertThat(e.aref.pageOffset).isZero();
    assertThat(map.clipStarts).isEmpty();
    assertThat(map.clipEnds).isEmpty();
    assertThat(svc.list.amaps()).containsExactly(e.aref.amap);
  }

  @Test
  void aNowaitFailureLeavesNeedsCopySet() {
    VmMapEntry e = needsCopy(BASE, 4, null, 0);
    svc.allocator.failAll(true);
    Amap.copy(map, e, AMAP_COPY_NOWAIT, BASE, BASE + PG);
    assertThat(e.needsCopy()).isTrue();
    assertThat(e.aref.amap).isNull();
    assertThat(svc.allocator.liveTotal()).isZero();
    assertThat(svc.memoryWaits).isEmpty();
  }

  /**
   * Chunking of a large fresh entry [BASE + first, BASE + first + pages) for a fault at page {@code
   * fault} (entry-relative): the entry is clipped to the 16-page chunk around the fault, except
   * where the chunk passes the entry's ends.
   */
  @ParameterizedTest(name = "first={0} pages={1} fault={2}")
  @CsvSource({
    "0, 512, 100, 96, 112", // clipped on both sides
    "0, 512, 0, 0, 16", // fault in the first chunk: no clip at the start
    "0, 512, 511, 496, 512", // fault in the last chunk: no clip at the end
    "0, 256, 40, 32, 48", // exactly UVM_AMAP_LARGE pages: chunked
    "8, 300, 0, 8, 16", // unaligned start: the chunk begins before the entry
    "8, 300, 299, 304, 308", // unaligned end: the chunk ends after the entry
  })
  void aLargeFreshEntryIsClippedToTheChunkAroundTheFault(
      int first, int pages, int fault, int wantStart, int wantEnd) {
    VmMapEntry e = needsCopy(BASE + first * PG, pages, null, 0);
    long va = e.start + fault * PG + 0x123;
    Amap.copy(map, e, 0, va, va + 1);
    assertThat(e.start).isEqualTo(BASE + wantStart * PG);
    assertThat(e.end).isEqualTo(BASE + wantEnd * PG);
    assertThat(e.aref.amap.nslot()).isEqualTo(wantEnd - wantStart);
    assertThat(e.needsCopy()).isFalse();
    assertThat(map.clipStarts)
        .isEqualTo(wantStart > first ? List.of(BASE + wantStart * PG) : List.of());
    assertThat(map.clipEnds)
        .isEqualTo(wantEnd < first + pages ? List.of(BASE + wantEnd * PG) : List.of());
    // the pieces still tile the original range
    long covered = map.entries.stream().mapToLong(x -> x.end - x.start).sum();
    assertThat(covered).isEqualTo(pages * PG);
  }

  @Test
  void anEntryJustBelowTheLargeLimitIsNotChunked() {
    VmMapEntry e = needsCopy(BASE, 255, null, 0);
    Amap.copy(map, e, 0, BASE + 100 * PG, BASE + 101 * PG);
    assertThat(map.clipStarts).isEmpty();
    assertThat(e.aref.amap.nslot()).isEqualTo(255);
  }

  @Test
  void nochunkKeepsALargeEntryWhole() {
    VmMapEntry e = needsCopy(BASE, 1024, null, 0);
    Amap.copy(map, e, AMAP_COPY_NOCHUNK, BASE + 100 * PG, BASE + 101 * PG);
    assertThat(map.clipStarts).isEmpty();
    assertThat(map.clipEnds).isEmpty();
    assertThat(e.aref.amap.nslot()).isEqualTo(1024);
  }

  @Test
  void aFreshEntryMayMergeIntoItsNeighbourUnlessNomerge() {
    VmMapEntry e = needsCopy(BASE, 4, null, 0);
    map.merge = x -> true;
    Amap.copy(map, e, 0, BASE, BASE + PG);
    assertThat(e.aref.amap).isNull();
    assertThat(svc.list.size()).isZero();
    Amap.copy(map, e, AMAP_COPY_NOMERGE, BASE, BASE + PG);
    assertThat(e.aref.amap).isNotNull();
    assertThat(e.needsCopy()).isFalse();
  }

  // ---- take-over -------------------------------------------------------------------------

  @Test
  void theOnlyReferenceTakesTheAmapOver() {
    Amap a = svc.amap(4, 0);
    VmMapEntry e = needsCopy(BASE, 4, a, 0);
    long allocations = svc.allocator.attempts();
    Amap.copy(map, e, 0, BASE, BASE + PG);
    assertThat(e.aref.amap).isSameAs(a);
    assertThat(e.needsCopy()).isFalse();
    assertThat(svc.allocator.attempts()).isEqualTo(allocations);
  }

  // ---- real copy ----------------------------------------------------------------------------

  @Test
  void aSharedAmapIsCopiedAndItsAnonsBecomeCopyOnWrite() {
    Amap a = svc.amap(6, 0);
    Anon x = svc.anonWithPage(1);
    Anon y = svc.anonWithPage(2);
    put(a, 1, x);
    put(a, 4, y);
    a.ref(0, 6, Amap.AMAP_SHARED); // parent and child (fork of a SHARE entry, say)
    VmMapEntry parent = needsCopy(BASE, 6, a, 0);
    VmMapEntry child = needsCopy(BASE, 6, a, 0);
    Amap.copy(map, child, 0, BASE, BASE + PG);
    Amap c = child.aref.amap;
    assertThat(c).isNotSameAs(a);
    assertThat(child.needsCopy()).isFalse();
    assertThat(c.nused()).isEqualTo(2);
    assertThat(at(c, 1)).isSameAs(x);
    assertThat(at(c, 4)).isSameAs(y);
    assertThat(x.ref).isEqualTo(2);
    assertThat(y.ref).isEqualTo(2);
    assertThat(a.ref()).isEqualTo(1);
    assertThat(a.isShared()).isFalse();
    assertThat(svc.list.amaps()).containsExactlyInAnyOrder(a, c);
    AmapAudit.checkAll(svc.list.amaps());
    // the parent now takes its amap over
    Amap.copy(map, parent, 0, BASE, BASE + PG);
    assertThat(parent.aref.amap).isSameAs(a);
  }

  @Test
  void copyingAWindowDropsTheSourceCountsOfThatWindow() {
    Amap a = svc.amap(8, 0);
    Anon[] an = new Anon[8];
    for (int s = 0; s < 8; s++) {
      an[s] = svc.anon();
      put(a, s, an[s]);
    }
    VmMapEntry whole = entry(BASE, 8, a, 0);
    Aref right = new Aref();
    right.copyFrom(whole.aref);
    Amap.splitref(whole.aref, right, 5 * PG); // entries [0,5) and [5,8), ref 2, counts 1
    VmMapEntry tail = needsCopy(BASE + 5 * PG, 3, a, 5);
    Amap.copy(map, tail, 0, tail.start, tail.start + PG);
    Amap c = tail.aref.amap;
    assertThat(c.nslot()).isEqualTo(3);
    assertThat(at(c, 0)).isSameAs(an[5]);
    // the source's [5,8) dropped to 0 and was wiped; the anons live on in the copy
    assertThat(a.pprefCounts()).containsExactly(1, 1, 1, 1, 1, 0, 0, 0);
    assertThat(a.nused()).isEqualTo(5);
    assertThat(an[5].ref).isEqualTo(1);
    assertThat(an[5].isFreed()).isFalse();
    assertThat(a.ref()).isEqualTo(1);
    AmapAudit.checkAll(svc.list.amaps());
  }

  @Test
  void theReferenceCountIsCheckedAgainAfterSleepingInTheAllocator() {
    Amap a = svc.amap(4, 0);
    put(a, 2, svc.anon());
    a.ref(0, 4, 0);
    VmMapEntry e = needsCopy(BASE, 4, a, 0);
    // while we sleep for memory, the other reference goes away (the other process exits)
    svc.onWaitForMemory =
        () -> {
          svc.allocator.clearFailures();
          a.unref(0, 4, false);
        };
    svc.allocator.failNth(2); // the new amap's slot array
    Amap.copy(map, e, 0, BASE, BASE + PG);
    assertThat(svc.memoryWaits).hasSize(1);
    assertThat(e.aref.amap).isSameAs(a);
    assertThat(e.needsCopy()).isFalse();
    assertThat(svc.list.amaps()).containsExactly(a);
    assertThat(svc.allocator.live(Kind.AMAP)).isEqualTo(1);
    assertThat(svc.allocator.live(Kind.SLOTS)).isEqualTo(1);
    a.audit();
  }

  @Test
  void aNowaitCopyFailureLeavesNeedsCopyAndTheSource() {
    Amap a = svc.amap(4, 0);
    a.ref(0, 4, 0);
    VmMapEntry e = needsCopy(BASE, 4, a, 0);
    svc.allocator.failNth(3);
    Amap.copy(map, e, AMAP_COPY_NOWAIT, BASE, BASE + PG);
    assertThat(e.needsCopy()).isTrue();
    assertThat(e.aref.amap).isSameAs(a);
    assertThat(a.ref()).isEqualTo(2);
    assertThat(svc.allocator.live(Kind.AMAP)).isEqualTo(1);
  }
}
