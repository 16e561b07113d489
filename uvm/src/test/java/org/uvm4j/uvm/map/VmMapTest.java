package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.map.VmFixture.PAGE;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.obj.FileObject;

/** VmMap on its own: lookup, clipping, merging, free-space search, structural checks. */
class VmMapTest {
  private VmFixture m;
  private Vmspace vm;
  private VmMap map;

  @BeforeEach
  void setUp() {
    m = new VmFixture();
    vm = m.newSpace();
    map = vm.map();
    map.lock();
  }

  @AfterEach
  void tearDown() {
    map.unlock();
    m.audit();
    m.exitAllAndCheck();
  }

  private void enterAnon(long start, int pages, int prot, int flags) {
    assertThat(
            map.enter(
                start,
                pages * PAGE,
                null,
                0,
                prot,
                Prot.ALL,
                Inheritance.COPY,
                Advice.NORMAL,
                flags))
        .isZero();
  }

  @Test
  void lookupFindsContainingEntryOrNull() {
    enterAnon(0x10000, 2, Prot.RW, VmMap.FLAG_COPYONW);
    enterAnon(0x20000, 1, Prot.READ, VmMap.FLAG_COPYONW);
    assertThat(map.lookup(0x10000).start).isEqualTo(0x10000);
    assertThat(map.lookup(0x11fff).end).isEqualTo(0x12000);
    assertThat(map.lookup(0x12000)).isNull();
    assertThat(map.lookup(0xf000)).isNull();
    assertThat(map.lookup(0x20000).protection).isEqualTo(Prot.READ);
    assertThat(map.lookup(0x21000)).isNull();
    assertThat(map.isFullyMapped(0x10000, 0x12000)).isTrue();
    assertThat(map.isFullyMapped(0x10000, 0x13000)).isFalse();
    assertThat(map.isFree(0x12000, 0x20000)).isTrue();
    assertThat(map.isFree(0x11000, 0x13000)).isFalse();
    assertThat(map.size()).isEqualTo(3 * PAGE);
  }

  @Test
  void clipSplitsTheAmapReference() {
    enterAnon(0x10000, 4, Prot.RW, VmMap.FLAG_COPYONW | VmMap.FLAG_OVERLAY);
    VmMapEntry e = map.lookup(0x10000);
    Amap amap = e.aref.amap;
    map.clipStart(e, 0x11000);
    map.clipEnd(e, 0x13000);
    assertThat(map.entryCount()).isEqualTo(3);
    assertThat(e.start).isEqualTo(0x11000);
    assertThat(e.end).isEqualTo(0x13000);
    assertThat(e.aref.pageOffset).isEqualTo(1);
    assertThat(map.lookup(0x13000).aref.pageOffset).isEqualTo(3);
    assertThat(map.lookup(0x10000).aref.pageOffset).isZero();
    assertThat(amap.ref()).isEqualTo(3);
    map.check();
  }

  @Test
  void clipOfObjectEntryAdvancesOffsetAndReferencesObject() {
    FileObject f = new FileObject(m.uvm, new byte[(int) (4 * PAGE)]);
    f.reference();
    assertThat(
            map.enter(
                0x10000,
                4 * PAGE,
                f,
                0,
                Prot.READ,
                Prot.ALL,
                Inheritance.COPY,
                Advice.NORMAL,
                VmMap.FLAG_COPYONW))
        .isZero();
    map.clipEnd(map.lookup(0x10000), 0x12000);
    assertThat(map.lookup(0x12000).offset).isEqualTo(2 * PAGE);
    assertThat(f.refs()).isEqualTo(3);
    map.unlock();
    assertThat(vm.munmap(0x10000, 4 * PAGE)).isZero();
    map.lock();
    assertThat(f.refs()).isEqualTo(1);
    f.detach();
  }

  @Test
  void enterMergesBackAndForwardWithCompatibleNeighbours() {
    enterAnon(0x10000, 1, Prot.RW, VmMap.FLAG_COPYONW);
    enterAnon(0x12000, 1, Prot.RW, VmMap.FLAG_COPYONW);
    assertThat(map.entryCount()).isEqualTo(2);
    enterAnon(0x11000, 1, Prot.RW, VmMap.FLAG_COPYONW);
    assertThat(map.entryCount()).as("bimerge").isEqualTo(1);
    assertThat(map.lookup(0x10000).end).isEqualTo(0x13000);
    enterAnon(0xf000, 1, Prot.RW, VmMap.FLAG_COPYONW | VmMap.FLAG_NOMERGE);
    assertThat(map.entryCount()).isEqualTo(2);
    map.check();
  }

  @Test
  void overlayEntriesMergeByExtendingTheAmap() {
    enterAnon(0x10000, 2, Prot.RW, VmMap.FLAG_COPYONW | VmMap.FLAG_OVERLAY | VmMap.FLAG_AMAPPAD);
    Amap amap = map.lookup(0x10000).aref.amap;
    enterAnon(0x12000, 3, Prot.RW, VmMap.FLAG_COPYONW | VmMap.FLAG_OVERLAY);
    assertThat(map.entryCount()).isEqualTo(1);
    assertThat(map.lookup(0x14000).aref.amap).isSameAs(amap);
    assertThat(amap.nslot()).isEqualTo(5);
    map.check();
  }

  @Test
  void findSpaceTopDownAndBottomUp() {
    long base = Vmspace.MMAP_BASE;
    enterAnon(base - PAGE, 1, Prot.RW, VmMap.FLAG_NOMERGE | VmMap.FLAG_COPYONW);
    enterAnon(base - 4 * PAGE, 1, Prot.RW, VmMap.FLAG_NOMERGE | VmMap.FLAG_COPYONW);
    assertThat(map.findSpace(base, 2 * PAGE, true)).isEqualTo(base - 3 * PAGE);
    assertThat(map.findSpace(base, 3 * PAGE, true)).isEqualTo(base - 7 * PAGE);
    assertThat(map.findSpace(base - 4 * PAGE, PAGE, false)).isEqualTo(base - 3 * PAGE);
    assertThat(map.findSpace(Vmspace.USER_MIN, PAGE, false)).isEqualTo(Vmspace.USER_MIN);
    assertThat(map.findSpace(Vmspace.USER_MAX, Vmspace.USER_MAX, true)).isEqualTo(-1);
    assertThat(map.findSpace(base, 0, true)).isEqualTo(-1);
  }

  @Test
  void protectRefusesBeyondMaxProtectionWithoutChanges() {
    assertThat(
            map.enter(
                0x10000,
                2 * PAGE,
                null,
                0,
                Prot.READ,
                Prot.READ,
                Inheritance.COPY,
                Advice.NORMAL,
                VmMap.FLAG_COPYONW))
        .isZero();
    assertThat(map.protect(0x10000, 0x11000, Prot.RW, false)).isEqualTo(13);
    assertThat(map.entryCount()).isEqualTo(1);
    assertThat(map.protect(0x10000, 0x11000, Prot.NONE, true)).isZero();
    assertThat(map.lookup(0x10000).maxProtection).isEqualTo(Prot.NONE);
    assertThat(map.lookup(0x11000).maxProtection).isEqualTo(Prot.READ);
  }

  @Test
  void checkReportsBrokenInvariants() {
    enterAnon(0x10000, 1, Prot.RW, VmMap.FLAG_COPYONW);
    VmMapEntry e = map.lookup(0x10000);
    e.etype = VmMapEntry.NEEDSCOPY;
    assertThatThrownBy(map::check).isInstanceOf(UvmPanic.class).hasMessageContaining("NEEDSCOPY");
    e.etype = VmMapEntry.COPYONWRITE | VmMapEntry.NEEDSCOPY;
    e.protection = Prot.ALL;
    e.maxProtection = Prot.READ;
    assertThatThrownBy(map::check).hasMessageContaining("max protection");
    e.maxProtection = Prot.ALL;
    map.check();
  }

  @Test
  void inheritAndAdviseClipToTheRange() {
    enterAnon(0x10000, 4, Prot.RW, VmMap.FLAG_COPYONW);
    map.inherit(0x11000, 0x12000, Inheritance.SHARE);
    map.advise(0x12000, 0x14000, Advice.RANDOM);
    assertThat(map.entryCount()).isEqualTo(3);
    assertThat(map.lookup(0x11000).inheritance).isEqualTo(Inheritance.SHARE);
    assertThat(map.lookup(0x10000).inheritance).isEqualTo(Inheritance.COPY);
    assertThat(map.lookup(0x13000).advice).isEqualTo(Advice.RANDOM);
    assertThat(map.entriesIn(0x10800, 0x12800)).hasSize(3);
  }
}
