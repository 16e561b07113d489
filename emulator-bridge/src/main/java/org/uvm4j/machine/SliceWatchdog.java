package org.uvm4j.machine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * Ends a CPU-bound run when its time slice is up, without instruction counting: one daemon thread
 * per {@link Machine} (started at the first timed run) that calls {@link CpuBackend#stop()} once a
 * run has used its slice of the emulating thread's CPU time. CPU time rather than wall-clock time,
 * so that a loaded host (other processes, GC and JIT threads) does not make preemption likelier:
 * the watchdog sleeps until the slice could be up in wall-clock time, then reads the emulating
 * thread's CPU clock and sleeps again for what is left. (Where the JVM cannot read another thread's
 * CPU time, the slice is wall-clock time.)
 *
 * <p>Invariants, all under {@code lock}:
 *
 * <ul>
 *   <li>{@link CpuBackend#stop()} is only called while a timed run is in progress ({@code running},
 *       set by {@link #begin} just before {@code uc_emu_start} and cleared by {@link #end} right
 *       after it), and only for the run whose generation the watchdog saw: a stop meant for one run
 *       can never be issued once the next one began. libunicorn clears its stop request when a run
 *       begins, so a request that arrived as the earlier run was ending (syscall, fault) dies with
 *       it.
 *   <li>A request that lands while {@code uc_emu_start} is still setting up the run is lost; the
 *       watchdog repeats it every {@link #RETRY_NANOS} until the run ends.
 *   <li>After {@link #close()} the watchdog never calls into the engine again.
 * </ul>
 *
 * <p>The emulating thread pays one uncontended lock per run and wakes the watchdog only when it was
 * idle (at most once per slice): a watchdog sleeping towards an older deadline wakes, sees the
 * newer one and sleeps again.
 */
final class SliceWatchdog implements AutoCloseable {
  /** How often a stop is repeated while the run it was meant for has not ended. */
  static final long RETRY_NANOS = 1_000_000;

  private final CpuBackend cpu;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
  private final boolean cpuClock;
  private final Object lock = new Object();
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
    synchronized (lock) {
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
        lock.notify();
      }
      return generation;
    }
  }

  /**
   * The run of generation {@code gen} ended (right after {@link CpuBackend#start} returned).
   *
   * @return whether the watchdog asked that run to stop (its slice was up)
   */
  boolean end(long gen) {
    synchronized (lock) {
      running = false;
      return stoppedGeneration == gen;
    }
  }

  /**
   * The calling thread's CPU time in ns, as {@link #begin} wants it; -1 where the JVM cannot read
   * thread CPU clocks (the slice is then wall-clock time).
   */
  long threadCpuTime() {
    return cpuClock ? threads.getCurrentThreadCpuTime() : -1;
  }

  /** Stop requests issued (repeats included). */
  long stops() {
    synchronized (lock) {
      return stops;
    }
  }

  private void watch() {
    synchronized (lock) {
      while (!closed) {
        try {
          if (!running) {
            idle = true;
            lock.wait();
            idle = false;
            continue;
          }
          long left = deadline - System.nanoTime();
          if (left > 0) {
            lock.wait(left / 1_000_000, (int) (left % 1_000_000));
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
          cpu.stop();
          stops++;
          stoppedGeneration = generation;
          long gen = generation;
          long until = System.nanoTime() + RETRY_NANOS;
          while (!closed && running && generation == gen) {
            long wait = until - System.nanoTime();
            if (wait <= 0) {
              break; // not ended yet: the request may have been lost, repeat it
            }
            lock.wait(wait / 1_000_000, (int) (wait % 1_000_000));
          }
        } catch (InterruptedException e) {
          return; // only close() interrupts
        }
      }
    }
  }

  /** Stops the thread; afterwards the engine may be closed. Idempotent. */
  @Override
  public void close() {
    Thread t;
    synchronized (lock) {
      closed = true;
      running = false;
      lock.notifyAll();
      t = thread;
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
