package org.uvm4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.uvm4j.api.GuestBuilder;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.Uvm4j;
import org.uvm4j.api.Uvm4jException;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.RunLimitException;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * The production {@link GuestRunner}, a client of the Java API ({@link Uvm4j}): one guest run per
 * request, with the CLI's streams as the guest's console and the host environment as the guest's;
 * the run's {@link Uvm4jException} status (127 not found, 126 not executable, 124 run limit, 125
 * uvm4j failed) becomes the CLI's exit code. Prints what the options ask for after the run ({@code
 * --stats} lines, the summary), also after a failed run.
 */
public final class KernelRunner implements GuestRunner {
  private final InputStream in;
  private final PrintStream out;
  private final PrintStream err;

  /** A runner whose guests read {@code in} and write {@code out} and {@code err}. */
  public KernelRunner(InputStream in, PrintStream out, PrintStream err) {
    this.in = in;
    this.out = out;
    this.err = err;
  }

  @Override
  public int run(RunRequest request, PrintStream statsOut) throws RunFailure {
    GuestBuilder guest =
        Uvm4j.guest(request.program())
            .argv0(request.argv().get(0))
            .args(request.argv().subList(1, request.argv().size()))
            .env(System.getenv())
            .ram(request.ramBytes())
            .deterministic(request.deterministic())
            .stdin(in)
            .stdout(out)
            .stderr(err)
            .backend(request.backend())
            .swapForce(request.swapForce())
            .maxInstructions(request.maxInstructions())
            .metadataBudget(request.metadataBudget())
            .cpus(request.cpus())
            .fs(request.fs())
            .audit(false);
    if (request.timeout() != null) {
      guest.timeout(request.timeout());
    }
    if (request.timeSlice() != null) {
      guest.timeSlice(request.timeSlice());
    }
    if (request.clockStart() != null) {
      guest.clockStart(request.clockStart().instant());
    }
    if (request.swapFile() != null) {
      guest.swap(request.swapFile(), request.swapBytes());
    }
    if (request.tracer() != null) {
      guest.tracer(request.tracer());
    }
    if (request.maps()) {
      guest.mapsTo(statsOut).attach(MapsSignal::install);
    }
    if (request.tools().strace() != null) {
      guest.straceTo(request.tools().strace());
    }
    if (request.tools().gdb() != null) {
      guest.debugger(request.tools().gdb());
    }
    if (request.tools().progress()) {
      PrintStream progressOut = statsOut;
      boolean terminal = System.console() != null;
      guest.attach(k -> Progress.install(k, progressOut, terminal));
    }
    // --summary, or --stats on a terminal (piped --stats output stays NAME VALUE lines only)
    guest.summary(request.tools().summary() || (request.stats() && System.console() != null));
    Thread lastResort = request.timeout() != null ? lastResort(request.timeout()) : null;
    GuestResult result = null;
    try {
      result = guest.run();
      if (!audit(request, result.kernel(), statsOut)) {
        throw new RunFailure(
            RunFailure.MACHINE_ERROR,
            "system audit found problems (listed in " + request.tools().audit() + ")",
            null);
      }
      return result.status();
    } catch (Uvm4jException e) {
      result = e.partialResult();
      if (result != null && result.kernel() != null) {
        audit(request, result.kernel(), statsOut);
      }
      throw new RunFailure(e.exitCode(), e.getMessage(), e);
    } finally {
      if (lastResort != null) {
        lastResort.interrupt();
      }
      closeTrace(request, statsOut);
      if (request.tools().closeStrace()) {
        request.tools().strace().close();
      }
      if (result != null) {
        if (request.stats()) {
          // with the system calls the guest made that uvm4j answered ENOSYS (not on stderr else)
          result.statsLines().forEach(statsOut::println);
        }
        if (guest.summaryOn()) {
          statsOut.print(result.summary());
        }
      }
    }
  }

  /**
   * --audit FILE: the whole-system audit ({@link SystemAudit}) of the ended run, with no address
   * space left, so every frame must be free or a page of a live anonymous object (a tmpfs file's
   * {@code uao} pages, resident or in swap), every amap and anon gone, the page queues and counters
   * consistent. Writes {@code system audit: clean (F of N frames free)} or {@code system audit: K
   * problem(s)} and one line per problem.
   *
   * @return true when clean (or no --audit)
   */
  static boolean audit(RunRequest request, Kernel kernel, PrintStream statsOut) {
    Path file = request.tools().audit();
    if (file == null) {
      return true;
    }
    List<String> problems = SystemAudit.problems(kernel.uvm(), List.of());
    StringBuilder sb = new StringBuilder();
    if (problems.isEmpty()) {
      sb.append("system audit: clean (")
          .append(kernel.uvm().physMem().freeCount())
          .append(" of ")
          .append(kernel.uvm().physMem().frameCount())
          .append(" frames free)\n");
    } else {
      sb.append("system audit: ").append(problems.size()).append(" problem(s)\n");
      for (String p : problems) {
        sb.append("  ").append(p).append('\n');
      }
    }
    try {
      Files.writeString(file, sb.toString());
    } catch (IOException e) {
      statsOut.println("uvm4j: --audit " + file + ": " + e.getMessage());
      return false;
    }
    return problems.isEmpty();
  }

  /** Grace after --timeout before the CLI stops waiting for the kernel to end the run. */
  static final long LAST_RESORT_GRACE_MS = 5_000;

  /**
   * --timeout when the kernel cannot end the run itself (its thread blocked in host I/O, e.g. a
   * read of a terminal that never comes): after the grace period, one line and exit 124 (the swap
   * file's shutdown hook still runs).
   */
  private Thread lastResort(java.time.Duration timeout) {
    Thread t =
        new Thread(
            () -> {
              try {
                Thread.sleep(timeout.toMillis() + LAST_RESORT_GRACE_MS);
              } catch (InterruptedException e) {
                return;
              }
              err.println(
                  "uvm4j: timed out after "
                      + timeout.toString().substring(2).toLowerCase(java.util.Locale.ROOT)
                      + " (--timeout); the guest was blocked in host I/O");
              err.flush();
              System.exit(RunLimitException.EXIT_CODE);
            },
            "uvm4j-timeout");
    t.setDaemon(true);
    t.start();
    return t;
  }

  /** Ends the trace file; says so if writing it failed (the run itself is not affected). */
  private static void closeTrace(RunRequest request, PrintStream err) {
    if (request.tracer() == null) {
      return;
    }
    try {
      request.tracer().close();
    } catch (IOException e) {
      err.println("uvm4j: the trace is incomplete: " + e.getMessage());
    }
  }
}
