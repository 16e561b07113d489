package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Issue 14's target: a guest maps 100 × 64 GiB {@code MAP_SHARED|MAP_ANONYMOUS|MAP_NORESERVE} (6.4
 * TiB), writes a page in each, forks (the child reads and writes through all of them) and unmaps
 * the last MiB of each — as on Linux, under a 512 MiB Java heap. With the seed's flat amaps each
 * mapping cost 201 MB of heap at mmap time (and 64 GiB + 4 KiB was refused).
 */
class HugeSharedMappingsTest {
  @Test
  void oneHundred64GiBSharedMappingsAndAForkFitIn512MiBOfHeap() throws Exception {
    GuestRun expected = Guests.runNatively(Guests.binary("huge_shared"), List.of());
    assertThat(expected.status()).as(expected.toString()).isZero();
    GuestRun got =
        Uvm4jRuns.cli(List.of("-Xmx512m"), List.of("run", Guests.binary("huge_shared").toString()));
    assertThat(got.status()).as(got.toString()).isZero();
    assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
    assertThat(got.stderr()).as(got.toString()).isEmpty();
  }
}
