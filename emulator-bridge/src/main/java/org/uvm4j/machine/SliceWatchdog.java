package org.uvm4j.machine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Ends a CPU-bound run when its time slice is up, without instruction counting: one daemon thread
 * per {@link Machine} (started at the first timed run) that calls {@link CpuBackend#preempt()} once
 * a run has used its slice of the emulating thread's CPU time; the run then ends at the start of
 * its next translated block, between two instructions. CPU time rather than wall-clock time, so
 * that a loaded host (other processes, GC and JIT threads) does not make preemption likelier: the
 * watchdog sleeps until the slice could be up in wall-clock time, then reads the emulating thread's
 * CPU clock and sleeps again for what is left. (Where the JVM cannot read another thread's CPU
 * time, the slice is wall-clock time.)
 *
 * <p>Invariants, all under {@code lock}:
 *
 * <ul>
 *   <li>{@link CpuBackend#preempt()} is only called while a timed run is in progress ({@code
 *       running}, set by {@link #begin} just before {@code uc_emu_start} and cleared by {@link
 *       #end} right after it), once per run, and only for the run whose generation the watchdog
 *       saw. {@link #end} withdraws a request the run did not take ({@link
 *       CpuBackend#clearPreemption()}), so a request meant for one run never ends a later one.
 *   <li>A request is never lost: it stays pending until the run takes it at a block start (a
 *       request made while {@code uc_emu_start} is still setting up is taken by the first block).
 *   <li>After {@link #close()} the watchdog never calls into the engine again.
 * </ul>
 *
 * <p>The emulating thread pays one uncontended lock per run and wakes the watchdog only when it was
 * idle (at most once per slice): a watchdog sleeping towards an older deadline wakes, sees the
 * newer one and sleeps again.
 */
final class SliceWatchdog implements AutoCloseable {
  private final CpuBackend cpu;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final boolean cpuClock;
  private final ReentrantLock lock = new ReentrantLock();

  /** Signalled when a run begins or ends and at close (waits are in nanoseconds, not ms). */
  private final Condition changed = lock.newCondition();

  private Thread thread;
  private boolean running;
  private long generation;
  private long deadline;
  private long slice;
  private long cpuAtBegin;
  private long engineThread;
  private long stoppedGeneration = -1;
  private boolean idle;
  private boolean closed;
  private long stops;

  SliceWatchdog(CpuBackend cpu) {
    this.cpu = cpu;
    boolean on = false;
    try {
      on = threads.isThreadCpuTimeSupported() && threads.isCurrentThreadCpuTimeSupported();
      if (on && !threads.isThreadCpuTimeEnabled()) {
        threads.setThreadCpuTimeEnabled(true);
      }
    } catch (UnsupportedOperationException | SecurityException e) {
      // a JVM without per-thread CPU time (ThreadMXBean reports that with these exceptions): the
      // slices are then measured in wall-clock time, which is still a correct preemption, only
      // one that a loaded host shortens
      on = false;
    }
    this.cpuClock = on;
  }

  /**
   * A timed run starts now on the calling thread and may use {@code sliceNanos} of its CPU time,
   * counted from {@code started} (a {@link System#nanoTime()} and the thread's CPU clock read at
   * the start of the slice); call right before {@link CpuBackend#start}.
   *
   * @return the run's generation, for {@link #end}
   */
  long begin(long started, long cpuStarted, long sliceNanos) {
    lock.lock();
    try {
      if (closed) {
        throw new IllegalStateException("the watchdog is closed");
      }
      generation++;
      running = true;
      this.deadline = started + sliceNanos;
      this.slice = sliceNanos;
      this.cpuAtBegin = cpuStarted;
      this.engineThread = Thread.currentThread().getId();
      if (thread == null) {
        thread = new Thread(this::watch, "uvm4j-slice-watchdog");
        thread.setDaemon(true);
        thread.start();
      } else if (idle) {
        changed.signal();
      }
      return generation;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The run of generation {@code gen} ended (right after {@link CpuBackend#start} returned).
   *
   * @return whether the watchdog asked that run to stop (its slice was up)
   */
  boolean end(long gen) {
    lock.lock();
    try {
      running = false;
      if (stoppedGeneration == gen) {
        cpu.clearPreemption(); // the run ended before a block start took the request
        changed.signal(); // the watchdog waits for this run's end
        return true;
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The calling thread's CPU time in ns, as {@link #begin} wants it; -1 where the JVM cannot read
   * thread CPU clocks (the slice is then wall-clock time).
   */
  long threadCpuTime() {
    return cpuClock ? threads.getCurrentThreadCpuTime() : -1;
  }

  /** Preemption requests issued (one per preempted run). */
  long stops() {
    lock.lock();
    try {
      return stops;
    } finally {
      lock.unlock();
    }
  }

  private void watch() {
    lock.lock();
    try {
      while (!closed) {
        if (!running) {
          idle = true;
          changed.awaitUninterruptibly();
          idle = false;
          continue;
        }
        long left = deadline - System.nanoTime();
        if (left > 0) {
          changed.awaitNanos(left);
          continue;
        }
        if (cpuClock && cpuAtBegin >= 0) {
          long used = threads.getThreadCpuTime(engineThread) - cpuAtBegin;
          if (used >= 0 && used < slice) {
            deadline = System.nanoTime() + (slice - used); // waited for the CPU: not used up
            continue;
          }
        }
        // the slice of the run of this generation is up, and that run is still in the engine
        cpu.preempt();
        stops++;
        stoppedGeneration = generation;
        long gen = generation;
        while (!closed && running && generation == gen) {
          changed.awaitUninterruptibly(); // until the run ends: one request per run
        }
      }
    } catch (InterruptedException e) {
      // only close() interrupts
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread; afterwards the engine may be closed. Idempotent. */
  @Override
  public void close() {
    Thread t;
    lock.lock();
    try {
      closed = true;
      running = false;
      changed.signalAll();
      t = thread;
    } finally {
      lock.unlock();
    }
    if (t != null) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
