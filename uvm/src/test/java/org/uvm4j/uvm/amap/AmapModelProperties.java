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
    WIPERANGE
  }

  /** One step: what to do, with raw numbers interpreted against the current state. */
  record Step(Kind kind, int a, int b, int c, boolean flag, int fail) {}

  /** A map entry's reference: amap, first slot, length; {@code all} for an AMAP_REFALL ref. */
  static final class Ref {
    final VmMapEntry entry = new VmMapEntry();
    boolean all;

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

  /** The model of one amap: which anon each slot holds. */
  static final class Model {
    Anon[] slot;

    Model(int nslot) {
      slot = new Anon[nslot];
    }
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
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.COW_NOW)),
            net.jqwik.api.Tuple.of(1, Arbitraries.just(Kind.WIPERANGE)));
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
      while (!refs.isEmpty()) {
        Ref r = refs.remove(refs.size() - 1);
        r.amap().unref(r.off(), r.all ? r.amap().nslot() : r.pages(), r.all);
        modelDrop(r);
        check("tear-down");
      }
      assertThat(svc.allocator.liveTotal()).as("allocations left").isZero();
      assertThat(svc.list.size()).isZero();
      assertThat(svc.content).as("pages left").isEmpty();
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
        int from = r.all ? 0 : r.off();
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

    // ---- the steps ------------------------------------------------------------------------

    void apply(Step s) {
      if (refs.isEmpty() && s.kind() != Kind.ALLOC) {
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
        case UNMAP_PART -> unmapPart(s);
        case EXTEND -> extend(s);
        case COPY -> copy(s);
        case COW_NOW -> cowNow(s);
        case WIPERANGE -> wiperange(s);
      }
    }

    private void injectFailure(Step s) {
      if (s.fail() > 0 && s.flag()) {
        svc.allocator.failNth(s.fail());
      }
    }

    private void alloc(Step s) {
      int pages = 1 + s.a() % 12;
      int pad = s.b() % 3 == 0 ? s.c() % 5 : 0;
      injectFailure(s);
      Amap a = Amap.alloc(svc, pages * PG, pad * PG, s.flag());
      svc.allocator.clearFailures();
      if (a == null) {
        assertThat(s.flag()).as("only NOWAIT allocations fail").isTrue();
        return;
      }
      amaps.add(a);
      models.put(a, new Model(a.nslot()));
      newRef(a, 0, pages);
      outcome = "alloc";
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
      a.lock();
      old.lock();
      a.add(r.entry.aref, page * PG, an, true);
      old.unlock();
      a.unlock();
      dropAnonRef(old, svc);
      m.slot[r.off() + page] = an;
      outcome = "replace";
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
      if (all && a.pprefCounts() == null && !a.isPprefDisabled()) {
        // the seed's establish assumes every reference covers [offset, nslot): a whole-amap
        // reference is only consistent with that while every entry starts at slot 0
        for (Ref o : refsOf(a)) {
          if (o.off() != 0) {
            return;
          }
        }
      }
      injectFailure(s); // may fail the ppref allocation: the amap then goes without
      a.ref(r.off(), r.pages(), (s.flag() ? Amap.AMAP_SHARED : 0) | (all ? Amap.AMAP_REFALL : 0));
      svc.allocator.clearFailures();
      Ref n = newRef(a, r.off(), r.pages());
      n.all = all;
      outcome = all ? "ref REFALL" : "ref";
    }

    private void unref(Step s) {
      Ref r = pick(s.a());
      refs.remove(r);
      Amap a = r.amap();
      injectFailure(s);
      a.unref(r.off(), r.all ? a.nslot() : r.pages(), r.all);
      svc.allocator.clearFailures();
      outcome = a.isFreed() ? "unref (last)" : "unref";
      modelDrop(r);
    }

    private void split(Step s) {
      Ref r = pick(s.a());
      if (r.all || r.pages() < 2) {
        return;
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
    }

    /** munmap of the front or back of an entry: clip, then drop the clipped-off part. */
    private void unmapPart(Step s) {
      Ref r = pick(s.a());
      if (r.all || r.pages() < 2) {
        return;
      }
      split(s);
      Ref right = refs.get(refs.size() - 1);
      Ref gone = s.c() % 2 == 0 ? right : r;
      refs.remove(gone);
      gone.amap().unref(gone.off(), gone.pages(), false);
      modelDrop(gone);
      outcome = "unmap part";
    }

    private void extend(Step s) {
      Ref r = pick(s.a());
      Amap a = r.amap();
      if (r.all || a.ref() != 1) {
        return;
      }
      int add = 1 + s.b() % 6;
      boolean forwards = s.c() % 2 == 0;
      Model m = models.get(a);
      int off = r.off();
      int pages = r.pages();
      // ppref off (PPREF_NONE): extend first wipes the stale anons outside the window (issue 13)
      boolean wipesStale = a.isPprefDisabled();
      if (!forwards && add > off && !wipesStale) {
        // the window slides: the seed needs every anon inside it (true unless ppref is off)
        for (int x = 0; x < m.slot.length; x++) {
          if ((x < off || x >= off + pages) && m.slot[x] != null) {
            return;
          }
        }
      }
      boolean nowait = s.flag();
      injectFailure(s);
      int rv =
          Amap.extend(
              r.entry,
              add * PG,
              (forwards ? Amap.AMAP_EXTEND_FORWARDS : Amap.AMAP_EXTEND_BACKWARDS)
                  | (nowait ? Amap.AMAP_EXTEND_NOWAIT : 0));
      svc.allocator.clearFailures();
      if (wipesStale) {
        for (int x = 0; x < m.slot.length; x++) {
          if (x < off || x >= off + pages) {
            m.slot[x] = null;
          }
        }
      }
      if (rv != 0) {
        assertThat(rv == Errno.ENOMEM ? nowait : rv == Errno.E2BIG).isTrue();
        assertThat(r.off()).isEqualTo(off);
        outcome = "extend " + (rv == Errno.E2BIG ? "E2BIG" : "ENOMEM");
        return;
      }
      outcome = "extend " + (forwards ? "fwd" : "back") + (a.hasPpref() ? " ppref" : "");
      Anon[] window = new Anon[pages];
      System.arraycopy(m.slot, off, window, 0, pages);
      int newoff = r.off();
      Anon[] now = new Anon[a.nslot()];
      if (forwards || newoff + add == off) {
        // nothing moved
        System.arraycopy(m.slot, 0, now, 0, m.slot.length);
        assertThat(newoff).isEqualTo(forwards ? off : off - add);
      } else {
        System.arraycopy(window, 0, now, newoff + add, pages);
      }
      m.slot = now;
      if (forwards) {
        r.entry.end += add * PG;
      } else {
        r.entry.start -= add * PG;
      }
      modelWipeUncovered(a);
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
      amaps.add(dst);
      Model nm = new Model(dst.nslot());
      System.arraycopy(models.get(src).slot, oldoff, nm.slot, 0, r.pages());
      models.put(dst, nm);
      modelWipeUncovered(src);
      outcome = "copy";
    }

    private void cowNow(Step s) {
      Ref r = pick(s.a());
      if (r.all) {
        return;
      }
      Amap a = r.amap();
      Model m = models.get(a);
      Anon[] before = m.slot.clone();
      assertThat(Amap.cowNow(r.entry)).isZero();
      outcome = "cow_now";
      for (int x = 0; x < m.slot.length; x++) {
        Anon old = before[x];
        Anon now = TestServices.at(a, x);
        if (old == null) {
          assertThat(now).isNull();
        } else if (now != old) {
          // copied: a fresh private anon with the same contents
          assertThat(anons).doesNotContain(now);
          assertThat(now.ref).isEqualTo(1);
          assertThat(svc.content.get(now.page)).isEqualTo(svc.content.get(old.page));
          anons.add(now);
          m.slot[x] = now;
          now.page.wireCount = 1; // as if the child wired its entry too (later cow_nows)
        }
      }
      for (int x = 0; x < m.slot.length; x++) {
        if (m.slot[x] != null) {
          assertThat(m.slot[x].ref).as("after cow_now slot %d", x).isEqualTo(1);
        }
      }
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

    // ---- the check ------------------------------------------------------------------------

    void check(String where) {
      Map<Anon, Integer> pointers = new IdentityHashMap<>();
      for (Map.Entry<Amap, Model> e : models.entrySet()) {
        Amap a = e.getKey();
        Model m = e.getValue();
        assertThat(a.isFreed()).as("%s: %s freed while referenced", where, a).isFalse();
        assertThat(a.ref()).as("%s: am_ref of %s", where, a).isEqualTo(refsOf(a).size());
        assertThat(a.nslot()).as("%s: nslot of %s", where, a).isEqualTo(m.slot.length);
        a.lock();
        for (int x = 0; x < m.slot.length; x++) {
          assertThat(a.anonAt(x)).as("%s: slot %d of %s", where, x, a).isSameAs(m.slot[x]);
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
      for (Anon an : anons) {
        Integer n = pointers.get(an);
        if (n == null) {
          assertThat(an.isFreed()).as("%s: %s unreachable but not freed", where, an).isTrue();
        } else {
          assertThat(an.isFreed()).as("%s: %s freed while referenced", where, an).isFalse();
          assertThat(an.ref).as("%s: ref of %s", where, an).isEqualTo(n);
        }
      }
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
          assertThat(out).as("%s: lookups", where).containsExactly(want);
        }
      }
    }
  }
}
