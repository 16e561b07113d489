package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;
import static org.uvm4j.uvm.map.VmFixture.mapStack;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;

/**
 * Memory policies on map entries ({@link EntryPolicy}, Linux's per-VMA {@code vm_policy}): mbind's
 * walk ({@link Vmspace#bindPolicy}: holes, resident pages, only changed entries split, joined again
 * when equal), the per-entry update of set_mempolicy_home_node, and the map operations that must
 * carry the policy like any other attribute: clipping by mprotect, fork, mremap moving and growing,
 * the grown stack.
 */
class EntryPolicyTest {
  /** A policy as the kernel's would be: a value. */
  record P(int mode) implements EntryPolicy {}

  private final VmFixture f = new VmFixture();
  private final Vmspace vm = f.newSpace();

  private int entriesIn(long start, long len) {
    return vm.map().entriesIn(start, start + len).size();
  }

  private EntryPolicy policy(long va) throws UvmException {
    return vm.policyAt(va);
  }

  @Test
  void bindSplitsOnlyWhatChangesAndJoinsEqualPolicies() throws UvmException {
    long a = f.mapAnon(vm, 6, Prot.RW, false);
    assertThat(vm.bindPolicy(a + PAGE, a + 3 * PAGE, new P(2), false, false)).isZero();
    assertThat(entriesIn(a, 6 * PAGE)).isEqualTo(3);
    assertThat(policy(a)).isNull();
    assertThat(policy(a + PAGE)).isEqualTo(new P(2));
    assertThat(policy(a + 3 * PAGE - 1)).isEqualTo(new P(2));
    assertThat(policy(a + 3 * PAGE)).isNull();
    // an equal policy next to it: one entry
    assertThat(vm.bindPolicy(a + 3 * PAGE, a + 5 * PAGE, new P(2), false, false)).isZero();
    assertThat(entriesIn(a, 6 * PAGE)).isEqualTo(3);
    // binding the same policy again splits nothing
    assertThat(vm.bindPolicy(a + 2 * PAGE, a + 3 * PAGE, new P(2), false, false)).isZero();
    assertThat(entriesIn(a, 6 * PAGE)).isEqualTo(3);
    // back to the default: one mapping
    assertThat(vm.bindPolicy(a, a + 6 * PAGE, null, true, false)).isZero();
    assertThat(entriesIn(a, 6 * PAGE)).isEqualTo(1);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void holesAreEfaultUnlessAllowedAndAnEmptyRangeAlwaysIs() throws UvmException {
    long a = f.mapAnon(vm, 6, Prot.RW, false);
    assertThat(vm.munmap(a + 2 * PAGE, PAGE)).isZero();
    assertThat(vm.bindPolicy(a, a + 6 * PAGE, new P(1), false, false)).isEqualTo(Errno.EFAULT);
    assertThat(vm.bindPolicy(a + 2 * PAGE, a + 4 * PAGE, new P(1), false, false))
        .as("hole at the head")
        .isEqualTo(Errno.EFAULT);
    assertThat(vm.bindPolicy(a + PAGE, a + 3 * PAGE, new P(1), false, false))
        .as("hole at the tail")
        .isEqualTo(Errno.EFAULT);
    assertThat(vm.bindPolicy(a + 5 * PAGE, a + 7 * PAGE, new P(1), false, false))
        .as("past the last entry")
        .isEqualTo(Errno.EFAULT);
    assertThat(policy(a)).as("nothing changed").isNull();
    assertThat(vm.bindPolicy(a + 2 * PAGE, a + 3 * PAGE, null, true, false))
        .as("the whole range a hole, even for the default")
        .isEqualTo(Errno.EFAULT);
    assertThat(vm.bindPolicy(a, a + 6 * PAGE, new P(1), true, false)).isZero();
    assertThat(policy(a + PAGE)).isEqualTo(new P(1));
    assertThat(policy(a + 3 * PAGE)).isEqualTo(new P(1));
    assertThatThrownBy(() -> policy(a + 2 * PAGE))
        .isInstanceOfSatisfying(UvmException.class, e -> assertThat(e.errno()).isEqualTo(14));
    f.exitAllAndCheck();
  }

  @Test
  void failOnResidentIsEioForAResidentPageOnlyAndChangesNothing() throws UvmException {
    long a = f.mapAnon(vm, 3, Prot.RW, false);
    assertThat(vm.bindPolicy(a, a + 3 * PAGE, new P(4), false, true)).isZero();
    assertThat(vm.bindPolicy(a, a + 3 * PAGE, null, true, false)).isZero();
    assertPoke(vm, a + 2 * PAGE, 5);
    assertThat(vm.bindPolicy(a, a + 2 * PAGE, new P(4), false, true)).isZero();
    assertThat(vm.bindPolicy(a, a + 3 * PAGE, new P(3), false, true)).isEqualTo(Errno.EIO);
    assertThat(policy(a)).as("unchanged").isEqualTo(new P(4));
    // resident but unmapped from the pmap (PROT_NONE): still a present page for Linux
    assertThat(vm.mprotect(a + 2 * PAGE, PAGE, Prot.NONE)).isZero();
    assertThat(vm.residency(a + 2 * PAGE)).isEqualTo(Vmspace.PAGE_RESIDENT);
    assertThat(vm.bindPolicy(a + 2 * PAGE, a + 3 * PAGE, new P(3), false, true))
        .isEqualTo(Errno.EIO);
    f.exitAllAndCheck();
  }

  @Test
  void residencyTellsUnmappedAbsentAndResident() {
    long a = f.mapAnon(vm, 2, Prot.RW, false);
    assertPoke(vm, a, 1);
    assertThat(vm.residency(a + 100)).isEqualTo(Vmspace.PAGE_RESIDENT);
    assertThat(vm.residency(a + PAGE)).isEqualTo(Vmspace.PAGE_ABSENT);
    assertThat(vm.residency(a + 2 * PAGE)).isEqualTo(Vmspace.PAGE_UNMAPPED);
    // after fork the child's pmap is empty, but its amap holds the resident page
    Vmspace child = f.fork(vm);
    assertThat(child.residency(a)).isEqualTo(Vmspace.PAGE_RESIDENT);
    assertThat(child.residency(a + PAGE)).isEqualTo(Vmspace.PAGE_ABSENT);
    f.exitAllAndCheck();
  }

  @Test
  void updateVisitsEntriesInOrderAndStopsAtAnError() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    assertThat(vm.bindPolicy(a + PAGE, a + 2 * PAGE, new P(2), false, false)).isZero();
    assertThat(vm.bindPolicy(a + 3 * PAGE, a + 4 * PAGE, new P(3), false, false)).isZero();
    int err =
        vm.updatePolicies(
            a,
            a + 4 * PAGE,
            old -> {
              if (old == null) {
                return null;
              }
              if (((P) old).mode() == 3) {
                throw new UvmException(Errno.EOPNOTSUPP);
              }
              return new P(20);
            });
    assertThat(err).isEqualTo(Errno.EOPNOTSUPP);
    assertThat(policy(a + PAGE)).as("changed before the error").isEqualTo(new P(20));
    assertThat(policy(a + 3 * PAGE)).isEqualTo(new P(3));
    assertThat(policy(a)).isNull();
    // an update of part of an entry clips it
    assertThat(vm.updatePolicies(a + 3 * PAGE, a + 4 * PAGE, old -> new P(20))).isZero();
    assertThat(policy(a + 3 * PAGE)).isEqualTo(new P(20));
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(4);
    f.exitAllAndCheck();
  }

  @Test
  void mprotectClipsAndForkCopiesThePolicy() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    assertPoke(vm, a, 9);
    assertThat(vm.bindPolicy(a, a + 4 * PAGE, new P(2), false, false)).isZero();
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.READ)).isZero();
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(3);
    for (int i = 0; i < 4; i++) {
      assertThat(policy(a + i * PAGE)).isEqualTo(new P(2));
    }
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.RW)).isZero();
    assertThat(entriesIn(a, 4 * PAGE)).isEqualTo(1);
    Vmspace child = f.fork(vm);
    assertThat(child.policyAt(a + 3 * PAGE)).isEqualTo(new P(2));
    assertPeek(child, a, 9);
    f.exitAllAndCheck();
  }

  @Test
  void mremapMovesAndGrowsWithThePolicyAndRefusesARangeOfTwo() throws UvmException {
    long a = f.mapAnon(vm, 4, Prot.RW, false);
    assertThat(vm.bindPolicy(a + PAGE, a + 3 * PAGE, new P(5), false, false)).isZero();
    assertPoke(vm, a + PAGE, 3); // the middle entry's own amap: the grown tail can join it
    assertThatThrownBy(() -> vm.remap(a, 2 * PAGE, 3 * PAGE, RemapMode.MAY_MOVE, 0))
        .isInstanceOfSatisfying(
            UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EFAULT));
    long to = 0x5000_0000L;
    assertThat(vm.remap(a + PAGE, 2 * PAGE, 2 * PAGE, RemapMode.FIXED, to)).isEqualTo(to);
    assertThat(policy(to)).isEqualTo(new P(5));
    assertPeek(vm, to, 3);
    assertThat(vm.remap(to, 2 * PAGE, 3 * PAGE, RemapMode.IN_PLACE, 0)).isEqualTo(to);
    assertThat(policy(to + 2 * PAGE)).as("the grown tail").isEqualTo(new P(5));
    assertThat(entriesIn(to, 3 * PAGE)).isEqualTo(1);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void aNewMappingBesideABoundOneStaysApart() throws UvmException {
    long a = f.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.bindPolicy(a, a + 2 * PAGE, new P(2), false, false)).isZero();
    long b = vm.mmap(MapRequest.anon(PAGE, Prot.RW).at(a + 2 * PAGE, Placement.FIXED));
    assertThat(b).isEqualTo(a + 2 * PAGE);
    assertThat(entriesIn(a, 3 * PAGE)).isEqualTo(2);
    assertThat(policy(b)).isNull();
    f.exitAllAndCheck();
  }

  @Test
  void theStackGrowsWithItsPolicy() throws UvmException {
    long top = Vmspace.USER_MAX;
    long start = mapStack(vm, 2, 64);
    assertThat(vm.bindPolicy(start, top, new P(2), false, false)).isZero();
    assertThat(vm.copyout(start - 3 * PAGE, new byte[] {5}, 0, 1)).isZero();
    assertThat(vm.map().entryCount()).isEqualTo(1);
    assertThat(policy(start - 3 * PAGE)).isEqualTo(new P(2));
    f.exitAllAndCheck();
  }
}
