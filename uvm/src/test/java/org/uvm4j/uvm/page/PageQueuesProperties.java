package org.uvm4j.uvm.page;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.From;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.uvm4j.uvm.UvmExp;

/**
 * The free list and the paging queues against a model: random alloc, free, activate, deactivate,
 * dequeue, wire and unwire. The model keeps the set of allocated frames, each queue as an ordered
 * set (insertion at the tail, removal anywhere) and wire counts; after every step the real queues
 * must list the same frames in the same order and every counter must agree.
 */
class PageQueuesProperties {
  private static final int FRAMES = 12;

  enum Kind {
    ALLOC,
    FREE,
    ACTIVATE,
    DEACTIVATE,
    DEQUEUE,
    WIRE,
    UNWIRE
  }

  record Op(Kind kind, int which) {}

  @Provide
  Arbitrary<Op> op() {
    return Combinators.combine(
            Arbitraries.of(Kind.class), Arbitraries.integers().between(0, FRAMES - 1))
        .as(Op::new);
  }

  @Property
  void queuesMatchTheModel(@ForAll @Size(max = 80) List<@From("op") Op> ops) {
    UvmExp exp = new UvmExp();
    PhysMem pm = new PhysMem((FRAMES + 1) * PhysMem.PAGE_SIZE, exp);
    PageQueues q = new PageQueues(exp);
    List<VmPage> allocated = new ArrayList<>();
    LinkedHashSet<Integer> active = new LinkedHashSet<>();
    LinkedHashSet<Integer> inactive = new LinkedHashSet<>();
    int[] wired = new int[FRAMES + 1];

    for (Op op : ops) {
      VmPage pg = allocated.isEmpty() ? null : allocated.get(op.which() % allocated.size());
      switch (op.kind()) {
        case ALLOC -> {
          VmPage got = pm.alloc();
          if (allocated.size() == FRAMES) {
            assertThat(got).isNull();
          } else {
            assertThat(got).isNotNull();
            assertThat(allocated).doesNotContain(got);
            allocated.add(got);
          }
        }
        case FREE -> {
          if (pg != null) {
            q.dequeue(pg);
            q.dropWiring(pg);
            pm.free(pg);
            allocated.remove(pg);
            active.remove(pg.frame);
            inactive.remove(pg.frame);
            wired[pg.frame] = 0;
          }
        }
        case ACTIVATE -> {
          if (pg != null) {
            q.activate(pg);
            if (wired[pg.frame] == 0) {
              inactive.remove(pg.frame);
              active.remove(pg.frame);
              active.add(pg.frame);
            }
          }
        }
        case DEACTIVATE -> {
          if (pg != null && wired[pg.frame] == 0) {
            q.deactivate(pg);
            active.remove(pg.frame);
            inactive.add(pg.frame); // no-op if already there: keeps its place
          }
        }
        case DEQUEUE -> {
          if (pg != null) {
            q.dequeue(pg);
            active.remove(pg.frame);
            inactive.remove(pg.frame);
          }
        }
        case WIRE -> {
          if (pg != null) {
            q.wire(pg);
            wired[pg.frame]++;
            active.remove(pg.frame);
            inactive.remove(pg.frame);
          }
        }
        case UNWIRE -> {
          if (pg != null && wired[pg.frame] > 0) {
            q.unwire(pg);
            if (--wired[pg.frame] == 0) {
              active.add(pg.frame);
            }
          }
        }
      }
      q.check();
      pm.check();
      assertThat(frames(q, true)).containsExactlyElementsOf(active);
      assertThat(frames(q, false)).containsExactlyElementsOf(inactive);
      assertThat(exp.active).isEqualTo(active.size());
      assertThat(exp.inactive).isEqualTo(inactive.size());
      long wiredPages = 0;
      for (int w : wired) {
        wiredPages += w > 0 ? 1 : 0;
      }
      assertThat(exp.wired).isEqualTo(wiredPages);
      assertThat(pm.freeCount()).isEqualTo(FRAMES - allocated.size());
      assertThat(exp.free).isEqualTo(FRAMES - allocated.size());
      for (VmPage a : allocated) {
        assertThat(a.wireCount).isEqualTo(wired[a.frame]);
      }
    }
  }

  private static List<Integer> frames(PageQueues q, boolean active) {
    List<Integer> l = new ArrayList<>();
    q.lock().lock();
    try {
      for (VmPage pg = active ? q.activeHead() : q.inactiveHead();
          pg != null;
          pg = pg.queueNext()) {
        l.add(pg.frame);
      }
    } finally {
      q.lock().unlock();
    }
    return l;
  }
}
