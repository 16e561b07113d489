package org.uvm4j.uvm.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;
import static org.uvm4j.uvm.map.VmFixture.touch;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.page.VmPage;

/** uvm_fault case by case: lookup, protection, needs-copy, 1A, 1B, 2A, 2B, zero fill, OOM. */
class FaultHandlerTest {
  private VmFixture m;
  private Vmspace vm;
  private final List<String> trace = new ArrayList<>();

  @BeforeEach
  void setUp() {
    m = new VmFixture();
    vm = m.newSpace();
    vm.faultHandler().setTracing(true);
    vm.faultHandler().setObserver(info -> trace.add(info.faultCase() + "/" + info.result()));
  }

  @AfterEach
  void tearDown() {
    m.audit();
    m.exitAllAndCheck();
  }

  private FaultInfo last() {
    return vm.faultHandler().lastInfo();
  }

  private FileObject file(int pages) {
    byte[] contents = new byte[pages * (int) PAGE];
    for (int i = 0; i < pages; i++) {
      contents[i * (int) PAGE] = (byte) (0x40 + i);
    }
    return new FileObject(m.uvm, contents);
  }

  @Test
  void noEntryIsMapErr() {
    assertThat(vm.faultHandler().fault(vm, 0x5000, Prot.READ)).isEqualTo(FaultResult.SEGV_MAPERR);
    assertThat(last().result()).isEqualTo(FaultResult.SEGV_MAPERR);
    assertThat(last().entryStart()).isEqualTo(-1);
  }

  @Test
  void protectionViolationIsAccErr() {
    long a = m.mapAnon(vm, 1, Prot.READ, false);
    assertThat(vm.faultHandler().fault(vm, a, Prot.WRITE)).isEqualTo(FaultResult.SEGV_ACCERR);
    assertThat(vm.faultHandler().fault(vm, a, Prot.EXEC)).isEqualTo(FaultResult.SEGV_ACCERR);
    long none = m.mapAnon(vm, 1, Prot.NONE, false);
    assertThat(vm.faultHandler().fault(vm, none, Prot.READ)).isEqualTo(FaultResult.SEGV_ACCERR);
    assertThat(m.exp().faults).isEqualTo(3);
  }

  @Test
  void readOfPrivateAnonCopiesAmapThenZeroFills() {
    long a = m.mapAnon(vm, 4, Prot.RW, false);
    assertThat(vm.faultHandler().fault(vm, a + 10, Prot.READ)).isEqualTo(FaultResult.OK);
    FaultInfo i = last();
    assertThat(i.amapCopied()).isTrue();
    assertThat(i.refaults()).isEqualTo(1);
    assertThat(i.faultCase()).isEqualTo(FaultCase.ZERO_FILL);
    assertThat(i.frame()).isPositive();
    assertThat(m.exp().fltamcopy).isEqualTo(1);
    assertThat(m.exp().flt_przero).isEqualTo(1);
    // a zero-fill page is private: mapped with the entry's full protection even on a read
    assertThat(vm.pmap().protection(a)).isEqualTo(Prot.RW);
    assertPeek(vm, a + 10, 0);
    assertThat(vm.map().lookup(a).needsCopy()).isFalse();
  }

  @Test
  void largeEntryGetsAmapsInChunksThatMergeWithTheirNeighbour() {
    long a = m.mapAnon(vm, 1024, Prot.RW, false);
    assertThat(touch(vm, a + 500 * PAGE, Prot.WRITE)).isEqualTo(FaultResult.OK);
    // amap_copy clipped the untouched entry to the 16-page chunk around the fault
    assertThat(vm.map().entryCount()).isEqualTo(3);
    VmMapEntry chunk = vm.map().lookup(a + 500 * PAGE);
    assertThat(chunk.start).isEqualTo(a + 496 * PAGE);
    assertThat(chunk.end).isEqualTo(a + 512 * PAGE);
    assertThat(chunk.aref.amap.nslot()).isEqualTo(16);
    assertThat(vm.map().lookup(a).needsCopy()).isTrue();
    // the next chunk is absorbed by the previous one (uvm_mapent_trymerge + amap_extend)
    assertThat(touch(vm, a + 512 * PAGE, Prot.WRITE)).isEqualTo(FaultResult.OK);
    assertThat(vm.map().entryCount()).isEqualTo(3);
    VmMapEntry merged = vm.map().lookup(a + 512 * PAGE);
    assertThat(merged).isSameAs(chunk);
    assertThat(merged.end).isEqualTo(a + 528 * PAGE);
    assertThat(merged.aref.amap.nslot()).isEqualTo(32);
    assertPeek(vm, a + 500 * PAGE, 0);
  }

  @Test
  void case1aMapsResidentAnonInPlace() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 5);
    vm.pmap().remove(a, a + PAGE);
    assertThat(vm.faultHandler().fault(vm, a, Prot.WRITE)).isEqualTo(FaultResult.OK);
    assertThat(last().faultCase()).isEqualTo(FaultCase.ANON);
    assertThat(last().amapCopied()).isFalse();
    assertThat(m.exp().flt_anon).isEqualTo(1);
    assertPeek(vm, a, 5);
  }

  @Test
  void case1aMapsSharedAnonReadOnlyAnd1bCopiesOnWrite() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 5);
    Vmspace child = m.fork(vm);
    // parent was write-protected at fork
    assertThat(vm.pmap().protection(a)).isEqualTo(Prot.READ);
    // child read: needs-copy resolved (amap copied), anon shared: 1A read-only
    assertThat(vm.faultHandler().fault(child, a, Prot.READ)).isEqualTo(FaultResult.OK);
    assertThat(last().faultCase()).isEqualTo(FaultCase.ANON);
    assertThat(last().amapCopied()).isTrue();
    assertThat(child.pmap().protection(a)).isEqualTo(Prot.READ);
    long acowBefore = m.exp().flt_acow;
    // child write: 1B, new anon with a copy of the page
    assertThat(vm.faultHandler().fault(child, a, Prot.WRITE)).isEqualTo(FaultResult.OK);
    assertThat(last().faultCase()).isEqualTo(FaultCase.ANON_COW);
    assertThat(m.exp().flt_acow).isEqualTo(acowBefore + 1);
    assertThat(child.pmap().protection(a)).isEqualTo(Prot.RW);
    assertThat(child.pmap().extract(a)).isNotSameAs(vm.pmap().extract(a));
    assertPeek(child, a, 5);
    m.audit();
    // parent write: its amap is now its own (take-over, no amap copy) and the anon unshared: 1A
    long amcopy = m.exp().fltamcopy;
    assertThat(vm.faultHandler().fault(vm, a, Prot.WRITE)).isEqualTo(FaultResult.OK);
    assertThat(last().faultCase()).isEqualTo(FaultCase.ANON);
    assertThat(m.exp().fltamcopy).isEqualTo(amcopy + 1);
    assertThat(vm.pmap().protection(a)).isEqualTo(Prot.RW);
  }

  @Test
  void case2aMapsObjectPageReadOnlyInPrivateMapping() throws UvmException {
    FileObject f = file(3);
    long a = vm.mmap(MapRequest.anon(3 * PAGE, Prot.RW).withObject(f, 0));
    assertThat(vm.faultHandler().fault(vm, a + PAGE, Prot.READ)).isEqualTo(FaultResult.OK);
    assertThat(last().faultCase()).isEqualTo(FaultCase.OBJECT);
    assertThat(last().amapCopied()).isFalse();
    assertThat(vm.pmap().protection(a + PAGE)).isEqualTo(Prot.READ);
    assertThat(vm.pmap().extract(a + PAGE).object).isSameAs(f);
    assertThat(m.exp().flt_obj).isEqualTo(1);
    assertPeek(vm, a + PAGE, 0x41);
    f.detach();
  }

  @Test
  void case2bCopiesObjectPageOnWriteAndLeavesFileAlone() throws UvmException {
    FileObject f = file(2);
    long a = vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW).withObject(f, 0));
    assertPeek(vm, a, 0x40);
    assertThat(vm.faultHandler().fault(vm, a, Prot.WRITE)).isEqualTo(FaultResult.OK);
    assertThat(last().faultCase()).isEqualTo(FaultCase.OBJECT_COW);
    assertThat(m.exp().flt_prcopy).isEqualTo(1);
    assertPoke(vm, a + 1, 0x77);
    assertPeek(vm, a, 0x40);
    assertThat(vm.pmap().extract(a).anon).isNotNull();
    // another private mapping of the file still sees the original bytes
    long b = vm.mmap(MapRequest.anon(2 * PAGE, Prot.READ).withObject(f, 0));
    assertPeek(vm, b + 1, 0);
    assertPeek(vm, b, 0x40);
    f.detach();
  }

  @Test
  void sharedObjectMappingMapsPagesDirectly() throws UvmException {
    FileObject f = file(1);
    long a = vm.mmap(MapRequest.anon(PAGE, Prot.READ).withObject(f, 0).withShared(true));
    assertPeek(vm, a, 0x40);
    assertThat(last().faultCase()).isEqualTo(FaultCase.OBJECT);
    assertThat(vm.map().lookup(a).aref.amap).isNull();
    f.detach();
  }

  @Test
  void neighboursOfResidentAnonsAreMappedPerAdvice() {
    long a = m.mapAnon(vm, 16, Prot.RW, false);
    for (int i = 0; i < 16; i++) {
      assertPoke(vm, a + i * PAGE, i);
    }
    vm.pmap().remove(a, a + 16 * PAGE);
    // NORMAL: 3 back, 4 forward
    assertThat(touch(vm, a + 8 * PAGE, Prot.READ)).isEqualTo(FaultResult.OK);
    assertThat(last().neighbours()).isEqualTo(7);
    for (int i = 5; i <= 12; i++) {
      assertThat(vm.pmap().extract(a + i * PAGE)).as("page %d", i).isNotNull();
    }
    assertThat(vm.pmap().extract(a + 4 * PAGE)).isNull();
    assertThat(vm.pmap().extract(a + 13 * PAGE)).isNull();
    // RANDOM: none
    vm.pmap().remove(a, a + 16 * PAGE);
    assertThat(vm.advise(a, 16 * PAGE, Advice.RANDOM)).isZero();
    assertThat(touch(vm, a + 8 * PAGE, Prot.READ)).isEqualTo(FaultResult.OK);
    assertThat(last().neighbours()).isZero();
    // SEQUENTIAL: 7 forward only (pages behind are deactivated, not mapped)
    vm.pmap().remove(a, a + 16 * PAGE);
    assertThat(vm.advise(a, 16 * PAGE, Advice.SEQUENTIAL)).isZero();
    assertThat(touch(vm, a + 8 * PAGE, Prot.READ)).isEqualTo(FaultResult.OK);
    assertThat(last().neighbours()).isEqualTo(7);
    assertThat(vm.pmap().extract(a + 7 * PAGE)).isNull();
    assertThat(vm.pmap().extract(a + 15 * PAGE)).isNotNull();
  }

  @Test
  void neighboursOfSharedAnonsAreMappedReadOnly() {
    long a = m.mapAnon(vm, 4, Prot.RW, false);
    for (int i = 0; i < 4; i++) {
      assertPoke(vm, a + i * PAGE, i);
    }
    Vmspace child = m.fork(vm);
    assertThat(touch(child, a + PAGE, Prot.WRITE)).isEqualTo(FaultResult.OK);
    for (int i = 0; i < 4; i++) {
      int expect = i == 1 ? Prot.RW : Prot.READ;
      assertThat(child.pmap().protection(a + i * PAGE)).as("page %d", i).isEqualTo(expect);
    }
  }

  @Test
  void outOfMemoryWaitsThenReportsOom() {
    VmFixture small = new VmFixture(64 * PAGE);
    Vmspace s = small.newSpace();
    long free = small.uvm.physMem().freeCount();
    long a = small.mapAnon(s, free + 8, Prot.RW, false);
    int ok = 0;
    FaultResult r = FaultResult.OK;
    for (long i = 0; i < free + 8 && r == FaultResult.OK; i++) {
      r = s.faultHandler().fault(s, a + i * PAGE, Prot.WRITE);
      if (r == FaultResult.OK) {
        ok++;
      }
    }
    assertThat(r).isEqualTo(FaultResult.OOM);
    assertThat(ok).isEqualTo((int) free);
    assertThat(small.exp().fltnoram).isEqualTo(FaultHandler.MAX_MEMORY_WAITS + 1);
    assertThat(small.exp().pdwoke).isEqualTo(FaultHandler.MAX_MEMORY_WAITS);
    small.audit();
    small.exitAllAndCheck();
  }

  @Test
  void badSwapSlotIsBus() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 1);
    VmMapEntry e = vm.map().lookup(a);
    e.aref.amap.lock();
    Anon anon = e.aref.amap.lookup(e.aref, 0);
    e.aref.amap.unlock();
    // simulate a page-out whose copy was lost: no page, slot marked bad
    VmPage pg = anon.page;
    m.uvm.pageProtect(pg, Prot.NONE);
    anon.lock();
    m.uvm.pageFree(pg);
    anon.swslot = Anon.SWSLOT_BAD;
    anon.unlock();
    assertThat(vm.faultHandler().fault(vm, a, Prot.READ)).isEqualTo(FaultResult.BUS);
    assertThat(m.exp().fltanget).isEqualTo(1);
  }

  @Test
  void observerSeesEveryFaultOnlyWhileTracing() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    touch(vm, a, Prot.WRITE);
    vm.faultHandler().setTracing(false);
    touch(vm, a + PAGE, Prot.WRITE);
    assertThat(trace).containsExactly("ZERO_FILL/OK");
    assertThat(m.exp().faults).isEqualTo(2);
  }

  @Test
  void faultInfoDescribesThePath() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    touch(vm, a + 5, Prot.WRITE);
    assertThat(last().toString())
        .contains("ZERO_FILL")
        .contains("amapcopy")
        .contains("-> OK")
        .contains(Long.toHexString(a + 5));
    assertThat(last().anonId()).isNotNegative();
    assertThat(last().amapId()).isNotEqualTo(-1);
    assertThat(last().enterProt()).isEqualTo(Prot.RW);
  }
}
