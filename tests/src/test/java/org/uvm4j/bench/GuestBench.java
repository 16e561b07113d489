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
 * End-to-end benchmark, side by side in one run: each workload natively, under qemu-user (when
 * given) and under uvm4j (through the {@link Kernel} API in one warm JVM), the cost of its size-0
 * run (exec, start-up, exit) subtracted from each, and a table of ratios. Each figure is the
 * minimum over the repetitions, after warm-up runs. Workloads: {@code bench_faults zero|cow|compute
 * N} and, when given, a real CPU-bound program ({@code lua bench.lua N}).
 *
 * <pre>
 * GuestBench --bench-faults BIN [--lua LUA SCRIPT] [--qemu QEMU] [--reps N]
 *            [--zero N] [--cow N] [--compute N] [--lua-rounds N]
 * </pre>
 */
public final class GuestBench {
  private static final long RAM = 512L << 20;

  /** One workload: a program and its arguments at a given size. */
  private record Workload(String name, List<String> cmd, long size, String unit) {
    List<String> at(long n) {
      List<String> c = new ArrayList<>(cmd);
      c.add(Long.toString(n));
      return c;
    }
  }

  /** Minimum times over the repetitions, in ns; qemu is -1 when not measured. */
  private record Sample(long nativeNs, long qemuNs, long uvmNs, long tlbfills) {}

  private final int reps;
  private final String qemu;

  private GuestBench(int reps, String qemu) {
    this.reps = reps;
    this.qemu = qemu;
  }

  public static void main(String[] args) throws Exception {
    String bin = null;
    String lua = null;
    String script = null;
    String qemu = null;
    int reps = 5;
    long zeroN = 20_000;
    long cowN = 10_000;
    long computeN = 1000;
    long luaN = 10;
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--bench-faults" -> bin = args[++i];
        case "--lua" -> {
          lua = args[++i];
          script = args[++i];
        }
        case "--qemu" -> qemu = args[++i];
        case "--reps" -> reps = Integer.parseInt(args[++i]);
        case "--zero" -> zeroN = Long.parseLong(args[++i]);
        case "--cow" -> cowN = Long.parseLong(args[++i]);
        case "--compute" -> computeN = Long.parseLong(args[++i]);
        case "--lua-rounds" -> luaN = Long.parseLong(args[++i]);
        default -> {
          System.err.println("GuestBench: unknown argument " + args[i]);
          System.exit(2);
        }
      }
    }
    if (bin == null) {
      System.err.println(
          "usage: GuestBench --bench-faults BIN [--lua LUA SCRIPT] [--qemu QEMU] [--reps N]"
              + " [--zero N] [--cow N] [--compute N] [--lua-rounds N]");
      System.exit(2);
    }
    List<Workload> ws = new ArrayList<>();
    ws.add(new Workload("bench_faults zero", List.of(bin, "zero"), zeroN, "fault"));
    ws.add(new Workload("bench_faults cow", List.of(bin, "cow"), cowN, "fault"));
    ws.add(new Workload("bench_faults compute", List.of(bin, "compute"), computeN, "run"));
    if (lua != null) {
      ws.add(new Workload("lua bench.lua", List.of(lua, script), luaN, "run"));
    }
    new GuestBench(reps, qemu).run(ws);
  }

  private void run(List<Workload> ws) throws Exception {
    // warm-up: JIT the fault path, the bridge and the kernel
    for (int i = 0; i < 3; i++) {
      for (Workload w : ws) {
        uvm(w.at(w.size() / 4));
      }
    }
    System.out.printf(
        "minimum of %d runs after 3 warm-up runs; the size-0 run of each workload is subtracted%n",
        reps);
    System.out.printf(
        "%-22s %8s %12s %12s %12s %10s %10s%n",
        "workload", "size", "native", "qemu-user", "uvm4j", "uvm/native", "uvm/qemu");
    for (Workload w : ws) {
      Sample s0 = sample(w.at(0));
      Sample s = sample(w.at(w.size()));
      double n = s.nativeNs() - s0.nativeNs();
      double q = qemu == null ? Double.NaN : s.qemuNs() - s0.qemuNs();
      double u = s.uvmNs() - s0.uvmNs();
      System.out.printf(
          "%-22s %8d %12s %12s %12s %9.1fx %9.1fx%n",
          w.name(), w.size(), ms(n), qemu == null ? "-" : ms(q), ms(u), u / n, u / q);
      if (w.unit().equals("fault")) {
        System.out.printf(
            "%-22s %8s %12s %12s %12s   (per page; cow: zero fill included)%n",
            "", "", us(n / w.size()), qemu == null ? "-" : us(q / w.size()), us(u / w.size()));
      }
      System.out.printf(
          "%-22s %8s size-0 run: native %s, qemu-user %s, uvm4j %s; uvm4j TLB fills %d%n",
          "",
          "",
          ms(s0.nativeNs()),
          qemu == null ? "-" : ms(s0.qemuNs()),
          ms(s0.uvmNs()),
          s.tlbfills() - s0.tlbfills());
    }
  }

  private static String ms(double ns) {
    return String.format("%.1f ms", ns / 1e6);
  }

  private static String us(double ns) {
    return String.format("%.2f us", ns / 1e3);
  }

  private Sample sample(List<String> cmd) throws Exception {
    long bestNative = Long.MAX_VALUE;
    long bestQemu = qemu == null ? -1 : Long.MAX_VALUE;
    long bestUvm = Long.MAX_VALUE;
    long fills = 0;
    for (int i = 0; i < reps; i++) {
      bestNative = Math.min(bestNative, host(cmd));
      if (qemu != null) {
        List<String> q = new ArrayList<>();
        q.add(qemu);
        q.addAll(cmd);
        bestQemu = Math.min(bestQemu, host(q));
      }
      long[] r = uvm(cmd);
      if (r[0] < bestUvm) {
        bestUvm = r[0];
        fills = r[1];
      }
    }
    return new Sample(bestNative, bestQemu, bestUvm, fills);
  }

  /** One run under uvm4j: {elapsed ns, tlbfills}. */
  private static long[] uvm(List<String> cmd) throws ExecException {
    try (Kernel kernel =
        new Kernel(
            KernelConfig.builder()
                .ram(RAM)
                .stdout(OutputStream.nullOutputStream())
                .stderr(OutputStream.nullOutputStream())
                .build(),
            Linux64::create)) {
      long t0 = System.nanoTime();
      int status = kernel.run(Path.of(cmd.get(0)), cmd, Map.of());
      long t = System.nanoTime() - t0;
      if (status != 0) {
        throw new IllegalStateException(cmd + " exited with " + status + " under uvm4j");
      }
      return new long[] {t, kernel.stats().tlbfills};
    }
  }

  /** One run of {@code cmd} as a host process (natively, or under qemu-user). */
  private static long host(List<String> cmd) throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true);
    long t0 = System.nanoTime();
    int status = pb.start().waitFor();
    long t = System.nanoTime() - t0;
    if (status != 0) {
      throw new IllegalStateException(cmd + " exited with " + status);
    }
    return t;
  }
}
