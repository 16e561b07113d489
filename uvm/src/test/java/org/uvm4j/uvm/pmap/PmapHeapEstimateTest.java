package org.uvm4j.uvm.pmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.Test;
import org.openjdk.jol.info.ClassLayout;
import org.openjdk.jol.vm.VM;
import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.page.DirectRamBacking;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;

/**
 * The page table's heap estimates (what it charges to the {@link MetadataBudget}) cover the objects
 * they stand for, measured by JOL with compressed references; and a pmap's charges follow its
 * leaves, directories and pv entries and all go back at {@code pmap_destroy}.
 */
class PmapHeapEstimateTest {
  private static boolean compressedRefs() {
    return VM.current().sizeOfField("java.lang.Object") == 4;
  }

  @Test
  void theEstimatesCoverTheObjects() {
    assumeTrue(compressedRefs(), "the estimates are for compressed references");
    assertThat(VM.current().sizeOf(new long[513])).isLessThanOrEqualTo(Pmap.LEAF_BYTES);
    assertThat(VM.current().sizeOf(new long[512][])).isLessThanOrEqualTo(Pmap.DIR_BYTES);
    assertThat(ClassLayout.parseClass(PvEntry.class).instanceSize())
        .isLessThanOrEqualTo(Pmap.PV_BYTES);
    assertThat(
            ClassLayout.parseClass(Pmap.class).instanceSize()
                + VM.current().sizeOf(new long[512][][][])
                + VM.current().sizeOf(new long[8]))
        .isLessThanOrEqualTo(Pmap.BASE_BYTES);
  }

  @Test
  void chargesFollowLeavesDirectoriesAndPvEntriesAndGoBackAtDestroy() {
    UvmExp exp = new UvmExp();
    try (PhysMem phys = new PhysMem(1L << 20, exp, new DirectRamBacking(), 0)) {
      MetadataBudget b = new MetadataBudget();
      Pmap pmap = new Pmap(phys, exp, b);
      assertThat(b.used()).isEqualTo(Pmap.BASE_BYTES).isEqualTo(pmap.tableBytes());
      VmPage pg = phys.alloc();
      pmap.enter(0x1000, pg, 3, false);
      long oneLeaf = Pmap.BASE_BYTES + 2 * Pmap.DIR_BYTES + Pmap.LEAF_BYTES + Pmap.PV_BYTES;
      assertThat(b.used()).isEqualTo(oneLeaf);
      pmap.enter(0x2000, pg, 3, false); // same leaf: one more pv entry
      assertThat(b.used()).isEqualTo(oneLeaf + Pmap.PV_BYTES);
      pmap.enter(0x40_0000, pg, 3, false); // another 2 MiB: another leaf, same directories
      assertThat(b.used()).isEqualTo(oneLeaf + Pmap.LEAF_BYTES + 2 * Pmap.PV_BYTES);
      pmap.remove(0, 0x80_0000);
      pmap.update(); // the leaves and directories go; the pv entries stay pooled
      assertThat(b.used()).isEqualTo(Pmap.BASE_BYTES + 3 * Pmap.PV_BYTES);
      pmap.enter(0x1000, pg, 3, false); // a pooled pv entry: only the leaf and directories
      assertThat(b.used()).isEqualTo(oneLeaf + 2 * Pmap.PV_BYTES);
      pmap.destroy();
      assertThat(b.used()).isZero();
      assertThat(pmap.tableBytes()).isZero();
      phys.free(pg);
    }
  }
}
