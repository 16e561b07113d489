package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;
import static org.uvm4j.uvm.map.VmFixture.mapStack;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;

/**
 * The grow-down stack ({@link Vmspace#setStack}, {@link Vmspace#grow}: uvm_grow as Linux's
 * expand_downwards): a fault in the free space below the stack extends it down to the floor, the
 * new part joins the stack entry, and nothing grows below the floor or into the guard gap of a
 * mapping below.
 */
class StackGrowthTest {
  private static final long TOP = Vmspace.USER_MAX;
  private final VmFixture f = new VmFixture(4L << 20);
  private final Vmspace vm = f.newSpace();

  @Test
  void faultBelowTheStackGrowsItIntoOneEntryKeepingItsData() throws UvmException {
    long start = mapStack(vm, 4, 64);
    assertPoke(vm, TOP - PAGE, 0x11);
    assertThat(VmFixture.touch(vm, start - 3 * PAGE, Prot.WRITE)).isEqualTo(FaultResult.OK);
    VmMapEntry e = vm.map().lookup(start - 3 * PAGE);
    assertThat(e.start).isEqualTo(start - 3 * PAGE);
    assertThat(e.end).isEqualTo(TOP);
    assertThat(e.growsDown()).isTrue();
    assertThat(vm.map().entryCount()).isEqualTo(1);
    assertPeek(vm, TOP - PAGE, 0x11);
    assertPoke(vm, start - 3 * PAGE, 0x22);
    assertPeek(vm, start - 3 * PAGE, 0x22);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void untouchedStackGrowsByCopyout() throws UvmException {
    long start = mapStack(vm, 2, 64);
    assertThat(vm.copyout(start - 10 * PAGE, new byte[] {5}, 0, 1)).isZero();
    assertThat(vm.map().entryCount()).isEqualTo(1);
    assertThat(vm.map().lookup(start).start).isEqualTo(start - 10 * PAGE);
    assertPeek(vm, start - 10 * PAGE, 5);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void writableBytesBelowTheStackCountsTheGrowth() throws UvmException {
    long start = mapStack(vm, 2, 64);
    assertThat(vm.writableBytes(start - 4 * PAGE, 6 * PAGE)).isEqualTo(6 * PAGE);
    assertThat(vm.map().lookup(start - 4 * PAGE)).isNotNull();
    f.exitAllAndCheck();
  }

  @Test
  void nothingGrowsBelowTheFloor() throws UvmException {
    long start = mapStack(vm, 2, 8);
    assertThat(VmFixture.touch(vm, TOP - 9 * PAGE, Prot.WRITE)).isNotEqualTo(FaultResult.OK);
    assertThat(vm.map().lookup(TOP - 9 * PAGE)).isNull();
    assertThat(VmFixture.touch(vm, TOP - 8 * PAGE, Prot.WRITE)).isEqualTo(FaultResult.OK);
    assertThat(vm.map().lookup(start).start).isEqualTo(TOP - 8 * PAGE);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void theGuardGapBelowIsKept() throws UvmException {
    long start = mapStack(vm, 2, 1024);
    long below = start - 300 * PAGE;
    vm.mmap(MapRequest.anon(PAGE, Prot.RW).fixed(below));
    // within stack_guard_gap (256 pages) of an accessible mapping: no growth
    assertThat(VmFixture.touch(vm, below + 200 * PAGE, Prot.WRITE)).isNotEqualTo(FaultResult.OK);
    assertThat(VmFixture.touch(vm, below + 260 * PAGE, Prot.WRITE)).isEqualTo(FaultResult.OK);
    // a PROT_NONE mapping below is no obstacle
    assertThat(vm.mprotect(below, PAGE, Prot.NONE)).isZero();
    assertThat(VmFixture.touch(vm, below + 200 * PAGE, Prot.WRITE)).isEqualTo(FaultResult.OK);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void aForkedChildGrowsItsOwnStack() throws UvmException {
    long start = mapStack(vm, 2, 64);
    assertPoke(vm, TOP - PAGE, 0x33);
    Vmspace child = f.fork(vm);
    assertThat(child.stackFloor()).isEqualTo(vm.stackFloor());
    assertPoke(child, start - 2 * PAGE, 0x44);
    assertThat(vm.map().lookup(start - 2 * PAGE)).isNull();
    assertPeek(child, TOP - PAGE, 0x33);
    assertPoke(vm, start - PAGE, 0x55);
    assertPeek(child, start - PAGE, 0);
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void onlyAPrivateAnonymousMappingCanBeTheStack() throws UvmException {
    long a = vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW).withShared(true));
    assertThat(vm.setStack(a, a + 2 * PAGE, a - 4 * PAGE)).isEqualTo(org.uvm4j.uvm.Errno.EINVAL);
    assertThat(vm.stackFloor()).isZero();
    assertThat(VmFixture.touch(vm, a - PAGE, Prot.WRITE)).isNotEqualTo(FaultResult.OK);
    f.exitAllAndCheck();
  }
}
