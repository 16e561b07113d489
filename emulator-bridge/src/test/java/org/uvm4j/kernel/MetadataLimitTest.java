package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.map.MapRequest;

/**
 * Issue 13 item 1, the kernel's side: mappings and forks are refused once what they add would leave
 * less than the reserve of the metadata budget, so faults keep room; the refusals are counted; and
 * the limit defaults to half the JVM's maximum heap.
 */
class MetadataLimitTest {
  @TempDir Path dir;
  KernelFixture k;
  Proc p;
  MetadataBudget budget;

  @BeforeEach
  void setUp() {
    k = new KernelFixture(dir);
    p = k.newProc();
    budget = k.uvm.metadataBudget();
  }

  @AfterEach
  void tearDown() {
    k.close();
  }

  @Test
  void mappingsAndForksKeepTheReserveForFaults() throws Exception {
    assertThat(MetadataLimit.allowsMapping(p.vm())).isTrue();
    assertThat(MetadataLimit.allowsFork(p.vm())).isTrue();
    budget.setLimit(1L << 20);
    long reserve = MetadataLimit.reserve(budget);
    assertThat(reserve).isEqualTo(64L << 10);
    // fill up to just below the reserve: a mapping no longer fits, a fault still would
    long filler = budget.limit() - reserve - budget.used() - MetadataLimit.MAPPING_BYTES + 1;
    budget.charge(filler);
    long refused = budget.refused();
    assertThat(MetadataLimit.allowsMapping(p.vm())).isFalse();
    assertThat(MetadataLimit.allowsFork(p.vm())).isFalse();
    assertThat(budget.refused()).isEqualTo(refused + 2);
    assertThat(budget.exhausted()).isFalse();
    budget.release(filler);
    assertThat(MetadataLimit.allowsMapping(p.vm())).isTrue();
    long va = p.vm().mmap(MapRequest.anon(1L << 36, 3).withShared(true));
    assertThat(va).isPositive();
  }

  @Test
  void theDefaultLimitIsHalfTheMaximumHeap() {
    KernelConfig cfg = KernelConfig.builder().build();
    assertThat(cfg.effectiveMetadataBudget())
        .isEqualTo((long) (Runtime.getRuntime().maxMemory() * 0.5));
    assertThat(KernelConfig.builder().metadataBudget(8L << 20).build().effectiveMetadataBudget())
        .isEqualTo(8L << 20);
  }
}
