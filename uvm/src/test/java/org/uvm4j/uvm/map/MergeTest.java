package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.obj.Aobj;

/**
 * Map-entry merging after attribute changes ({@link VmMap#mergeRange}, uvm_mapent_trymerge as
 * Linux's vma_merge applies it): entries that an mprotect, madvise, minherit, mlock, munlock, mseal
 * or MADV_DONTNEED split are one entry again once they are one mapping; the amap references, object
 * references and page contents survive, and the audit holds after each step.
 */
class MergeTest {
  private final VmFixture f = new VmFixture();
  private final Vmspace vm = f.newSpace();

  private int entriesIn(long start, long len) {
    return vm.map().entriesIn(start, start + len).size();
  }

  private VmMapEntry entry(long va) {
    return vm.map().lookup(va);
  }

  @Test
  void untouchedMappingIsOneEntryAgainAfterMprotectBack() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    assertThat(vm.mprotect(a + PAGE, 2 * PAGE, Prot.READ)).isZero();
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(3);
    assertThat(vm.mprotect(a + PAGE, 2 * PAGE, Prot.RW)).isZero();
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(1);
    assertThat(entry(a).end).isEqualTo(a + 4 * PAGE);
    assertThat(entry(a).aref.amap).isNull();
    f.audit();
    assertPoke(vm, a + 3 * PAGE, 7);
    f.exitAllAndCheck();
  }

  @Test
  void touchedMappingJoinsItsAmapReferencesAndKeepsItsPages() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    for (int i = 0; i < 4; i++) {
      assertPoke(vm, a + i * PAGE, 10 + i);
    }
    Amap amap = entry(a).aref.amap;
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.READ)).isZero();
    assertThat(amap.ref()).as("clipped twice: three references").isEqualTo(3);
    f.audit();
    assertThat(vm.mprotect(a, 4 * PAGE, Prot.RW)).isZero();
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(1);
    assertThat(entry(a).aref.amap).isSameAs(amap);
    assertThat(entry(a).aref.pageOffset).isZero();
    assertThat(amap.ref()).isEqualTo(1);
    f.audit();
    for (int i = 0; i < 4; i++) {
      assertPeek(vm, a + i * PAGE, 10 + i);
    }
    assertPoke(vm, a + PAGE, 99);
    assertPeek(vm, a + PAGE, 99);
    f.exitAllAndCheck();
  }

  @Test
  void differentAttributesStayApart() throws UvmException {
    long a = f.mapAnon(vm, 3, Prot.RW, false);
    assertThat(vm.advise(a + PAGE, PAGE, Advice.RANDOM)).isZero();
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(3);
    assertThat(vm.minherit(a, PAGE, Inheritance.NONE)).isZero();
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(3);
    assertThat(vm.advise(a + PAGE, PAGE, Advice.NORMAL)).isZero();
    assertThat(entriesIn(a, 3 * PAGE)).as("the first page keeps INHERIT NONE").isEqualTo(2);
    assertThat(vm.minherit(a, PAGE, Inheritance.COPY)).isZero();
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(1);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void twoAmapsAreNeverJoined() throws UvmException {
    long a = f.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.READ)).isZero();
    assertPoke(vm, a, 1); // the left entry gets an amap of its own
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.RW)).isZero();
    assertPoke(vm, a + PAGE, 2);
    // both have private amaps of their own now: a third change cannot join them
    assertThat(vm.mprotect(a, 2 * PAGE, Prot.RW)).isZero();
    assertThat(entry(a).aref.amap).isNotNull();
    assertThat(entry(a + PAGE).aref.amap).isNotNull();
    if (entry(a) != entry(a + PAGE)) {
      assertThat(entry(a).aref.amap).isNotSameAs(entry(a + PAGE).aref.amap);
    }
    assertPeek(vm, a, 1);
    assertPeek(vm, a + PAGE, 2);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void anonymousEntryWithoutAmapJoinsAPrivateAmapByExtendingIt() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    // mlock wires the middle: it gets an amap of its own (NOCHUNK, NOMERGE)
    assertThat(vm.mlock(a + PAGE, 2 * PAGE)).isZero();
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(3);
    assertPoke(vm, a + PAGE, 5);
    assertThat(vm.munlock(a, 4 * PAGE)).isZero();
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(1);
    VmMapEntry e = entry(a);
    assertThat(e.aref.amap).isNotNull();
    assertThat(e.needsCopy()).isFalse();
    assertThat(e.aref.amap.ref()).isEqualTo(1);
    f.audit();
    assertPeek(vm, a + PAGE, 5);
    assertPeek(vm, a, 0);
    assertPoke(vm, a, 6);
    assertPoke(vm, a + 3 * PAGE, 7);
    assertPeek(vm, a + 3 * PAGE, 7);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void dontNeedOfTheTailLeavesOneEntryWithTheRestOfTheData() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    for (int i = 0; i < 4; i++) {
      assertPoke(vm, a + i * PAGE, 20 + i);
    }
    assertThat(vm.discard(a + 2 * PAGE, 2 * PAGE, true)).isZero();
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(1);
    assertThat(entry(a).aref.amap.ref()).isEqualTo(1);
    f.audit();
    assertPeek(vm, a, 20);
    assertPeek(vm, a + PAGE, 21);
    assertPeek(vm, a + 2 * PAGE, 0);
    assertPeek(vm, a + 3 * PAGE, 0);
    assertPoke(vm, a + 3 * PAGE, 5);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void dontNeedOfTheMiddleIsJoinedBackThroughItsUnreferencedSlots() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    for (int i = 0; i < 4; i++) {
      assertPoke(vm, a + i * PAGE, 20 + i);
    }
    Amap amap = entry(a).aref.amap;
    assertThat(vm.discard(a + PAGE, 2 * PAGE, true)).isZero();
    // the middle has no amap and the amap two references (left and right): the left part takes
    // the middle's slots back (nobody references them), then the two windows are one again
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(1);
    assertThat(entry(a).aref.amap).isSameAs(amap);
    assertThat(amap.ref()).isEqualTo(1);
    f.audit();
    assertPeek(vm, a, 20);
    assertPeek(vm, a + PAGE, 0);
    assertPeek(vm, a + 2 * PAGE, 0);
    assertPeek(vm, a + 3 * PAGE, 23);
    assertPoke(vm, a + 2 * PAGE, 9);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void slotsAnotherProcessStillReferencesAreNotTakenOver() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    for (int i = 0; i < 4; i++) {
      assertPoke(vm, a + i * PAGE, 20 + i);
    }
    Vmspace child = f.fork(vm);
    assertThat(vm.mprotect(a + PAGE, 2 * PAGE, Prot.READ)).isZero();
    assertThat(vm.munmap(a + PAGE, 2 * PAGE)).isZero();
    // the child's entry still covers the slots: the parent's grown range cannot take them over
    assertThat(vm.remap(a, PAGE, 2 * PAGE, RemapMode.IN_PLACE, 0)).isEqualTo(a);
    assertThat(entry(a).end).isEqualTo(a + PAGE);
    f.audit();
    assertPeek(vm, a + PAGE, 0);
    assertPeek(child, a + PAGE, 21);
    f.exit(child);
    f.exitAllAndCheck();
  }

  @Test
  void mremapGrowthIntoTheHoleJoinsBothParts() throws UvmException {
    // mremap_test's "mremap expand merge": the hole between two parts of one amap is grown over
    long a = f.mapAnon(vm, 3, Prot.RW, false);
    for (int i = 0; i < 3; i++) {
      assertPoke(vm, a + i * PAGE, 40 + i);
    }
    assertThat(vm.munmap(a + PAGE, PAGE)).isZero();
    assertThat(vm.remap(a, PAGE, 2 * PAGE, RemapMode.IN_PLACE, 0)).isEqualTo(a);
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(1);
    assertThat(entry(a).aref.amap.ref()).isEqualTo(1);
    f.audit();
    assertPeek(vm, a, 40);
    assertPeek(vm, a + PAGE, 0);
    assertPeek(vm, a + 2 * PAGE, 42);
    f.exitAllAndCheck();
  }

  @Test
  void forkSharedEntriesJoinInTheParentAndStayCopyOnWrite() throws UvmException {
    long a = f.mapAnon(vm, 3, Prot.RW, false);
    long s = f.mapAnon(vm, 3, Prot.RW, true);
    for (int i = 0; i < 3; i++) {
      assertPoke(vm, a + i * PAGE, 30 + i);
      assertPoke(vm, s + i * PAGE, 40 + i);
    }
    Vmspace child = f.fork(vm);
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.READ)).isZero();
    assertThat(vm.mprotect(s + PAGE, PAGE, Prot.READ)).isZero();
    f.audit();
    assertThat(vm.mprotect(a, 3 * PAGE, Prot.RW)).isZero();
    assertThat(vm.mprotect(s, 3 * PAGE, Prot.RW)).isZero();
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(1);
    assertThat(entriesIn(s, 3 * PAGE)).isEqualTo(1);
    assertThat(entry(s).aref.amap.ref()).as("parent's entry and child's").isEqualTo(2);
    assertThat(entry(s).aref.amap.isShared()).isTrue();
    f.audit();
    assertPoke(vm, a + PAGE, 1);
    assertPeek(child, a + PAGE, 31);
    assertPoke(vm, s + PAGE, 2);
    assertPeek(child, s + PAGE, 2);
    f.audit();
    f.exit(child);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void lockOnFaultAndSealJoinAsLinuxDoes() throws UvmException {
    long a = f.mapAnon(vm, 3, Prot.RW, false);
    assertThat(vm.mlockOnFault(a, 3 * PAGE)).isZero();
    assertThat(vm.munlock(a + PAGE, PAGE)).isZero();
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(3);
    assertThat(vm.munlock(a, 3 * PAGE)).isZero();
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(1);
    // mseal_test's test_seal_merge_and_split: a sealed page joins its sealed neighbour
    assertThat(vm.mseal(a, PAGE)).isZero();
    assertThat(vm.mseal(a + PAGE, PAGE)).isZero();
    assertThat(entry(a).end).isEqualTo(a + 2 * PAGE);
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(2);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void writtenPartOfAnObjectMappingStaysApartFromTheUnwrittenPart() throws UvmException {
    Aobj obj = Aobj.create(f.uvm, "file", 3 * PAGE);
    long a = vm.mmap(MapRequest.anon(3 * PAGE, Prot.RW).withObject(obj, 0));
    assertThat(vm.mprotect(a, 2 * PAGE, Prot.READ)).isZero();
    assertPoke(vm, a + 2 * PAGE, 1); // the last page's entry gets an amap of its own
    assertThat(vm.mprotect(a + 2 * PAGE, PAGE, Prot.READ)).isZero();
    // Linux keeps a written (VM_ACCOUNT) private file part apart from a read-only one: a RELRO
    // segment stays its own mapping
    VmMapEntry left = entry(a);
    assertThat(left.aref.amap).isNull();
    assertThat(left.end).isEqualTo(a + 2 * PAGE);
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(2);
    // two unwritten parts of the object at contiguous offsets are one mapping again
    assertThat(vm.mprotect(a, PAGE, Prot.RW)).isZero();
    assertThat(vm.mprotect(a, PAGE, Prot.READ)).isZero();
    assertThat(entry(a).end).isEqualTo(a + 2 * PAGE);
    assertThat(entry(a).object).isSameAs(obj);
    f.audit();
    obj.detach();
    f.exitAllAndCheck();
  }
}
