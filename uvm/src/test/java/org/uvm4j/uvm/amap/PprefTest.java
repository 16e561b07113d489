package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.UvmPanic;

class PprefTest {
  /** The example of the seed's ppref comment. */
  static final int[] SEED_COUNTS = {2, 2, 2, 2, 3, 1, 1, 0, 0, 0, 4, 4, 0, 1, 1, 1};

  /** The seed's encoding; Integer.MIN_VALUE marks its "x" (don't-care) cells. */
  static final int X = Integer.MIN_VALUE;

  static final int[] SEED_PPREF = {-3, 4, X, X, 4, -2, 2, -1, 3, X, -5, 2, 1, -2, 3, X};

  @Test
  void encodesTheSeedExample() {
    int[] p = Ppref.encode(SEED_COUNTS, SEED_COUNTS.length);
    for (int i = 0; i < p.length; i++) {
      if (SEED_PPREF[i] != X) {
        assertThat(p[i]).as("cell %d", i).isEqualTo(SEED_PPREF[i]);
      }
    }
  }

  @Test
  void decodesTheSeedExampleWhateverTheDontCareCellsHold() {
    int[] p = SEED_PPREF.clone();
    for (int i = 0; i < p.length; i++) {
      if (p[i] == X) {
        p[i] = 12345 + i;
      }
    }
    assertThat(Ppref.counts(p, 16)).containsExactly(SEED_COUNTS);
  }

  @Test
  void getAndSetRunsOfOneAndMore() {
    int[] p = new int[8];
    Ppref.set(p, 0, 0, 1);
    assertThat(p[0]).isEqualTo(1);
    assertThat(Ppref.ref(p, 0)).isZero();
    assertThat(Ppref.len(p, 0)).isEqualTo(1);
    Ppref.set(p, 1, 5, 7);
    assertThat(p[1]).isEqualTo(-6);
    assertThat(p[2]).isEqualTo(7);
    assertThat(Ppref.ref(p, 1)).isEqualTo(5);
    assertThat(Ppref.len(p, 1)).isEqualTo(7);
  }

  @Test
  void setWithLengthZeroChangesNothing() {
    int[] p = {7, 7};
    Ppref.set(p, 0, 3, 0);
    assertThat(p).containsExactly(7, 7);
  }

  @Test
  void countsRejectsBrokenTilings() {
    assertThatThrownBy(() -> Ppref.counts(new int[4], 4))
        .isInstanceOf(UvmPanic.class)
        .hasMessageContaining("zero cell");
    assertThatThrownBy(() -> Ppref.counts(new int[] {-2, 5, 0, 0}, 4))
        .isInstanceOf(UvmPanic.class)
        .hasMessageContaining("past am_nslot");
    assertThatThrownBy(() -> Ppref.counts(new int[] {-2, 1, 1}, 3))
        .isInstanceOf(UvmPanic.class)
        .hasMessageContaining("length below 2");
  }

  @Test
  void encodeRejectsNegativeCountsAndShortArrays() {
    assertThatThrownBy(() -> Ppref.encode(new int[] {1, -1}, 2)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> Ppref.encode(new int[] {1, 1}, 1)).isInstanceOf(UvmPanic.class);
  }
}
