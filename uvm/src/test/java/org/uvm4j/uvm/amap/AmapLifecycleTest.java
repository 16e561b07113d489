package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.amap.TestServices.at;
import static org.uvm4j.uvm.amap.TestServices.put;

import org.junit.jupiter.api.Test;

/** Whole-life scenarios from the reference (§1.3) and the two fixed 2009 bugs. */
class AmapLifecycleTest {
  private final TestServices svc = new TestServices();

  private static Aref aref(Amap amap, int pageoff) {
    Aref r = new Aref();
    r.amap = amap;
    r.pageOffset = pageoff;
    return r;
  }

  /**
   * Reference §1.3: entry E = pages [0,8) of an 8-slot amap; munmap of pages [2,4) clips twice and
   * detaches the middle, whose anons are freed at once through the per-page counts.
   */
  @Test
  void clipAndPartialUnmapFreeTheMiddleAnonsAtOnce() {
    Amap a = svc.amap(8, 0);
    Anon[] an = new Anon[8];
    for (int s = 0; s < 8; s++) {
      an[s] = svc.anonWithPage(s);
      put(a, s, an[s]);
    }
    final org.uvm4j.uvm.page.VmPage pg2 = an[2].page;
    final org.uvm4j.uvm.page.VmPage pg3 = an[3].page;
    Aref e = aref(a, 0);
    // 1. clip at page 2
    Aref e2 = aref(a, 0);
    Amap.splitref(e, e2, 2 << 12);
    assertThat(a.ppref.get(0)).isEqualTo(-2);
    assertThat(a.ppref.get(1)).isEqualTo(8);
    assertThat(a.ref()).isEqualTo(2);
    assertThat(e2.pageOffset).isEqualTo(2);
    // 2. clip E2 at page 4
    Aref e3 = aref(a, 2);
    Amap.splitref(e2, e3, 2 << 12);
    assertThat(a.ref()).isEqualTo(3);
    assertThat(e3.pageOffset).isEqualTo(4);
    // 3. detach E2
    a.unref(e2.pageOffset, 2, false);
    assertThat(a.ref()).isEqualTo(2);
    assertThat(
            new int[] {
              a.ppref.get(0),
              a.ppref.get(1),
              a.ppref.get(2),
              a.ppref.get(3),
              a.ppref.get(4),
              a.ppref.get(5)
            })
        .containsExactly(-2, 2, -1, 2, -2, 4);
    assertThat(a.pprefCounts()).containsExactly(1, 1, 0, 0, 1, 1, 1, 1);
    assertThat(an[2].isFreed()).isTrue();
    assertThat(an[3].isFreed()).isTrue();
    assertThat(svc.freedPages).containsExactly(pg2, pg3);
    assertThat(at(a, 1)).isSameAs(an[1]);
    assertThat(at(a, 4)).isSameAs(an[4]);
    a.audit();
    // detaching the rest frees everything
    a.unref(0, 2, false);
    a.unref(e3.pageOffset, 4, false);
    assertThat(a.isFreed()).isTrue();
    assertThat(svc.allocator.liveTotal()).isZero();
    assertThat(svc.content).isEmpty();
  }

  /**
   * Fixed 2009 bug: NB5's amap_unref decrements am_ref and only then establishes ppref, seeding the
   * range with the new count; the -1 that follows takes it to 0 and wipes anons that the remaining
   * reference still maps. Here: two references to an 8-page amap, no ppref yet; one reference to
   * pages [0,4) goes. With the 2009 order slots 0..3 would be wiped (count 2-1-1 = 0); with the NB6
   * order they keep count 1 and their anons.
   */
  @Test
  void unrefEstablishesPerPageCountsBeforeDroppingTheReference() {
    Amap a = svc.amap(8, 0);
    Anon[] an = new Anon[8];
    for (int s = 0; s < 8; s++) {
      an[s] = svc.anon();
      put(a, s, an[s]);
    }
    a.ref(0, 8, 0); // a whole-amap reference: no ppref needed
    assertThat(a.hasPpref()).isFalse();
    a.unref(0, 4, false);
    assertThat(a.ref()).isEqualTo(1);
    assertThat(a.pprefCounts()).containsExactly(1, 1, 1, 1, 2, 2, 2, 2);
    for (int s = 0; s < 8; s++) {
      assertThat(an[s].isFreed()).as("anon of slot %d", s).isFalse();
      assertThat(at(a, s)).isSameAs(an[s]);
    }
    a.audit();
  }

  /** Fork of a SHARE entry, partial unmaps in both processes: ppref frees what nobody maps. */
  @Test
  void partialUnmapsOfASharedRegionInBothProcessesFreeTheAnons() {
    Amap a = svc.amap(8, 0);
    Anon[] an = new Anon[8];
    for (int s = 0; s < 8; s++) {
      an[s] = svc.anon();
      put(a, s, an[s]);
    }
    Aref parent = aref(a, 0);
    a.ref(0, 8, Amap.AMAP_SHARED); // the child's entry
    Aref child = aref(a, 0);
    // parent unmaps [0,4): clip at 4, detach the left part
    Aref parentRight = aref(a, 0);
    Amap.splitref(parent, parentRight, 4 << 12);
    a.unref(0, 4, false);
    assertThat(an[0].isFreed()).isFalse(); // the child still maps it
    // child unmaps [2,6): clip at 2 and 6, detach the middle
    Aref childMid = aref(a, 0);
    Amap.splitref(child, childMid, 2 << 12);
    Aref childRight = aref(a, 2);
    Amap.splitref(childMid, childRight, 4 << 12);
    a.unref(2, 4, false);
    assertThat(a.pprefCounts()).containsExactly(1, 1, 0, 0, 1, 1, 2, 2);
    assertThat(an[2].isFreed()).isTrue();
    assertThat(an[3].isFreed()).isTrue();
    assertThat(an[4].isFreed()).isFalse();
    assertThat(a.isShared()).isTrue();
    a.audit();
    // everyone goes
    a.unref(0, 2, false);
    a.unref(4, 4, false);
    assertThat(a.isShared()).isFalse();
    a.unref(6, 2, false);
    assertThat(a.isFreed()).isTrue();
    assertThat(svc.allocator.liveTotal()).isZero();
  }
}
