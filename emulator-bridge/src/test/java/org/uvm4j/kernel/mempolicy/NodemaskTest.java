package org.uvm4j.kernel.mempolicy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** {@link Nodemask}: the nodemask.h / lib/bitmap.c operations mempolicy uses. */
class NodemaskTest {
  @Test
  void setOperations() {
    Nodemask m = Nodemask.of(0).with(5).with(1023);
    assertThat(m.contains(5)).isTrue();
    assertThat(m.contains(6)).isFalse();
    assertThat(m.contains(1024)).isFalse();
    assertThat(m.weight()).isEqualTo(3);
    assertThat(m.first()).isZero();
    assertThat(m.next(5)).isEqualTo(1023);
    assertThat(m.next(1023)).isEqualTo(Nodemask.MAX_NUMNODES);
    assertThat(m.nextIn(1023)).as("wraps").isZero();
    assertThat(Nodemask.EMPTY.first()).isEqualTo(Nodemask.MAX_NUMNODES);
    assertThat(m.and(Nodemask.of(5).with(6))).isEqualTo(Nodemask.of(5));
    assertThat(Nodemask.of(5).subsetOf(m)).isTrue();
    assertThat(Nodemask.of(6).subsetOf(m)).isFalse();
    assertThat(Nodemask.EMPTY.subsetOf(Nodemask.EMPTY)).isTrue();
    assertThat(Nodemask.ofWords(0x21L)).isEqualTo(Nodemask.of(0).with(5));
    assertThat(m.word(15)).isEqualTo(1L << 63);
    assertThat(m.toString()).isEqualTo("{0,5,1023}");
    assertThatThrownBy(() -> Nodemask.of(1024)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void foldOntoAndRemapAsLibBitmap() {
    // bitmap_fold: n -> n % sz
    assertThat(Nodemask.of(1).with(4).with(6).fold(4)).isEqualTo(Nodemask.of(0).with(1).with(2));
    // bitmap_onto: the m-th set bit of relmap is set when bit m of orig is
    assertThat(Nodemask.of(0).with(2).onto(Nodemask.of(3).with(5).with(9)))
        .isEqualTo(Nodemask.of(3).with(9));
    // mpol_relative_nodemask on one node: any non-empty mask becomes {0}
    assertThat(Nodemask.of(5).fold(1).onto(Numa.ONLINE)).isEqualTo(Nodemask.of(0));
    // node_remap: [2,3,4] -> [3,4,5] moves 2 to 3, 4 to 5
    Nodemask from = Nodemask.of(2).with(3).with(4);
    Nodemask to = Nodemask.of(3).with(4).with(5);
    assertThat(Nodemask.remap(2, from, to)).isEqualTo(3);
    assertThat(Nodemask.remap(4, from, to)).isEqualTo(5);
    assertThat(Nodemask.remap(7, from, to)).as("not in from").isEqualTo(7);
    assertThat(Nodemask.remap(3, Nodemask.of(0).with(3), Nodemask.of(0))).isZero();
    assertThat(Nodemask.remap(3, from, Nodemask.EMPTY)).isEqualTo(3);
  }
}
