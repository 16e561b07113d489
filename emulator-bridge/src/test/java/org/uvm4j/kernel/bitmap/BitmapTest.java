package org.uvm4j.kernel.bitmap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.Set;
import java.util.TreeSet;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * {@link Bitmap}: Linux's bitmap layout in user memory (bit n of little-endian word n / 64), bits
 * beyond the size dropped, and the set operations, checked against a sorted set of ints.
 */
class BitmapTest {
  @Test
  void bitsAtOrAboveTheSizeAreDropped() {
    Bitmap cut = Bitmap.ofWords(70, new long[] {1, -1L, -1L});
    assertThat(cut).isEqualTo(Bitmap.ofWords(70, new long[] {1, 0x3f}));
    assertThat(cut.weight()).isEqualTo(7);
    assertThat(cut.toList()).isEqualTo("0,64-69");
    assertThat(cut.toBytes(24))
        .containsExactly(1, 0, 0, 0, 0, 0, 0, 0, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    assertThat(Bitmap.fromBytes(12, new byte[] {(byte) 0xff, (byte) 0xff}, 2).toList())
        .isEqualTo("0-11");
    BitSet big = new BitSet();
    big.set(3);
    big.set(100);
    assertThat(Bitmap.of(64, big).toList()).isEqualTo("3");
    assertThat(big.get(100)).as("the caller's set is copied, not changed").isTrue();
    assertThat(Bitmap.empty(64).get(64)).isFalse();
    assertThat(Bitmap.empty(64).get(-1)).isFalse();
    assertThat(Bitmap.empty(64).nextSetBit(Integer.MAX_VALUE)).isEqualTo(-1);
    assertThat(Bitmap.first(64, 3).nextSetBit(Integer.MIN_VALUE)).isZero();
  }

  @Test
  void userMemoryBytesAndWords() {
    Bitmap m = Bitmap.empty(128).with(0).with(9).with(64).with(127);
    assertThat(m.toBytes(16)).containsExactly(1, 2, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0x80);
    assertThat(m.toBytes(3)).containsExactly(1, 2, 0);
    assertThat(m.toBytes(20)).hasSize(20).endsWith(0, 0, 0, 0);
    assertThat(m.word(0)).isEqualTo(0x201L);
    assertThat(m.word(1)).isEqualTo(1L | 1L << 63);
    assertThat(m.words()).isEqualTo(2);
    assertThat(Bitmap.empty(65).words()).isEqualTo(2);
    assertThatThrownBy(() -> m.word(2)).isInstanceOf(IndexOutOfBoundsException.class);
    assertThat(Bitmap.fromBytes(128, m.toBytes(16), 9))
        .isEqualTo(Bitmap.empty(128).with(0).with(9).with(64));
    assertThat(Bitmap.fromBytes(128, m.toBytes(16), -1)).isEqualTo(Bitmap.empty(128));
  }

  @Test
  void badBitsAndSizesAreRefused() {
    assertThatThrownBy(() -> Bitmap.empty(64).with(64))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bitmap.empty(64).without(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bitmap.first(64, 65)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bitmap.empty(-1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Bitmap.empty(64).and(Bitmap.empty(128)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Bitmap.empty(64)).isNotEqualTo(Bitmap.empty(128));
  }

  /** Every operation agrees with the same set kept as sorted ints and as hand-built words. */
  @Property
  void agreesWithASortedSetAndHandBuiltWords(
      @ForAll @Size(max = 20) Set<@IntRange(min = 0, max = 199) Integer> a,
      @ForAll @Size(max = 20) Set<@IntRange(min = 0, max = 199) Integer> b) {
    int nbits = 200;
    Bitmap ma = build(nbits, a);
    Bitmap mb = build(nbits, b);
    long[] words = new long[(nbits + 63) / 64];
    for (int n : a) {
      words[n / 64] |= 1L << (n % 64);
    }
    assertThat(Bitmap.ofWords(nbits, words)).isEqualTo(ma);
    byte[] bytes = new byte[words.length * 8];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (words[i / 8] >>> (8 * (i % 8)));
      assertThat(ma.word(i / 8)).isEqualTo(words[i / 8]);
    }
    assertThat(ma.toBytes(bytes.length)).isEqualTo(bytes);
    assertThat(Bitmap.fromBytes(nbits, bytes, bytes.length)).isEqualTo(ma);
    TreeSet<Integer> sa = new TreeSet<>(a);
    assertThat(ma.weight()).isEqualTo(a.size());
    assertThat(ma.isEmpty()).isEqualTo(a.isEmpty());
    for (int n = -1; n <= nbits; n++) {
      assertThat(ma.get(n)).isEqualTo(sa.contains(n));
      Integer next = sa.ceiling(n);
      assertThat(ma.nextSetBit(n)).isEqualTo(next == null ? -1 : next);
    }
    TreeSet<Integer> both = new TreeSet<>(a);
    both.retainAll(b);
    assertThat(ma.and(mb)).isEqualTo(build(nbits, both));
    assertThat(ma.subsetOf(mb)).isEqualTo(b.containsAll(a));
    if (!a.isEmpty()) {
      TreeSet<Integer> less = new TreeSet<>(a);
      less.remove(sa.first());
      assertThat(ma.without(sa.first())).isEqualTo(build(nbits, less));
    }
    assertThat(ma.hashCode()).isEqualTo(build(nbits, sa).hashCode());
  }

  private static Bitmap build(int nbits, Set<Integer> bits) {
    Bitmap m = Bitmap.empty(nbits);
    for (int n : bits) {
      m = m.with(n);
    }
    return m;
  }
}
