package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.map.VmFixture.PAGE;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;

/**
 * {@code vm.max_map_count}: an address space with more than {@link Vmspace#MAX_MAP_COUNT} entries
 * refuses new mappings, and operations that would split entries beyond the limit fail with ENOMEM
 * and change nothing — as Linux does. Also a large map's operations stay correct (the audit runs
 * over tens of thousands of entries).
 */
class MapCountTest {
  /** Maps one-page mappings of alternating protection (so none merge) until mmap refuses. */
  private static List<Long> fill(Vmspace vm) {
    List<Long> pages = new ArrayList<>();
    for (int i = 0; ; i++) {
      try {
        pages.add(vm.mmap(MapRequest.anon(PAGE, i % 2 == 0 ? Prot.READ : Prot.RW)));
      } catch (UvmException e) {
        assertThat(e.errno()).isEqualTo(Errno.ENOMEM);
        return pages;
      }
    }
  }

  @Test
  void mmapBeyondMaxMapCountGivesEnomemAndSplitsBeyondItAreRefused() throws UvmException {
    VmFixture f = new VmFixture(256 * PAGE);
    Vmspace vm = f.newSpace();
    long three = vm.mmap(MapRequest.anon(3 * PAGE, Prot.RW));
    List<Long> pages = fill(vm);
    // Linux checks map_count > max_map_count before mapping: the last mapping that succeeds
    // brings the count to one above the limit
    assertThat(vm.map().entryCount()).isEqualTo(Vmspace.MAX_MAP_COUNT + 1);
    assertThat(pages).hasSize(Vmspace.MAX_MAP_COUNT);
    assertThatThrownBy(() -> vm.mmap(MapRequest.anon(PAGE, Prot.RW).fixed(three)))
        .isInstanceOf(UvmException.class);

    int before = vm.map().entryCount();
    assertThat(vm.munmap(three + PAGE, PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mprotect(three + PAGE, PAGE, Prot.READ)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.minherit(three, PAGE, Inheritance.NONE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.advise(three, PAGE, Advice.RANDOM)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.mlock(three + 2 * PAGE, PAGE)).isEqualTo(Errno.ENOMEM);
    assertThat(vm.map().entryCount()).isEqualTo(before);
    assertThat(vm.map().lookup(three).end).isEqualTo(three + 3 * PAGE);
    // operations that split nothing still work at the limit
    assertThat(vm.mprotect(three, 3 * PAGE, Prot.READ)).isZero();
    assertThat(vm.munmap(pages.get(0), PAGE)).isZero();
    assertThat(vm.munmap(pages.get(1), PAGE)).isZero();
    assertThat(vm.munmap(pages.get(2), PAGE)).isZero();
    // count is now max - 2: the middle of the three-page mapping can be punched out
    assertThat(vm.munmap(three + PAGE, PAGE)).isZero();
    assertThat(vm.map().entryCount()).isEqualTo(Vmspace.MAX_MAP_COUNT - 1);
    long again = vm.mmap(MapRequest.anon(PAGE, Prot.RW));
    assertThat(vm.map().lookup(again)).isNotNull();
    f.audit();
    f.exitAllAndCheck();
  }

  @Test
  void stormOfSmallMappingsStaysConsistent() throws UvmException {
    VmFixture f = new VmFixture(2048 * PAGE);
    Vmspace vm = f.newSpace();
    int n = 20_000;
    long[] at = new long[n];
    for (int i = 0; i < n; i++) {
      at[i] = vm.mmap(MapRequest.anon(PAGE, Prot.RW));
      if (i % 97 == 0) {
        VmFixture.assertPoke(vm, at[i], i & 0xff);
      }
    }
    // top-down placement packs them below MMAP_BASE and they merge into few entries
    assertThat(at[0]).isEqualTo(Vmspace.MMAP_BASE - PAGE);
    assertThat(at[n - 1]).isEqualTo(Vmspace.MMAP_BASE - (long) n * PAGE);
    for (int i = 0; i < n; i += 2) {
      assertThat(vm.mprotect(at[i], PAGE, Prot.READ)).isZero();
    }
    assertThat(vm.map().entryCount()).isEqualTo(n);
    for (int i = 0; i < n; i += 3) {
      assertThat(vm.munmap(at[i], PAGE)).isZero();
    }
    f.audit();
    for (int i = 0; i < n; i++) {
      if (i % 3 == 0) {
        assertThat(vm.map().lookup(at[i])).isNull();
      } else {
        assertThat(vm.map().lookup(at[i]).protection).isEqualTo(i % 2 == 0 ? Prot.READ : Prot.RW);
        if (i % 97 == 0) {
          VmFixture.assertPeek(vm, at[i], i & 0xff);
        }
      }
    }
    // the holes are found again: top-down, a one-page request takes the highest hole
    assertThat(vm.mmap(MapRequest.anon(PAGE, Prot.RW))).isEqualTo(at[0]);
    // a two-page request fits no hole between the pages and goes below all of them
    assertThat(vm.mmap(MapRequest.anon(2 * PAGE, Prot.RW))).isEqualTo(at[n - 1] - 2 * PAGE);
    f.audit();
    f.exitAllAndCheck();
  }
}
