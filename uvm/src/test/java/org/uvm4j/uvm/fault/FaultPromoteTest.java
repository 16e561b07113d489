package org.uvm4j.uvm.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;
import static org.uvm4j.uvm.map.VmFixture.touch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.page.VmPage;

/**
 * The promote helper (uvmfault_promote) in each of its uses: case 1B (copy of a shared anon's page,
 * replacing the anon), case 2B (copy of an object's page) and 2B zero fill; and its failure path
 * (no frame), which must leave the amap and the old anon as they were.
 */
class FaultPromoteTest {
  private VmFixture m = new VmFixture();

  @AfterEach
  void tearDown() {
    m.audit();
    m.exitAllAndCheck();
  }

  /** The anon in {@code vm}'s amap slot of {@code va} (amap locked around the lookup). */
  private static Anon anonAt(Vmspace vm, long va) {
    VmMapEntry e = vm.map().lookup(va);
    Amap amap = e.aref.amap;
    if (amap == null) {
      return null;
    }
    amap.lock();
    try {
      return amap.lookup(e.aref, va - e.start);
    } finally {
      amap.unlock();
    }
  }

  /** What every promotion leaves: the new anon, alone in its slot, unlocked, its page ready. */
  private static void assertPromoted(FaultInfo info, Anon nanon) {
    assertThat(nanon).isNotNull();
    assertThat(info.anonId()).isEqualTo(nanon.id());
    assertThat(nanon.ref).isEqualTo(1);
    assertThat(nanon.isLocked()).as("new anon unlocked").isFalse();
    VmPage pg = nanon.page;
    assertThat(pg).isNotNull();
    assertThat(pg.frame).isEqualTo(info.frame());
    assertThat(pg.isBusy()).as("new page unbusy").isFalse();
    assertThat(pg.flags & VmPage.PG_FAKE).as("new page not fake").isZero();
  }

  @Test
  void case1bCopiesTheSharedAnonIntoANewOneThatReplacesIt() {
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 5);
    Vmspace child = m.fork(vm);
    assertThat(touch(child, a, Prot.READ)).isEqualTo(FaultResult.OK); // child's own amap, 1A
    Anon old = anonAt(child, a);
    assertThat(old.ref).isEqualTo(2);
    VmPage oldPage = old.page;
    long acow = m.exp().flt_acow;

    FaultHandler h = ((FaultHandler) child.faultHandler());
    assertThat(h.fault(child, a, Prot.WRITE)).isEqualTo(FaultResult.OK);
    FaultInfo info = h.lastInfo();
    assertThat(info.faultCase()).isEqualTo(FaultCase.ANON_COW);
    Anon nanon = anonAt(child, a);
    assertThat(nanon).isNotSameAs(old);
    assertPromoted(info, nanon);
    assertThat(info.foundAnonId()).isEqualTo(old.id());
    assertThat(info.anonRefBefore()).isEqualTo(2);
    assertThat(info.anonRefAfter()).isEqualTo(1);
    // the old anon lost the child's reference, kept its page, and is the parent's alone
    assertThat(old.ref).isEqualTo(1);
    assertThat(old.isLocked()).isFalse();
    assertThat(old.page).isSameAs(oldPage);
    assertThat(anonAt(vm, a)).isSameAs(old);
    assertThat(nanon.page).isNotSameAs(oldPage);
    assertThat(m.exp().flt_acow).isEqualTo(acow + 1);
    assertPeek(child, a, 5);
    assertPoke(child, a, 6);
    assertPeek(vm, a, 5);
  }

  @Test
  void case2bCopiesTheObjectPageIntoANewAnon() throws Exception {
    Vmspace vm = m.newSpace();
    byte[] contents = new byte[(int) PAGE];
    contents[0] = 0x40;
    FileObject f = new FileObject(m.uvm, contents);
    long a = vm.mmap(MapRequest.anon(PAGE, Prot.RW).withObject(f, 0));
    assertPeek(vm, a, 0x40); // 2A: the object's page, read-only
    VmPage objectPage = vm.pmap().extract(a);
    long prcopy = m.exp().flt_prcopy;

    FaultHandler h = ((FaultHandler) vm.faultHandler());
    assertThat(h.fault(vm, a, Prot.WRITE)).isEqualTo(FaultResult.OK);
    FaultInfo info = h.lastInfo();
    assertThat(info.faultCase()).isEqualTo(FaultCase.OBJECT_COW);
    assertThat(info.foundAnonId()).isEqualTo(-1);
    Anon nanon = anonAt(vm, a);
    assertPromoted(info, nanon);
    assertThat(nanon.page).isNotSameAs(objectPage);
    assertThat(vm.pmap().extract(a)).isSameAs(nanon.page);
    assertThat(m.exp().flt_prcopy).isEqualTo(prcopy + 1);
    assertPeek(vm, a, 0x40);
    assertPoke(vm, a, 0x41);
    // the object's page is untouched
    long b = vm.mmap(MapRequest.anon(PAGE, Prot.READ).withObject(f, 0));
    assertPeek(vm, b, 0x40);
    f.detach();
  }

  @Test
  void case2bWithoutAnObjectZeroFillsANewAnon() {
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    long przero = m.exp().flt_przero;
    FaultHandler h = ((FaultHandler) vm.faultHandler());
    assertThat(h.fault(vm, a + PAGE, Prot.READ)).isEqualTo(FaultResult.OK);
    FaultInfo info = h.lastInfo();
    assertThat(info.faultCase()).isEqualTo(FaultCase.ZERO_FILL);
    assertPromoted(info, anonAt(vm, a + PAGE));
    assertThat(anonAt(vm, a)).as("only the faulting slot").isNull();
    assertThat(m.exp().flt_przero).isEqualTo(przero + 1);
    assertPeek(vm, a + PAGE, 0);
  }

  @Test
  void aPromotionWithoutAFrameChangesNothing() {
    m = new VmFixture(64 * PAGE);
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 5);
    Vmspace child = m.fork(vm);
    assertThat(touch(child, a, Prot.READ)).isEqualTo(FaultResult.OK);
    Anon old = anonAt(child, a);
    // use up every frame in the parent
    long free = m.uvm.physMem().freeCount();
    long fill = m.mapAnon(vm, free + 1, Prot.RW, false);
    for (long i = 0; touch(vm, fill + i * PAGE, Prot.WRITE) == FaultResult.OK; i++) {
      assertThat(i).isLessThan(free);
    }
    long noram = m.exp().fltnoram;
    long acow = m.exp().flt_acow;

    FaultHandler h = ((FaultHandler) child.faultHandler());
    assertThat(h.fault(child, a, Prot.WRITE)).isEqualTo(FaultResult.OOM);
    FaultInfo info = h.lastInfo();
    assertThat(info.faultCase()).isEqualTo(FaultCase.NONE);
    assertThat(info.memoryWaits()).isEqualTo(FaultHandler.MAX_MEMORY_WAITS);
    assertThat(m.exp().fltnoram - noram).isEqualTo(FaultHandler.MAX_MEMORY_WAITS + 1);
    assertThat(m.exp().flt_acow).isEqualTo(acow);
    // the old anon is still in both slots, with both references, unlocked
    assertThat(anonAt(child, a)).isSameAs(old);
    assertThat(anonAt(vm, a)).isSameAs(old);
    assertThat(old.ref).isEqualTo(2);
    assertThat(old.isLocked()).isFalse();
    assertPeek(child, a, 5);
  }
}
