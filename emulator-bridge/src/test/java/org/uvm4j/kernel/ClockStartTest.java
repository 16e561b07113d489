package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Where CLOCK_REALTIME starts: the host's wall clock by default, 2024-01-01T00:00:00Z for
 * deterministic runs unless told otherwise, and it advances with the virtual clock.
 */
class ClockStartTest {
  @Test
  void theDefaultIsTheHostsWallClockReadAtBoot() {
    KernelConfig cfg = KernelConfig.builder().build();
    assertThat(cfg.clockStart()).isNull();
    long before = System.currentTimeMillis() * 1_000_000L;
    long start = cfg.clockStartNanos();
    long after = (System.currentTimeMillis() + 1) * 1_000_000L;
    assertThat(start).isBetween(before, after);
  }

  @Test
  void deterministicRunsStartAtTheFixedEpochUnlessSetOtherwise() {
    KernelConfig det = KernelConfig.builder().deterministic(true).build();
    assertThat(det.clockStart()).isEqualTo(Instant.parse("2024-01-01T00:00:00Z"));
    assertThat(det.clockStartNanos()).isEqualTo(VirtualClock.FIXED_EPOCH_NS);
    // asked for the host's clock, or for another instant: the request wins, in either order
    assertThat(KernelConfig.builder().clockStart(null).deterministic(true).build().clockStart())
        .isNull();
    Instant t = Instant.ofEpochSecond(1_600_000_000L, 5);
    assertThat(KernelConfig.builder().deterministic(true).clockStart(t).build().clockStartNanos())
        .isEqualTo(1_600_000_000_000_000_005L);
    assertThat(KernelConfig.builder().clockStart(t).build().clockStart()).isEqualTo(t);
  }

  @Test
  void realtimeIsTheEpochPlusMonotonicTime() {
    VirtualClock c = new VirtualClock(1_600_000_000_000_000_000L);
    assertThat(c.epoch()).isEqualTo(1_600_000_000_000_000_000L);
    assertThat(c.realtime()).isEqualTo(c.epoch());
    c.advance(1234);
    c.advanceTo(5000);
    assertThat(c.now()).isEqualTo(5000);
    assertThat(c.realtime()).isEqualTo(1_600_000_000_000_005_000L);
    assertThat(new VirtualClock().epoch()).isEqualTo(VirtualClock.FIXED_EPOCH_NS);
  }
}
