package org.uvm4j.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.uvm4j.kernel.ExecException;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.RunLimitException;
import org.uvm4j.kernel.RunSummary;
import org.uvm4j.kernel.strace.Strace;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.machine.MachineException;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * The production {@link GuestRunner}: one {@link Kernel} per run, with the CLI's streams as the
 * guest's console and the host environment as the guest's. Maps the kernel's failures to the CLI's
 * exit codes: {@link ExecException} to 127/126 by its kind, {@link MachineException} (libunicorn
 * missing or too old, an emulator error) to 125.
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
    Map<String, String> env = System.getenv();
    KernelConfig.Builder cfg =
        KernelConfig.builder()
            .ram(request.ramBytes())
            .deterministic(request.deterministic())
            .stdin(in)
            .stdout(out)
            .stderr(err)
            .env(env)
            .backend(request.backend())
            .swapForce(request.swapForce())
            .maxInstructions(request.maxInstructions())
            .fs(request.fs());
    if (request.timeout() != null) {
      cfg.timeout(request.timeout());
    }
    if (request.swapFile() != null) {
      cfg.swap(request.swapFile(), request.swapBytes());
    }
    Kernel kernel;
    try {
      kernel = new Kernel(cfg.build(), Linux64::create);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      // a bad configuration or an unusable swap file: one line, no stack trace
      closeTrace(request, statsOut);
      throw new RunFailure(RunFailure.MACHINE_ERROR, e.getMessage(), e);
    }
    if (request.tracer() != null) {
      kernel.setTracer(request.tracer());
    }
    AutoCloseable mapsSignal = () -> {};
    if (request.maps()) {
      kernel.setMapsOutput(statsOut);
      mapsSignal = MapsSignal.install(kernel);
    }
    if (request.tools().strace() != null) {
      kernel.setStrace(new Strace(request.tools().strace()));
    }
    if (request.tools().gdb() != null) {
      kernel.setDebugger(request.tools().gdb());
    }
    // --summary, or --stats on a terminal (piped --stats output stays NAME VALUE lines only)
    RunSummary summary =
        request.tools().summary() || (request.stats() && System.console() != null)
            ? new RunSummary()
            : null;
    kernel.setSummary(summary);
    Thread lastResort = request.timeout() != null ? lastResort(request.timeout()) : null;
    try {
      int status = kernel.run(request.program(), request.argv(), env);
      if (!audit(request, kernel, statsOut)) {
        throw new RunFailure(
            RunFailure.MACHINE_ERROR,
            "system audit found problems (listed in " + request.tools().audit() + ")",
            null);
      }
      return status;
    } catch (RunLimitException e) {
      throw new RunFailure(RunLimitException.EXIT_CODE, e.getMessage(), e);
    } catch (ExecException e) {
      audit(request, kernel, statsOut);
      throw new RunFailure(e.kind().shellCode(), e.getMessage(), e);
    } catch (MachineException e) {
      throw new RunFailure(RunFailure.MACHINE_ERROR, e.getMessage(), e);
    } finally {
      if (lastResort != null) {
        lastResort.interrupt();
      }
      out.flush();
      try {
        mapsSignal.close();
      } catch (Exception e) {
        statsOut.println("uvm4j: " + e.getMessage());
      }
      closeTrace(request, statsOut);
      if (request.tools().closeStrace()) {
        request.tools().strace().close();
      }
      if (request.stats()) {
        kernel.stats().snapshot().forEach((name, value) -> statsOut.println(name + " " + value));
        // the kernel's counters after the UVM's, prefixed: both have a "forks"
        kernel
            .counters()
            .snapshot()
            .forEach((name, value) -> statsOut.println("kern_" + name + " " + value));
        // the system calls the guest made that uvm4j answered ENOSYS (not on stderr otherwise)
        kernel
            .counters()
            .enosys()
            .forEach((name, count) -> statsOut.println("enosys " + name + " " + count));
      }
      if (summary != null) {
        summary.print(statsOut, kernel.stats(), kernel.counters());
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
