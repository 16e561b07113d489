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
 * Round-robin scheduling ({@code kern_synch.c}): a FIFO run queue of runnable processes, each run
 * for at most one quantum of instructions, and the sleepers with their channels ({@code
 * tsleep}/{@code wakeup}) and virtual-time deadlines. Everything is ordered by insertion, so a run
 * is deterministic.
 *
 * <p>Invariant: a process is on the run queue at most once and only while {@link
 * ProcState#RUNNABLE}; it is in the sleeper set exactly while {@link ProcState#SLEEPING}.
 */
public final class Scheduler implements Wakeup, HostIo {
  private static final Logger log = LogManager.getLogger("kern.proc");

  private final ArrayDeque<Proc> runQueue = new ArrayDeque<>();
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

  public Scheduler(VirtualClock clock) {
    this.clock = clock;
  }

  /** setrunnable: puts a process at the tail of the run queue. */
  public void setRunnable(Proc p) {
    if (p.state == ProcState.SLEEPING) {
      sleepers.remove(p);
      p.wchan = null;
      p.wakeAt = -1;
    }
    p.state = ProcState.RUNNABLE;
    if (!runQueue.contains(p)) {
      runQueue.addLast(p);
    }
  }

  /**
   * tsleep: the process stops being runnable until {@link #wakeup} on {@code chan}, the virtual
   * deadline {@code wakeAt} (ns since boot, -1 for none), or a signal.
   */
  public void sleep(Proc p, WaitChannel chan, long wakeAt) {
    runQueue.remove(p);
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
    runQueue.remove(p);
    sleepers.remove(p);
    p.state = ProcState.TRACED;
  }

  /** Blocks a vfork parent until its child releases it. */
  public void vforkWait(Proc p) {
    runQueue.remove(p);
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
    runQueue.remove(p);
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

  /** The next process to run (taken off the queue), or null when none is runnable. */
  public Proc next() {
    hostEvents.drain(this);
    expireTimers();
    Proc p;
    while ((p = runQueue.pollFirst()) != null) {
      if (p.state == ProcState.RUNNABLE) {
        switches++;
        return p;
      }
    }
    return null;
  }

  /**
   * Whether a process other than the running one could use the CPU now, or a timer (a sleeper's
   * deadline, an alarm) waits for virtual time to pass: then a CPU-bound process must be preempted.
   */
  public boolean contended() {
    if (!runQueue.isEmpty() || !alarms.isEmpty() || hostEvents.hasPending()) {
      return true;
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

  /** Puts the process that just ran back at the tail if it is still runnable. */
  public void requeue(Proc p) {
    if (p.state == ProcState.RUNNABLE && !runQueue.contains(p)) {
      runQueue.addLast(p);
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
