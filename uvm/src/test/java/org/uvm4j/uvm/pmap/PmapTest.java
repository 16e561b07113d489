package org.uvm4j.uvm.pmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

class PmapTest {
  private static final long P = 4096;

  private Uvm uvm;
  private Pmap pmap;
  private final List<String> inval = new ArrayList<>();

  @BeforeEach
  void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(1 << 20));
    pmap = newPmap("A");
  }

  private Pmap newPmap(String name) {
    Pmap p = new Pmap(uvm.physMem(), uvm.exp());
    p.setTlbListener(
        (pm, sva, eva) -> {
          assertThat(pm).isSameAs(p);
          inval.add(name + ":" + Long.toHexString(sva) + "-" + Long.toHexString(eva));
        });
    return p;
  }

  private VmPage page() {
    VmPage pg = uvm.physMem().alloc();
    assertThat(pg).isNotNull();
    return pg;
  }

  @Test
  void enterExtractAndCounts() {
    VmPage a = page();
    VmPage b = page();
    pmap.enter(0x400000, a, Prot.RX, false);
    pmap.enter(0x7fff_ffff_e000L, b, Prot.RW, true);
    assertThat(pmap.extract(0x400000)).isSameAs(a);
    assertThat(pmap.extract(0x7fff_ffff_e000L)).isSameAs(b);
    assertThat(pmap.extract(0x401000)).isNull();
    assertThat(pmap.protection(0x400000)).isEqualTo(Prot.RX);
    assertThat(pmap.isWired(0x7fff_ffff_e000L)).isTrue();
    assertThat(pmap.residentCount()).isEqualTo(2);
    assertThat(pmap.wiredCount()).isEqualTo(1);
    assertThat(a.mdpage.isMapped()).isTrue();
    assertThat(a.mdpage.mappingCount()).isEqualTo(1);
    assertThat(inval).isEmpty(); // new mappings are upgrades
    pmap.check();
    Pmap.checkPage(a);
  }

  @Test
  void enterOverAnotherPageReplacesItAndInvalidates() {
    VmPage a = page();
    VmPage b = page();
    pmap.enter(0x1000, a, Prot.READ, false);
    pmap.enter(0x1000, b, Prot.RW, false);
    assertThat(pmap.extract(0x1000)).isSameAs(b);
    assertThat(a.mdpage.isMapped()).isFalse();
    assertThat(pmap.residentCount()).isEqualTo(1);
    assertThat(inval).containsExactly("A:1000-2000");
    pmap.check();
  }

  @Test
  void reenterSamePageChangesProtAndWiring() {
    VmPage a = page();
    pmap.enter(0x1000, a, Prot.READ, false);
    pmap.enter(0x1000, a, Prot.RW, true); // upgrade
    assertThat(inval).isEmpty();
    assertThat(pmap.wiredCount()).isEqualTo(1);
    assertThat(a.mdpage.mappingCount()).isEqualTo(1);
    pmap.enter(0x1000, a, Prot.READ, false); // downgrade
    assertThat(inval).containsExactly("A:1000-2000");
    assertThat(pmap.wiredCount()).isZero();
    pmap.check();
  }

  @Test
  void removeRangeRemovesOnlyInsideAndInvalidatesOnce() {
    VmPage[] pgs = new VmPage[4];
    for (int i = 0; i < 4; i++) {
      pgs[i] = page();
      pmap.enter(0x10000 + i * P, pgs[i], Prot.RW, i == 1);
    }
    pmap.remove(0x11000, 0x13000);
    assertThat(pmap.extract(0x10000)).isSameAs(pgs[0]);
    assertThat(pmap.extract(0x11000)).isNull();
    assertThat(pmap.extract(0x12000)).isNull();
    assertThat(pmap.extract(0x13000)).isSameAs(pgs[3]);
    assertThat(pgs[1].mdpage.isMapped()).isFalse();
    assertThat(pmap.wiredCount()).isZero();
    assertThat(pmap.residentCount()).isEqualTo(2);
    assertThat(inval).containsExactly("A:11000-13000");
    inval.clear();
    pmap.remove(0x11000, 0x13000); // nothing left there: no call
    pmap.remove(0x5000, 0x5000);
    assertThat(inval).isEmpty();
    pmap.check();
  }

  @Test
  void removeOfAHugeSparseRangeIsFast() {
    VmPage a = page();
    VmPage b = page();
    pmap.enter(0x1000, a, Prot.RW, false);
    pmap.enter(0x7fff_ffff_f000L, b, Prot.RW, false);
    pmap.remove(0, Pmap.VA_LIMIT);
    assertThat(pmap.residentCount()).isZero();
    assertThat(inval).containsExactly("A:1000-800000000000");
    pmap.update();
    assertThat(pmap.leafCount()).isZero();
  }

  @Test
  void protectNeverRaisesAndRemovesWhenNothingIsLeft() {
    VmPage a = page();
    VmPage b = page();
    VmPage c = page();
    pmap.enter(0x1000, a, Prot.READ, false);
    pmap.enter(0x2000, b, Prot.RW, false);
    pmap.enter(0x3000, c, Prot.RX, false);
    pmap.protect(0x1000, 0x4000, Prot.RW);
    assertThat(pmap.protection(0x1000)).isEqualTo(Prot.READ); // not raised
    assertThat(pmap.protection(0x2000)).isEqualTo(Prot.RW);
    assertThat(pmap.protection(0x3000)).isEqualTo(Prot.READ);
    assertThat(inval).containsExactly("A:3000-4000");
    inval.clear();
    pmap.protect(0x1000, 0x4000, Prot.ALL); // no change at all
    assertThat(inval).isEmpty();
    pmap.protect(0x1000, 0x3000, Prot.EXEC); // READ and RW lose everything: removed
    assertThat(pmap.extract(0x1000)).isNull();
    assertThat(pmap.extract(0x2000)).isNull();
    assertThat(b.mdpage.isMapped()).isFalse();
    assertThat(inval).containsExactly("A:1000-3000");
    pmap.check();
  }

  @Test
  void pageProtectReachesEveryPmapThatMapsThePage() {
    Pmap other = newPmap("B");
    VmPage shared = page();
    VmPage mine = page();
    pmap.enter(0x1000, shared, Prot.RW, false);
    pmap.enter(0x2000, mine, Prot.RW, false);
    other.enter(0x5000, shared, Prot.RW, false);
    other.enter(0x6000, shared, Prot.READ, false); // the same page twice in one pmap
    assertThat(shared.mdpage.mappingCount()).isEqualTo(3);

    Pmap.pageProtect(shared, Prot.READ);
    assertThat(pmap.protection(0x1000)).isEqualTo(Prot.READ);
    assertThat(other.protection(0x5000)).isEqualTo(Prot.READ);
    assertThat(other.protection(0x6000)).isEqualTo(Prot.READ);
    assertThat(pmap.protection(0x2000)).isEqualTo(Prot.RW);
    assertThat(inval).containsExactlyInAnyOrder("A:1000-2000", "B:5000-6000");

    inval.clear();
    Pmap.pageProtect(shared, Prot.ALL); // never raises, nothing to do
    assertThat(inval).isEmpty();

    Pmap.pageProtect(shared, Prot.NONE);
    assertThat(shared.mdpage.isMapped()).isFalse();
    assertThat(pmap.extract(0x1000)).isNull();
    assertThat(other.extract(0x5000)).isNull();
    assertThat(other.extract(0x6000)).isNull();
    assertThat(pmap.extract(0x2000)).isSameAs(mine);
    assertThat(other.residentCount()).isZero();
    assertThat(inval).containsExactlyInAnyOrder("A:1000-2000", "B:5000-6000", "B:6000-7000");
    pmap.check();
    other.check();
    Pmap.checkPage(shared);
  }

  @Test
  void tlbLookupAnswersPermissionsAndSetsAttributes() {
    VmPage a = page();
    pmap.enter(0x1000, a, Prot.RW, false);
    assertThat(pmap.tlbLookup(0x2000, Prot.READ)).isZero(); // no mapping
    assertThat(pmap.tlbLookup(0x1000, Prot.EXEC)).isZero(); // not allowed
    assertThat(Pmap.isReferenced(a)).isFalse();

    long r = pmap.tlbLookup(0x1000, Prot.READ);
    assertThat(r & ~0xfffL).isEqualTo(a.physAddr());
    // read fill of a clean page: WRITE withheld so that the first store refills
    assertThat((int) (r & 7)).isEqualTo(Prot.READ);
    assertThat(Pmap.isReferenced(a)).isTrue();
    assertThat(Pmap.isModified(a)).isFalse();

    long w = pmap.tlbLookup(0x1000, Prot.WRITE);
    assertThat((int) (w & 7)).isEqualTo(Prot.RW);
    assertThat(Pmap.isModified(a)).isTrue();
    assertThat((int) (pmap.tlbLookup(0x1000, Prot.READ) & 7)).isEqualTo(Prot.RW);
    assertThat(uvm.exp().tlbfills).isEqualTo(3);
    assertThat(inval).isEmpty();
  }

  @Test
  void tlbLookupMarksExecutedOnFetchAndWithholdsExecBefore() {
    VmPage a = page();
    pmap.enter(0x1000, a, Prot.RX, false);
    assertThat((int) (pmap.tlbLookup(0x1000, Prot.READ) & 7)).isEqualTo(Prot.READ);
    assertThat(a.executed).isFalse();
    assertThat((int) (pmap.tlbLookup(0x1000, Prot.EXEC) & 7)).isEqualTo(Prot.RX);
    assertThat(a.executed).isTrue();
    assertThat((int) (pmap.tlbLookup(0x1000, Prot.READ) & 7)).isEqualTo(Prot.RX);
  }

  @Test
  void rewritingAnExecutedMappedFrameInvalidatesItsExecTranslations() {
    VmPage a = page();
    pmap.enter(0x1000, a, Prot.ALL, false);
    pmap.tlbLookup(0x1000, Prot.EXEC);
    List<Integer> rewritten = new ArrayList<>();
    uvm.physMem().setCodeListener(pg -> rewritten.add(pg.frame));
    uvm.physMem().write(a, 0, new byte[] {(byte) 0xc3}, 0, 1);
    assertThat(rewritten).containsExactly(a.frame);
    assertThat(inval).containsExactly("A:1000-2000");
    assertThat(a.executed).isFalse();
    // the next fetch refills and marks it again, so the next rewrite is reported too
    pmap.tlbLookup(0x1000, Prot.EXEC);
    uvm.physMem().write(a, 0, new byte[] {(byte) 0x90}, 0, 1);
    assertThat(rewritten).containsExactly(a.frame, a.frame);
  }

  @Test
  void tlbLookupOutsideTheAddressSpaceIsAMiss() {
    assertThat(pmap.tlbLookup(0xffff_8000_0000_0000L, Prot.READ)).isZero();
    assertThat(pmap.tlbLookup(-4096, Prot.READ)).isZero();
    assertThat(pmap.tlbLookup(1L << 48, Prot.READ)).isZero();
  }

  @Test
  void clearReferencedAndModifiedInvalidateWhatCouldBypassThem() {
    VmPage a = page();
    Pmap other = newPmap("B");
    pmap.enter(0x1000, a, Prot.RW, false);
    other.enter(0x9000, a, Prot.READ, false);
    assertThat(Pmap.clearReferenced(a)).isFalse(); // never filled: no TLB entry can exist
    assertThat(inval).isEmpty();
    pmap.tlbLookup(0x1000, Prot.WRITE);
    assertThat(Pmap.clearReferenced(a)).isTrue();
    assertThat(Pmap.isReferenced(a)).isFalse();
    assertThat(inval).containsExactlyInAnyOrder("A:1000-2000", "B:9000-a000");
    inval.clear();
    assertThat(Pmap.clearModified(a)).isTrue();
    assertThat(Pmap.isModified(a)).isFalse();
    assertThat(inval).containsExactly("A:1000-2000"); // only the writable one
    inval.clear();
    assertThat(Pmap.clearModified(a)).isFalse();
    assertThat(inval).isEmpty();
  }

  @Test
  void unwireClearsTheWiredBit() {
    VmPage a = page();
    pmap.enter(0x1000, a, Prot.RW, true);
    pmap.unwire(0x1000);
    assertThat(pmap.isWired(0x1000)).isFalse();
    assertThat(pmap.wiredCount()).isZero();
    assertThatThrownBy(() -> pmap.unwire(0x1000)).hasMessageContaining("not wired");
    assertThatThrownBy(() -> pmap.unwire(0x2000)).hasMessageContaining("not mapped");
  }

  @Test
  void updateReleasesEmptyLeavesAndForEachListsInOrder() {
    VmPage a = page();
    VmPage b = page();
    pmap.enter(0x7f00_0000_0000L, b, Prot.READ, false);
    pmap.enter(0x1000, a, Prot.RW, true);
    List<String> seen = new ArrayList<>();
    pmap.forEach(
        (va, pg, prot, wired) ->
            seen.add(Long.toHexString(va) + "=" + pg.frame + "/" + Prot.toString(prot) + wired));
    assertThat(seen)
        .containsExactly("1000=" + a.frame + "/rw-true", "7f0000000000=" + b.frame + "/r--false");
    assertThat(pmap.leafCount()).isEqualTo(2);
    pmap.remove(0x1000, 0x2000);
    assertThat(pmap.leafCount()).isEqualTo(2); // released by update, not before
    pmap.update();
    assertThat(pmap.leafCount()).isEqualTo(1);
    assertThat(pmap.tlbLookup(0x1000, Prot.READ)).isZero();
    pmap.enter(0x1000, a, Prot.RW, false); // a new leaf again
    assertThat(pmap.extract(0x1000)).isSameAs(a);
    pmap.check();
  }

  @Test
  void destroyRemovesEverythingAndForbidsFurtherUse() {
    VmPage a = page();
    pmap.enter(0x1000, a, Prot.RW, false);
    pmap.activate();
    assertThat(pmap.isActive()).isTrue();
    pmap.destroy();
    assertThat(a.mdpage.isMapped()).isFalse();
    assertThat(pmap.isActive()).isFalse();
    assertThatThrownBy(() -> pmap.enter(0x1000, a, Prot.RW, false))
        .hasMessageContaining("pmap_destroy");
  }

  @Test
  void badArgumentsPanic() {
    VmPage a = page();
    assertThatThrownBy(() -> pmap.enter(0x1001, a, Prot.RW, false)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> pmap.enter(1L << 48, a, Prot.RW, false)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> pmap.enter(0x1000, a, Prot.NONE, false)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> pmap.remove(0x2000, 0x1000)).isInstanceOf(UvmPanic.class);
    uvm.physMem().free(a);
    assertThatThrownBy(() -> pmap.enter(0x1000, a, Prot.RW, false)).hasMessageContaining("free");
  }

  @Test
  void checksCatchABrokenPvList() {
    VmPage a = page();
    pmap.enter(0x1000, a, Prot.RW, false);
    a.mdpage.pvList = null; // corrupt: the PTE has no pv entry
    assertThatThrownBy(pmap::check).hasMessageContaining("pv entries");
    PvEntry stray = new PvEntry();
    stray.pmap = pmap;
    stray.va = 0x5000;
    a.mdpage.pvList = stray; // corrupt: a pv entry without its PTE
    assertThatThrownBy(() -> Pmap.checkPage(a)).hasMessageContaining("maps something else");
  }
}
