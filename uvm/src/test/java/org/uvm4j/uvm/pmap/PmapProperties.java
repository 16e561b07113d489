package org.uvm4j.uvm.pmap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * The pmap against a model (a sorted map per pmap from va to (page, prot, wired)): random enter,
 * remove, protect, pageProtect, unwire, update and TLB lookups over two pmaps sharing pages. After
 * every step the pmaps must equal the model, the pv invariant must hold in both directions, and the
 * TLB listener must have been told of exactly the pmaps whose translations were removed or
 * weakened, with ranges covering every such address.
 */
class PmapProperties {
  private static final long P = 4096;

  /** Addresses at leaf (2 MiB), directory (1 GiB, 512 GiB) boundaries and the top of user space. */
  private static final long[] VAS = {
    0x1000,
    0x2000,
    0x3000,
    0x1ff000,
    0x200000,
    0x201000,
    0x3fff_f000L,
    0x4000_0000L,
    0x7f_ffff_f000L,
    0x80_0000_0000L,
    0x7fff_ffff_e000L,
    0x7fff_ffff_f000L
  };

  private static final int PAGES = 6;

  enum Kind {
    ENTER,
    REMOVE,
    PROTECT,
    PAGE_PROTECT,
    UNWIRE,
    UPDATE,
    LOOKUP
  }

  record Op(Kind kind, int pm, int va, int page, int prot, int len, boolean wired) {}

  record Mapping(VmPage page, int prot, boolean wired) {}

  @Provide
  Arbitrary<Op> op() {
    return Combinators.combine(
            Arbitraries.of(Kind.class),
            Arbitraries.integers().between(0, 1),
            Arbitraries.integers().between(0, VAS.length - 1),
            Arbitraries.integers().between(0, PAGES - 1),
            Arbitraries.integers().between(0, 7),
            Arbitraries.integers().between(0, 600),
            Arbitraries.of(true, false))
        .as(Op::new);
  }

  @Property(tries = 300)
  void pmapMatchesTheModel(@ForAll @Size(max = 60) List<@net.jqwik.api.From("op") Op> ops) {
    Uvm uvm = new Uvm(UvmConfig.ofRam(64 * P));
    VmPage[] pages = new VmPage[PAGES];
    for (int i = 0; i < PAGES; i++) {
      pages[i] = uvm.physMem().alloc();
    }
    Pmap[] pmaps = {new Pmap(uvm.physMem(), uvm.exp()), new Pmap(uvm.physMem(), uvm.exp())};
    List<List<long[]>> told = List.of(new ArrayList<>(), new ArrayList<>());
    for (int i = 0; i < 2; i++) {
      int me = i;
      pmaps[i].setTlbListener(
          (pm, sva, eva) -> {
            assertThat(pm).isSameAs(pmaps[me]);
            assertThat(sva).isLessThan(eva);
            told.get(me).add(new long[] {sva, eva});
          });
    }
    List<TreeMap<Long, Mapping>> model = List.of(new TreeMap<>(), new TreeMap<>());

    for (Op op : ops) {
      List<Map<Long, Mapping>> before =
          List.of(new HashMap<>(model.get(0)), new HashMap<>(model.get(1)));
      told.get(0).clear();
      told.get(1).clear();
      long va = VAS[op.va()];
      int prot = op.prot();
      Pmap pm = pmaps[op.pm()];
      TreeMap<Long, Mapping> m = model.get(op.pm());
      switch (op.kind()) {
        case ENTER -> {
          if (prot == 0) {
            prot = Prot.READ;
          }
          pm.enter(va, pages[op.page()], prot, op.wired());
          m.put(va, new Mapping(pages[op.page()], prot, op.wired()));
        }
        case REMOVE -> {
          long eva = Math.min(va + op.len() * P, Pmap.VA_LIMIT);
          pm.remove(va, eva);
          m.subMap(va, eva).clear();
        }
        case PROTECT -> {
          long eva = Math.min(va + op.len() * P, Pmap.VA_LIMIT);
          pm.protect(va, eva, prot);
          lowerAll(m.subMap(va, true, eva, false), prot, null);
        }
        case PAGE_PROTECT -> {
          VmPage pg = pages[op.page()];
          Pmap.pageProtect(pg, prot);
          lowerAll(model.get(0), prot, pg);
          lowerAll(model.get(1), prot, pg);
        }
        case UNWIRE -> {
          Mapping cur = m.get(va);
          if (cur != null && cur.wired()) {
            pm.unwire(va);
            m.put(va, new Mapping(cur.page(), cur.prot(), false));
          }
        }
        case UPDATE -> pm.update();
        case LOOKUP -> {
          int access = new int[] {Prot.READ, Prot.WRITE, Prot.EXEC}[op.prot() % 3];
          long r = pm.tlbLookup(va, access);
          Mapping cur = m.get(va);
          if (cur == null || (cur.prot() & access) != access) {
            assertThat(r).isZero();
          } else {
            assertThat(r & ~0xfffL).isEqualTo(cur.page().physAddr());
            int given = (int) (r & 7);
            assertThat(given & access).isEqualTo(access);
            assertThat(given & ~cur.prot()).isZero();
            assertThat(Pmap.isReferenced(cur.page())).isTrue();
          }
        }
      }
      for (int i = 0; i < 2; i++) {
        assertSame(pmaps[i], model.get(i));
        assertToldAbout(before.get(i), model.get(i), told.get(i));
      }
      for (VmPage pg : pages) {
        Pmap.checkPage(pg);
        long n =
            model.stream().flatMap(x -> x.values().stream()).filter(x -> x.page() == pg).count();
        assertThat(pg.mdpage.mappingCount()).isEqualTo((int) n);
      }
    }
  }

  /** Lowers every model mapping (of {@code only}, if not null) to at most {@code prot}. */
  private static void lowerAll(Map<Long, Mapping> m, int prot, VmPage only) {
    m.entrySet()
        .removeIf(
            e ->
                (only == null || e.getValue().page() == only) && (e.getValue().prot() & prot) == 0);
    m.replaceAll(
        (k, v) ->
            only == null || v.page() == only
                ? new Mapping(v.page(), v.prot() & prot, v.wired())
                : v);
  }

  private static void assertSame(Pmap pmap, TreeMap<Long, Mapping> model) {
    pmap.check();
    TreeMap<Long, Mapping> actual = new TreeMap<>();
    pmap.forEach((va, pg, prot, wired) -> actual.put(va, new Mapping(pg, prot, wired)));
    assertThat(actual).isEqualTo(model);
    assertThat(pmap.residentCount()).isEqualTo(model.size());
    assertThat(pmap.wiredCount()).isEqualTo(model.values().stream().filter(Mapping::wired).count());
    for (Map.Entry<Long, Mapping> e : model.entrySet()) {
      assertThat(pmap.extract(e.getKey())).isSameAs(e.getValue().page());
    }
  }

  /** Every removed or weakened va is covered by a call; no call when nothing was weakened. */
  private static void assertToldAbout(
      Map<Long, Mapping> before, Map<Long, Mapping> after, List<long[]> told) {
    boolean weakened = false;
    for (Map.Entry<Long, Mapping> e : before.entrySet()) {
      Mapping now = after.get(e.getKey());
      boolean lost =
          now == null
              || now.page() != e.getValue().page()
              || (e.getValue().prot() & ~now.prot()) != 0;
      if (lost) {
        weakened = true;
        long va = e.getKey();
        assertThat(told).anySatisfy(r -> assertThat(va).isBetween(r[0], r[1] - 1));
      }
    }
    if (!weakened) {
      assertThat(told).isEmpty();
    }
  }
}
