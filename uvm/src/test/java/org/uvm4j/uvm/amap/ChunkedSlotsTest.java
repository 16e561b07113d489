package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The chunked per-slot storage: reads as a zeroed array, allocates only the chunks written. */
class ChunkedSlotsTest {
  @ParameterizedTest
  @ValueSource(ints = {3, 15, 16, 17, 1023, 1024, 1025, 65_536, 65_537, 1 << 24, Integer.MAX_VALUE})
  void readsAsAnEmptyArrayAndAllocatesOnlyTheChunksWritten(int capacity) {
    AnonSlots a = new AnonSlots(capacity);
    IntSlots b = new IntSlots(capacity);
    int last = capacity - 1;
    assertThat(a.get(0)).isNull();
    assertThat(a.get(last)).isNull();
    assertThat(b.get(last)).isZero();
    assertThat(a.leaves()).isZero();
    Anon x = new Anon(1);
    Anon y = new Anon(2);
    a.set(last, x);
    a.set(0, y);
    b.set(last / 2, 7);
    b.set(last, 0); // writing zero never allocates
    a.set(last / 2, null); // nor does writing null
    assertThat(a.get(last)).isSameAs(x);
    assertThat(a.get(0)).isSameAs(y);
    assertThat(b.get(last / 2)).isEqualTo(7);
    assertThat(a.leaves()).isEqualTo(capacity > ChunkedSlots.CHUNK ? 2 : 1);
    assertThat(b.leaves()).isEqualTo(1);
    assertThat(a.nextLeaf(0)).isZero();
    int lastBase = last & ~ChunkedSlots.CHUNK_MASK;
    assertThat(a.nextLeaf(1)).as("the leaf holding slot 1").isZero();
    if (capacity > ChunkedSlots.CHUNK) {
      assertThat(a.nextLeaf(lastBase)).isEqualTo(lastBase);
      assertThat(a.nextLeaf(ChunkedSlots.CHUNK)).isEqualTo(lastBase);
    }
    // the tree stays shallow: a fan-out of 64 over 16-slot leaves
    assertThat(a.depth()).isLessThanOrEqualTo(5);
    List<Object> nodes = new ArrayList<>();
    a.forEachNode(nodes::add);
    assertThat(nodes.size()).isLessThanOrEqualTo(1 + 2 * a.depth() + 2);
  }

  @Test
  void theRootTakesUpTo4096ChildrenSoAmapsOfUpTo256MiBAreOneLevelDeep() {
    int[][] depthOf = {
      {16, 0},
      {17, 1},
      {4096, 1},
      {65536, 1},
      {65537, 2},
      {1 << 22, 2},
      {1 << 22 | 1, 3},
      {1 << 27, 3},
      {1 << 28 | 1, 4},
      {Integer.MAX_VALUE, 4}
    };
    for (int[] c : depthOf) {
      IntSlots s = new IntSlots(c[0]);
      assertThat(s.depth()).as("depth of %d slots", c[0]).isEqualTo(c[1]);
      s.set(c[0] - 1, 1);
      List<Object> nodes = new ArrayList<>();
      s.forEachNode(nodes::add);
      // the root has at most ROOT_FAN children, interior nodes FAN: memory per leaf touched is
      // bounded by the root's 4,096 references whatever the capacity
      if (c[1] > 0) {
        assertThat(((Object[]) nodes.get(0)).length)
            .as("root children of %d slots", c[0])
            .isLessThanOrEqualTo(ChunkedSlots.ROOT_FAN);
        assertThat(nodes).as("root, one node per level, the leaf").hasSize(c[1] + 1);
      }
    }
  }

  @Test
  void nextLeafSkipsAbsentSubtreesAndStopsAtTheEnd() {
    IntSlots s = new IntSlots(1 << 20);
    int[] written = {5, 4096 + 3, 70_000, (1 << 20) - 1};
    for (int w : written) {
      s.set(w, w + 1);
    }
    List<Integer> bases = new ArrayList<>();
    for (int b = s.nextLeaf(0); b >= 0; b = s.nextLeaf(b + ChunkedSlots.CHUNK)) {
      bases.add(b);
    }
    assertThat(bases).containsExactly(0, 4096, 70_000 & ~15, (1 << 20) - 16);
    assertThat(s.nextLeaf(1 << 20)).isEqualTo(-1);
    assertThat(s.nextLeaf(-5)).isZero();
  }

  @Test
  void copyMovesOnlyNonEmptyCellsToAnOffset() {
    AnonSlots src = new AnonSlots(100);
    Anon a = new Anon(1);
    Anon b = new Anon(2);
    src.set(3, a);
    src.set(40, b);
    AnonSlots dst = new AnonSlots(200);
    AnonSlots.copy(src, 2, dst, 150, 40); // [2, 42) -> [150, 190)
    assertThat(dst.get(151)).isSameAs(a);
    assertThat(dst.get(188)).isSameAs(b);
    assertThat(dst.leaves()).isEqualTo(2);
    IntSlots is = new IntSlots(64);
    is.set(10, -3);
    is.set(11, 4);
    IntSlots id = new IntSlots(64);
    IntSlots.copy(is, 8, id, 0, 8);
    assertThat(new int[] {id.get(2), id.get(3)}).containsExactly(-3, 4);
  }

  /**
   * amap_extend's move: whole leaves change hands when the shift is a multiple of a chunk (no copy,
   * no new leaf), the partial leaves at the ends are copied, an unaligned shift copies everything;
   * the bytes follow the leaves.
   */
  @Test
  void moveAdoptsWholeAlignedLeavesAndCopiesTheEnds() {
    org.uvm4j.uvm.MetadataBudget budget = new org.uvm4j.uvm.MetadataBudget();
    AnonSlots src = new AnonSlots(256, ChunkedSlots.CHUNK, budget);
    Anon[] an = new Anon[256];
    for (int s : new int[] {3, 20, 40, 47, 200}) {
      an[s] = new Anon(s);
      src.set(s, an[s]);
    }
    Anon[] leaf32 = (Anon[]) src.leaf(32);
    AnonSlots dst = new AnonSlots(512, ChunkedSlots.CHUNK, budget);
    AnonSlots.move(src, 3, dst, 35, 200); // [3, 203) -> [35, 235): shift 32
    assertThat((Anon[]) dst.leaf(64)).as("leaf [32, 48) adopted").isSameAs(leaf32);
    for (int s : new int[] {3, 20, 40, 47, 200}) {
      assertThat(dst.get(s + 32)).isSameAs(an[s]);
    }
    assertThat(dst.get(34)).isNull();
    assertThat(dst.leaves()).isEqualTo(src.leaves()); // one leaf per source leaf
    src.release();
    assertThat(budget.used()).isEqualTo(dst.bytes());

    AnonSlots odd = new AnonSlots(512, ChunkedSlots.CHUNK, budget);
    AnonSlots.move(dst, 35, odd, 36, 200); // shift 1: copied
    assertThat(odd.get(73)).isSameAs(an[40]);
    assertThat((Anon[]) odd.leaf(64)).isNotSameAs(leaf32);
    assertThat(odd.get(36)).isSameAs(an[3]);

    IntSlots is = new IntSlots(4096);
    is.set(0, 9);
    is.set(17, 5);
    is.set(4095, 7);
    IntSlots id = new IntSlots(8192);
    IntSlots.move(is, 0, id, 4096, 4096);
    assertThat(new int[] {id.get(4096), id.get(4113), id.get(8191), id.get(4097)})
        .containsExactly(9, 5, 7, 0);
    assertThat(id.leaves()).isEqualTo(3);
    IntSlots flat = new IntSlots(64, 64);
    IntSlots.move(is, 0, flat, 0, 20); // flat destination: copied
    assertThat(new int[] {flat.get(0), flat.get(17)}).containsExactly(9, 5);
  }

  @Test
  void getRangeReadsAcrossChunksAndHoles() {
    AnonSlots s = new AnonSlots(1000);
    Anon a = new Anon(1);
    Anon b = new Anon(2);
    s.set(15, a);
    s.set(48, b);
    Anon[] out = new Anon[40];
    java.util.Arrays.fill(out, new Anon(9));
    s.getRange(14, out, 35); // [14, 49): chunks 0, 1 (absent), 2, 3
    assertThat(out[1]).isSameAs(a);
    assertThat(out[34]).isSameAs(b);
    assertThat(out[0]).isNull();
    assertThat(out[20]).isNull();
    assertThat(out[35]).isNotNull(); // untouched past n
  }

  /**
   * {@code getRange} (amap_lookups) agrees with {@code get} for every window of 1 to 33 slots at
   * every start, on each shape: flat (one leaf), a tree of depth 1 (its typed fast path: one leaf
   * or two neighbours, an absent leaf read as nulls), deeper trees, and a depth-1 tree whose leaves
   * came from {@code move} (adopted, not allocated by it).
   */
  @ParameterizedTest
  @ValueSource(ints = {16, 40, 240, 4096, 4097, 70_000})
  void getRangeMatchesGetForEveryWindowAndShape(int capacity) {
    AnonSlots s = new AnonSlots(capacity);
    java.util.Random rnd = new java.util.Random(capacity);
    int span = Math.min(capacity, 300);
    int base = capacity - span; // the window walked: the end of the capacity
    for (int x = base; x < capacity; x++) {
      // every third chunk left absent, the rest half full
      if (((x >>> 4) % 3) != 1 && rnd.nextBoolean()) {
        s.set(x, new Anon(x + 1));
      }
    }
    AnonSlots moved = new AnonSlots(capacity);
    AnonSlots.move(s, 0, moved, 0, capacity);
    for (AnonSlots a : List.of(s, moved)) {
      Anon[] out = new Anon[40];
      Anon marker = new Anon(-1);
      for (int n = 1; n <= 33; n++) {
        for (int from = base; from + n <= capacity; from++) {
          java.util.Arrays.fill(out, marker);
          a.getRange(from, out, n);
          for (int i = 0; i < n; i++) {
            assertThat(out[i])
                .as("slot %d (window %d+%d of %d)", from + i, from, n, capacity)
                .isSameAs(a.get(from + i));
          }
          assertThat(out[n]).as("past the window").isSameAs(marker);
        }
      }
    }
    assertThat(moved.get(capacity - 1)).isSameAs(s.get(capacity - 1));
  }

  /**
   * Flat storage (capacity up to the flat limit): one leaf of the whole capacity, read and written
   * at the slot itself, walked as consecutive chunks, copied to and from trees.
   */
  @Test
  void flatStorageIsOneLeafOfTheCapacityWalkedAsChunks() {
    AnonSlots f = new AnonSlots(1000, 1024);
    assertThat(f.isFlat()).isTrue();
    assertThat(f.nextLeaf(0)).as("nothing written").isEqualTo(-1);
    Anon a = new Anon(1);
    Anon b = new Anon(2);
    f.set(999, a);
    f.set(17, b);
    assertThat(f.leaves()).isEqualTo(1);
    assertThat(((Anon[]) f.leaf(0)).length).isEqualTo(1000);
    assertThat(f.index(999)).isEqualTo(999);
    assertThat(f.get(999)).isSameAs(a);
    assertThat(f.get(17)).isSameAs(b);
    assertThat(f.get(16)).isNull();
    List<Integer> bases = new ArrayList<>();
    for (int x = f.nextLeaf(0); x >= 0; x = f.nextLeaf(x + ChunkedSlots.CHUNK)) {
      bases.add(x);
    }
    assertThat(bases).hasSize((1000 + 15) / 16).startsWith(0, 16).endsWith(992);
    Anon[] out = new Anon[4];
    f.getRange(16, out, 4);
    assertThat(out).containsExactly(null, b, null, null);
    AnonSlots tree = new AnonSlots(1000);
    assertThat(tree.isFlat()).isFalse();
    AnonSlots.copy(f, 10, tree, 0, 990);
    assertThat(tree.get(7)).isSameAs(b);
    assertThat(tree.get(989)).isSameAs(a);
    assertThat(tree.leaves()).isEqualTo(2);
    AnonSlots back = new AnonSlots(1000, 1000);
    AnonSlots.copy(tree, 0, back, 10, 990);
    assertThat(back.get(17)).isSameAs(b);
    assertThat(back.get(999)).isSameAs(a);
    IntSlots i = new IntSlots(40, 64);
    i.set(33, 5);
    assertThat(i.get(33)).isEqualTo(5);
    assertThat(i.get(1)).isZero();
    assertThat(new IntSlots(40, 16).isFlat()).as("above the flat limit: a tree").isFalse();
  }

  /** Every tree height reads back what was written (the unrolled walks of each height). */
  @ParameterizedTest
  @ValueSource(ints = {17, 4096, 4097, 1 << 20, (1 << 20) + 1, 1 << 26, (1 << 26) + 1})
  void everyTreeHeightFindsItsLeaves(int capacity) {
    IntSlots s = new IntSlots(capacity);
    int[] at = {0, 15, 16, capacity / 3, capacity / 2 + 1, capacity - 1};
    for (int x : at) {
      s.set(x, x + 1);
    }
    for (int x : at) {
      assertThat(s.get(x)).as("slot %d of %d", x, capacity).isEqualTo(x + 1);
    }
    java.util.Set<Integer> written = new java.util.HashSet<>();
    for (int x : at) {
      written.add(x);
    }
    for (int probe : new int[] {1, 17, capacity / 3 + 1, capacity - 2}) {
      if (probe < capacity && !written.contains(probe)) {
        assertThat(s.get(probe)).as("unwritten slot %d", probe).isZero();
      }
    }
  }

  /**
   * {@link IntSlots#flatLeaf} (amap_pp_adjref's path over flat ppref): null until the first
   * non-zero write and always null for a tree; once allocated it is the storage itself, indexed by
   * slot — writes through it are read back by get/getNear and plain writes show through it — and it
   * stays the same array. A flat leaf that were a copy, or offset, fails here.
   */
  @ParameterizedTest
  @ValueSource(ints = {6, 16, 17, 240, 4096, 4097})
  void flatLeafIsTheStorageOfFlatShapesOnly(int capacity) {
    IntSlots s = new IntSlots(capacity, AmapAllocator.PPREF_FLAT_SLOTS);
    assertThat(s.flatLeaf()).as("nothing written").isNull();
    s.set(capacity - 1, 0);
    assertThat(s.flatLeaf()).as("only a zero written").isNull();
    s.set(capacity - 1, 7);
    if (!s.isFlat()) {
      assertThat(capacity).isGreaterThan(AmapAllocator.PPREF_FLAT_SLOTS);
      assertThat(s.flatLeaf()).as("a tree has no flat leaf").isNull();
      return;
    }
    int[] f = s.flatLeaf();
    assertThat(f).isNotNull();
    assertThat(f.length).isGreaterThanOrEqualTo(capacity);
    assertThat(f[capacity - 1]).isEqualTo(7);
    for (int x = 0; x < capacity; x += 1 + capacity / 50) {
      f[x] = -(x + 2);
      assertThat(s.get(x))
          .as("get after a write through the flat leaf, slot %d", x)
          .isEqualTo(-(x + 2));
      assertThat(s.getNear(x)).as("getNear, slot %d", x).isEqualTo(-(x + 2));
      s.setNear(x, x + 3);
      assertThat(f[x]).as("setNear seen through the flat leaf, slot %d", x).isEqualTo(x + 3);
    }
    s.set(0, 9);
    assertThat(s.flatLeaf()).isSameAs(f);
    assertThat(f[0]).isEqualTo(9);
  }

  /**
   * The near leaf of {@link IntSlots#getNear}/{@link IntSlots#setNear} (ppref's pp_getreflen and
   * pp_setreflen) against a plain int array, on every shape: flat up to one chunk, flat above it,
   * trees of depth 1, 2 and 3. Accesses walk forwards and backwards across leaf boundaries, jump
   * between distant leaves and into unwritten chunks, and mix in the plain {@code get}/{@code set};
   * writes of 0 through the near leaf into an unwritten chunk must allocate nothing. A near leaf
   * whose first slot or extent is wrong reads or writes a neighbour's cell and fails here.
   */
  @ParameterizedTest
  @ValueSource(ints = {6, 16, 17, 40, 240, 4096, 4097, 70_000, 1 << 21})
  void nearLeafReadsAndWritesMatchAPlainArrayInEveryShape(int capacity) {
    for (int flatSlots : new int[] {ChunkedSlots.CHUNK, Integer.MAX_VALUE}) {
      if (flatSlots == Integer.MAX_VALUE && capacity > 70_000) {
        continue; // a flat leaf of 2^21 ints adds nothing the 70,000 one does not show
      }
      IntSlots s = new IntSlots(capacity, flatSlots);
      int[] model = new int[capacity];
      java.util.Set<Integer> chunksWritten = new java.util.HashSet<>();
      java.util.Random rnd = new java.util.Random(capacity * 31L + flatSlots);
      int at = rnd.nextInt(capacity); // the first leaf reached need not start at slot 0
      for (int step = 0; step < 20_000; step++) {
        int r = rnd.nextInt(100);
        if (r < 5) {
          at = rnd.nextInt(capacity); // a jump anywhere, often into an unwritten chunk
        } else if (r < 10) {
          at = Math.max(0, Math.min(capacity - 1, at - 1 - rnd.nextInt(20))); // backwards
        } else {
          at = Math.min(capacity - 1, at + rnd.nextInt(4)); // forwards, as a run walk
        }
        int op = rnd.nextInt(10);
        int v = rnd.nextInt(7) == 0 ? 0 : rnd.nextInt(2001) - 1000;
        String what = "slot " + at + " of " + capacity + ", flat limit " + flatSlots;
        switch (op) {
          case 0, 1, 2, 3 -> assertThat(s.getNear(at)).as("getNear, %s", what).isEqualTo(model[at]);
          case 4 -> assertThat(s.get(at)).as("get, %s", what).isEqualTo(model[at]);
          case 5, 6, 7 -> {
            s.setNear(at, v);
            model[at] = v;
          }
          default -> {
            s.set(at, v);
            model[at] = v;
          }
        }
        if (op >= 5 && v != 0) {
          chunksWritten.add(at >>> ChunkedSlots.CHUNK_SHIFT);
        }
        if (step % 1000 == 999) {
          for (int x = 0; x < Math.min(capacity, 5000); x++) {
            assertThat(s.get(x)).as("get after %d steps, slot %d", step, x).isEqualTo(model[x]);
          }
        }
      }
      for (int x = 0; x < capacity; x += 1 + (capacity >>> 14)) {
        assertThat(s.getNear(x)).as("final getNear, slot %d", x).isEqualTo(model[x]);
        assertThat(s.get(x)).as("final get, slot %d", x).isEqualTo(model[x]);
      }
      if (s.isFlat()) {
        assertThat(s.leaves()).isEqualTo(chunksWritten.isEmpty() ? 0 : 1);
      } else {
        assertThat(s.leaves())
            .as("only the chunks a non-zero value was written to have leaves")
            .isEqualTo(chunksWritten.size());
      }
    }
  }
}
