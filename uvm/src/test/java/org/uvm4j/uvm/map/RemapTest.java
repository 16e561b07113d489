package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.map.VmFixture.PAGE;
import static org.uvm4j.uvm.map.VmFixture.assertNoRead;
import static org.uvm4j.uvm.map.VmFixture.assertNoWrite;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.page.VmPage;

/**
 * mremap as a map operation (issue 16): the entries move with every attribute and their
 * translations, nothing is copied or allocated; growth keeps the entry's attributes; shared and
 * wired mappings move; MREMAP_FIXED and MREMAP_DONTUNMAP. The system audit runs after each test.
 */
class RemapTest {
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

  /** Something right after {@code [a, a + pages)}, so that growing must move. */
  private void block(long a, int pages) throws UvmException {
    map(1, Prot.READ, false, a + pages * PAGE);
  }

  @Test
  void wipeOnForkSurvivesAMoveTheChildSeesZeroes() throws UvmException {
    long a = map(2, Prot.RW, false, 0x4000_0000L);
    assertPoke(vm, a, 7);
    assertPoke(vm, a + PAGE, 8);
    assertThat(vm.minheritPrivateAnon(a, 2 * PAGE, Inheritance.ZERO)).isZero();
    block(a, 2);
    long moved = vm.remap(a, 2 * PAGE, 3 * PAGE, RemapMode.MAY_MOVE, 0);
    assertThat(moved).isNotEqualTo(a);
    assertThat(vm.map().lookup(moved + 2 * PAGE).inheritance).isEqualTo(Inheritance.ZERO);
    Vmspace child = m.fork(vm);
    assertPeek(child, moved, 0);
    assertPeek(child, moved + PAGE, 0);
    assertPeek(child, moved + 2 * PAGE, 0);
    assertPeek(vm, moved, 7);
    assertPeek(vm, moved + PAGE, 8);
    m.audit();
  }

  @Test
  void dontForkSurvivesAMoveTheChildCannotRead() throws UvmException {
    long a = map(2, Prot.RW, false, 0x4000_0000L);
    assertPoke(vm, a, 7);
    assertThat(vm.minherit(a, 2 * PAGE, Inheritance.NONE)).isZero();
    long moved = vm.remap(a, 2 * PAGE, 2 * PAGE, RemapMode.FIXED, 0x5000_0000L);
    assertThat(moved).isEqualTo(0x5000_0000L);
    Vmspace child = m.fork(vm);
    assertNoRead(child, moved);
    assertNoRead(child, a);
    assertPeek(vm, moved, 7);
    assertNoRead(vm, a);
  }

  /** What a range is given before it moves, and what a child must then see of it. */
  enum Attribute {
    WIPEONFORK,
    DONTFORK,
    SHARED,
    WIRED
  }

  /**
   * Issue 16: a mapping moved by mremap MAYMOVE, FIXED or DONTUNMAP keeps each fork attribute: a
   * WIPEONFORK child sees zeroes, a DONTFORK child cannot read it, a SHARED child shares it both
   * ways, a WIRED parent stays wired and its child gets a private copy of the data.
   */
  @org.junit.jupiter.params.ParameterizedTest(name = "{0} after {1}")
  @org.junit.jupiter.params.provider.MethodSource("attributesAndMoves")
  void aMovedMappingKeepsItsForkAttribute(Attribute attr, String how) throws UvmException {
    long a = map(2, Prot.RW, attr == Attribute.SHARED, 0x4000_0000L);
    assertPoke(vm, a, 7);
    assertPoke(vm, a + PAGE, 8);
    switch (attr) {
      case WIPEONFORK -> assertThat(vm.minheritPrivateAnon(a, 2 * PAGE, Inheritance.ZERO)).isZero();
      case DONTFORK -> assertThat(vm.minherit(a, 2 * PAGE, Inheritance.NONE)).isZero();
      case WIRED -> assertThat(vm.mlock(a, 2 * PAGE)).isZero();
      case SHARED -> {}
    }
    long moved =
        switch (how) {
          case "MAYMOVE" -> {
            block(a, 2);
            yield vm.remap(a, 2 * PAGE, 3 * PAGE, RemapMode.MAY_MOVE, 0);
          }
          case "FIXED" -> vm.remap(a, 2 * PAGE, 2 * PAGE, RemapMode.FIXED, 0x5000_0000L);
          default -> vm.remap(a, 2 * PAGE, 2 * PAGE, RemapMode.MAY_MOVE, 0, true);
        };
    assertThat(moved).isNotEqualTo(a);
    Vmspace child = m.fork(vm);
    switch (attr) {
      case WIPEONFORK -> {
        assertPeek(child, moved, 0);
        assertPeek(child, moved + PAGE, 0);
      }
      case DONTFORK -> assertNoRead(child, moved);
      case SHARED -> {
        assertPeek(child, moved + PAGE, 8);
        assertPoke(child, moved, 9);
        assertPeek(vm, moved, 9);
      }
      case WIRED -> {
        assertThat(vm.map().lookup(moved).isWired()).isTrue();
        assertThat(vm.pmap().isWired(moved + PAGE)).isTrue();
        assertThat(child.map().lookup(moved).isWired()).isFalse();
        assertPeek(child, moved, 7);
        assertPoke(child, moved, 1);
        assertPeek(vm, moved, 7);
      }
    }
    if (attr != Attribute.SHARED) {
      assertPeek(vm, moved, 7);
    }
    assertPeek(vm, moved + PAGE, 8);
    m.audit();
  }

  static java.util.stream.Stream<org.junit.jupiter.params.provider.Arguments> attributesAndMoves() {
    return java.util.Arrays.stream(Attribute.values())
        .flatMap(
            a ->
                java.util.stream.Stream.of("MAYMOVE", "FIXED", "DONTUNMAP")
                    .map(h -> org.junit.jupiter.params.provider.Arguments.of(a, h)));
  }

  /** Moving a 2 GiB untouched mapping with MREMAP_FIXED or DONTUNMAP allocates no frame either. */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(booleans = {false, true})
  void aFixedOrDontUnmapMoveOfTwoGibAllocatesNothing(boolean dontUnmap) throws UvmException {
    long len = 2L << 30;
    long a = vm.mmap(MapRequest.anon(len, Prot.RW).fixed(0x10_0000_0000L));
    long free = m.uvm.physMem().freeCount();
    long resident = vm.pmap().residentCount();
    long moved =
        dontUnmap
            ? vm.remap(a, len, len, RemapMode.MAY_MOVE, 0, true)
            : vm.remap(a, len, len, RemapMode.FIXED, 0x20_0000_0000L);
    assertThat(moved).isNotEqualTo(a);
    assertThat(m.uvm.physMem().freeCount()).as("frames allocated by the move").isEqualTo(free);
    assertThat(vm.pmap().residentCount()).isEqualTo(resident);
    assertPeek(vm, moved + len - PAGE, 0);
  }

  @Test
  void movingATwoGibUntouchedPrivateMappingAllocatesNothing() throws UvmException {
    long len = 2L << 30;
    long a = vm.mmap(MapRequest.anon(len, Prot.RW).fixed(0x10_0000_0000L));
    assertPoke(vm, a + 12345 * PAGE, 3); // one touched page in the middle
    VmPage touched = vm.pmap().extract(a + 12345 * PAGE);
    block(a, (int) (len / PAGE));
    long free = m.uvm.physMem().freeCount();
    long zeroFills = m.exp().flt_przero;
    long resident = vm.pmap().residentCount();
    long moved = vm.remap(a, len, len + PAGE, RemapMode.MAY_MOVE, 0);
    assertThat(moved).isNotEqualTo(a);
    assertThat(m.uvm.physMem().freeCount()).as("frames allocated by the move").isEqualTo(free);
    assertThat(m.exp().flt_przero).isEqualTo(zeroFills);
    assertThat(vm.pmap().residentCount()).isEqualTo(resident);
    // the translation moved with the entry: the same page, no fault needed
    assertThat(vm.pmap().extract(moved + 12345 * PAGE)).isSameAs(touched);
    assertThat(vm.pmap().extract(a + 12345 * PAGE)).isNull();
    assertPeek(vm, moved + 12345 * PAGE, 3);
    assertPeek(vm, moved + len, 0);
    assertNoRead(vm, a);
  }

  @Test
  void sharedMappingsMoveAndStayShared() throws UvmException {
    long a = map(2, Prot.RW, true, 0x4000_0000L);
    assertPoke(vm, a + PAGE, 5);
    Vmspace child = m.fork(vm);
    Amap amap = vm.map().lookup(a).aref.amap;
    block(a, 2);
    long moved = vm.remap(a, 2 * PAGE, 4 * PAGE, RemapMode.MAY_MOVE, 0);
    assertThat(vm.map().lookup(moved).aref.amap).isSameAs(amap);
    assertPeek(vm, moved + PAGE, 5);
    assertPoke(vm, moved, 9);
    assertPeek(child, a, 9); // the child still maps the same memory at the old address
    assertPoke(child, a + PAGE, 6);
    assertPeek(vm, moved + PAGE, 6);
    assertPoke(vm, moved + 3 * PAGE, 1); // the grown tail is shared memory too
    assertThat(vm.map().lookup(moved + 3 * PAGE).isSharedMapping()).isTrue();
    Vmspace grandchild = m.fork(vm);
    assertPoke(grandchild, moved + 3 * PAGE, 2);
    assertPeek(vm, moved + 3 * PAGE, 2);
  }

  @Test
  void wiredMappingsMoveWiredAndTheirTailIsWired() throws UvmException {
    long a = map(2, Prot.RW, false, 0x4000_0000L);
    assertThat(vm.mlock(a, 2 * PAGE)).isZero();
    VmPage p0 = vm.pmap().extract(a);
    block(a, 2);
    long moved = vm.remap(a, 2 * PAGE, 3 * PAGE, RemapMode.MAY_MOVE, 0);
    assertThat(vm.pmap().extract(moved)).isSameAs(p0);
    assertThat(vm.pmap().isWired(moved)).isTrue();
    assertThat(p0.wireCount).isEqualTo(1);
    assertThat(vm.map().lookup(moved + 2 * PAGE).isWired()).isTrue();
    assertThat(vm.pmap().isWired(moved + 2 * PAGE)).isTrue();
    m.audit();
  }

  @Test
  void growingInPlaceKeepsTheAttributes() throws UvmException {
    long a = map(2, Prot.RW, false, 0x4000_0000L);
    assertPoke(vm, a, 4);
    assertThat(vm.minheritPrivateAnon(a, 2 * PAGE, Inheritance.ZERO)).isZero();
    assertThat(vm.advise(a, 2 * PAGE, Advice.RANDOM)).isZero();
    assertThat(vm.remap(a, 2 * PAGE, 5 * PAGE, RemapMode.IN_PLACE, 0)).isEqualTo(a);
    VmMapEntry tail = vm.map().lookup(a + 4 * PAGE);
    assertThat(tail.inheritance).isEqualTo(Inheritance.ZERO);
    assertThat(tail.advice).isEqualTo(Advice.RANDOM);
    assertThat(tail.protection).isEqualTo(Prot.RW);
    assertPoke(vm, a + 4 * PAGE, 1);
    Vmspace child = m.fork(vm);
    assertPeek(child, a, 0);
    assertPeek(child, a + 4 * PAGE, 0);
    assertPeek(vm, a, 4);
  }

  @Test
  void dontUnmapLeavesAFreshPrivateRangeOrTheSameSharedMemory() throws UvmException {
    long p = map(2, Prot.RW, false, 0x4000_0000L);
    assertPoke(vm, p, 3);
    assertThat(vm.mlock(p, 2 * PAGE)).isZero();
    long pm = vm.remap(p, 2 * PAGE, 2 * PAGE, RemapMode.MAY_MOVE, 0, true);
    assertPeek(vm, pm, 3);
    assertPeek(vm, p, 0); // the old range is still mapped, with fresh zero pages
    assertThat(vm.map().lookup(p).isWired()).isFalse();
    assertThat(vm.map().lookup(pm).isWired()).isTrue();
    assertPoke(vm, p, 8);
    assertPeek(vm, pm, 3);

    long s = map(1, Prot.RW, true, 0x4800_0000L);
    assertPoke(vm, s, 5);
    long sm = vm.remap(s, PAGE, PAGE, RemapMode.FIXED, 0x4900_0000L, true);
    assertThat(sm).isEqualTo(0x4900_0000L);
    assertPeek(vm, s, 5);
    assertPoke(vm, s, 6);
    assertPeek(vm, sm, 6); // both ranges show the same shared memory
    m.audit();
  }

  @Test
  void fixedReplacesTheTargetAndShrinksFirst() throws UvmException {
    long a = map(3, Prot.RW, false, 0x4000_0000L);
    assertPoke(vm, a, 1);
    assertPoke(vm, a + 2 * PAGE, 3);
    long t = map(4, Prot.READ, false, 0x5000_0000L);
    long moved = vm.remap(a, 3 * PAGE, 2 * PAGE, RemapMode.FIXED, t + PAGE);
    assertThat(moved).isEqualTo(t + PAGE);
    assertPeek(vm, moved, 1);
    assertPoke(vm, moved + PAGE, 2);
    assertNoWrite(vm, t);
    assertNoWrite(vm, t + 3 * PAGE);
    assertNoRead(vm, a);
    assertNoRead(vm, a + 2 * PAGE);
  }

  @Test
  void badRemapsChangeNothing() throws UvmException {
    long a = map(2, Prot.RW, false, 0x4000_0000L);
    assertThatThrownBy(() -> vm.remap(a, 2 * PAGE, 3 * PAGE, RemapMode.MAY_MOVE, 0, true))
        .isInstanceOfSatisfying(
            UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThatThrownBy(() -> vm.remap(a, 2 * PAGE, 2 * PAGE, RemapMode.IN_PLACE, 0, true))
        .isInstanceOfSatisfying(
            UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EINVAL));
    assertThat(vm.minherit(a + PAGE, PAGE, Inheritance.NONE)).isZero();
    assertThatThrownBy(() -> vm.remap(a, 2 * PAGE, 4 * PAGE, RemapMode.MAY_MOVE, 0))
        .isInstanceOfSatisfying(
            UvmException.class, e -> assertThat(e.errno()).isEqualTo(Errno.EFAULT));
    assertThat(vm.map().lookup(a).end).isEqualTo(a + PAGE);
    assertThat(vm.map().entryCount()).isEqualTo(2);
  }
}
