package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertNoRead;
import static org.uvm4j.uvm.map.VmFixture.assertNoWrite;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.FileObject;

/** The UVM memory operations of a Vmspace: argument checking, errno and effects. */
class VmspaceSyscallTest {
  private VmFixture m;
  private Vmspace vm;

  @BeforeEach
  void setUp() {
    m = new VmFixture();
    vm = m.newSpace();
  }

  @AfterEach
  void tearDown() {
    m.audit();
    m.exitAllAndCheck();
  }

  // ------------------------------------------------------------------ mmap

  private static final MapRequest PRIV_ANON_PAGE = MapRequest.anon(PAGE, Prot.RW);

  /** The errno {@code vm.mmap(req)} fails with, or 0 if it succeeded. */
  static int mmapErrno(Vmspace vm, MapRequest req) {
    try {
      vm.mmap(req);
      return 0;
    } catch (UvmException e) {
      return e.errno();
    }
  }

  @Test
  void mmapRejectsBadArguments() {
    assertThat(mmapErrno(vm, MapRequest.anon(0, Prot.RW))).isEqualTo(Errno.EINVAL);
    assertThat(mmapErrno(vm, MapRequest.anon(PAGE, 0x10))).isEqualTo(Errno.EINVAL);
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.withMaxProt(0x10))).isEqualTo(Errno.EINVAL);
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.withAdvice(7))).isEqualTo(Errno.EINVAL);
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.withObject(null, 123))).isEqualTo(Errno.EINVAL);
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.fixed(0x10001))).isEqualTo(Errno.EINVAL);
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.fixed(0))).isEqualTo(Errno.EPERM);
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.fixed(Vmspace.USER_MAX))).isEqualTo(Errno.ENOMEM);
    assertThat(mmapErrno(vm, MapRequest.anon(Long.MAX_VALUE, Prot.RW))).isEqualTo(Errno.ENOMEM);
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.withMaxProt(Prot.READ))).isEqualTo(Errno.EACCES);
    FileObject f = new FileObject(m.uvm, new byte[] {1});
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.withObject(f, Long.MAX_VALUE & ~(PAGE - 1))))
        .isEqualTo(Errno.EOVERFLOW);
    f.detach();
    assertThat(vm.map().entryCount()).isZero();
  }

  @Test
  void mmapPlacesTopDownBelowMmapBaseAndHonoursFreeHints() throws UvmException {
    long a = vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW));
    assertThat(a).isEqualTo(Vmspace.MMAP_BASE - 2 * PAGE);
    long b = vm.mmap(MapRequest.anon(PAGE, Prot.READ));
    assertThat(b).isEqualTo(a - PAGE);
    long hint = 0x4000_0000L;
    assertThat(vm.mmap(PRIV_ANON_PAGE.hint(hint + 5))).isEqualTo(hint);
    // a used hint is ignored
    long c = vm.mmap(PRIV_ANON_PAGE.hint(hint));
    assertThat(c).isNotEqualTo(hint).isPositive();
  }

  @Test
  void adjacentPrivateAnonymousMappingsMergeIntoOneEntry() throws UvmException {
    long a = vm.mmap(PRIV_ANON_PAGE);
    long b = vm.mmap(PRIV_ANON_PAGE);
    assertThat(b).isEqualTo(a - PAGE);
    assertThat(vm.map().entryCount()).isEqualTo(1);
    long c = vm.mmap(MapRequest.anon(PAGE, Prot.READ));
    assertThat(c).isEqualTo(b - PAGE);
    assertThat(vm.map().entryCount()).as("different protection: no merge").isEqualTo(2);
  }

  @Test
  void mapFixedReplacesAndNoReplaceRefuses() throws UvmException {
    long a = m.mapAnon(vm, 3, Prot.RW, false);
    assertPoke(vm, a + PAGE, 9);
    assertThat(mmapErrno(vm, PRIV_ANON_PAGE.fixedNoReplace(a + PAGE))).isEqualTo(Errno.EEXIST);
    assertPeek(vm, a + PAGE, 9);
    assertThat(vm.mmap(MapRequest.anon(PAGE, Prot.READ).fixed(a + PAGE))).isEqualTo(a + PAGE);
    assertPeek(vm, a + PAGE, 0);
    assertNoWrite(vm, a + PAGE);
    long free = vm.mmap(PRIV_ANON_PAGE.fixedNoReplace(0x5000_0000L));
    assertThat(free).as("fixed-noreplace on a free range maps there").isEqualTo(0x5000_0000L);
  }

  @Test
  void requestCarriesInheritanceAndAdvice() throws UvmException {
    long a = vm.mmap(PRIV_ANON_PAGE.withInheritance(Inheritance.NONE).withAdvice(Advice.RANDOM));
    assertThat(vm.map().lookup(a).inheritance).isEqualTo(Inheritance.NONE);
    assertThat(vm.map().lookup(a).advice).isEqualTo(Advice.RANDOM);
    long s = vm.mmap(PRIV_ANON_PAGE.withShared(true));
    assertThat(vm.map().lookup(s).inheritance).isEqualTo(Inheritance.SHARE);
    assertThat(vm.map().lookup(s).isSharedMapping()).isTrue();
    assertThat(vm.map().lookup(s).aref.amap).as("shared anonymous: amap at once").isNotNull();
  }

  @Test
  void sharedObjectMappingIsReadOnlyAtMost() throws UvmException {
    FileObject f = new FileObject(m.uvm, new byte[] {1, 2, 3});
    MapRequest shared = MapRequest.anon(PAGE, Prot.RW).withObject(f, 0).withShared(true);
    assertThat(mmapErrno(vm, shared)).isEqualTo(Errno.EACCES);
    long a = vm.mmap(MapRequest.anon(PAGE, Prot.READ).withObject(f, 0).withShared(true));
    assertPeek(vm, a + 2, 3);
    assertThat(vm.mprotect(a, PAGE, Prot.RW)).isEqualTo(Errno.EACCES);
    assertThat(f.refs()).isEqualTo(2);
    f.detach();
  }

  @Test
  void populateAndLockedPrefault() throws UvmException {
    long a = vm.mmap(MapRequest.anon(3 * PAGE, Prot.RW).withPopulate(true));
    for (int i = 0; i < 3; i++) {
      assertThat(vm.pmap().extract(a + i * PAGE)).isNotNull();
    }
    assertThat(vm.map().lookup(a).isWired()).as("populate does not wire").isFalse();
    long b = vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW).withWired(true));
    assertThat(vm.map().lookup(b).isWired()).isTrue();
    assertThat(vm.pmap().extract(b).wireCount).isEqualTo(1);
    assertThat(vm.pmap().extract(b + PAGE).wireCount).isEqualTo(1);
  }

  @Test
  void wiredProtNoneMappingIsMappedButNotWired() throws UvmException {
    long a = vm.mmap(MapRequest.anon(PAGE, Prot.NONE).withWired(true).withPopulate(true));
    assertThat(vm.map().lookup(a).isWired()).isFalse();
    assertThat(vm.pmap().extract(a)).isNull();
  }

  @Test
  void wiredMappingThatCannotBeWiredIsRemovedWithEagain() {
    VmFixture small = new VmFixture(64 * PAGE);
    Vmspace v = small.newSpace();
    assertThat(mmapErrno(v, MapRequest.anon(512 * PAGE, Prot.RW).withWired(true)))
        .isEqualTo(Errno.EAGAIN);
    assertThat(v.map().entryCount()).isZero();
    assertThat(small.exp().wired).isZero();
    small.audit();
    small.exitAllAndCheck();
  }

  @Test
  void mlockallWiresCurrentAndFutureMappingsAndMunlockallUndoes() throws UvmException {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    long none = vm.mmap(MapRequest.anon(PAGE, Prot.NONE));
    assertThat(vm.mlockall(true, false)).isZero();
    assertThat(vm.map().lookup(a).isWired()).isTrue();
    assertThat(vm.map().lookup(none).isWired()).as("PROT_NONE is skipped").isFalse();
    long b = m.mapAnon(vm, 1, Prot.RW, false);
    assertThat(vm.map().lookup(b).isWired()).as("no future wiring asked").isFalse();
    assertThat(vm.mlockall(false, true)).isZero();
    assertThat(vm.map().isWireFuture()).isTrue();
    long c = m.mapAnon(vm, 1, Prot.RW, false);
    assertThat(vm.map().lookup(c).isWired()).isTrue();
    long n2 = vm.mmap(MapRequest.anon(PAGE, Prot.NONE));
    assertThat(vm.map().lookup(n2).isWired()).isFalse();
    m.audit();
    vm.munlockall();
    assertThat(vm.map().isWireFuture()).isFalse();
    assertThat(vm.map().lookup(a).isWired()).isFalse();
    assertThat(vm.map().lookup(c).isWired()).isFalse();
    assertThat(m.exp().wired).isZero();
  }

  @Test
  void wireFutureWiresBrkGrowthAndIsInheritedByFork() {
    long base = 0x60_0000L;
    vm.setBrkBase(base);
    assertThat(vm.mlockall(false, true)).isZero();
    assertThat(vm.brk(base + 2 * PAGE)).isEqualTo(base + 2 * PAGE);
    assertThat(vm.map().lookup(base).isWired()).isTrue();
    assertThat(vm.pmap().extract(base + PAGE).wireCount).isEqualTo(1);
    Vmspace child = m.fork(vm);
    assertThat(child.map().isWireFuture()).isTrue();
    m.audit();
  }

  // ------------------------------------------------------------------ remap

  @Test
  void remapShrinksInPlaceAndGrowsInPlaceWhenFree() throws UvmException {
    long a = vm.mmap(MapRequest.anon(4 * PAGE, Prot.RW).fixed(0x4000_0000L));
    assertPoke(vm, a, 1);
    assertThat(vm.remap(a, 4 * PAGE, 2 * PAGE, RemapMode.IN_PLACE, 0)).isEqualTo(a);
    assertNoRead(vm, a + 2 * PAGE);
    assertThat(vm.remap(a, 2 * PAGE, 6 * PAGE, RemapMode.IN_PLACE, 0)).isEqualTo(a);
    assertPeek(vm, a, 1);
    assertPoke(vm, a + 5 * PAGE, 2);
    assertThat(vm.map().entryCount()).isEqualTo(1);
  }

  @Test
  void remapMovesTheEntriesWhenItCannotGrowInPlace() throws UvmException {
    long a = vm.mmap(MapRequest.anon(2 * PAGE, Prot.READ).fixed(0x4000_0000L));
    vm.mmap(PRIV_ANON_PAGE.fixed(a + 2 * PAGE));
    assertThat(remapErrno(a, 2 * PAGE, 3 * PAGE, RemapMode.IN_PLACE, 0)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mprotect(a, 2 * PAGE, Prot.RW)).isZero();
    assertPoke(vm, a + PAGE, 7);
    assertThat(vm.mprotect(a, 2 * PAGE, Prot.READ)).isZero();
    long moved = vm.remap(a, 2 * PAGE, 3 * PAGE, RemapMode.MAY_MOVE, 0);
    assertThat(moved).isNotEqualTo(a);
    assertPeek(vm, moved + PAGE, 7);
    assertNoWrite(vm, moved);
    assertNoRead(vm, a);
    long fixed = vm.remap(moved, 3 * PAGE, PAGE, RemapMode.FIXED, 0x5000_0000L);
    assertThat(fixed).isEqualTo(0x5000_0000L);
    assertNoRead(vm, moved);
  }

  @Test
  void remapRejectsBadRangesAndMovesSharedMappings() throws UvmException {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    assertThat(remapErrno(a + 1, PAGE, PAGE, RemapMode.MAY_MOVE, 0)).isEqualTo(Errno.EINVAL);
    assertThat(remapErrno(a, 0, PAGE, RemapMode.MAY_MOVE, 0)).isEqualTo(Errno.EINVAL);
    assertThat(remapErrno(a, PAGE, PAGE, RemapMode.FIXED, a)).isEqualTo(Errno.EINVAL);
    assertThat(remapErrno(a, 3 * PAGE, 4 * PAGE, RemapMode.MAY_MOVE, 0)).isEqualTo(Errno.EFAULT);
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.READ)).isZero();
    assertThat(remapErrno(a, 2 * PAGE, 4 * PAGE, RemapMode.MAY_MOVE, 0)).isEqualTo(Errno.EFAULT);
    long s = vm.mmap(MapRequest.anon(PAGE, Prot.RW).withShared(true).fixed(0x4000_0000L));
    vm.mmap(PRIV_ANON_PAGE.fixed(s + PAGE));
    // issue 16: a shared mapping that cannot grow in place moves (it was ENOMEM); in place it is
    assertThat(remapErrno(s, PAGE, 2 * PAGE, RemapMode.IN_PLACE, 0)).isEqualTo(Errno.ENOMEM);
    assertThat(remapErrno(s, PAGE, 2 * PAGE, RemapMode.MAY_MOVE, 0)).isZero();
    assertNoRead(vm, s);
  }

  private int remapErrno(long old, long oldSize, long newSize, RemapMode mode, long newVa) {
    try {
      vm.remap(old, oldSize, newSize, mode, newVa);
      return 0;
    } catch (UvmException e) {
      return e.errno();
    }
  }

  // ------------------------------------------------------------------ munmap

  @Test
  void munmapChecksArgumentsAndAcceptsHoles() {
    assertThat(vm.munmap(0x10001, PAGE)).isEqualTo(Errno.EINVAL);
    assertThat(vm.munmap(0x10000, 0)).isEqualTo(Errno.EINVAL);
    assertThat(vm.munmap(Vmspace.USER_MAX - PAGE, 2 * PAGE)).isEqualTo(Errno.EINVAL);
    assertThat(vm.munmap(0x10000, 5 * PAGE)).isZero();
    long a = m.mapAnon(vm, 5, Prot.RW, false);
    for (int i = 0; i < 5; i++) {
      assertPoke(vm, a + i * PAGE, i + 1);
    }
    long free = m.uvm.physMem().freeCount();
    assertThat(vm.munmap(a + PAGE, 2 * PAGE + 1)).isZero(); // length rounds up to 3 pages
    assertThat(m.uvm.physMem().freeCount()).isEqualTo(free + 3);
    assertPeek(vm, a, 1);
    assertNoRead(vm, a + PAGE);
    assertNoRead(vm, a + 3 * PAGE);
    assertPeek(vm, a + 4 * PAGE, 5);
    assertThat(vm.map().entryCount()).isEqualTo(2);
  }

  // ------------------------------------------------------------------ mprotect

  @Test
  void mprotectChecksArgumentsAndChangesNothingOnFailure() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.mprotect(a + 1, PAGE, Prot.READ)).isEqualTo(Errno.EINVAL);
    assertThat(vm.mprotect(a, PAGE, 0x8)).isEqualTo(Errno.EINVAL);
    assertThat(vm.mprotect(a, 3 * PAGE, Prot.READ)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mprotect(a, 0, Prot.READ)).isZero();
    assertPoke(vm, a + PAGE, 1);
    assertThat(vm.mprotect(a + PAGE, PAGE, Prot.READ)).isZero();
    assertNoWrite(vm, a + PAGE);
    assertPeek(vm, a + PAGE, 1);
    assertPoke(vm, a, 2);
    assertThat(vm.mprotect(a, 2 * PAGE, Prot.NONE)).isZero();
    assertNoRead(vm, a);
    assertThat(vm.mprotect(a, 2 * PAGE, Prot.RW)).isZero();
    assertPeek(vm, a, 2);
    assertPoke(vm, a + PAGE, 3);
  }

  // ------------------------------------------------------------------ minherit / madvise

  @Test
  void minheritAndAdviceCallsCheckArguments() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.minherit(a + 1, PAGE, Inheritance.NONE)).isEqualTo(Errno.EINVAL);
    assertThat(vm.minherit(a, 3 * PAGE, Inheritance.NONE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.minherit(a, PAGE, null)).isEqualTo(Errno.EINVAL);
    assertThat(vm.advise(a, PAGE, 77)).isEqualTo(Errno.EINVAL);
    assertThat(vm.advise(a + 1, PAGE, Advice.NORMAL)).isEqualTo(Errno.EINVAL);
    assertThat(vm.advise(a, -1, Advice.NORMAL)).isEqualTo(Errno.EINVAL);
    assertThat(vm.advise(a, 3 * PAGE, Advice.RANDOM)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.willNeed(a, PAGE)).isZero();
    assertThat(vm.willNeed(a, 3 * PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.minheritDefault(a, PAGE, null)).isEqualTo(Errno.EINVAL);
    assertThat(vm.minheritPrivateAnon(a, PAGE, null)).isEqualTo(Errno.EINVAL);
    long s = m.mapAnon(vm, 1, Prot.RW, true);
    assertThat(vm.minheritPrivateAnon(s, PAGE, Inheritance.ZERO)).isEqualTo(Errno.EINVAL);
    assertThat(vm.discard(s, PAGE, true)).isEqualTo(Errno.EINVAL);
    assertThat(vm.advise(a, PAGE, Advice.SEQUENTIAL)).isZero();
    assertThat(vm.map().lookup(a).advice).isEqualTo(Advice.SEQUENTIAL);
    assertThat(vm.map().lookup(a + PAGE).advice).isEqualTo(Advice.NORMAL);
  }

  @Test
  void minheritDefaultRestoresOnlyTheGivenInheritance() {
    long a = m.mapAnon(vm, 3, Prot.RW, false);
    assertThat(vm.minherit(a, PAGE, Inheritance.NONE)).isZero();
    assertThat(vm.minherit(a + PAGE, PAGE, Inheritance.ZERO)).isZero();
    assertThat(vm.minheritDefault(a, 3 * PAGE, Inheritance.NONE)).isZero();
    assertThat(vm.map().lookup(a).inheritance).isEqualTo(Inheritance.COPY);
    assertThat(vm.map().lookup(a + PAGE).inheritance).isEqualTo(Inheritance.ZERO);
    long s = m.mapAnon(vm, 1, Prot.RW, true);
    assertThat(vm.minherit(s, PAGE, Inheritance.NONE)).isZero();
    assertThat(vm.minheritDefault(s, PAGE, Inheritance.NONE)).isZero();
    assertThat(vm.map().lookup(s).inheritance).isEqualTo(Inheritance.SHARE);
  }

  @Test
  void dontNeedZeroesPrivateAnonymousAndKeepsSharedData() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    long s = m.mapAnon(vm, 1, Prot.RW, true);
    assertPoke(vm, a, 1);
    assertPoke(vm, a + PAGE, 2);
    assertPoke(vm, s, 3);
    long free = m.uvm.physMem().freeCount();
    assertThat(vm.discard(a + PAGE, PAGE, false)).isZero();
    assertThat(vm.discard(s, PAGE, false)).isZero();
    assertThat(m.uvm.physMem().freeCount()).isEqualTo(free + 1);
    assertThat(vm.pmap().extract(s)).isNull();
    assertPeek(vm, a, 1);
    assertPeek(vm, a + PAGE, 0);
    assertPeek(vm, s, 3);
  }

  @Test
  void dontNeedAfterForkLeavesTheChildsCopy() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 5);
    Vmspace child = m.fork(vm);
    assertThat(vm.discard(a, PAGE, false)).isZero();
    m.audit();
    assertPeek(vm, a, 0);
    assertPeek(child, a, 5);
  }

  @Test
  void dontNeedOfPrivateFileMappingRevertsToFileContents() throws UvmException {
    FileObject f = new FileObject(m.uvm, new byte[] {42});
    long a = vm.mmap(MapRequest.anon(PAGE, Prot.RW).withObject(f, 0));
    assertPoke(vm, a, 7);
    assertThat(vm.discard(a, PAGE, false)).isZero();
    assertPeek(vm, a, 42);
    f.detach();
  }

  @Test
  void dontNeedOfLockedRangeIsInvalid() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertThat(vm.mlock(a, PAGE)).isZero();
    assertThat(vm.discard(a, PAGE, false)).isEqualTo(Errno.EINVAL);
  }

  // ------------------------------------------------------------------ mlock

  @Test
  void mlockWiresEveryPageAndMunlockUndoes() {
    long a = m.mapAnon(vm, 4, Prot.RW, false);
    assertThat(vm.mlock(a + 10, 2 * PAGE)).isZero(); // rounds out to pages 0..2
    m.audit();
    for (int i = 0; i < 3; i++) {
      assertThat(vm.pmap().extract(a + i * PAGE).wireCount).as("page %d", i).isEqualTo(1);
      assertThat(vm.pmap().isWired(a + i * PAGE)).isTrue();
    }
    assertThat(vm.pmap().extract(a + 3 * PAGE)).isNull();
    assertThat(vm.mlock(a, PAGE)).as("mlock is not counted").isZero();
    assertThat(vm.pmap().extract(a).wireCount).isEqualTo(1);
    assertThat(vm.munlock(a, 4 * PAGE)).isZero();
    m.audit();
    assertThat(vm.pmap().extract(a).wireCount).isZero();
    assertThat(m.exp().wired).isZero();
  }

  @Test
  void mlockOfUnmappedRangeFails() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertThat(vm.mlock(a, 2 * PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.munlock(a, 2 * PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mlock(a, -1)).isEqualTo(Errno.EINVAL);
    assertThat(vm.mlock(a, 0)).isZero();
    assertThat(vm.map().lookup(a).isWired()).isFalse();
  }

  @Test
  void mlockOfReadOnlyPrivateFileMappingWiresObjectPagesThenWritePromotes() throws UvmException {
    FileObject f = new FileObject(m.uvm, new byte[] {11});
    long a = vm.mmap(MapRequest.anon(PAGE, Prot.READ).withObject(f, 0));
    assertThat(vm.mlock(a, PAGE)).isZero();
    assertThat(vm.pmap().extract(a).object).isSameAs(f);
    assertThat(vm.pmap().extract(a).wireCount).isEqualTo(1);
    m.audit();
    assertThat(vm.mprotect(a, PAGE, Prot.RW)).isZero();
    m.audit();
    assertThat(vm.pmap().extract(a).anon).as("rewire promoted the page").isNotNull();
    assertThat(vm.pmap().protection(a)).isEqualTo(Prot.RW);
    long faults = m.exp().faults;
    assertPoke(vm, a, 12);
    assertThat(m.exp().faults).isEqualTo(faults);
    assertThat(vm.munmap(a, PAGE)).isZero();
    f.detach();
  }

  @Test
  void munmapOfWiredRangeUnwires() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    assertThat(vm.mlock(a, 2 * PAGE)).isZero();
    assertThat(vm.munmap(a + PAGE, PAGE)).isZero();
    m.audit();
    assertThat(m.exp().wired).isEqualTo(1);
  }

  // ------------------------------------------------------------------ brk

  @Test
  void brkGrowsInPlaceAndShrinks() {
    // exec puts the break at the page-aligned end of bss here (an unaligned break shares its
    // first page with bss, which exec maps)
    long base = 0x60_0000L;
    vm.setBrkBase(base);
    assertThat(vm.brk(0)).isEqualTo(base);
    assertThat(vm.brk(base - 1)).isEqualTo(base);
    long top = base + 3 * PAGE - 100;
    assertThat(vm.brk(top)).isEqualTo(top);
    assertPoke(vm, base, 1);
    assertPoke(vm, top - 1, 2);
    assertNoRead(vm, Vmspace.roundPage(top));
    assertThat(vm.brk(top + 5 * PAGE)).isEqualTo(top + 5 * PAGE);
    assertThat(vm.map().entryCount()).as("brk growth merged into one entry").isEqualTo(1);
    assertThat(vm.map().lookup(base).aref.amap.nslot()).isEqualTo(8);
    assertPoke(vm, top + 4 * PAGE, 3);
    assertPeek(vm, base, 1);
    assertThat(vm.brk(base + PAGE)).isEqualTo(base + PAGE);
    assertNoRead(vm, Vmspace.roundPage(base + PAGE));
    assertPeek(vm, base, 1);
    assertThat(vm.brk(base + 2 * PAGE)).isEqualTo(base + 2 * PAGE);
    assertPeek(vm, Vmspace.roundPage(base + PAGE), 0);
  }

  @Test
  void brkRefusesToGrowIntoAMapping() throws UvmException {
    long base = 0x60_0000L;
    vm.setBrkBase(base);
    assertThat(vm.mmap(PRIV_ANON_PAGE.fixed(base + 2 * PAGE))).isEqualTo(base + 2 * PAGE);
    assertThat(vm.brk(base + 4 * PAGE)).isEqualTo(base);
    assertThat(vm.brk(base + 2 * PAGE)).isEqualTo(base + 2 * PAGE);
  }

  // ------------------------------------------------------------------ copyin/copyout

  @Test
  void copyinCopyoutAcrossPagesAndFaults() {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    byte[] data = new byte[6000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    assertThat(vm.copyout(a + 100, data, 0, data.length)).isZero();
    byte[] back = new byte[data.length];
    assertThat(vm.copyin(a + 100, back, 0, back.length)).isZero();
    assertThat(back).isEqualTo(data);
    assertThat(vm.copyin(a + PAGE, back, 0, (int) PAGE + 1)).isEqualTo(Errno.EFAULT);
    assertThat(vm.copyin(0, back, 0, 1)).isEqualTo(Errno.EFAULT);
    assertThat(vm.copyin(a, back, 10, back.length)).isEqualTo(Errno.EFAULT);
    assertThat(vm.copyin(-4096, back, 0, 1)).isEqualTo(Errno.EFAULT);
    assertThat(vm.mprotect(a, PAGE, Prot.READ)).isZero();
    assertThat(vm.copyout(a, data, 0, 1)).isEqualTo(Errno.EFAULT);
  }

  @Test
  void copyoutToCowPageCopiesIt() {
    long a = m.mapAnon(vm, 1, Prot.RW, false);
    assertPoke(vm, a, 1);
    Vmspace child = m.fork(vm);
    assertThat(child.copyout(a, new byte[] {9}, 0, 1)).isZero();
    assertPeek(vm, a, 1);
    assertPeek(child, a, 9);
    assertThat(m.exp().flt_acow).isEqualTo(1);
  }

  @Test
  void copyinstrStopsAtNulOrReportsTooLong() throws UvmException {
    long a = m.mapAnon(vm, 2, Prot.RW, false);
    byte[] s = "hello\0".getBytes(StandardCharsets.US_ASCII);
    assertThat(vm.copyout(a + PAGE - 3, s, 0, s.length)).isZero();
    byte[] dst = new byte[16];
    assertThat(vm.copyinstr(a + PAGE - 3, dst, 16)).isEqualTo(5);
    assertThat(new String(dst, 0, 5, StandardCharsets.US_ASCII)).isEqualTo("hello");
    assertThat(copyinstrErrno(a + PAGE - 3, dst, 5)).isEqualTo(Errno.ENAMETOOLONG);
    assertThat(vm.copyout(a + 2 * PAGE - 2, new byte[] {'a', 'b'}, 0, 2)).isZero();
    assertThat(copyinstrErrno(a + 2 * PAGE - 2, dst, 16)).isEqualTo(Errno.EFAULT);
    assertThat(copyinstrErrno(a, dst, 17)).isEqualTo(Errno.EFAULT);
  }

  private int copyinstrErrno(long va, byte[] dst, int max) {
    try {
      vm.copyinstr(va, dst, max);
      return 0;
    } catch (UvmException e) {
      return e.errno();
    }
  }
}
