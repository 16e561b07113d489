package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;
import static org.uvm4j.uvm.map.VmFixture.touch;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.AmapAllocator;
import org.uvm4j.uvm.pmap.Pmap;

/**
 * Issue 13 item 1: the heap that address spaces drive (amaps and their chunks, anons, map entries,
 * page tables) is charged to the machine's {@link MetadataBudget} and given back exactly (the
 * {@code SystemAudit} run after every step compares the budget with the live structures); an
 * exhausted budget ends faults with OOM instead of growing the heap, and an amap copy it could not
 * hold is refused before anything is allocated.
 */
class MetadataBudgetTest {
  /** 64 GiB of address space, in pages. */
  private static final long HUGE = 1L << 24;

  /** Pages between two writes: each one a new amap chunk and a new page-table leaf. */
  private static final long STRIDE = 512;

  private VmFixture m;
  private MetadataBudget budget;

  @BeforeEach
  void setUp() {
    m = new VmFixture(32L << 20);
    budget = m.uvm.metadataBudget();
  }

  @AfterEach
  void tearDown() {
    m.audit();
    m.exitAllAndCheck();
    assertThat(budget.used()).as("metadata left after every space is freed").isZero();
  }

  @Test
  void theBudgetCountsOnlyWhatIsTakenAndAllOfItComesBack() {
    MetadataBudget b = new MetadataBudget();
    b.setLimit(1000);
    assertThat(b.tryCharge(600)).isTrue();
    assertThat(b.tryCharge(401)).isFalse();
    assertThat(b.refused()).isEqualTo(1);
    assertThat(b.allows(300, 0)).isTrue();
    assertThat(b.allows(300, 200)).isFalse(); // a system call leaves the reserve to faults
    assertThat(b.exhausted()).isFalse();
    b.charge(500); // what cannot fail may overshoot
    assertThat(b.exhausted()).isTrue();
    assertThat(b.peak()).isEqualTo(1100);
    b.release(1100);
    assertThat(b.used()).isZero();
    assertThatThrownBy(() -> b.release(1)).isInstanceOf(UvmPanic.class);
  }

  @Test
  void theEntryEstimateCoversAnEntryAndItsAref() {
    org.junit.jupiter.api.Assumptions.assumeTrue(
        org.openjdk.jol.vm.VM.current().sizeOfField("java.lang.Object") == 4,
        "the estimates are for compressed references");
    long entry = org.openjdk.jol.info.ClassLayout.parseClass(VmMapEntry.class).instanceSize();
    long aref =
        org.openjdk.jol.info.ClassLayout.parseClass(org.uvm4j.uvm.amap.Aref.class).instanceSize();
    assertThat(entry + aref).isLessThanOrEqualTo(VmMapEntry.BYTES);
  }

  @Test
  void aSpaceIsChargedForItsEntriesAmapChunksAnonsAndPageTableAndForkedCopies() {
    Vmspace vm = m.newSpace();
    assertThat(budget.used()).isEqualTo(Pmap.BASE_BYTES);
    long a = m.mapAnon(vm, HUGE, Prot.RW, true);
    long mapped = budget.used();
    // an entry and an amap of 2^24 slots: what it costs does not depend on its size
    assertThat(mapped - Pmap.BASE_BYTES)
        .isLessThan(VmMapEntry.BYTES + AmapAllocator.AMAP_BYTES + 256);
    for (int i = 0; i < 16; i++) {
      assertPoke(vm, a + i * STRIDE * PAGE, i + 1);
    }
    long touched = budget.used() - mapped;
    // each write: an anon, two chunks, perhaps tree nodes, a page-table leaf and a pv entry
    assertThat(touched)
        .isGreaterThanOrEqualTo(16 * (AmapAllocator.ANON_BYTES + Pmap.LEAF_BYTES + Pmap.PV_BYTES))
        .isLessThan(16 * 8192L);
    assertThat(vm.metadataBytes()).isEqualTo(budget.used()); // one space: it holds it all
    m.audit();

    Vmspace child = m.fork(vm);
    m.audit();
    for (int i = 0; i < 16; i++) {
      assertPeek(child, a + i * STRIDE * PAGE, i + 1);
      assertPoke(child, a + i * STRIDE * PAGE + PAGE, i + 2);
    }
    m.audit();
    // the shared amap counts in each sharer's report; the child's page table is its own
    assertThat(child.metadataBytes()).isGreaterThan(child.pmap().tableBytes());
    assertThat(vm.metadataBytes() + child.metadataBytes()).isGreaterThan(budget.used());

    assertThat(vm.munmap(a, HUGE * PAGE)).isZero();
    m.audit();
    m.exit(child);
    m.audit();
    assertThat(budget.used()).isEqualTo(vm.metadataBytes());
  }

  @Test
  void anExhaustedBudgetEndsFaultsWithOomAndFreeingMakesRoomAgain() {
    Vmspace vm = m.newSpace();
    long a = m.mapAnon(vm, HUGE, Prot.RW, true);
    long b = m.mapAnon(vm, HUGE, Prot.RW, true);
    budget.setLimit(budget.used() + 64 * 1024);
    int written = 0;
    FaultResult last = FaultResult.OK;
    for (long i = 0; i < 4096 && last == FaultResult.OK; i++) {
      last = touch(vm, a + i * STRIDE * PAGE, Prot.WRITE);
      if (last == FaultResult.OK) {
        written++;
      }
    }
    assertThat(last).isEqualTo(FaultResult.OOM);
    assertThat(written).isBetween(4, 64);
    assertThat(m.exp().fltnometa + m.exp().fltnoanon).isPositive();
    // what cannot fail overshoots by at most one fault's worth
    assertThat(budget.peak()).isLessThanOrEqualTo(budget.limit() + 8192);
    m.audit();
    // pages already written stay readable through their translations
    assertThat(touch(vm, a, Prot.READ)).isEqualTo(FaultResult.OK);

    assertThat(touch(vm, b, Prot.WRITE)).isEqualTo(FaultResult.OOM);
    // an amap the budget cannot take: the mapping is refused
    assertThatThrownBy(() -> vm.mmap(MapRequest.anon(HUGE * PAGE, Prot.RW).withShared(true)))
        .isInstanceOf(org.uvm4j.uvm.UvmException.class);
    assertThat(vm.munmap(a, HUGE * PAGE)).isZero();
    assertThat(touch(vm, b, Prot.WRITE)).isEqualTo(FaultResult.OK);
    m.audit();
  }

  @Test
  void anAmapCopyTheBudgetCannotHoldIsRefusedBeforeAnythingIsAllocated() {
    Vmspace parent = m.newSpace();
    long a = m.mapAnon(parent, 4096, Prot.RW, false);
    for (int i = 0; i < 4096; i += 4) {
      assertPoke(parent, a + i * PAGE, 7);
    }
    Vmspace child = m.fork(parent);
    VmMapEntry ce = child.map().lookup(a);
    assertThat(ce.needsCopy()).isTrue();
    long amapBytes = ce.aref.amap.storageBytes();
    budget.setLimit(budget.used() + amapBytes / 2);
    long refused = budget.refused();
    assertThat(touch(child, a, Prot.WRITE)).isEqualTo(FaultResult.OOM);
    assertThat(budget.refused()).isGreaterThan(refused);
    assertThat(child.map().lookup(a).needsCopy()).isTrue(); // nothing changed
    m.audit();
    budget.setLimit(MetadataBudget.UNLIMITED);
    assertThat(touch(child, a, Prot.WRITE)).isEqualTo(FaultResult.OK);
    assertPeek(parent, a, 7);
    m.audit();
  }
}
