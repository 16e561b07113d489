package org.uvm4j.uvm.map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.UvmPanic;

/**
 * The entry tree against a reference model (a {@link TreeMap} of ranges and brute-force free-space
 * searches): random inserts, removals, in-place start/end moves and searches, with the tree's own
 * invariants checked after every step.
 */
class EntryTreeTest {
  private static final long P = VmMap.PAGE_SIZE;
  private static final long MIN = P;
  private static final long MAX = 4096 * P;

  private static VmMapEntry entry(long start, long end) {
    VmMapEntry e = new VmMapEntry();
    e.start = start;
    e.end = end;
    return e;
  }

  /** Brute force top-down: highest a with [a, a+len) free and a+len <= limit. */
  private static long topDown(TreeMap<Long, VmMapEntry> model, long limit, long len) {
    long hi = Math.min(limit, MAX);
    for (long a = hi - len; a >= MIN; a -= P) {
      if (free(model, a, a + len)) {
        return a;
      }
    }
    return -1;
  }

  private static long bottomUp(TreeMap<Long, VmMapEntry> model, long limit, long len) {
    for (long a = Math.max(limit, MIN); a + len <= MAX; a += P) {
      if (free(model, a, a + len)) {
        return a;
      }
    }
    return -1;
  }

  private static boolean free(TreeMap<Long, VmMapEntry> model, long s, long e) {
    Map.Entry<Long, VmMapEntry> f = model.lowerEntry(e);
    return f == null || f.getValue().end <= s;
  }

  @Property(tries = 200)
  void behavesLikeTheModel(
      @ForAll @Size(max = 300) List<@IntRange(min = 0, max = 1 << 20) Integer> ops) {
    EntryTree t = new EntryTree(MIN, MAX);
    TreeMap<Long, VmMapEntry> model = new TreeMap<>();
    for (int op : ops) {
      long page = MIN + ((op >>> 4) % 4000) * P;
      long len = (1 + ((op >>> 2) & 3)) * P;
      switch (op & 3) {
        case 0 -> {
          if (page + len <= MAX && free(model, page, page + len)) {
            VmMapEntry e = entry(page, page + len);
            t.insert(e);
            model.put(page, e);
          }
        }
        case 1 -> {
          Map.Entry<Long, VmMapEntry> f = model.floorEntry(page);
          if (f != null) {
            t.remove(f.getValue());
            model.remove(f.getKey());
          }
        }
        case 2 -> {
          Map.Entry<Long, VmMapEntry> f = model.floorEntry(page);
          if (f != null) {
            VmMapEntry e = f.getValue();
            Map.Entry<Long, VmMapEntry> nx = model.higherEntry(e.start);
            long limit = nx == null ? MAX : nx.getKey();
            long newEnd = Math.min(limit, e.start + len);
            t.setEnd(e, newEnd);
            Map.Entry<Long, VmMapEntry> pv = model.lowerEntry(e.start);
            long low = pv == null ? MIN : pv.getValue().end;
            long newStart = Math.max(low, e.start - len);
            if ((op & 64) != 0) {
              newStart = Math.min(e.end - P, e.start + P);
            }
            model.remove(e.start);
            t.setStart(e, newStart);
            model.put(newStart, e);
          }
        }
        default -> {
          assertThat(t.findSpaceTopDown(page, len)).isEqualTo(topDown(model, page, len));
          assertThat(t.findSpaceBottomUp(page, len)).isEqualTo(bottomUp(model, page, len));
        }
      }
      t.check();
      assertThat(new ArrayList<>(t)).containsExactlyElementsOf(model.values());
      long probe = page + P / 2;
      Map.Entry<Long, VmMapEntry> f = model.floorEntry(probe);
      VmMapEntry want = f != null && f.getValue().end > probe ? f.getValue() : null;
      assertThat(t.containing(probe)).isSameAs(want);
    }
  }

  @Test
  void hundredThousandEntriesStayLogarithmic() {
    long max = 0x7fff_ffff_f000L;
    EntryTree t = new EntryTree(P, max);
    List<VmMapEntry> all = new ArrayList<>();
    for (int i = 0; i < 100_000; i++) {
      // top-down one-page mappings with a one-page hole between them, as mmap without merging
      long a = t.findSpaceTopDown(0x7f00_0000_0000L - 2L * i * P, P);
      VmMapEntry e = entry(a, a + P);
      t.insert(e);
      all.add(e);
    }
    t.check();
    assertThat(t.size()).isEqualTo(100_000);
    // AVL: height <= 1.44 log2(n + 2)
    assertThat(all.stream().mapToInt(e -> e.height).max().getAsInt()).isLessThanOrEqualTo(25);
    assertThat(t.findSpaceTopDown(0x7f00_0000_0000L, 2 * P))
        .isEqualTo(all.get(99_999).start - 2 * P);
    for (int i = 0; i < 100_000; i += 2) {
      t.remove(all.get(i));
    }
    t.check();
    assertThat(t.size()).isEqualTo(50_000);
    // entries left at base - (2i + 1) pages for odd i: the first three-page hole is below i = 1
    assertThat(t.findSpaceTopDown(0x7f00_0000_0000L, 3 * P)).isEqualTo(0x7f00_0000_0000L - 6 * P);
    assertThat(t.findSpaceBottomUp(P, 3 * P)).isEqualTo(P);
  }

  @Test
  void refusesOverlapsAndForeignEntries() {
    EntryTree t = new EntryTree(MIN, MAX);
    VmMapEntry a = entry(0x10000, 0x12000);
    t.insert(a);
    assertThatThrownBy(() -> t.insert(entry(0x11000, 0x13000))).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> t.insert(entry(0xf000, 0x11000))).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> t.remove(entry(0x20000, 0x21000))).isInstanceOf(UvmPanic.class);
    VmMapEntry b = entry(0x13000, 0x14000);
    t.insert(b);
    assertThatThrownBy(() -> t.setEnd(a, 0x13800)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> t.setStart(b, 0x11000)).isInstanceOf(UvmPanic.class);
    a.gap = 5; // a stale augmentation is reported
    assertThatThrownBy(t::check).hasMessageContaining("gap");
  }
}
