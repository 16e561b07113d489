package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.kernel.CpuMasks.mask;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import org.uvm4j.kernel.fs.WaitChannel;

/**
 * The scheduler on a machine of several virtual CPUs: per-CPU run queues taken round-robin, new
 * tasks on the least loaded allowed CPU, woken tasks on their CPU, idle CPUs pulling from long
 * queues, and affinity changes moving a task at once.
 */
class SchedulerCpusTest {
  private final VirtualClock clock = new VirtualClock();
  private final ProcTable t = new ProcTable();

  private static Proc child(Proc parent, ProcTable t) {
    Proc c = t.allocate();
    c.cpusAllowed = parent.cpusAllowed;
    c.cpu = parent.cpu;
    return c;
  }

  /** A new task of {@link #t}, made runnable on {@code s}. */
  private Proc runnable(Scheduler s) {
    Proc p = t.allocate();
    s.setRunnable(p);
    return p;
  }

  /** A new child of {@code parent} in {@code table}, placed by {@code s} as fork does, runnable. */
  private static Proc runnableChild(Scheduler s, Proc parent, ProcTable table) {
    Proc c = child(parent, table);
    s.placeNew(c);
    s.setRunnable(c);
    return c;
  }

  @Test
  void aMachineHasOneToMaxCpus() {
    assertThat(new VirtualCpus(1).cpumaskSize()).isEqualTo(8);
    assertThat(new VirtualCpus(64).cpumaskSize()).isEqualTo(8);
    assertThat(new VirtualCpus(65).cpumaskSize()).isEqualTo(16);
    assertThat(new VirtualCpus(VirtualCpus.MAX_CPUS).online().count())
        .isEqualTo(VirtualCpus.MAX_CPUS);
    assertThatThrownBy(() -> new VirtualCpus(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new VirtualCpus(VirtualCpus.MAX_CPUS + 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> KernelConfig.builder().cpus(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("1 to 1024 CPUs");
  }

  @Test
  void aFirstQueuedTaskMayRunEverywhereAndStartsOnCpu0() {
    Scheduler s = new Scheduler(clock, new VirtualCpus(4));
    Proc a = runnable(s);
    assertThat(a.cpusAllowed()).isEqualTo(CpuMask.first(4));
    assertThat(a.cpu()).isZero();
    assertThat(s.queued(0)).containsExactly(a);
  }

  @Test
  void newTasksGoToTheLeastLoadedAllowedCpu() {
    Scheduler s = new Scheduler(clock, new VirtualCpus(3));
    Proc a = runnable(s);
    assertThat(s.next()).isSameAs(a); // a runs on CPU 0
    Proc b = runnableChild(s, a, t);
    assertThat(b.cpu()).isEqualTo(1); // CPU 0 is busy with a
    Proc c = runnableChild(s, a, t);
    assertThat(c.cpu()).isEqualTo(2);
    Proc d = runnableChild(s, a, t);
    assertThat(d.cpu()).as("all loaded alike: the lowest").isZero();
    // a child allowed only on the busiest CPUs goes to the least loaded of them
    assertThat(s.setAffinity(a, mask(0, 1))).isTrue();
    Proc e = child(a, t);
    s.placeNew(e);
    assertThat(e.cpu()).isEqualTo(1); // CPU 0: a and d; CPU 1: b
  }

  @Test
  void theCpusTakeTurnsSoATaskAloneOnItsCpuRunsEveryOtherSlice() {
    Scheduler s = new Scheduler(clock, new VirtualCpus(2));
    Proc a = runnable(s);
    Proc b = runnable(s);
    Proc c = runnable(s);
    assertThat(s.setAffinity(a, mask(0))).isTrue();
    assertThat(s.setAffinity(b, mask(0))).isTrue();
    assertThat(s.setAffinity(c, mask(1))).isTrue();
    List<Proc> order = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      Proc p = s.next();
      order.add(p);
      s.requeue(p);
    }
    assertThat(order).containsExactly(a, c, b, c, a, c, b, c);
  }

  @Test
  void anIdleCpuPullsAWaitingTaskItMayRunFromALongQueue() {
    Scheduler s = new Scheduler(clock, new VirtualCpus(2));
    Proc a = runnable(s);
    Proc b = runnable(s); // both on CPU 0
    assertThat(s.next()).isSameAs(a); // CPU 0's turn
    s.requeue(a);
    assertThat(s.next()).as("CPU 1 is idle: it takes b").isSameAs(b);
    assertThat(b.cpu()).isEqualTo(1);
    s.requeue(b);
    assertThat(s.queued(0)).containsExactly(a);
    assertThat(s.queued(1)).containsExactly(b);
    // a task pinned to its CPU is not pulled; a queue of one is not pulled from
    Proc c = runnable(s);
    assertThat(s.setAffinity(c, mask(0))).isTrue();
    s.sleep(b, new WaitChannel("w"), -1);
    assertThat(s.next()).isSameAs(a); // CPU 0
    assertThat(s.next()).as("CPU 1 idle, CPU 0 holds c only, pinned").isSameAs(c);
    assertThat(c.cpu()).isZero();
    assertThat(s.next()).isNull();
  }

  @Test
  void aWokenTaskStaysOnItsCpu() {
    Scheduler s = new Scheduler(clock, new VirtualCpus(4));
    Proc a = runnable(s);
    assertThat(s.setAffinity(a, mask(2, 3))).isTrue();
    assertThat(a.cpu()).isEqualTo(2);
    WaitChannel ch = new WaitChannel("w");
    s.sleep(a, ch, -1);
    assertThat(s.queued(2)).isEmpty();
    s.wakeup(ch);
    assertThat(a.cpu()).isEqualTo(2);
    assertThat(s.queued(2)).containsExactly(a);
  }

  @Test
  void setAffinityMovesAQueuedTaskAndRefusesAMaskWithoutOnlineCpus() {
    Scheduler s = new Scheduler(clock, new VirtualCpus(4));
    Proc a = runnable(s);
    Proc b = runnable(s);
    assertThat(s.setAffinity(a, mask(3, 5))).isTrue();
    assertThat(a.cpusAllowed()).as("cut to the online CPUs").isEqualTo(mask(3));
    assertThat(s.queued(3)).containsExactly(a);
    assertThat(s.queued(0)).containsExactly(b);
    assertThat(s.setAffinity(a, mask(4, 9))).isFalse();
    assertThat(a.cpusAllowed()).isEqualTo(mask(3));
    // the running task (off the queues) moves too, and goes back to its new CPU's queue
    Proc r = s.next();
    assertThat(s.setAffinity(r, mask(1))).isTrue();
    assertThat(r.cpu()).isEqualTo(1);
    s.requeue(r);
    assertThat(s.queued(1)).containsExactly(r);
  }

  @Test
  void oneCpuIsTheOldSingleFifo() {
    Scheduler s = new Scheduler(clock);
    Proc a = t.allocate();
    Proc b = t.allocate();
    s.setRunnable(a);
    Proc c = child(a, t);
    s.placeNew(c);
    s.setRunnable(b);
    s.setRunnable(c);
    assertThat(List.of(a.cpu(), b.cpu(), c.cpu())).containsOnly(0);
    List<Proc> order = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      Proc p = s.next();
      order.add(p);
      s.requeue(p);
    }
    assertThat(order).containsExactly(a, b, c, a, b, c);
  }

  /**
   * Whatever tasks are made, pinned and run, each is on a CPU its mask allows, queued at most once
   * and only on its own CPU's queue, and every runnable task runs within one round of the CPUs.
   */
  @Property(tries = 200)
  void everyTaskStaysOnAnAllowedCpuAndRuns(
      @ForAll @IntRange(min = 1, max = 6) int ncpus,
      @ForAll @IntRange(min = 1, max = 8) int ntasks,
      @ForAll @IntRange(min = 0, max = Integer.MAX_VALUE) int seed) {
    java.util.Random rnd = new java.util.Random(seed);
    ProcTable table = new ProcTable();
    Scheduler s = new Scheduler(clock, new VirtualCpus(ncpus));
    List<Proc> tasks = new ArrayList<>();
    Proc first = table.allocate();
    s.setRunnable(first);
    tasks.add(first);
    for (int i = 1; i < ntasks; i++) {
      tasks.add(runnableChild(s, tasks.get(rnd.nextInt(tasks.size())), table));
    }
    for (int step = 0; step < 40; step++) {
      Proc p = s.next();
      assertThat(p).isNotNull();
      if (rnd.nextInt(3) == 0) {
        Proc q = tasks.get(rnd.nextInt(tasks.size()));
        CpuMask m = mask(rnd.nextInt(ncpus + 1), rnd.nextInt(ncpus + 1)); // ncpus: offline
        CpuMask before = q.cpusAllowed();
        boolean ok = s.setAffinity(q, m);
        assertThat(ok).isEqualTo(!m.and(CpuMask.first(ncpus)).isEmpty());
        assertThat(q.cpusAllowed()).isEqualTo(ok ? m.and(CpuMask.first(ncpus)) : before);
      }
      s.requeue(p);
      int queued = 0;
      for (int cpu = 0; cpu < ncpus; cpu++) {
        for (Proc q : s.queued(cpu)) {
          assertThat(q.cpu()).isEqualTo(cpu);
          queued++;
        }
      }
      assertThat(queued).isEqualTo(tasks.size());
      for (Proc q : tasks) {
        assertThat(q.cpusAllowed().contains(q.cpu())).as("%s on %d", q, q.cpu()).isTrue();
      }
    }
    // every task runs within ntasks picks (no CPU starves another's tasks for ever)
    java.util.Set<Proc> ran = new java.util.HashSet<>();
    for (int i = 0; i < ntasks * ncpus; i++) {
      Proc p = s.next();
      ran.add(p);
      s.requeue(p);
    }
    assertThat(ran).containsExactlyInAnyOrderElementsOf(tasks);
  }
}
