package org.uvm4j.kernel.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.uvm4j.kernel.ExecException;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.machine.backend.BackendKind;

/**
 * Whole-kernel costs on the real machine: one system call round trip (guest {@code syscall} →
 * dispatch → back), one fork + exit + wait, one pipe round trip between two processes, and a
 * complete run of a trivial program (kernel and machine set-up, exec, exit, teardown). The guest
 * ({@code guests/loops.c}) is built with musl-gcc at set-up.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class KernelBench {
  static final int SYSCALLS = 200_000;
  static final int FORKS = 1_000;
  static final int ROUND_TRIPS = 20_000;
  static final int COMPUTE_STEPS = 300_000_000;

  /** The libunicorn binding (scripts/bench.sh passes only jna on a JVM without FFM). */
  @Param({"jna", "ffm"})
  String backend;

  Path dir;
  Path loops;

  @Setup(Level.Trial)
  public void build() throws IOException, InterruptedException {
    dir = Files.createTempDirectory("kernelbench");
    for (String f : List.of("kt.h", "loops.c")) {
      try (InputStream in =
          KernelBench.class.getResourceAsStream("/org/uvm4j/kernel/guests/" + f)) {
        Files.copy(in, dir.resolve(f));
      }
    }
    Process p =
        new ProcessBuilder("musl-gcc", "-static", "-O1", "-o", "loops", "loops.c")
            .directory(dir.toFile())
            .inheritIO()
            .start();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("musl-gcc failed");
    }
    loops = dir.resolve("loops");
  }

  private int run(String mode, long n) throws ExecException {
    return run(mode, n, false);
  }

  /**
   * One run of {@code loops mode n}; {@code timed}: with a wall-clock limit, so that even this lone
   * process's runs are timed and the machine installs its preemption hook (a slice longer than the
   * run: the hook is called at every block start but never preempts).
   */
  private int run(String mode, long n, boolean timed) throws ExecException {
    KernelConfig.Builder cfg =
        KernelConfig.builder()
            .stdin(new ByteArrayInputStream(new byte[0]))
            .stdout(OutputStream.nullOutputStream())
            .stderr(OutputStream.nullOutputStream())
            .ram(32L << 20)
            .backend(BackendKind.parse(backend));
    if (timed) {
      cfg.timeout(java.time.Duration.ofHours(1)).timeSlice(java.time.Duration.ofHours(1));
    }
    Kernel k = new Kernel(cfg.build(), Linux64::create);
    int st = k.run(loops, List.of("loops", mode, Long.toString(n)), Map.of());
    if (st != 0) {
      throw new IllegalStateException("loops " + mode + " exited " + st);
    }
    return st;
  }

  /** A whole run of a program that makes one syscall: the fixed cost of {@code uvm4j run}. */
  @Benchmark
  public int runTrivialProgram() throws ExecException {
    return run("syscall", 1);
  }

  /** One getppid round trip (the run's fixed cost spread over 200,000 calls). */
  @Benchmark
  @OperationsPerInvocation(SYSCALLS)
  public int syscall() throws ExecException {
    return run("syscall", SYSCALLS);
  }

  /** One fork + child _exit + waitpid. */
  @Benchmark
  @OperationsPerInvocation(FORKS)
  public int forkExitWait() throws ExecException {
    return run("fork", FORKS);
  }

  /**
   * One step of a CPU-bound loop (no system call, no preemption hook): the baseline below. 300
   * million steps a run, so that the run's fixed cost (~0.2 s, {@link #runTrivialProgram}) is a
   * small part of each step.
   */
  @Benchmark
  @OperationsPerInvocation(COMPUTE_STEPS)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int compute() throws ExecException {
    return run("compute", COMPUTE_STEPS);
  }

  /**
   * The same with the preemption hook ({@code machine.uc.PreemptHook}) installed, as after the
   * first timed run: its cost is the ratio of the two rows.
   */
  @Benchmark
  @OperationsPerInvocation(COMPUTE_STEPS)
  @OutputTimeUnit(TimeUnit.NANOSECONDS)
  public int computeWithPreemptionHook() throws ExecException {
    return run("compute", COMPUTE_STEPS, true);
  }

  /** One byte to a child and back through two pipes (two sleeps, two wakeups, switches). */
  @Benchmark
  @OperationsPerInvocation(ROUND_TRIPS)
  public int pipeRoundTrip() throws ExecException {
    return run("pipe", ROUND_TRIPS);
  }
}
