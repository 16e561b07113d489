package org.uvm4j.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.uvm4j.kernel.Kernel;

/**
 * {@code --progress}: a live line on stderr while the guests run — wall time, virtual instructions,
 * faults and faults per second, resident memory, swap in use, live processes — rewritten in place
 * ({@code \r}) on a terminal, one line per interval otherwise, and a last line when the run ends.
 * Runs on the kernel's thread between time slices ({@link Kernel#setBetweenSlices}); reads counters
 * only, never the fault path.
 */
final class Progress implements Runnable, AutoCloseable {
  /** How often the line is redrawn. */
  static final long INTERVAL_NANOS = 1_000_000_000L;

  private static final long PAGE = 4096;

  private final Kernel kernel;
  private final PrintStream out;
  private final boolean terminal;
  private final long start;
  private long lastAt;
  private long lastFaults;

  Progress(Kernel kernel, PrintStream out, boolean terminal) {
    this.kernel = kernel;
    this.out = out;
    this.terminal = terminal;
    this.start = System.nanoTime();
    this.lastAt = start;
  }

  /** Installs a progress line on {@code kernel}'s run; closing it prints the last line. */
  static AutoCloseable install(Kernel kernel, PrintStream out, boolean terminal) {
    Progress p = new Progress(kernel, out, terminal);
    kernel.setBetweenSlices(p);
    return p;
  }

  /** Between two slices: redraws the line once per interval. */
  @Override
  public void run() {
    long now = System.nanoTime();
    if (now - lastAt >= INTERVAL_NANOS) {
      print(now, false);
    }
  }

  /** The run ended: the last line, with the totals. */
  @Override
  public void close() {
    print(System.nanoTime(), true);
  }

  private void print(long now, boolean last) {
    long faults = kernel.stats().faults;
    long dt = Math.max(1, now - lastAt);
    long rate = (faults - lastFaults) * 1_000_000_000L / dt;
    long resident = kernel.stats().npages - kernel.uvm().physMem().freeCount();
    boolean counted = kernel.config().deterministic() || kernel.config().maxInstructions() > 0;
    String line =
        line(
            last,
            now - start,
            counted
                ? human(kernel.counters().instructions, "") + " instructions"
                : human(kernel.counters().syscalls, "") + " syscalls",
            faults,
            rate,
            resident * PAGE,
            kernel.stats().swpginuse * PAGE,
            kernel.liveProcesses());
    if (terminal) {
      out.print("\r" + line + "\033[K" + (last ? "\n" : ""));
    } else {
      out.println(line);
    }
    out.flush();
    lastAt = now;
    lastFaults = faults;
  }

  /** One progress line (the last one starts with "done"). */
  static String line(
      boolean last,
      long elapsedNanos,
      String work,
      long faults,
      long faultsPerSecond,
      long residentBytes,
      long swapBytes,
      int processes) {
    return String.format(
        Locale.ROOT,
        "uvm4j: %s%.1fs  %s  %d faults (%s/s)  resident %s  swap %s  %d process%s",
        last ? "done in " : "",
        elapsedNanos / 1e9,
        work,
        faults,
        human(faultsPerSecond, ""),
        human(residentBytes, "B"),
        human(swapBytes, "B"),
        processes,
        processes == 1 ? "" : "es");
  }

  /** 1234 -> 1.2k, 5_000_000 -> 5.0M (bytes: powers of 1024, KiB/MiB/GiB). */
  static String human(long v, String unit) {
    boolean bytes = unit.equals("B");
    double base = bytes ? 1024 : 1000;
    String[] names =
        bytes
            ? new String[] {"B", "KiB", "MiB", "GiB", "TiB"}
            : new String[] {"", "k", "M", "G", "T"};
    double x = v;
    int i = 0;
    while (Math.abs(x) >= base && i < names.length - 1) {
      x /= base;
      i++;
    }
    return i == 0 ? v + names[0] : String.format(Locale.ROOT, "%.1f%s", x, names[i]);
  }
}
