package org.uvm4j.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.kernel.fs.HostEvents;
import org.uvm4j.kernel.fs.HostIo;
import org.uvm4j.kernel.fs.WaitChannel;
import org.uvm4j.kernel.fs.Wakeup;

/**
 * Round-robin scheduling ({@code kern_synch.c}) on the machine's {@link VirtualCpus}: one FIFO run
 * queue of runnable tasks per virtual CPU, each task run for at most one quantum of instructions,
 * and the sleepers with their channels ({@code tsleep}/{@code wakeup}) and virtual-time deadlines.
 * One host thread executes one task at a time, so the CPUs take turns as QEMU's single-threaded TCG
 * runs its vCPUs: {@link #next} looks at the CPUs round-robin, starting after the CPU it picked
 * last, and takes the head of the first non-empty queue. Where a task goes:
 *
 * <ul>
 *   <li>a new task (clone, fork) goes to the allowed CPU with the fewest tasks, counting the queued
 *       ones and the one running, the lowest-numbered on a tie ({@link #placeNew}: Linux's fork
 *       balancing, {@code SD_BALANCE_FORK});
 *   <li>a woken or requeued task stays on its CPU ({@code select_task_rq} keeping {@code
 *       prev_cpu}), which is always allowed;
 *   <li>a CPU with an empty queue, when its turn comes, takes the first waiting task it may run
 *       from the CPU with the longest queue, if that queue holds at least two ({@code
 *       newidle_balance});
 *   <li>a task whose affinity no longer holds its CPU moves at once to the lowest allowed CPU
 *       ({@link #setAffinity}: {@code __set_cpus_allowed_ptr} migrates before returning).
 * </ul>
 *
 * With one CPU this is the single FIFO run queue it always was. Everything is ordered by insertion
 * and CPU number, so a run is deterministic.
 *
 * <p>Invariant: a task is on a run queue at most once, only on the queue of its {@link Proc#cpu},
 * and only while {@link ProcState#RUNNABLE}; its CPU is in its affinity mask; it is in the sleeper
 * set exactly while {@link ProcState#SLEEPING}.
 */
public final class Scheduler implements Wakeup, HostIo {
  private static final Logger log = LogManager.getLogger("kern.proc");

  private final VirtualCpus cpus;

  /** The run queues, one per virtual CPU. */
  private final List<ArrayDeque<Proc>> queues;

  /** The CPU whose turn is next (the one after the CPU picked last). */
  private int nextCpu;

  /** The task {@link #next} picked, until {@link #requeue}: its CPU is busy. */
  private Proc running;

  private final Set<Proc> sleepers = new LinkedHashSet<>();
  private final Set<Proc> alarms = new LinkedHashSet<>();
  private java.util.function.Consumer<Proc> alarmHandler = p -> {};
  private final VirtualClock clock;
  private final HostEvents hostEvents = new HostEvents();

  /**
   * What poll and select sleep on ({@code selwait} of the old BSD select): every {@link #wakeup}
   * also wakes its sleepers, which look at their descriptors again and sleep again if none is
   * ready.
   */
  public static final WaitChannel SELECT = new WaitChannel("select");

  /** Channels of host I/O (the console's reader): sleepers on them wait for the host. */
  private final Set<WaitChannel> hostChannels = new LinkedHashSet<>();

  private long switches;
  private boolean yieldRequested;

  /** A scheduler of a one-CPU machine. */
  public Scheduler(VirtualClock clock) {
    this(clock, new VirtualCpus(1));
  }

  /** A scheduler of the machine's {@code cpus}. */
  public Scheduler(VirtualClock clock, VirtualCpus cpus) {
    this.clock = clock;
    this.cpus = cpus;
    List<ArrayDeque<Proc>> q = new ArrayList<>(cpus.count());
    for (int i = 0; i < cpus.count(); i++) {
      q.add(new ArrayDeque<>());
    }
    this.queues = List.copyOf(q);
  }

  /** The machine's virtual CPUs. */
  public VirtualCpus cpus() {
    return cpus;
  }

  /** The run queue of the task's CPU (giving a task queued for the first time every CPU). */
  private ArrayDeque<Proc> queueOf(Proc p) {
    if (p.cpusAllowed == null) {
      p.cpusAllowed = cpus.online(); // a task made without a parent: init_task's every CPU
      p.cpu = 0;
    }
    return queues.get(p.cpu);
  }

  /** setrunnable: puts a task at the tail of its CPU's run queue. */
  public void setRunnable(Proc p) {
    if (p.state == ProcState.SLEEPING) {
      sleepers.remove(p);
      p.wchan = null;
      p.wakeAt = -1;
    }
    p.state = ProcState.RUNNABLE;
    ArrayDeque<Proc> q = queueOf(p);
    if (!q.contains(p)) {
      q.addLast(p);
    }
  }

  /**
   * A new task {@code c} (not yet runnable), made by clone or fork, gets its CPU: of the CPUs its
   * affinity mask (inherited, already set) allows, the one with the fewest tasks — queued, plus the
   * one running — the lowest-numbered on a tie.
   */
  // Linux kernel/sched/core.c: wake_up_new_task -> select_task_rq(SD_BALANCE_FORK)
  public void placeNew(Proc c) {
    if (c.cpusAllowed == null) {
      c.cpusAllowed = cpus.online();
    }
    int best = -1;
    int bestLoad = Integer.MAX_VALUE;
    for (int cpu = c.cpusAllowed.lowest(); cpu >= 0; cpu = c.cpusAllowed.nextFrom(cpu + 1)) {
      int load = queues.get(cpu).size() + (running != null && running.cpu == cpu ? 1 : 0);
      if (load < bestLoad) {
        best = cpu;
        bestLoad = load;
      }
    }
    c.cpu = best;
  }

  /**
   * sched_setaffinity's effect: {@code p} may run only on the online CPUs of {@code mask}; when its
   * CPU is not one of them it moves, before this returns, to the lowest one that is (to the tail of
   * that CPU's queue if it was queued).
   *
   * @return false (nothing changed) when {@code mask} holds no online CPU (Linux's EINVAL)
   */
  // Linux kernel/sched/core.c: __set_cpus_allowed_ptr_locked, affine_move_task
  public boolean setAffinity(Proc p, CpuMask mask) {
    CpuMask allowed = mask.and(cpus.online());
    if (allowed.isEmpty()) {
      return false;
    }
    ArrayDeque<Proc> q = queueOf(p);
    p.cpusAllowed = allowed;
    if (!allowed.contains(p.cpu)) {
      boolean queued = q.remove(p);
      p.cpu = allowed.lowest();
      if (queued) {
        queues.get(p.cpu).addLast(p);
      }
    }
    return true;
  }

  /**
   * tsleep: the process stops being runnable until {@link #wakeup} on {@code chan}, the virtual
   * deadline {@code wakeAt} (ns since boot, -1 for none), or a signal.
   */
  public void sleep(Proc p, WaitChannel chan, long wakeAt) {
    queueOf(p).remove(p);
    p.state = ProcState.SLEEPING;
    p.wchan = chan;
    p.wakeAt = wakeAt;
    p.sleepInterrupted = false;
    sleepers.add(p);
    if (log.isTraceEnabled()) {
      log.trace("{} sleeps on {} until {}", p, chan, wakeAt);
    }
  }

  /** The running process that just went to sleep stays running instead (a signal is pending). */
  public void cancelSleep(Proc p) {
    sleepers.remove(p);
    p.wchan = null;
    p.wakeAt = -1;
    p.state = ProcState.RUNNABLE;
    p.sleepInterrupted = true;
  }

  /** ptrace_stop: the running task stops for its tracer until it is resumed or killed. */
  public void traceStop(Proc p) {
    queueOf(p).remove(p);
    sleepers.remove(p);
    p.state = ProcState.TRACED;
  }

  /** Blocks a vfork parent until its child releases it. */
  public void vforkWait(Proc p) {
    queueOf(p).remove(p);
    p.state = ProcState.VFORK_WAIT;
  }

  /** wakeup: every process sleeping on {@code chan} becomes runnable, in the order they slept. */
  @Override
  public void wakeup(WaitChannel chan) {
    if (sleepers.isEmpty()) {
      return;
    }
    List<Proc> woken = null;
    for (Proc p : sleepers) {
      if (p.wchan == chan || p.wchan == SELECT) {
        if (woken == null) {
          woken = new ArrayList<>();
        }
        woken.add(p);
      }
    }
    if (woken != null) {
      for (Proc p : woken) {
        setRunnable(p);
      }
    }
  }

  /** A signal arrived for a sleeper: it wakes with {@link Proc#sleepInterrupted} set. */
  public void interrupt(Proc p) {
    if (p.state == ProcState.SLEEPING) {
      setRunnable(p);
      p.sleepInterrupted = true;
    }
  }

  /**
   * Removes an exiting task from the queues; the last thread of its process also cancels the alarm
   * (a leader that ends before its other threads keeps the process's alarm).
   */
  public void remove(Proc p) {
    queueOf(p).remove(p);
    if (running == p) {
      running = null;
    }
    sleepers.remove(p);
    if (p.group.size() <= 1) {
      cancelAlarm(p);
    }
  }

  /** The process ended: its alarm (kept by its leader) is cancelled. */
  public void cancelAlarm(Proc p) {
    alarms.remove(p);
    p.alarmAt = -1;
  }

  /** What runs when a process's real-time alarm expires (the kernel posts SIGALRM). */
  public void setAlarmHandler(java.util.function.Consumer<Proc> handler) {
    this.alarmHandler = handler;
  }

  /**
   * setitimer(ITIMER_REAL): arms (or with {@code at < 0} disarms) the process's alarm at virtual
   * time {@code at}, re-armed every {@code interval} ns when positive.
   */
  public void setAlarm(Proc p, long at, long interval) {
    p.alarmAt = at;
    p.alarmInterval = at < 0 ? 0 : interval;
    if (at < 0) {
      alarms.remove(p);
    } else {
      alarms.add(p);
    }
  }

  private void expireAlarms(long now) {
    if (alarms.isEmpty()) {
      return;
    }
    List<Proc> due = null;
    for (Proc p : alarms) {
      if (p.alarmAt <= now) {
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(p);
      }
    }
    if (due != null) {
      for (Proc p : due) {
        if (p.alarmInterval > 0) {
          // skip the periods that passed unseen, as an interval timer overrun does
          long periods = (now - p.alarmAt) / p.alarmInterval + 1;
          p.alarmAt += periods * p.alarmInterval;
        } else {
          setAlarm(p, -1, 0);
        }
        alarmHandler.accept(p);
      }
    }
  }

  /** Wakes the sleepers whose deadline has passed. */
  public void expireTimers() {
    long now = clock.now();
    expireAlarms(now);
    if (sleepers.isEmpty()) {
      return;
    }
    List<Proc> due = null;
    for (Proc p : sleepers) {
      if (p.wakeAt >= 0 && p.wakeAt <= now) {
        if (due == null) {
          due = new ArrayList<>();
        }
        due.add(p);
      }
    }
    if (due != null) {
      for (Proc p : due) {
        setRunnable(p);
      }
    }
  }

  /** Where host threads post wakeups (see {@link HostEvents}). */
  @Override
  public HostEvents hostEvents() {
    return hostEvents;
  }

  /** {@code chan} is fed by host I/O: its sleepers are not deadlocked, they wait for the host. */
  @Override
  public void registerHostChannel(WaitChannel chan) {
    hostChannels.add(chan);
  }

  @Override
  public void unregisterHostChannel(WaitChannel chan) {
    hostChannels.remove(chan);
  }

  /**
   * True when a sleeper waits for host I/O: on a host channel, or in poll/select (which may watch
   * the console) while a host channel exists.
   */
  public boolean hostWaiters() {
    if (hostChannels.isEmpty()) {
      return false;
    }
    for (Proc p : sleepers) {
      if (p.wchan == SELECT || (p.wchan != null && hostChannels.contains(p.wchan))) {
        return true;
      }
    }
    return false;
  }

  /**
   * The next task to run (taken off its queue), or null when none is runnable: the CPUs are looked
   * at round-robin from the one after the CPU picked last; a CPU runs the head of its queue, or
   * when its queue is empty a task it takes from the longest queue ({@link #pullFor}).
   */
  public Proc next() {
    hostEvents.drain(this);
    expireTimers();
    int n = queues.size();
    for (int i = 0; i < n; i++) {
      int cpu = (nextCpu + i) % n;
      Proc p = pollRunnable(queues.get(cpu));
      if (p == null && n > 1) {
        p = pullFor(cpu);
      }
      if (p != null) {
        nextCpu = (cpu + 1) % n;
        switches++;
        running = p;
        return p;
      }
    }
    return null;
  }

  private static Proc pollRunnable(ArrayDeque<Proc> q) {
    Proc p;
    while ((p = q.pollFirst()) != null) {
      if (p.state == ProcState.RUNNABLE) {
        return p;
      }
    }
    return null;
  }

  /**
   * Idle balancing: CPU {@code cpu} has nothing queued; it takes, from the CPU with the longest
   * queue of at least two tasks that holds one it may run (the lowest-numbered on a tie), the first
   * such task, which moves to {@code cpu}. Null when there is none.
   */
  // Linux kernel/sched/fair.c: newidle_balance -> load_balance (find_busiest_queue, detach_tasks)
  private Proc pullFor(int cpu) {
    Proc best = null;
    int bestLen = 1;
    for (int d = 0; d < queues.size(); d++) {
      ArrayDeque<Proc> q = queues.get(d);
      if (d == cpu || q.size() <= bestLen) {
        continue;
      }
      for (Proc p : q) {
        if (p.state == ProcState.RUNNABLE && p.cpusAllowed.contains(cpu)) {
          best = p;
          bestLen = q.size();
          break;
        }
      }
    }
    if (best != null) {
      queues.get(best.cpu).remove(best);
      best.cpu = cpu;
    }
    return best;
  }

  /** The tasks waiting in the run queue of CPU {@code cpu}, in the order they will run. */
  public List<Proc> queued(int cpu) {
    return List.copyOf(queues.get(cpu));
  }

  /**
   * Whether a process other than the running one could use the CPU now, or a timer (a sleeper's
   * deadline, an alarm) waits for virtual time to pass: then a CPU-bound process must be preempted.
   */
  public boolean contended() {
    if (!alarms.isEmpty() || hostEvents.hasPending()) {
      return true;
    }
    for (ArrayDeque<Proc> q : queues) {
      if (!q.isEmpty()) {
        return true; // run serially: a task on any CPU needs the host thread
      }
    }
    if (hostWaiters()) {
      return true; // a slice boundary is where host wakeups are delivered
    }
    for (Proc p : sleepers) {
      if (p.wakeAt >= 0) {
        return true;
      }
    }
    return false;
  }

  /** Puts the task that just ran back at the tail of its CPU's queue if it is still runnable. */
  public void requeue(Proc p) {
    if (running == p) {
      running = null;
    }
    if (p.state == ProcState.RUNNABLE) {
      ArrayDeque<Proc> q = queueOf(p);
      if (!q.contains(p)) {
        q.addLast(p);
      }
    }
  }

  /**
   * Nothing is runnable: advances virtual time to the earliest sleeper deadline or alarm.
   *
   * @return false when there is no deadline and no alarm (nothing will ever run again: deadlock)
   */
  public boolean idle() {
    long earliest = Long.MAX_VALUE;
    for (Proc p : sleepers) {
      if (p.wakeAt >= 0 && p.wakeAt < earliest) {
        earliest = p.wakeAt;
      }
    }
    for (Proc p : alarms) {
      earliest = Math.min(earliest, p.alarmAt);
    }
    if (earliest == Long.MAX_VALUE) {
      return false;
    }
    clock.advanceTo(earliest);
    expireTimers();
    return true;
  }

  /** Processes currently sleeping, in the order they went to sleep. */
  public List<Proc> sleepers() {
    return List.copyOf(sleepers);
  }

  /** sched_yield: the running process gives up the rest of its quantum. */
  public void requestYield() {
    yieldRequested = true;
  }

  /** True once after {@link #requestYield}: the run loop ends the slice. */
  boolean takeYield() {
    boolean y = yieldRequested;
    yieldRequested = false;
    return y;
  }

  /** Number of times a process was picked to run. */
  public long switches() {
    return switches;
  }
}
