package org.uvm4j.kernel;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.uvm.page.PhysMem;

/**
 * How a {@link Kernel} is set up: emulated RAM, the swap file (null for none), the scheduling
 * quantum in instructions, the console streams, the default environment, the working directory
 * guests see, the seed of the deterministic random source (AT_RANDOM, getrandom), how CPU-bound
 * processes are preempted: by default a CPU-time slice ({@code timeSliceNanos}) ended by a
 * watchdog, with no instruction counting; with {@code deterministic}, exact slices of {@code
 * quantum} counted instructions (reproducible, but the emulator hooks every instruction), and the
 * libunicorn binding the CPU runs on (AUTO: FFM when the JVM has it, else JNA); {@code swapForce}
 * lets the swap file be an existing file holding data (it is overwritten); {@code timeoutNanos}
 * (wall clock) and {@code maxInstructions} (virtual) end the whole run when reached (0: no limit);
 * the guest's file system layout ({@link FsLayout}: root, binds; {@code cwd} is a guest path in
 * it); {@code metadataBudget}, the bytes of Java heap guests may drive through VM metadata (amaps,
 * anons, map entries, page tables; 0: {@link #DEFAULT_METADATA_FRACTION} of the JVM's maximum heap,
 * see {@link #effectiveMetadataBudget()}); and {@code clockStart}, what CLOCK_REALTIME reads at
 * boot: null for the host's wall clock when the kernel boots (Linux's realtime clock is the wall
 * clock), an instant for a fixed start. The builder leaves it null unless asked, except with {@code
 * deterministic}, where it is {@link VirtualClock#FIXED_EPOCH_NS} so that a deterministic run reads
 * the same times every time; {@code cpus}, the machine's number of virtual CPUs ({@link
 * VirtualCpus}, default 1, at most {@link VirtualCpus#MAX_CPUS}): what affinity masks, getcpu,
 * /proc and /sys show; one host thread still runs one task at a time.
 */
public record KernelConfig(
    long ramBytes,
    Path swapPath,
    long swapBytes,
    long quantum,
    InputStream stdin,
    OutputStream stdout,
    OutputStream stderr,
    Map<String, String> env,
    Path cwd,
    long randomSeed,
    boolean deterministic,
    long timeSliceNanos,
    BackendKind backend,
    boolean swapForce,
    long timeoutNanos,
    long maxInstructions,
    FsLayout fs,
    long metadataBudget,
    Instant clockStart,
    int cpus) {
  public static final long DEFAULT_RAM = 64L << 20;
  public static final long DEFAULT_QUANTUM = 100_000;

  /** Wall-clock time a CPU-bound process runs before the watchdog preempts it: 20 ms. */
  public static final long DEFAULT_TIME_SLICE_NANOS = 20_000_000;

  /**
   * Default metadata budget as a fraction of {@link Runtime#maxMemory()}: one half (the rest of the
   * heap is the machine's own: page structures, file and pipe buffers, the swap checksums, traces).
   */
  public static final double DEFAULT_METADATA_FRACTION = 0.5;

  /** Smallest metadata budget accepted: 1 MiB (one process's start needs a few hundred KiB). */
  public static final long MIN_METADATA_BUDGET = 1L << 20;

  /** CLOCK_REALTIME at boot of a deterministic run unless set: 2024-01-01T00:00:00Z. */
  public static final Instant FIXED_START = Instant.ofEpochSecond(0, VirtualClock.FIXED_EPOCH_NS);

  /**
   * CLOCK_REALTIME at boot in nanoseconds since 1970: {@link #clockStart}, or the host's wall clock
   * now when it is null (read once, by the kernel as it boots).
   */
  public long clockStartNanos() {
    Instant t = clockStart != null ? clockStart : Instant.now();
    return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000_000L), t.getNano());
  }

  public KernelConfig {
    Objects.requireNonNull(stdin, "stdin");
    Objects.requireNonNull(stdout, "stdout");
    Objects.requireNonNull(stderr, "stderr");
    Objects.requireNonNull(cwd, "cwd");
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(fs, "fs");
    env = Map.copyOf(Objects.requireNonNull(env, "env"));
    if (ramBytes < (1L << 20) || ramBytes > PhysMem.MAX_BYTES) {
      throw new IllegalArgumentException(
          "RAM must be at least 1 MiB and at most "
              + (PhysMem.MAX_BYTES >> 30)
              + " GiB, got "
              + ramBytes);
    }
    if (quantum < 1) {
      throw new IllegalArgumentException("quantum must be at least 1 instruction, got " + quantum);
    }
    if (timeSliceNanos < 1_000) {
      throw new IllegalArgumentException(
          "time slice must be at least 1 µs, got " + timeSliceNanos + " ns");
    }
    if (timeoutNanos < 0) {
      throw new IllegalArgumentException("timeout must not be negative, got " + timeoutNanos);
    }
    if (maxInstructions < 0) {
      throw new IllegalArgumentException(
          "instruction limit must not be negative, got " + maxInstructions);
    }
    if (metadataBudget != 0 && metadataBudget < MIN_METADATA_BUDGET) {
      throw new IllegalArgumentException(
          "metadata budget must be at least 1 MiB (or 0 for the default), got " + metadataBudget);
    }
    if (cpus < 1 || cpus > VirtualCpus.MAX_CPUS) {
      throw new IllegalArgumentException(
          "the machine needs 1 to " + VirtualCpus.MAX_CPUS + " CPUs, got " + cpus);
    }
    if (swapBytes < 0 || (swapPath == null && swapBytes != 0)) {
      throw new IllegalArgumentException("swap size needs a swap path and must not be negative");
    }
  }

  /**
   * The metadata budget in bytes: {@code metadataBudget}, or when it is 0 {@link
   * #DEFAULT_METADATA_FRACTION} of the JVM's maximum heap.
   */
  public long effectiveMetadataBudget() {
    if (metadataBudget > 0) {
      return metadataBudget;
    }
    long max = Runtime.getRuntime().maxMemory();
    if (max == Long.MAX_VALUE) {
      max = Runtime.getRuntime().totalMemory();
    }
    return Math.max(MIN_METADATA_BUDGET, (long) (max * DEFAULT_METADATA_FRACTION));
  }

  /**
   * Defaults: 64 MiB RAM, no swap, 100,000-instruction quantum, uncounted runs preempted after 20
   * ms of wall-clock time, the JVM's stdio, empty env.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link KernelConfig}. */
  public static final class Builder {
    private long ramBytes = DEFAULT_RAM;
    private Path swapPath;
    private long swapBytes;
    private long quantum = DEFAULT_QUANTUM;
    private InputStream stdin = System.in;
    private OutputStream stdout = System.out;
    private OutputStream stderr = System.err;
    private Map<String, String> env = Map.of();
    private Path cwd = Path.of("").toAbsolutePath();
    private long randomSeed = 0x5eed_cafe_f00dL;
    private boolean deterministic;
    private long timeSliceNanos = DEFAULT_TIME_SLICE_NANOS;
    private BackendKind backend = BackendKind.AUTO;
    private boolean swapForce;
    private long timeoutNanos;
    private long maxInstructions;
    private FsLayout fs = FsLayout.hostReadOnly();
    private long metadataBudget;
    private Instant clockStart;
    private boolean clockStartSet;
    private int cpus = 1;

    public Builder ram(long bytes) {
      this.ramBytes = bytes;
      return this;
    }

    public Builder swap(Path path, long bytes) {
      this.swapPath = path;
      this.swapBytes = bytes;
      return this;
    }

    /** Use an existing swap file that holds data, overwriting it (--swap-force). */
    public Builder swapForce(boolean force) {
      this.swapForce = force;
      return this;
    }

    /** Ends the run after {@code timeout} of wall-clock time (--timeout); zero: no limit. */
    public Builder timeout(java.time.Duration timeout) {
      this.timeoutNanos = timeout.toNanos();
      return this;
    }

    /**
     * Ends the run once guests have retired {@code n} virtual instructions (--max-instructions;
     * counted runs, as with {@code deterministic}); zero: no limit.
     */
    public Builder maxInstructions(long n) {
      this.maxInstructions = n;
      return this;
    }

    public Builder quantum(long instructions) {
      this.quantum = instructions;
      return this;
    }

    public Builder stdin(InputStream in) {
      this.stdin = in;
      return this;
    }

    public Builder stdout(OutputStream out) {
      this.stdout = out;
      return this;
    }

    public Builder stderr(OutputStream err) {
      this.stderr = err;
      return this;
    }

    public Builder env(Map<String, String> env) {
      this.env = env;
      return this;
    }

    public Builder cwd(Path cwd) {
      this.cwd = cwd;
      return this;
    }

    public Builder randomSeed(long seed) {
      this.randomSeed = seed;
      return this;
    }

    /**
     * Exact instruction-count slices of {@code quantum} (reproducible CPU-bound multi-process runs)
     * instead of uncounted runs preempted by wall-clock time.
     */
    public Builder deterministic(boolean on) {
      this.deterministic = on;
      return this;
    }

    /** The CPU-time slice of an uncounted run while another process is runnable. */
    public Builder timeSlice(java.time.Duration slice) {
      this.timeSliceNanos = slice.toNanos();
      return this;
    }

    /** The libunicorn binding (default AUTO: FFM when the JVM has it, else JNA). */
    public Builder backend(BackendKind backend) {
      this.backend = backend;
      return this;
    }

    /** The guest's file system: its root and bind mounts (default: host / read-only). */
    public Builder fs(FsLayout fs) {
      this.fs = fs;
      return this;
    }

    /**
     * The bytes of Java heap guests may drive through VM metadata (--metadata-budget); 0: half the
     * JVM's maximum heap.
     */
    public Builder metadataBudget(long bytes) {
      this.metadataBudget = bytes;
      return this;
    }

    /**
     * What CLOCK_REALTIME reads at boot (--clock-start): an instant, or null for the host's wall
     * clock when the kernel boots. Unset: the host's wall clock, or {@link
     * VirtualClock#FIXED_EPOCH_NS} with {@link #deterministic}.
     */
    public Builder clockStart(Instant start) {
      this.clockStart = start;
      this.clockStartSet = true;
      return this;
    }

    /** The machine's number of virtual CPUs (--cpus; default 1). */
    public Builder cpus(int n) {
      this.cpus = n;
      return this;
    }

    public KernelConfig build() {
      return new KernelConfig(
          ramBytes,
          swapPath,
          swapBytes,
          quantum,
          stdin,
          stdout,
          stderr,
          env,
          cwd,
          randomSeed,
          deterministic,
          timeSliceNanos,
          backend,
          swapForce,
          timeoutNanos,
          maxInstructions,
          fs,
          metadataBudget,
          clockStartSet || !deterministic ? clockStart : FIXED_START,
          cpus);
    }
  }
}
