package org.uvm4j.machine;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlbShadowTest {
  private final TlbShadow t = new TlbShadow();

  @Test
  void remembersFilledPagesUntilAFlush() {
    assertThat(t.isEmpty()).isTrue();
    assertThat(t.mayHold(0, Long.MAX_VALUE & ~0xfffL)).isFalse();
    t.filled(0x400123);
    t.filled(0x7fff_ffff_e008L);
    assertThat(t.isEmpty()).isFalse();
    assertThat(t.mayHold(0x400000, 0x401000)).isTrue();
    assertThat(t.mayHold(0x401000, 0x402000)).isFalse();
    assertThat(t.mayHold(0x3ff000, 0x400000)).isFalse();
    // a large range is checked against the filled pages instead of page by page
    assertThat(t.mayHold(0x1000, 0x7fff_0000_0000L)).isTrue();
    assertThat(t.mayHold(0x500000, 0x7fff_0000_0000L)).isFalse();
    assertThat(t.mayHold(0x7fff_ffff_e000L, 0x7fff_ffff_f000L)).isTrue();
    t.flushed();
    assertThat(t.isEmpty()).isTrue();
    assertThat(t.mayHold(0x400000, 0x401000)).isFalse();
  }

  @Test
  void givesUpSafelyWhenMorePagesWereFilledThanItHolds() {
    for (long i = 0; i <= TlbShadow.CAPACITY; i++) {
      t.filled(0x10_0000_0000L + (i << 12));
    }
    assertThat(t.mayHold(0x1000, 0x2000)).as("overflowed: anything may be cached").isTrue();
    assertThat(t.isEmpty()).isFalse();
    t.flushed();
    assertThat(t.mayHold(0x1000, 0x2000)).isFalse();
    t.filled(0x1000);
    assertThat(t.mayHold(0x1000, 0x2000)).isTrue();
  }
}
