package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertNoRead;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;

/**
 * The memory calls the Linux mm selftests need (issue 16): mincore (residency read from the pmap,
 * the amap and the object), mseal, memory-deny-write-execute, mlock2(MLOCK_ONFAULT),
 * MADV_POPULATE_READ/WRITE and msync. The system audit runs after each test.
 */
class MemoryAbiTest {
  private static final long A = 0x4000_0000L;
  private final VmFixture m = new VmFixture(1024 * PAGE);
  private final Vmspace vm = m.newSpace();

  @AfterEach
  void auditAndFree() {
    m.audit();
    m.exitAllAndCheck();
  }

  private long map(int pages, int prot, boolean shared, long at) throws UvmException {
    return vm.mmap(MapRequest.anon(pages * PAGE, prot).withShared(shared).fixed(at));
  }

  private static void assertErrno(org.assertj.core.api.ThrowableAssert.ThrowingCallable c, int e) {
    assertThatThrownBy(c)
        .isInstanceOfSatisfying(UvmException.class, x -> assertThat(x.errno()).isEqualTo(e));
  }

  @Test
  void mincoreReportsWhatTheLayersHoldAndFaultsNothing() throws UvmException {
    long a = map(4, Prot.RW, false, A);
    assertThat(vm.mincore(a, 4 * PAGE)).containsExactly(0, 0, 0, 0);
    assertPoke(vm, a + PAGE, 1);
    assertThat(vm.mincore(a, 4 * PAGE)).containsExactly(0, 1, 0, 0);
    assertThat(vm.pmap().residentCount()).isEqualTo(1); // mincore faulted nothing in
    // the anon stays resident when its translation is gone (a fork write-protects, DONTNEED
    // of a shared mapping only unmaps): read from the amap
    vm.pmap().remove(a + PAGE, a + 2 * PAGE);
    assertThat(vm.mincore(a + PAGE, 1)).containsExactly(1);
    assertThat(vm.mlock(a + 2 * PAGE, PAGE)).isZero();
    assertThat(vm.mincore(a, 4 * PAGE)).containsExactly(0, 1, 1, 0);
    assertThat(vm.discard(a, 2 * PAGE, false)).isZero();
    assertThat(vm.mincore(a, 2 * PAGE)).containsExactly(0, 0);
    assertThat(vm.mincore(a, 0)).isEmpty();
    assertErrno(() -> vm.mincore(a + 1, PAGE), Errno.EINVAL);
    assertErrno(() -> vm.mincore(a, 5 * PAGE), Errno.ENOMEM);
    assertErrno(() -> vm.mincore(0, PAGE), Errno.ENOMEM);
    assertErrno(() -> vm.mincore(a, -1), Errno.ENOMEM);
  }

  @Test
  void sealedMappingsRefuseEveryChangeWithEperm() throws UvmException {
    long a = map(4, Prot.READ, false, A);
    assertThat(vm.mseal(a + PAGE, 2 * PAGE)).isZero();
    assertThat(vm.map().lookup(a).isSealed()).isFalse();
    assertThat(vm.map().lookup(a + PAGE).isSealed()).isTrue();
    assertThat(vm.munmap(a, 4 * PAGE)).isEqualTo(Errno.EPERM);
    assertThat(vm.map().lookup(a)).isNotNull(); // nothing was unmapped
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.RW)).isEqualTo(Errno.EPERM);
    assertErrno(() -> vm.remap(a + PAGE, PAGE, 2 * PAGE, RemapMode.MAY_MOVE, 0), Errno.EPERM);
    assertErrno(() -> vm.mmap(MapRequest.anon(PAGE, Prot.RW).fixed(a + 2 * PAGE)), Errno.EPERM);
    assertThat(vm.checkSealedDiscard(a, 4 * PAGE)).isEqualTo(Errno.EPERM); // read-only anon
    // the unsealed neighbours still change
    assertThat(vm.munmap(a, PAGE)).isZero();
    assertThat(vm.mprotect(a + 3 * PAGE, PAGE, Prot.RW)).isZero();
    // a writable sealed anonymous range may be discarded
    long w = map(1, Prot.RW, false, A + 0x10_0000L);
    assertThat(vm.mseal(w, PAGE)).isZero();
    assertThat(vm.checkSealedDiscard(w, PAGE)).isZero();
    // a fork keeps the seal
    Vmspace child = m.fork(vm);
    assertThat(child.map().lookup(a + PAGE).isSealed()).isTrue();
    assertThat(child.munmap(a + PAGE, PAGE)).isEqualTo(Errno.EPERM);
    // bad ranges
    assertThat(vm.mseal(a + 1, PAGE)).isEqualTo(Errno.EINVAL);
    assertThat(vm.mseal(A + 0x20_0000L, PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mseal(a, 0)).isZero();
  }

  @Test
  void denyWriteExecRefusesWxMappingsAndExecGainsAndIsInheritedUnlessAsked() throws UvmException {
    long a = map(1, Prot.RW, false, A);
    long x = map(1, Prot.READ | Prot.EXEC, false, A + 0x10_0000L);
    vm.denyWriteExec(false);
    assertErrno(() -> vm.mmap(MapRequest.anon(PAGE, Prot.ALL)), Errno.EACCES);
    assertThat(vm.mmap(MapRequest.anon(PAGE, Prot.READ | Prot.EXEC))).isPositive();
    assertThat(vm.mprotect(a, PAGE, Prot.READ | Prot.EXEC)).isEqualTo(Errno.EACCES);
    assertThat(vm.mprotect(x, PAGE, Prot.READ | Prot.EXEC)).isZero(); // stays executable
    assertThat(vm.mprotect(x, PAGE, Prot.ALL)).isEqualTo(Errno.EACCES);
    Vmspace child = m.fork(vm);
    assertThat(child.isDenyWriteExec()).isTrue();
    Vmspace other = m.newSpace();
    other.denyWriteExec(true);
    assertThat(m.fork(other).isDenyWriteExec()).isFalse();
  }

  @Test
  void lockOnFaultMarksTheRangeWithoutFaultingOrWiring() throws UvmException {
    long a = map(3, Prot.RW, false, A);
    assertThat(vm.mlockOnFault(a, 2 * PAGE)).isZero();
    VmMapEntry e = vm.map().lookup(a);
    assertThat(e.isLocked()).isTrue();
    assertThat(e.isWired()).isFalse();
    assertThat(e.end).isEqualTo(a + 2 * PAGE);
    assertThat(vm.pmap().residentCount()).isZero();
    assertPoke(vm, a, 1);
    assertThat(vm.mincore(a, 2 * PAGE)).containsExactly(1, 0);
    Vmspace child = m.fork(vm);
    assertThat(child.map().lookup(a).isLocked()).isFalse(); // locks are not inherited
    assertThat(vm.munlock(a, 2 * PAGE)).isZero();
    assertThat(vm.map().lookup(a).isLocked()).isFalse();
    assertThat(vm.mlockOnFault(A + 0x10_0000L, PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mlockall(true, true, true)).isZero();
    assertThat(vm.map().lookup(a + 2 * PAGE).isLocked()).isTrue();
    long n = vm.mmap(MapRequest.anon(PAGE, Prot.RW));
    assertThat(vm.map().lookup(n).isLocked()).isTrue();
    assertThat(vm.map().lookup(n).isWired()).isFalse();
    vm.munlockall();
    assertThat(vm.map().lookup(n).isLocked()).isFalse();
  }

  @Test
  void populateFaultsTheRangeInForReadingOrWriting() throws UvmException {
    long a = map(3, Prot.RW, false, A);
    assertThat(vm.populate(a, 2 * PAGE, false)).isZero();
    assertThat(vm.mincore(a, 3 * PAGE)).containsExactly(1, 1, 0);
    int free = m.uvm.physMem().freeCount();
    assertThat(vm.populate(a, 3 * PAGE, true)).isZero();
    assertThat(m.uvm.physMem().freeCount()).isLessThan(free); // write faults gave private pages
    assertThat(vm.mincore(a, 3 * PAGE)).containsExactly(1, 1, 1);
    long r = map(1, Prot.READ, false, A + 0x10_0000L);
    assertThat(vm.populate(r, PAGE, true)).isEqualTo(Errno.EINVAL);
    long none = map(1, Prot.NONE, false, A + 0x20_0000L);
    assertThat(vm.populate(none, PAGE, false)).isEqualTo(Errno.EINVAL);
    assertThat(vm.populate(a, 4 * PAGE, false)).isEqualTo(Errno.ENOMEM); // a hole
    assertThat(vm.msync(a, 3 * PAGE)).isZero();
    assertThat(vm.msync(a, 4 * PAGE)).isEqualTo(Errno.ENOMEM);
  }

  @Test
  void aFixedMoveBelowTheUserRangeIsEperm() throws UvmException {
    long a = map(1, Prot.RW, false, A);
    assertPoke(vm, a, 4);
    assertErrno(() -> vm.remap(a, PAGE, PAGE, RemapMode.FIXED, 0), Errno.EPERM);
    assertPeek(vm, a, 4);
    assertNoRead(vm, 0x2000_0000L);
  }
}
