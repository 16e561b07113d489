package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.amap.TestServices.entry;
import static org.uvm4j.uvm.amap.TestServices.put;
import static org.uvm4j.uvm.map.VmFixture.assertPeek;
import static org.uvm4j.uvm.map.VmFixture.assertPoke;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.vm.VM;
import org.openjdk.jol.vm.VirtualMachine;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.VmFixture;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;

/**
 * Issue 14: an amap's memory follows what is used, not the size of the mapping. Footprints are
 * measured with JOL ({@code VM.current().sizeOf}) over every storage object of the slot arrays; the
 * seed's flat arrays for 2^24 slots would measure 200 MB.
 */
class AmapScaleTest {
  private static final long GIB = 1L << 30;
  private static final int SLOTS_64G = 1 << 24;

  /** Bytes of the amap's per-slot storage: am_slots, am_bckptr, am_anon, am_ppref (all nodes). */
  static long storageBytes(Amap a) {
    VirtualMachine vm = VM.current();
    long[] sum = {vm.sizeOf(a.slots) + vm.sizeOf(a.anon) + vm.sizeOf(a.bckptr)};
    a.anon.forEachNode(o -> sum[0] += vm.sizeOf(o));
    a.bckptr.forEachNode(o -> sum[0] += vm.sizeOf(o));
    if (a.hasPpref()) {
      sum[0] += vm.sizeOf(a.ppref);
      a.ppref.forEachNode(o -> sum[0] += vm.sizeOf(o));
    }
    return sum[0];
  }

  @Test
  void anAmapOfMoreThan2To24SlotsIsAllocated() {
    TestServices svc = new TestServices();
    Amap a = Amap.alloc(svc, (64 * GIB) + 4096, 0, true);
    assertThat(a).as("the old 2^24-slot cap is gone").isNotNull();
    assertThat(a.nslot()).isEqualTo(SLOTS_64G + 1);
    // the largest even slot count below 2^31 (roundup to kmem's quantum keeps it): ~8 TiB
    Amap huge = Amap.alloc(svc, (long) (Integer.MAX_VALUE - 1) << 12, 0, true);
    assertThat(huge).as("8 TiB: the int slot limit").isNotNull();
    assertThat(storageBytes(huge)).isLessThan(4096);
    assertThat(Amap.alloc(svc, ((long) Integer.MAX_VALUE + 1) << 12, 0, true))
        .as("beyond Integer.MAX_VALUE slots: refused (null), never a huge allocation")
        .isNull();
    a.unref(0, a.nslot(), true);
    huge.unref(0, huge.nslot(), true);
    assertThat(svc.allocator.liveTotal()).isZero();
  }

  @Test
  void a64GiBAmapWithOnePageUsedCostsKiBsAndSoDoesAPartialReference() {
    TestServices svc = new TestServices();
    Amap a = svc.amap(SLOTS_64G, 0);
    long empty = storageBytes(a);
    assertThat(empty).as("an empty 64 GiB amap").isLessThan(1024);
    Anon an = svc.anon();
    put(a, SLOTS_64G / 2 + 5, an);
    long one = storageBytes(a);
    assertThat(one).as("one page used").isLessThan(4096);
    // a partial reference (a clip) establishes per-page counts: only their run heads take memory
    VmMapEntry e = entry(0x1000_0000L, SLOTS_64G, a, 0);
    Aref right = new Aref();
    right.copyFrom(e.aref);
    Amap.splitref(e.aref, right, (long) (SLOTS_64G - 256) << 12);
    a.unref(right.pageOffset, 256, false);
    assertThat(a.hasPpref()).isTrue();
    assertThat(a.pprefCounts()[SLOTS_64G - 1]).isZero();
    assertThat(storageBytes(a)).as("ppref of a 64 GiB amap").isLessThan(8192);
    a.audit();
    a.unref(0, SLOTS_64G - 256, false);
    assertThat(an.isFreed()).isTrue();
    assertThat(svc.allocator.liveTotal()).isZero();
  }

  @Test
  void a64GiBSharedAnonymousMappingWithOnePageTouchedCostsKiBs() throws UvmException {
    VmFixture m = new VmFixture();
    Vmspace vm = m.newSpace();
    long size = 64 * GIB + 4096; // one page past the old cap: Linux maps it, so do we
    long base = vm.mmap(MapRequest.anon(size, Prot.RW).withShared(true));
    long mid = base + 32 * GIB;
    assertPoke(vm, mid, 0x5a);
    Amap amap = vm.map().lookup(base).aref.amap;
    assertThat(amap.nslot()).isEqualTo(SLOTS_64G + 1);
    assertThat(amap.nused()).isEqualTo(1);
    assertThat(storageBytes(amap)).isLessThan(4096);
    // unmap the last MiB: clip + partial unref establishes per-page counts, still KiBs
    assertThat(vm.munmap(base + size - (1 << 20), 1 << 20)).isZero();
    assertThat(amap.hasPpref()).isTrue();
    assertThat(storageBytes(amap)).isLessThan(8192);
    // a child shares it (fork of a shared mapping costs the entry, not its slots)
    Vmspace child = m.fork(vm);
    assertPeek(child, mid, 0x5a);
    assertPoke(child, mid + 4096, 0x6b);
    assertPeek(vm, mid + 4096, 0x6b);
    assertThat(storageBytes(amap)).isLessThan(8192);
    m.audit();
    m.exitAllAndCheck();
  }

  /**
   * Heap per resident anonymous page (issue 14 target: at most 64 B): the anon plus its share of
   * the amap (the amap object and every storage object of am_slots, am_bckptr and am_anon), with
   * every slot of a 65,536-slot amap in use, measured with JOL. The frame's vm_page exists whether
   * or not an anon uses it and is not counted. Flat storage (the seed's layout) is measured too: it
   * must not be the cheaper one by more than its missing tree nodes.
   */
  @Test
  void heapPerResidentAnonymousPageIsAtMost64Bytes() {
    VirtualMachine vm = VM.current();
    for (boolean flat : new boolean[] {false, true}) {
      TestServices svc = new TestServices();
      if (flat) {
        svc.allocator.setFlatSlots(Integer.MAX_VALUE);
      }
      int n = 1 << 16;
      Amap a = svc.amap(n, 0);
      assertThat(a.anon.isFlat()).isEqualTo(flat);
      long anons = 0;
      for (int s = 0; s < n; s++) {
        Anon an = svc.anon();
        anons += vm.sizeOf(an);
        put(a, s, an);
      }
      long perPage = (vm.sizeOf(a) + storageBytes(a) + anons) / n;
      assertThat(perPage)
          .as("heap per resident page, %s storage", flat ? "flat" : "chunked")
          .isLessThanOrEqualTo(64);
      if (flat) {
        // anon 40 B + 4 B am_anon + 4 B am_bckptr + 4 B am_slots (compressed references)
        assertThat(perPage).isGreaterThanOrEqualTo(52);
      }
      a.unref(0, n, true);
      assertThat(svc.allocator.liveTotal()).isZero();
    }
  }
}
