package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.page.VmPage;

/**
 * Random sequences of amap operations (alloc, add / replace / unadd, ref / unref of whole entries
 * and whole-amap references, splitref, extend both ways, copy, cow_now, wiperange; some of them
 * NOWAIT with injected allocation failures) checked against a plain model after every step.
 *
 * <p>The model keeps, per amap, which anon each slot holds and which entries (arefs) reference it;
 * from those it derives each anon's reference count (slots pointing at it) and each page's coverage
 * (arefs covering it). After every step it checks the implementation's slots, reference counts and
 * per-page counts against it, runs the audit, and checks that every anon the model no longer
 * reaches has been freed and none it reaches has. At the end it drops every reference and checks
 * that nothing is left allocated.
 */
class AmapModelProperties {
  private static final long PG = 4096;

  enum Kind {
    ALLOC,
    ADD,
    REPLACE,
    UNADD,
    REF,
    REFALL,
    UNREF,
    SPLIT,
    UNMAP_PART,
    EXTEND,
    COPY,
    COW_NOW,
    WIPERANGE,
    SHARE_PROTECT,
    COPY_FRESH,
    UNREF_ESTABLISH,
    STALE_UNMAP,
    SWAP_OUT,
    SWAP_OFF
  }

  /** One step: what to do, with raw numbers interpreted against the current state. */
  record Step(Kind kind, int a, int b, int c, boolean flag, int fail) {}

  /** A map entry's reference: amap, first slot, length; {@code all} for an AMAP_REFALL ref. */
  static final class Ref {
    final VmMapEntry entry = new VmMapEntry();
    boolean all;

    /**
     * For an AMAP_REFALL reference: the first slot its count covers. 0, except for a quick
     * reference (uvm_map_extract's QREF) taken from an entry at slot {@code o > 0} of an amap
     * without per-page counts: a later establish at {@code o} seeds {@code [0, o)} with 0 (the
     * seed's assumption that every reference covers {@code [o, nslot)}; {@code [0, o)} is empty).
     */
    int allFrom;

    Amap amap() {
      return entry.aref.amap;
    }

    int off() {
      return entry.aref.pageOffset;
    }

    int pages() {
      return entry.pages();
    }
  }

  /**
   * The model of one amap: which anon each slot holds ({@code slot.length} is the model's own
   * {@code am_nslot}, computed from the sizes the steps asked for, never read from the amap) and
   * its capacity {@code am_maxslot}.
   */
  static final class Model {
    Anon[] slot;

    /** am_maxslot as the model computes it (amap_roundup_slots of what was asked for). */
    int maxslot;

    /**
     * AMAP_SHARED as the model sees it: set by a share reference, cleared when am_ref drops to 1.
     */
    boolean shared;

    Model(int nslot, int maxslot) {
      slot = new Anon[nslot];
      this.maxslot = maxslot;
    }
  }

  /**
   * The model's amap_roundup_slots: an int array is allocated in 8-byte quanta, so the capacity is
   * the request rounded up to an even number of slots.
   */
  static int evenSlots(int n) {
    return n % 2 == 0 ? n : n + 1;
  }

  @Provide
  Arbitrary<List<Step>> sequences() {
    Arbitrary<Kind> kinds =
        Arbitraries.frequencyOf(
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.ALLOC)),
            net.jqwik.api.Tuple.of(8, Arbitraries.just(Kind.ADD)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.REPLACE)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.UNADD)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.REF)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.REFALL)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.UNREF)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.SPLIT)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.UNMAP_PART)),
            net.jqwik.api.Tuple.of(5, Arbitraries.just(Kind.EXTEND)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.COPY)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.COW_NOW)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.WIPERANGE)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.SHARE_PROTECT)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.COPY_FRESH)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.UNREF_ESTABLISH)),
            net.jqwik.api.Tuple.of(2, Arbitraries.just(Kind.STALE_UNMAP)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.SWAP_OUT)),
            net.jqwik.api.Tuple.of(3, Arbitraries.just(Kind.SWAP_OFF)));
    Arbitrary<Integer> n = Arbitraries.integers().between(0, 1000);
    Arbitrary<Integer> fail = Arbitraries.integers().between(0, 6);
    Arbitrary<Step> step =
        Combinators.combine(kinds, n, n, n, Arbitraries.of(true, false), fail).as(Step::new);
    return step.list().ofMinSize(20).ofMaxSize(60);
  }

  @Property
  void amapOperationsAgreeWithTheModel(@ForAll("sequences") List<Step> steps) {
    new Run().execute(steps);
  }

  /** One sequence: a fresh machine, the references, the model. */
  private static final class Run {
    final TestServices svc = new TestServices();
    final TestMap map = new TestMap(svc);
    final List<Ref> refs = new ArrayList<>();
    final Map<Amap, Model> models = new IdentityHashMap<>();
    final List<Anon> anons = new ArrayList<>();
    final List<Amap> amaps = new ArrayList<>();

    {
      // deep trees at auditable sizes: a 256-way root makes every amap above 4,096 pages depth 2
      svc.allocator.setRootFan(256);
    }

    /** Swap slot -> content tag of the page that was evicted to it (what a pagein reads back). */
    final Map<Integer, Integer> evicted = new java.util.HashMap<>();

    int tag = 1;

    /** What the last step did (for the statistics), or null if it did nothing. */
    String outcome;

    void execute(List<Step> steps) {
      int i = 0;
      for (Step s : steps) {
        outcome = null;
        apply(s);
        if (outcome != null) {
          Statistics.label("step").collect(outcome);
        }
        check("after step " + i++ + " " + s);
      }
      // partial references first, quick references last (dropping one with allFrom > 0 while
      // others remain would take the unseeded [0, allFrom) below zero: the seed's limitation)
      refs.sort(
          java.util.Comparator.comparingInt((Ref r) -> r.all ? 1 + (r.allFrom > 0 ? 1 : 0) : 0));
      while (!refs.isEmpty()) {
        Ref r = refs.remove(0);
        r.amap().unref(r.off(), r.all ? r.amap().nslot() : r.pages(), r.all);
        modelDrop(r);
        check("tear-down");
      }
      assertThat(svc.allocator.liveTotal()).as("allocations left").isZero();
      assertThat(svc.list.size()).isZero();
      assertThat(svc.content).as("pages left").isEmpty();
      assertThat(svc.swapSlots).as("swap slots left").isEmpty();
      assertThat(svc.swpgonly).as("swpgonly left").isZero();
    }

    // ---- the model ------------------------------------------------------------------------

    private List<Ref> refsOf(Amap a) {
      List<Ref> out = new ArrayList<>();
      for (Ref r : refs) {
        if (r.amap() == a) {
          out.add(r);
        }
      }
      return out;
    }

    private int[] coverage(Amap a) {
      int[] cov = new int[models.get(a).slot.length];
      for (Ref r : refsOf(a)) {
        int from = r.all ? r.allFrom : r.off();
        int to = r.all ? cov.length : r.off() + r.pages();
        for (int s = from; s < to; s++) {
          cov[s]++;
        }
      }
      return cov;
    }

    /** With real per-page counts, an unreferenced page holds no anon. */
    private void modelWipeUncovered(Amap a) {
      if (a.isFreed() || !a.hasPpref()) {
        return;
      }
      int[] cov = coverage(a);
      Model m = models.get(a);
      for (int s = 0; s < cov.length; s++) {
        if (cov[s] == 0) {
          m.slot[s] = null;
        }
      }
    }

    /** The reference {@code r} is gone (already removed from refs). */
    private void modelDrop(Ref r) {
      Amap a = r.amap();
      if (refsOf(a).isEmpty()) {
        models.remove(a);
      } else {
        modelWipeUncovered(a);
      }
    }

    private Anon newAnon() {
      Anon an = Anon.alloc(svc);
      VmPage pg = svc.pageAlloc(an);
      pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
      pg.wireCount = 1; // cow_now needs the parent's pages wired
      svc.content.put(pg, tag++);
      an.unlock();
      anons.add(an);
      return an;
    }

    private static void dropAnonRef(Anon an, TestServices svc) {
      an.lock();
      int refs = --an.ref;
      an.unlock();
      if (refs == 0) {
        an.free(svc);
      }
    }

    private Ref pick(int x) {
      return refs.get(x % refs.size());
    }

    private Ref newRef(Amap a, int off, int pages) {
      Ref r = new Ref();
      r.entry.start = 0x1000_0000L;
      r.entry.end = r.entry.start + pages * PG;
      r.entry.aref.amap = a;
      r.entry.aref.pageOffset = off;
      r.entry.etype = VmMapEntry.COPYONWRITE;
      refs.add(r);
      return r;
    }

    /** Distinct anons the model has in amap {@code a}'s slots. */
    private List<Anon> anonsOf(Amap a) {
      List<Anon> out = new ArrayList<>();
      for (Anon an : models.get(a).slot) {
        if (an != null) {
          out.add(an);
        }
      }
      return out;
    }

    /** Every distinct anon the model reaches. */
    private java.util.Set<Anon> reachable() {
      java.util.Set<Anon> out = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
      for (Amap a : models.keySet()) {
        out.addAll(anonsOf(a));
      }
      return out;
    }

    // ---- the steps ------------------------------------------------------------------------

    void apply(Step s) {
      if (refs.isEmpty() && s.kind() != Kind.ALLOC && s.kind() != Kind.COPY_FRESH) {
        return;
      }
      switch (s.kind()) {
        case ALLOC -> alloc(s);
        case ADD -> add(s);
        case REPLACE -> replace(s);
        case UNADD -> unadd(s);
        case REF -> ref(s, false);
        case REFALL -> ref(s, true);
        case UNREF -> unref(s);
        case SPLIT -> split(s);
        case UNMAP_PART -> unmapPart(s, false);
        case STALE_UNMAP -> unmapPart(s, true);
        case EXTEND -> extend(s);
        case COPY -> copy(s);
        case COPY_FRESH -> copyFresh(s);
        case COW_NOW -> cowNow(s);
        case WIPERANGE -> wiperange(s);
        case SHARE_PROTECT -> shareProtect(s);
        case UNREF_ESTABLISH -> unrefEstablish(s);
        case SWAP_OUT -> swapOut(s);
        case SWAP_OFF -> swapOff(s);
      }
    }

    private void injectFailure(Step s) {
      if (s.fail() > 0 && s.flag()) {
        svc.allocator.failNth(s.fail());
      }
    }

    /**
     * Entry sizes: mostly small, one in ten larger than UVM_AMAP_LARGE (256 pages), one in fifty
     * above 4,096 pages (with the 256-way root the model's allocator is given, a chunk tree of
     * depth 2, whose reads go through the near leaf).
     */
    private static int pagesFor(int x, int y) {
      if (y % 50 == 0) {
        return HUGE_PAGES + x % 1000;
      }
      return y % 10 == 0 ? Amap.UVM_AMAP_LARGE + x % 300 : 1 + x % 12;
    }

    /** Past the 4,096 slots of a depth-1 chunk tree under a 256-way root. */
    private static final int HUGE_PAGES = 4097;

    private void alloc(Step s) {
      int pages = pagesFor(s.a(), s.c());
      int pad = s.b() % 3 == 0 ? s.c() % 5 : 0;
      injectFailure(s);
      Amap a = Amap.alloc(svc, pages * PG, pad * PG, s.flag());
      svc.allocator.clearFailures();
      if (a == null) {
        assertThat(s.flag()).as("only NOWAIT allocations fail").isTrue();
        return;
      }
      amaps.add(a);
      models.put(a, new Model(pages, evenSlots(pages + pad)));
      newRef(a, 0, pages);
      outcome =
          pages >= HUGE_PAGES
              ? "alloc huge"
              : pages >= Amap.UVM_AMAP_LARGE ? "alloc large" : "alloc";
    }

    private void add(Step s) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      int page = s.b() % r.pages();
      Model m = models.get(r.amap());
      if (m.slot[r.off() + page] != null) {
        return;
      }
      Anon an = newAnon();
      r.amap().lock();
      r.amap().add(r.entry.aref, page * PG, an, false);
      r.amap().unlock();
      m.slot[r.off() + page] = an;
      outcome = "add";
    }

    private void replace(Step s) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      int page = s.b() % r.pages();
      Model m = models.get(r.amap());
      Anon old = m.slot[r.off() + page];
      if (old == null) {
        return;
      }
      Anon an = newAnon();
      Amap a = r.amap();
      boolean shared = a.isShared();
      VmPage oldPage = old.page;
      svc.protectedPages.clear();
      a.lock();
      old.lock();
      a.add(r.entry.aref, page * PG, an, true);
      old.unlock();
      a.unlock();
      // in an AMAP_SHARED amap the replaced page is unmapped everywhere (others refault)
      if (shared && oldPage != null) {
        assertThat(svc.protectedPages).as("replace in a shared amap").containsExactly(oldPage);
      } else {
        assertThat(svc.protectedPages).as("replace in a private amap").isEmpty();
      }
      dropAnonRef(old, svc);
      m.slot[r.off() + page] = an;
      outcome = shared ? "replace shared" : "replace";
    }

    private void unadd(Step s) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      int page = s.b() % r.pages();
      Model m = models.get(r.amap());
      Anon old = m.slot[r.off() + page];
      if (old == null) {
        return;
      }
      r.amap().lock();
      r.amap().unadd(r.entry.aref, page * PG);
      r.amap().unlock();
      dropAnonRef(old, svc);
      m.slot[r.off() + page] = null;
      outcome = "unadd";
    }

    private void ref(Step s, boolean all) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      Amap a = r.amap();
      int allFrom = 0;
      if (all && a.pprefCounts() == null && !a.isPprefDisabled()) {
        // the seed's establish assumes every reference covers [offset, nslot): a whole-amap
        // reference is only consistent with that while every entry starts at slot 0, or as a
        // quick reference of the amap's only entry (a later establish at its offset seeds the
        // empty [0, offset) with 0)
        if (refsOf(a).size() == 1) {
          allFrom = r.off();
        } else {
          for (Ref o : refsOf(a)) {
            if (o.off() != 0) {
              return;
            }
          }
        }
      }
      injectFailure(s); // may fail the ppref allocation: the amap then goes without
      a.ref(r.off(), r.pages(), (s.flag() ? Amap.AMAP_SHARED : 0) | (all ? Amap.AMAP_REFALL : 0));
      svc.allocator.clearFailures();
      if (s.flag()) {
        models.get(a).shared = true;
      }
      Ref n = newRef(a, r.off(), r.pages());
      n.all = all;
      n.allFrom = allFrom;
      outcome =
          all
              ? (allFrom > 0 ? "ref REFALL (quick ref)" : "ref REFALL")
              : s.flag() ? "ref shared" : "ref";
    }

    private void unref(Step s) {
      Ref r = pick(s.a());
      Amap a = r.amap();
      if (r.all && r.allFrom > 0 && a.hasPpref() && a.ref() > 1) {
        return; // the seed's limitation: [0, allFrom) was seeded 0 and would go negative
      }
      boolean establishes =
          !r.all
              && a.pprefCounts() == null
              && !a.isPprefDisabled()
              && a.ref() > 1
              && r.pages() != a.nslot();
      refs.remove(r);
      injectFailure(s);
      a.unref(r.off(), r.all ? a.nslot() : r.pages(), r.all);
      svc.allocator.clearFailures();
      outcome = a.isFreed() ? "unref (last)" : establishes ? "unref establishes ppref" : "unref";
      if (establishes && !(s.fail() == 1 && s.flag())) {
        assertThat(a.hasPpref()).as("unref established ppref").isTrue();
      }
      modelDrop(r);
    }

    /**
     * amap_unref establishing per-page counts: the only entry of an amap without counts sits at
     * slot {@code o > 0} (a backwards extend slid it there, this step makes one if needed), a quick
     * reference (AMAP_REFALL, uvm_map_extract's QREF) is taken, then the entry is unmapped: the
     * unref of {@code [o, nslot)} establishes the counts from the reference count before the drop
     * (NB6's order; the 2009 order would seed them with the new count and wipe the pages the quick
     * reference still maps).
     */
    private void unrefEstablish(Step s) {
      Ref r = pick(s.a());
      Amap a = r.amap();
      if (r.all || a.ref() != 1 || a.pprefCounts() != null || a.isPprefDisabled()) {
        return;
      }
      if (r.off() == 0) {
        extendModelled(r, 1 + s.b() % 6, false, false, 0);
        if (r.off() == 0 || a.pprefCounts() != null) {
          return;
        }
      }
      int o = r.off();
      a.ref(o, r.pages(), Amap.AMAP_SHARED | Amap.AMAP_REFALL);
      models.get(a).shared = true;
      Ref q = newRef(a, o, r.pages());
      q.all = true;
      q.allFrom = o;
      Statistics.label("unref establish").collect("quick ref");
      check("quick reference before the unref");
      unref(new Step(Kind.UNREF, refs.indexOf(r), 0, 0, s.flag(), s.fail()));
      outcome = "unref of a slid entry establishes ppref";
    }

    private Ref split(Step s) {
      Ref r = pick(s.a());
      if (r.all || r.pages() < 2) {
        return null;
      }
      int left = 1 + s.b() % (r.pages() - 1);
      Ref right = new Ref();
      right.entry.aref.copyFrom(r.entry.aref);
      injectFailure(s);
      Amap.splitref(r.entry.aref, right.entry.aref, left * PG);
      svc.allocator.clearFailures();
      int total = r.pages();
      r.entry.end = r.entry.start + left * PG;
      right.entry.start = 0x1000_0000L;
      right.entry.end = right.entry.start + (total - left) * PG;
      right.entry.etype = VmMapEntry.COPYONWRITE;
      assertThat(right.off()).isEqualTo(r.off() + left);
      refs.add(right);
      outcome = "splitref";
      return r;
    }

    /**
     * munmap of the front or back of an entry: clip, then drop the clipped-off part. With {@code
     * stale} the clip's ppref allocation fails (PPREF_NONE), so the dropped part's anons stay in
     * the amap outside the remaining entry's window, as the seed leaves them.
     */
    private void unmapPart(Step s, boolean stale) {
      Ref r = pick(s.a());
      if (r.all || r.pages() < 2) {
        return;
      }
      boolean noPpref = r.amap().pprefCounts() == null && !r.amap().isPprefDisabled();
      if (stale) {
        if (!noPpref) {
          return;
        }
        svc.allocator.failKind(AmapAllocator.Kind.PPREF, true);
      }
      split(s);
      svc.allocator.clearFailures();
      Ref right = refs.get(refs.size() - 1);
      Ref gone = s.c() % 2 == 0 ? right : r;
      Ref kept = gone == r ? right : r;
      refs.remove(gone);
      gone.amap().unref(gone.off(), gone.pages(), false);
      modelDrop(gone);
      outcome = stale ? "unmap part, ppref off" : "unmap part";
      if (stale && kept.amap().ref() == 1) {
        // grow what is left backwards: a slide (2b/3b) with the stale anons outside its window
        String before = outcome;
        extendModelled(kept, 1 + s.b() % 6, false, false, 0);
        Statistics.label("stale unmap, then extend back").collect(outcome);
        outcome = before;
      }
    }

    private void extend(Step s) {
      Ref r = pick(s.a());
      if (r.all || r.amap().ref() != 1) {
        return;
      }
      int add = 1 + s.b() % 6;
      boolean forwards = s.c() % 2 == 0;
      int failAt = s.flag() ? s.fail() : 0;
      if (failAt > 0) {
        svc.allocator.failNth(failAt);
      }
      extendModelled(r, add, forwards, s.flag(), failAt);
      svc.allocator.clearFailures();
    }

    /**
     * amap_extend of {@code r} by {@code add} pages, with the expected result, {@code am_nslot},
     * {@code am_maxslot} and new page offset computed by the model from the seed's six cases: 1f/1b
     * (the slots exist), 2f/2b (padding taken into use; 2b slides the window to the top of the
     * capacity), 3f/3b (reallocation to {@code evenSlots(need)}, E2BIG from {@link
     * Amap#UVM_AMAP_LARGE} slots; under NOWAIT an injected failure of one of case 3's allocations —
     * ppref if counted, am_slots, am_bckptr, am_anon, in that order — gives ENOMEM, except a failed
     * ppref alone, which switches the counts off and grows anyway).
     *
     * @param failAt the allocation (1 = the next) that an injected failure hits, or 0
     */
    private int extendModelled(Ref r, int add, boolean forwards, boolean nowait, int failAt) {
      Amap a = r.amap();
      Model m = models.get(a);
      int off = r.off();
      int pages = r.pages();
      int nslot = m.slot.length;
      boolean pprefOff = a.isPprefDisabled();
      boolean counted = a.hasPpref();
      boolean pprefLost = false;
      if (pprefOff) {
        // ppref off (PPREF_NONE): extend first wipes the stale anons outside the window (issue 13)
        boolean stale = false;
        for (int x = 0; x < nslot; x++) {
          if ((x < off || x >= off + pages) && m.slot[x] != null) {
            m.slot[x] = null;
            stale = true;
          }
        }
        if (stale) {
          Statistics.label("extend wipes stale anons").collect(forwards ? "fwd" : "back");
        }
      }
      String c; // the seed's case
      int expNslot = nslot;
      int expMax = m.maxslot;
      int expOff = off;
      int rv = 0;
      int need = forwards ? off + pages + add : add + pages;
      if (forwards ? nslot >= need : add <= off) {
        c = forwards ? "1f" : "1b";
        if (!forwards) {
          expOff = off - add;
        }
      } else if (m.maxslot >= need) {
        c = forwards ? "2f" : "2b";
        if (forwards) {
          expNslot = need;
        } else {
          expNslot = m.maxslot;
          expOff = m.maxslot - pages - add;
        }
      } else if (need >= Amap.UVM_AMAP_LARGE) {
        c = "E2BIG";
        rv = Errno.E2BIG;
      } else if (nowait && failAt > 0 && failAt <= (counted ? 4 : 3) && !(counted && failAt == 1)) {
        c = "ENOMEM";
        rv = Errno.ENOMEM;
      } else {
        c = forwards ? "3f" : "3b";
        pprefLost = nowait && counted && failAt == 1;
        expMax = evenSlots(need);
        expNslot = forwards ? need : expMax;
        if (!forwards) {
          expOff = expMax - pages - add;
        }
      }
      boolean slides = rv == 0 && !forwards && expOff + add != off;
      if (slides) {
        // an anon outside the window of a one-reference amap exists only with ppref off, and the
        // wipe above removed it: the seed's renumbering needs every anon inside the window
        for (int x = 0; x < nslot; x++) {
          if ((x < off || x >= off + pages) && m.slot[x] != null) {
            throw new AssertionError("model reached a slide with an anon outside the window");
          }
        }
      }
      int got =
          Amap.extend(
              r.entry,
              add * PG,
              (forwards ? Amap.AMAP_EXTEND_FORWARDS : Amap.AMAP_EXTEND_BACKWARDS)
                  | (nowait ? Amap.AMAP_EXTEND_NOWAIT : 0));
      assertThat(got).as("amap_extend case %s: result", c).isEqualTo(rv);
      assertThat(r.off()).as("amap_extend case %s: page offset", c).isEqualTo(expOff);
      assertThat(a.nslot()).as("amap_extend case %s: am_nslot", c).isEqualTo(expNslot);
      assertThat(a.maxslot()).as("amap_extend case %s: am_maxslot", c).isEqualTo(expMax);
      assertThat(a.isPprefDisabled())
          .as("amap_extend case %s: ppref off", c)
          .isEqualTo(pprefOff || pprefLost);
      outcome =
          "extend "
              + c
              + (rv == 0 && counted ? (pprefLost ? " ppref lost" : " ppref") : "")
              + (pprefOff ? " ppref-off" : "")
              + (pages >= Amap.UVM_AMAP_LARGE ? " large" : "");
      if (rv != 0) {
        return rv;
      }
      Anon[] now = new Anon[expNslot];
      if (slides) {
        System.arraycopy(m.slot, off, now, expOff + add, pages);
      } else {
        System.arraycopy(m.slot, 0, now, 0, nslot);
      }
      m.slot = now;
      m.maxslot = expMax;
      if (forwards) {
        r.entry.end += add * PG;
      } else {
        r.entry.start -= add * PG;
      }
      modelWipeUncovered(a);
      return 0;
    }

    private void copy(Step s) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      Amap src = r.amap();
      int oldoff = r.off();
      r.entry.etype |= VmMapEntry.NEEDSCOPY;
      boolean nowait = s.flag();
      injectFailure(s);
      Amap.copy(
          map, r.entry, nowait ? Amap.AMAP_COPY_NOWAIT : 0, r.entry.start, r.entry.start + PG);
      svc.allocator.clearFailures();
      if (r.entry.needsCopy()) {
        assertThat(nowait).as("only a NOWAIT copy fails").isTrue();
        assertThat(r.amap()).isSameAs(src);
        r.entry.etype &= ~VmMapEntry.NEEDSCOPY;
        outcome = "copy failed";
        return;
      }
      Amap dst = r.amap();
      if (dst == src) {
        assertThat(refsOf(src)).hasSize(1); // taken over
        outcome = "copy take-over";
        return;
      }
      assertThat(r.off()).as("copy: the new amap starts at the entry").isZero();
      amaps.add(dst);
      Model nm = new Model(r.pages(), evenSlots(r.pages()));
      System.arraycopy(models.get(src).slot, oldoff, nm.slot, 0, r.pages());
      models.put(dst, nm);
      modelWipeUncovered(src);
      outcome = "copy";
    }

    /**
     * amap_copy of an entry without an amap (the fault path's first write, mlock, fork): a large
     * entry is clipped to the {@link Amap#UVM_AMAP_CHUNK}-page chunks around the faulting range
     * (unless NOCHUNK), then it may merge into a private neighbour (unless NOMERGE; the test map's
     * merge extends another one-reference entry's amap by the entry's size, as VmMap's does with
     * NOWAIT), else it gets a fresh zero amap of exactly its (clipped) size.
     */
    private void copyFresh(Step s) {
      int pages = s.b() % 2 == 0 ? Amap.UVM_AMAP_LARGE + s.a() % 500 : 1 + s.a() % 12;
      long start = 0x4000_0000L + (s.c() % Amap.UVM_AMAP_CHUNK) * PG;
      VmMapEntry e = new VmMapEntry();
      e.start = start;
      e.end = start + pages * PG;
      e.etype = VmMapEntry.COPYONWRITE | VmMapEntry.NEEDSCOPY;
      map.entries.clear();
      map.clipStarts.clear();
      map.clipEnds.clear();
      map.add(e);
      int fpage = (s.a() / 7) % pages;
      int flen = 1 + s.c() % Math.min(20, pages - fpage);
      long startva = start + fpage * PG;
      long endva = startva + flen * PG;
      boolean nochunk = s.fail() == 5;
      boolean nowait = s.flag();
      // an injected failure is meant for the new amap: no merge (its extend would take it) then
      boolean injected = nowait && s.fail() > 0 && s.fail() < 5;
      boolean nomerge = s.fail() == 6 || refs.isEmpty() || injected;
      int flags =
          (nowait ? Amap.AMAP_COPY_NOWAIT : 0)
              | (nochunk ? Amap.AMAP_COPY_NOCHUNK : 0)
              | (nomerge ? Amap.AMAP_COPY_NOMERGE : 0);

      // the model's chunking: UVM_AMAP_CHUNK pages = 64 KiB, rounded out around [startva, endva)
      long chunk = Amap.UVM_AMAP_CHUNK * PG;
      final boolean chunks = !nochunk && pages >= Amap.UVM_AMAP_LARGE;
      final long expStart = chunks ? Math.max(start, Math.floorDiv(startva, chunk) * chunk) : start;
      final long expEnd = chunks ? Math.min(e.end, (endva + chunk - 1) / chunk * chunk) : e.end;
      int expPages = (int) ((expEnd - expStart) / PG);
      int[] merges = {0};
      boolean[] merged = {false};
      map.merge =
          entry -> {
            merges[0]++;
            assertThat(entry).isSameAs(e);
            assertThat(entry.start).as("merge sees the clipped entry").isEqualTo(expStart);
            assertThat(entry.end).isEqualTo(expEnd);
            if (refs.isEmpty()) {
              return false; // (only reached when NOMERGE is ignored)
            }
            Ref n = pick(s.b() / 2);
            if (n.all || n.amap().ref() != 1) {
              return false;
            }
            String before = outcome;
            merged[0] = extendModelled(n, expPages, s.a() % 2 == 0, true, 0) == 0;
            Statistics.label("copy fresh merge").collect(outcome);
            outcome = before;
            return merged[0];
          };
      if (injected) {
        svc.allocator.failNth(s.fail()); // one of amap_alloc1's four allocations
      }
      long amapsBefore = svc.allocator.allocated(AmapAllocator.Kind.AMAP);
      Amap.copy(map, e, flags, startva, endva);
      svc.allocator.clearFailures();
      map.merge = x -> false;

      assertThat(e.start).as("copy fresh: clipped start").isEqualTo(expStart);
      assertThat(e.end).as("copy fresh: clipped end").isEqualTo(expEnd);
      assertThat(map.clipStarts)
          .as("clip starts")
          .isEqualTo(expStart > start ? List.of(expStart) : List.of());
      assertThat(map.clipEnds)
          .as("clip ends")
          .isEqualTo(expEnd < start + pages * PG ? List.of(expEnd) : List.of());
      assertThat(merges[0]).as("merge tried").isEqualTo(nomerge ? 0 : 1);
      String chunked = expPages != pages ? " chunked" : "";
      if (merged[0]) {
        assertThat(e.aref.amap).as("a merged entry gets no amap").isNull();
        assertThat(svc.allocator.allocated(AmapAllocator.Kind.AMAP)).isEqualTo(amapsBefore);
        outcome = "copy fresh merged" + chunked;
        return;
      }
      Amap a = e.aref.amap;
      assertThat(a == null).as("copy fresh: failed").isEqualTo(injected);
      if (a == null) {
        assertThat(e.needsCopy()).as("a failed copy leaves NEEDSCOPY").isTrue();
        outcome = "copy fresh failed";
        return;
      }
      assertThat(e.needsCopy()).isFalse();
      assertThat(e.aref.pageOffset).isZero();
      amaps.add(a);
      models.put(a, new Model(expPages, evenSlots(expPages)));
      Ref r = new Ref();
      r.entry.start = e.start;
      r.entry.end = e.end;
      r.entry.aref.copyFrom(e.aref);
      r.entry.etype = VmMapEntry.COPYONWRITE;
      refs.add(r);
      map.entries.clear();
      outcome = "copy fresh" + chunked + (pages >= Amap.UVM_AMAP_LARGE ? " large" : "");
    }

    /**
     * amap_cow_now over a reference: every shared anon is copied into a fresh private one in the
     * same slot. Variants: a busy page (waited for, then the scan restarts), a loaned page (left
     * shared), and memory running out (a transient shortage is waited out; a lasting one gives
     * ENOMEM after {@link Amap#COW_NOW_MAX_MEMORY_WAITS} waits with exactly the copies that fitted
     * made).
     */
    private void cowNow(Step s) {
      // an entry whose amap shares anons: fork's child right after amap_copy
      Ref r = null;
      for (int i = 0; i < refs.size() && r == null; i++) {
        Ref c = pick(s.a() + i);
        if (!c.all && hasSharedAnon(c.amap())) {
          r = c;
        }
      }
      if (r == null) {
        // fork one: reference an entry with anons, then copy the child's amap (as uvmspace_fork)
        Ref parent = pick(s.a());
        if (parent.all || anonsOf(parent.amap()).isEmpty()) {
          return;
        }
        ref(new Step(Kind.REF, refs.indexOf(parent), 0, 0, false, 0), false);
        copy(new Step(Kind.COPY, refs.size() - 1, 0, 0, false, 0));
        r = refs.get(refs.size() - 1);
        check("fork before cow_now");
      }
      Amap a = r.amap();
      Model m = models.get(a);
      List<Integer> shared = new ArrayList<>();
      for (int x = 0; x < m.slot.length; x++) {
        Anon an = m.slot[x];
        if (an != null && an.ref > 1) {
          if (an.page == null) {
            return; // a wired parent's pages are resident: not a state cow_now is called in
          }
          shared.add(x);
        }
      }
      int variant = s.b() % 4;
      VmPage busy = null;
      Anon loaned = null;
      int frames = Integer.MAX_VALUE;
      boolean lasting = s.flag();
      String what = "cow_now";
      if (variant == 1 && !shared.isEmpty()) {
        busy = m.slot[shared.get(s.c() % shared.size())].page;
        busy.flags |= VmPage.PG_BUSY;
        what = "cow_now busy";
      } else if (variant == 2 && !shared.isEmpty()) {
        loaned = m.slot[shared.get(s.c() % shared.size())];
        loaned.page.loanCount = 1;
        what = "cow_now loaned";
      } else if (variant == 3) {
        frames = s.c() % (shared.size() + 1);
        svc.freeFrames = frames;
        if (lasting) {
          svc.onWaitForMemory = () -> {};
        }
        what = "cow_now out of memory" + (lasting ? " (lasting)" : "");
      }
      int toCopy = shared.size() - (loaned != null ? 1 : 0);
      boolean enomem = lasting && frames < toCopy;
      svc.pageWaits.clear();
      svc.memoryWaits.clear();
      Anon[] before = m.slot.clone();
      int rv = Amap.cowNow(r.entry);
      svc.freeFrames = Integer.MAX_VALUE;
      svc.onWaitForMemory =
          () -> {
            svc.allocator.clearFailures();
            svc.freeFrames = Integer.MAX_VALUE;
          };
      assertThat(rv).as("%s: result", what).isEqualTo(enomem ? Errno.ENOMEM : 0);
      assertThat(svc.pageWaits)
          .as("%s: page waits", what)
          .isEqualTo(busy != null ? List.of("cownow") : List.of());
      int expWaits = frames >= toCopy ? 0 : enomem ? Amap.COW_NOW_MAX_MEMORY_WAITS : 1;
      assertThat(svc.memoryWaits).as("%s: memory waits", what).hasSize(expWaits);
      if (busy != null) {
        assertThat(busy.flags & VmPage.PG_BUSY).isZero();
      }
      int copied = 0;
      for (int x = 0; x < m.slot.length; x++) {
        Anon old = before[x];
        Anon now = TestServices.at(a, x);
        if (old == null) {
          assertThat(now).isNull();
        } else if (now != old) {
          // copied: a fresh private anon with the same contents
          assertThat(old).as("%s: a loaned page is not copied", what).isNotSameAs(loaned);
          assertThat(anons).doesNotContain(now);
          assertThat(now.ref).isEqualTo(1);
          assertThat(svc.content.get(now.page)).isEqualTo(svc.content.get(old.page));
          anons.add(now);
          m.slot[x] = now;
          now.page.wireCount = 1; // as if the child wired its entry too (later cow_nows)
          copied++;
        }
      }
      assertThat(copied).as("%s: copies", what).isEqualTo(enomem ? frames : toCopy);
      if (!enomem) {
        for (int x = 0; x < m.slot.length; x++) {
          if (m.slot[x] != null && m.slot[x] != loaned) {
            assertThat(m.slot[x].ref).as("after cow_now slot %d", x).isEqualTo(1);
          }
        }
      }
      if (loaned != null) {
        loaned.page.loanCount = 0; // the loan ends
      }
      outcome = what + (enomem ? " ENOMEM" : "");
    }

    private boolean hasSharedAnon(Amap a) {
      for (Anon an : models.get(a).slot) {
        if (an != null && an.ref > 1) {
          return true;
        }
      }
      return false;
    }

    private void wiperange(Step s) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      int from = s.b() % r.pages();
      int len = 1 + s.c() % (r.pages() - from);
      Amap a = r.amap();
      a.lock();
      a.wiperange(r.off() + from, len);
      a.unlock();
      Model m = models.get(a);
      for (int x = r.off() + from; x < r.off() + from + len; x++) {
        m.slot[x] = null;
      }
      outcome = "wiperange";
    }

    /**
     * amap_share_protect over one reference's window: exactly the resident pages of the anons the
     * model has there are protected, with the given protection.
     */
    private void shareProtect(Step s) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      Amap a = r.amap();
      Model m = models.get(a);
      int prot = s.b() % 2 == 0 ? org.uvm4j.uvm.Prot.READ : org.uvm4j.uvm.Prot.NONE;
      svc.protectedPages.clear();
      svc.protections.clear();
      a.lock();
      a.shareProtect(r.entry, prot);
      a.unlock();
      List<VmPage> want = new ArrayList<>();
      for (int x = r.off(); x < r.off() + r.pages(); x++) {
        if (m.slot[x] != null && m.slot[x].page != null) {
          want.add(m.slot[x].page);
        }
      }
      assertThat(svc.protectedPages).containsExactlyInAnyOrderElementsOf(want);
      assertThat(svc.protections).allMatch(p -> p == prot);
      outcome = want.size() < a.nused() ? "share_protect (by anon)" : "share_protect";
    }

    /**
     * The page daemon's work on a reference's anons, as the amap sees it: some get a swap slot
     * (keeping their page), some of those also lose the page (swap-only). Only private anons are
     * evicted: a shared one may belong to a wired parent, whose pages stay resident.
     */
    private void swapOut(Step s) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      Model m = models.get(r.amap());
      int n = 0;
      for (int p = 0; p < r.pages(); p++) {
        Anon an = m.slot[r.off() + p];
        if (an == null || an.swslot != 0 || ((p + s.b()) % 3) == 0) {
          continue;
        }
        VmPage pg = an.page;
        int slot = svc.giveSlot(an);
        if (s.flag() && an.ref == 1 && pg.loanCount == 0 && (pg.flags & VmPage.PG_BUSY) == 0) {
          evicted.put(slot, svc.content.get(pg));
          svc.pageFree(pg);
          svc.swpgonly++;
        }
        n++;
      }
      if (n > 0) {
        outcome = s.flag() ? "swap out (evict)" : "swap out";
      }
    }

    /**
     * amap_swap_off of a range of swap slots: every anon whose slot lies in it is paged in (its
     * page holds what was evicted) and loses the slot; anons outside keep theirs. With an injected
     * pagein failure it stops there and reports failure (true, the seed's convention).
     */
    private void swapOff(Step s) {
      List<Integer> used = new ArrayList<>(new java.util.TreeSet<>(svc.swapSlots));
      if (used.isEmpty()) {
        return;
      }
      int lo = used.get(s.a() % used.size());
      int hi = lo + 1 + s.b() % (used.get(used.size() - 1) - lo + 2);
      Map<Anon, Integer> inRange = new IdentityHashMap<>();
      Map<Anon, Integer> outside = new IdentityHashMap<>();
      Map<Anon, VmPage> pages = new IdentityHashMap<>();
      for (Anon an : reachable()) {
        if (an.swslot != 0) {
          (an.swslot >= lo && an.swslot < hi ? inRange : outside).put(an, an.swslot);
        }
        pages.put(an, an.page);
      }
      int failAt = s.flag() ? 1 + s.fail() % 3 : Integer.MAX_VALUE;
      int[] calls = {0};
      svc.onPagein = an -> ++calls[0] != failAt;
      int pageinsBefore = svc.pageins;
      boolean failed = Amap.swapOff(svc.list, lo, hi);
      svc.onPagein = an -> true;
      boolean expFail = failAt <= inRange.size();
      assertThat(failed).as("swap_off [%d, %d): failed", lo, hi).isEqualTo(expFail);
      assertThat(svc.pageins - pageinsBefore)
          .as("swap_off: pageins")
          .isEqualTo(expFail ? failAt : inRange.size());
      int done = 0;
      for (Map.Entry<Anon, Integer> e : inRange.entrySet()) {
        Anon an = e.getKey();
        if (an.swslot == 0) {
          done++;
          assertThat(an.page).as("swap_off: paged in").isNotNull();
          Integer was = evicted.remove(e.getValue());
          if (pages.get(an) == null) {
            assertThat(was).isNotNull();
            assertThat(svc.content.get(an.page))
                .as("swap_off: page from its slot")
                .isEqualTo(-e.getValue());
            an.page.wireCount = 1; // wired again, as the model's pages are
          } else {
            assertThat(an.page).isSameAs(pages.get(an));
          }
        } else {
          assertThat(an.swslot).isEqualTo(e.getValue());
          assertThat(an.page).isSameAs(pages.get(an));
        }
      }
      assertThat(done).as("swap_off: anons done").isEqualTo(expFail ? failAt - 1 : inRange.size());
      for (Map.Entry<Anon, Integer> e : outside.entrySet()) {
        assertThat(e.getKey().swslot)
            .as("swap_off: slot outside the range")
            .isEqualTo(e.getValue());
        assertThat(e.getKey().page).isSameAs(pages.get(e.getKey()));
      }
      outcome = inRange.isEmpty() ? "swap_off (nothing)" : expFail ? "swap_off failed" : "swap_off";
    }

    // ---- the check ------------------------------------------------------------------------

    void check(String where) {
      Map<Anon, Integer> pointers = new IdentityHashMap<>();
      for (Map.Entry<Amap, Model> e : models.entrySet()) {
        Amap a = e.getKey();
        Model m = e.getValue();
        if (refsOf(a).size() == 1) {
          m.shared = false; // amap_unref / amap_copy clear AMAP_SHARED when am_ref drops to 1
        }
        assertThat(a.isShared()).as("%s: AMAP_SHARED of %s", where, a).isEqualTo(m.shared);
        assertThat(a.isFreed()).as("%s: %s freed while referenced", where, a).isFalse();
        assertThat(a.ref()).as("%s: am_ref of %s", where, a).isEqualTo(refsOf(a).size());
        assertThat(a.nslot()).as("%s: nslot of %s", where, a).isEqualTo(m.slot.length);
        assertThat(a.maxslot()).as("%s: maxslot of %s", where, a).isEqualTo(m.maxslot);
        a.lock();
        for (int x = 0; x < m.slot.length; x++) {
          if (a.anonAt(x) != m.slot[x]) {
            assertThat(a.anonAt(x)).as("%s: slot %d of %s", where, x, a).isSameAs(m.slot[x]);
          }
          if (m.slot[x] != null) {
            pointers.merge(m.slot[x], 1, Integer::sum);
          }
        }
        a.unlock();
        int[] counts = a.pprefCounts();
        if (counts != null) {
          assertThat(counts).as("%s: ppref of %s", where, a).containsExactly(coverage(a));
        }
      }
      int swapOnly = 0;
      java.util.Set<Integer> slots = new java.util.HashSet<>();
      for (Anon an : anons) {
        Integer n = pointers.get(an);
        if (n == null) {
          assertThat(an.isFreed()).as("%s: %s unreachable but not freed", where, an).isTrue();
        } else {
          assertThat(an.isFreed()).as("%s: %s freed while referenced", where, an).isFalse();
          assertThat(an.ref).as("%s: ref of %s", where, an).isEqualTo(n);
          if (an.swslot != 0) {
            slots.add(an.swslot);
            if (an.page == null) {
              swapOnly++;
            }
          }
        }
      }
      assertThat(svc.swapSlots).as("%s: allocated swap slots", where).isEqualTo(slots);
      assertThat(svc.swpgonly).as("%s: swpgonly", where).isEqualTo(swapOnly);
      for (Amap a : amaps) {
        assertThat(a.isFreed()).as("%s: %s", where, a).isEqualTo(!models.containsKey(a));
      }
      assertThat(svc.list.size()).as("%s: listed amaps", where).isEqualTo(models.size());
      AmapAudit.checkAll(svc.list.amaps());
      for (Ref r : refs) {
        if (!r.all) {
          Anon[] out = new Anon[r.pages()];
          r.amap().lock();
          r.amap().lookups(r.entry.aref, 0, out, r.pages());
          r.amap().unlock();
          Anon[] want = new Anon[r.pages()];
          System.arraycopy(models.get(r.amap()).slot, r.off(), want, 0, r.pages());
          if (!java.util.Arrays.equals(out, want)) {
            assertThat(out).as("%s: lookups", where).containsExactly(want);
          }
          r.amap().lock();
          for (int p = 0; p < r.pages(); p++) {
            Anon got = r.amap().lookup(r.entry.aref, p * PG);
            if (got != want[p]) {
              assertThat(got).as("%s: amap_lookup of page %d", where, p).isSameAs(want[p]);
            }
          }
          r.amap().unlock();
        }
      }
    }
  }
}
