package org.uvm4j.bench;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.uvm4j.kernel.ExecException;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.syscall.Linux64;

/**
 * End-to-end benchmark: runs the {@code bench_faults} guest through the {@link Kernel} API in one
 * warm JVM, and the same binary natively, and prints per-fault costs and ratios measured in the
 * same run. Each figure is the minimum over the repetitions, after warm-up runs, and the cost of a
 * size-0 run of the same workload (exec, start-up, exit) is subtracted.
 *
 * <pre>
 * GuestBench BINARY [REPS] [ZERO_N] [COW_N] [COMPUTE_N]
 * </pre>
 */
public final class GuestBench {
  private static final long RAM = 512L << 20;

  private final Path bin;
  private final int reps;

  private GuestBench(Path bin, int reps) {
    this.bin = bin;
    this.reps = reps;
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      System.err.println("usage: GuestBench BINARY [REPS] [ZERO_N] [COW_N] [COMPUTE_N]");
      System.exit(2);
    }
    Path bin = Path.of(args[0]);
    int reps = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    long zeroN = args.length > 2 ? Long.parseLong(args[2]) : 20_000;
    long cowN = args.length > 3 ? Long.parseLong(args[3]) : 10_000;
    long computeN = args.length > 4 ? Long.parseLong(args[4]) : 1000;
    new GuestBench(bin, reps).run(zeroN, cowN, computeN);
  }

  private void run(long zeroN, long cowN, long computeN) throws Exception {
    // warm-up: JIT the fault path, the bridge and the kernel
    for (int i = 0; i < 3; i++) {
      uvm("zero", zeroN);
      uvm("cow", cowN);
    }
    Sample z0 = sample("zero", 0);
    Sample z = sample("zero", zeroN);
    Sample c0 = sample("cow", 0);
    Sample c = sample("cow", cowN);
    Sample k0 = sample("compute", 0);
    Sample k = sample("compute", computeN);

    double uZero = (z.uvmNs - z0.uvmNs) / 1e3 / zeroN;
    double nZero = (z.nativeNs - z0.nativeNs) / 1e3 / zeroN;
    // the cow workload zero-fills its pages first: its COW cost is what it adds on top of that
    double uCow = ((c.uvmNs - c0.uvmNs) / 1e3 - uZero * cowN) / cowN;
    double nCow = ((c.nativeNs - c0.nativeNs) / 1e3 - nZero * cowN) / cowN;
    double uCompute = (k.uvmNs - k0.uvmNs) / 1e6;
    double nCompute = (k.nativeNs - k0.nativeNs) / 1e6;
    double fillsPerSec = (z.tlbfills - z0.tlbfills) / ((z.uvmNs - z0.uvmNs) / 1e9);

    System.out.printf("guest %s, minimum of %d runs after 3 warm-up runs%n", bin, reps);
    System.out.printf(
        "  exec+exit (zero 0)         uvm4j %10.0f us  native %8.0f us%n",
        z0.uvmNs / 1e3, z0.nativeNs / 1e3);
    System.out.printf(
        "  zero-fill fault (N=%d)  uvm4j %10.2f us  native %8.3f us  ratio %6.1fx%n",
        zeroN, uZero, nZero, uZero / nZero);
    System.out.printf(
        "  COW fault (N=%d)        uvm4j %10.2f us  native %8.3f us  ratio %6.1fx%n",
        cowN, uCow, nCow, uCow / nCow);
    System.out.printf(
        "  compute (%d rounds)       uvm4j %10.1f ms  native %8.1f ms  ratio %6.1fx%n",
        computeN, uCompute, nCompute, uCompute / nCompute);
    System.out.printf(
        "  TLB fills per second (zero %d): %.0f (%d fills beyond the size-0 run)%n",
        zeroN, fillsPerSec, z.tlbfills - z0.tlbfills);
  }

  private record Sample(long uvmNs, long nativeNs, long tlbfills) {}

  private Sample sample(String mode, long n) throws Exception {
    long bestUvm = Long.MAX_VALUE;
    long bestNative = Long.MAX_VALUE;
    long fills = 0;
    for (int i = 0; i < reps; i++) {
      long[] r = uvm(mode, n);
      if (r[0] < bestUvm) {
        bestUvm = r[0];
        fills = r[1];
      }
      bestNative = Math.min(bestNative, nativeRun(mode, n));
    }
    return new Sample(bestUvm, bestNative, fills);
  }

  /** One run under uvm4j: {elapsed ns, tlbfills}. */
  private long[] uvm(String mode, long n) throws ExecException {
    try (Kernel kernel =
        new Kernel(
            KernelConfig.builder()
                .ram(RAM)
                .stdout(OutputStream.nullOutputStream())
                .stderr(OutputStream.nullOutputStream())
                .build(),
            Linux64::create)) {
      List<String> argv = new ArrayList<>(List.of(bin.toString(), mode, Long.toString(n)));
      long t0 = System.nanoTime();
      int status = kernel.run(bin, argv, Map.of());
      long t = System.nanoTime() - t0;
      if (status != 0) {
        throw new IllegalStateException(mode + " " + n + " exited with " + status + " under uvm4j");
      }
      return new long[] {t, kernel.stats().tlbfills};
    }
  }

  private long nativeRun(String mode, long n) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(bin.toString(), mode, Long.toString(n));
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
    long t0 = System.nanoTime();
    int status = pb.start().waitFor();
    long t = System.nanoTime() - t0;
    if (status != 0) {
      throw new IllegalStateException(mode + " " + n + " exited with " + status + " natively");
    }
    return t;
  }
}
