package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The near leaf of {@link AnonSlots} (the last leaf a walk reached) against a plain array: every
 * read, through {@code get}, {@code getRange} and the leaf accessors the amap uses, must see what
 * the array holds, whatever read or write came before and across the moves and copies that replace
 * an amap's storage. A stale near leaf would hand a guest another page's anon.
 */
class AnonSlotsNearLeafTest {
  /**
   * Capacities of every shape: flat (16), depth 1 (100, 4,096, 65,536), depth 2 (65,537, 2^22),
   * depth 3 (2^27), depth 4 (2^30, the general walk).
   */
  private static final int[] CAPACITIES = {16, 100, 4096, 65536, 65537, 1 << 22, 1 << 27, 1 << 30};

  @Test
  void aReadOfAnAbsentLeafIsNotCachedAndAWriteThereIsSeen() {
    AnonSlots a = new AnonSlots(1 << 20);
    Anon x = new Anon(1);
    Anon y = new Anon(2);
    a.set(5000, x); // near: the leaf of 4992..5007
    assertThat(a.get(5001)).isNull();
    assertThat(a.get(70000)).isNull(); // absent: the near leaf stays 4992..5007
    assertThat(a.get(5000)).isSameAs(x);
    a.set(70001, y); // allocates 69984..69999's neighbour leaf, which becomes the near one
    assertThat(a.get(70000)).isNull();
    assertThat(a.get(70001)).isSameAs(y);
    assertThat(a.get(5000)).isSameAs(x);
    assertThat(a.get(5000 + ChunkedSlots.CHUNK)).isNull(); // the next chunk is not the near one
    a.set(5000 + ChunkedSlots.CHUNK, y);
    assertThat(a.get(5000 + ChunkedSlots.CHUNK)).isSameAs(y);
    assertThat(a.get(5000 + ChunkedSlots.CHUNK - 1)).isNull();
  }

  @Test
  void aMoveThatAdoptsTheSourcesNearLeafLeavesTheDestinationRight() {
    AnonSlots src = new AnonSlots(1 << 20);
    Anon x = new Anon(1);
    src.set(32, x);
    assertThat(src.get(33)).isNull(); // src's near leaf: 32..47, adopted below at 64..79
    AnonSlots dst = new AnonSlots(1 << 20);
    assertThat(dst.get(96)).isNull();
    AnonSlots.move(src, 16, dst, 48, 64);
    assertThat(dst.get(64)).isSameAs(x);
    assertThat(dst.get(32)).isNull();
    assertThat(dst.leafNear(64)).isSameAs(dst.leafNear(79));
    assertThat(dst.leafNear(80)).isNull();
  }

  enum Op {
    SET,
    CLEAR,
    GET,
    RANGE,
    LEAF_WRITE,
    MOVE,
    COPY
  }

  record Step(Op op, int slot, int n) {}

  @Provide
  Arbitrary<List<Step>> steps() {
    // slots near each other (the near leaf hits) and far apart (it misses)
    Arbitrary<Integer> slot =
        Arbitraries.oneOf(
            Arbitraries.integers().between(0, 200), Arbitraries.integers().greaterOrEqual(0));
    Arbitrary<Step> step =
        Combinators.combine(Arbitraries.of(Op.class), slot, Arbitraries.integers().between(1, 40))
            .as(Step::new);
    return step.list().ofMinSize(10).ofMaxSize(120);
  }

  @Property(tries = 300)
  void everyReadSeesThePlainArray(
      @ForAll("steps") List<Step> steps,
      @ForAll("capacities") int capacity,
      @ForAll boolean seedFlat) {
    // seedFlat: one leaf of the whole capacity (the seed's layout; the near leaf is all of it)
    final int flatSlots = seedFlat && capacity <= 65536 ? Integer.MAX_VALUE : ChunkedSlots.CHUNK;
    AnonSlots a = new AnonSlots(capacity, flatSlots);
    // the plain array, kept sparse (slot -> anon) so that 2^27 slots cost nothing
    TreeMap<Integer, Anon> model = new TreeMap<>();
    int id = 1;
    // a sliding pointer, so consecutive steps often land in the same or the next leaf
    int cursor = 0;
    for (Step s : steps) {
      cursor = (s.slot() <= 200 ? cursor + s.slot() : s.slot()) % capacity;
      int at = cursor;
      switch (s.op()) {
        case SET -> {
          Anon an = new Anon(id++);
          a.set(at, an);
          model.put(at, an);
        }
        case CLEAR -> {
          a.set(at, null);
          model.remove(at);
        }
        case GET -> assertThat(a.get(at)).as("get %d", at).isSameAs(model.get(at));
        case RANGE -> {
          int n = Math.min(s.n(), capacity - at);
          Anon[] out = new Anon[n + 1];
          out[n] = new Anon(0); // past n: untouched
          Anon sentinel = out[n];
          a.getRange(at, out, n);
          for (int k = 0; k < n; k++) {
            assertThat(out[k]).as("getRange %d + %d", at, k).isSameAs(model.get(at + k));
          }
          assertThat(out[n]).isSameAs(sentinel);
        }
        case LEAF_WRITE -> {
          // amap_add's access: the leaf for writing, indexed with index()
          Anon an = new Anon(id++);
          a.leafForWriteNear(at)[a.index(at)] = an;
          model.put(at, an);
          Anon[] l = a.leafNear(at);
          assertThat(l[a.index(at)]).isSameAs(an);
        }
        case MOVE, COPY -> {
          // amap_extend / amap_copy: a window into a fresh storage of the same capacity
          int len = Math.min(s.n() * 37, capacity - at);
          int to = (int) (((long) at * 7 + s.n()) % (capacity - len + 1));
          AnonSlots b = new AnonSlots(capacity, flatSlots);
          b.get(to); // warm the fresh storage's near leaf on a (still absent) leaf
          if (s.op() == Op.MOVE) {
            AnonSlots.move(a, at, b, to, len);
          } else {
            AnonSlots.copy(a, at, b, to, len);
          }
          TreeMap<Integer, Anon> m = new TreeMap<>();
          for (var e : model.subMap(at, at + len).entrySet()) {
            m.put(e.getKey() - at + to, e.getValue());
          }
          a = b;
          model = m;
        }
      }
      // the slot just touched and its neighbours, through the near leaf
      for (int k = Math.max(0, at - 17); k < Math.min(capacity, at + 18); k++) {
        if (a.get(k) != model.get(k)) {
          assertThat(a.get(k)).as("after %s: slot %d", s, k).isSameAs(model.get(k));
        }
      }
    }
    // everything, via the leaves the storage has
    for (int b = a.nextLeaf(0); b >= 0; b = a.nextLeaf(b + ChunkedSlots.CHUNK)) {
      for (int k = b; k < Math.min(capacity, b + ChunkedSlots.CHUNK); k++) {
        assertThat(a.get(k)).as("at the end: slot %d", k).isSameAs(model.get(k));
      }
    }
    for (var e : model.entrySet()) {
      assertThat(a.get(e.getKey())).as("at the end: slot %d", e.getKey()).isSameAs(e.getValue());
    }
  }

  @Provide
  Arbitrary<Integer> capacities() {
    return Arbitraries.of(java.util.Arrays.stream(CAPACITIES).boxed().toList());
  }
}
