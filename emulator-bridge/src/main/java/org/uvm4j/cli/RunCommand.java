package org.uvm4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.VirtualCpus;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.trace.Tracer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParameterException;

/**
 * {@code uvm4j run [--ram SIZE] [--swap FILE] [--swap-size SIZE] [--stats] [--deterministic]
 * [--clock-start now|TIME] [--cpus N] [--backend jna|ffm] [trace options] [--] PROGRAM [ARGS...]}:
 * validates the options, runs the guest and returns its exit status.
 */
final class RunCommand implements Callable<Integer> {
  /** Default emulated RAM. */
  static final long DEFAULT_RAM = 128L << 20;

  /** Smallest RAM that can hold a guest's stack, text and page tables of work: 1 MiB. */
  static final long MIN_RAM = 1L << 20;

  /**
   * Largest RAM: 1 TiB ({@link PhysMem#MAX_BYTES}). RAM is reserved address space until guests
   * touch it, so a large size costs nothing by itself.
   */
  static final long MAX_RAM = PhysMem.MAX_BYTES;

  /** Swap size when {@code --swap} is given without {@code --swap-size}. */
  static final long DEFAULT_SWAP = 256L << 20;

  long ram = DEFAULT_RAM;

  Path swap;

  boolean swapForce;

  Long swapSize;

  boolean stats;

  boolean deterministic;

  java.time.Duration timeSlice;

  ClockStart clockStart;

  java.time.Duration timeout;

  Long maxInstructions;

  Long metadataBudget;

  /** --cpus: the machine's virtual CPUs. */
  int cpus = 1;

  String backend = "auto";

  /** --root, --bind (docs/fs.md). */
  final FsOptions fs = new FsOptions();

  /** --trace, --trace-format, --trace-clock, --trace-filter, --log, --maps (docs/tracing.md). */
  final TraceOptions trace = new TraceOptions();

  /** --strace, --strace-file (issue 15's tools). */
  final ToolOptions tools = new ToolOptions();

  /** PROGRAM. */
  String program;

  /** ARGS. */
  List<String> args = new ArrayList<>();

  private final GuestRunner runner;
  private final PrintStream err;

  RunCommand(GuestRunner runner, PrintStream err) {
    this.runner = runner;
    this.err = err;
  }

  /**
   * The {@code run} command's model: its options (declared here and by the option groups it uses:
   * {@link FsOptions}, {@link TraceOptions}, {@link ToolOptions}, in that order in the help),
   * PROGRAM and ARGS, all bound to this object.
   */
  CommandSpec spec() {
    CommandSpec spec = CommandSpec.wrapWithoutInspection(this).name("run");
    spec.usageMessage()
        .description(
            "Run an x86-64 Linux ELF program (static, or dynamically linked through its PT_INTERP) on"
                + " the emulated machine.")
        .sortOptions(false);
    spec.addOption(
        Options.option(
                "--ram",
                long.class,
                Binding.<Long>of(() -> ram, v -> ram = v),
                "Emulated RAM, 1M to 1T (K/M/G/T suffixes; default 128M).")
            .paramLabel("SIZE")
            .converters(new SizeConverter())
            .build());
    spec.addOption(
        Options.option(
                "--swap",
                Path.class,
                Binding.<Path>of(() -> swap, v -> swap = v),
                "Swap file: created (mode 0600) and removed at exit; an existing empty file is used and"
                    + " emptied at exit; a file holding data is refused (see --swap-force).")
            .paramLabel("FILE")
            .build());
    spec.addOption(
        Options.option(
                "--swap-force",
                boolean.class,
                Binding.<Boolean>of(() -> swapForce, v -> swapForce = v),
                "Use the --swap file even if it holds data (overwrites it; emptied at exit).")
            .build());
    spec.addOption(
        Options.option(
                "--swap-size",
                Long.class,
                Binding.<Long>of(() -> swapSize, v -> swapSize = v),
                "Swap size (K/M/G suffixes; default 256M with --swap).")
            .paramLabel("SIZE")
            .converters(new SizeConverter())
            .build());
    spec.addOption(
        Options.option(
                "--stats",
                boolean.class,
                Binding.<Boolean>of(() -> stats, v -> stats = v),
                "Print the UVM counters (NAME VALUE) to stderr at exit.")
            .build());
    spec.addOption(
        Options.option(
                "--deterministic",
                boolean.class,
                Binding.<Boolean>of(() -> deterministic, v -> deterministic = v),
                "Preempt by exact instruction counts instead of CPU-time slices: CPU-bound"
                    + " multi-process runs become reproducible (output, counters, trace), at the cost of"
                    + " about 12x slower CPU-bound code.")
            .build());
    spec.addOption(
        Options.option(
                "--time-slice",
                java.time.Duration.class,
                Binding.<java.time.Duration>of(() -> timeSlice, v -> timeSlice = v),
                "CPU time a CPU-bound process runs before another runnable process gets the CPU"
                    + " (default 20ms; 50us, 1ms...; at least 1us). Without --deterministic only.")
            .paramLabel("DURATION")
            .converters(new DurationConverter())
            .build());
    spec.addOption(
        Options.option(
                "--clock-start",
                ClockStart.class,
                Binding.<ClockStart>of(() -> clockStart, v -> clockStart = v),
                "What the guest's CLOCK_REALTIME (clock_gettime, gettimeofday, time) reads at boot; it"
                    + " then advances with the virtual clock. now: the host's wall clock (the default),"
                    + " TIME: an ISO-8601 instant (2024-01-01T00:00:00Z) or @SECONDS since 1970. With"
                    + " --deterministic the default is 2024-01-01T00:00:00Z, so that runs repeat.")
            .paramLabel("now|TIME")
            .converters(new ClockStart.Converter())
            .build());
    spec.addOption(
        Options.option(
                "--timeout",
                java.time.Duration.class,
                Binding.<java.time.Duration>of(() -> timeout, v -> timeout = v),
                "End the run after DURATION of wall-clock time (10, 2.5s, 500ms, 1m): every process is"
                    + " killed, one line is printed and uvm4j exits with 124, as timeout(1) does.")
            .paramLabel("DURATION")
            .converters(new DurationConverter())
            .build());
    spec.addOption(
        Options.option(
                "--max-instructions",
                Long.class,
                Binding.<Long>of(() -> maxInstructions, v -> maxInstructions = v),
                "End the run once the guests have retired N virtual instructions (exit 124, one line);"
                    + " instructions are counted, as with --deterministic.")
            .paramLabel("N")
            .build());
    spec.addOption(
        Options.option(
                "--metadata-budget",
                Long.class,
                Binding.<Long>of(() -> metadataBudget, v -> metadataBudget = v),
                "Java heap the guests may use for VM metadata (amaps, anons, map entries, page"
                    + " tables), at least 1M (K/M/G suffixes; default half the JVM's maximum heap):"
                    + " beyond it mmap, brk, mremap and fork fail with ENOMEM and a fault needing more"
                    + " is an out-of-memory kill.")
            .paramLabel("SIZE")
            .converters(new SizeConverter())
            .build());
    spec.addOption(
        Options.option(
                "--cpus",
                int.class,
                Binding.<Integer>of(() -> cpus, v -> cpus = v),
                "Virtual CPUs of the machine (default 1, at most "
                    + VirtualCpus.MAX_CPUS
                    + "): what sched_getaffinity, getcpu, /proc/cpuinfo, /proc/PID/stat and"
                    + " /sys/devices/system/cpu show; tasks are spread over them and take turns on"
                    + " one host thread (no parallelism).")
            .paramLabel("N")
            .build());
    spec.addOption(
        Options.option(
                "--backend",
                String.class,
                Binding.<String>of(() -> backend, v -> backend = v),
                "libunicorn binding: ffm (Java 22+, faster hooks) or jna; default: ffm when this JVM"
                    + " has it, else jna.")
            .paramLabel("jna|ffm")
            .build());
    fs.addTo(spec);
    trace.addTo(spec);
    tools.addTo(spec);
    StandardHelpOptions.addTo(spec); // -h and -V, listed last
    Binding<String> programBinding = Binding.of(() -> program, v -> program = v);
    spec.addPositional(
        PositionalParamSpec.builder()
            .index("0")
            .arity("1")
            .required(true)
            .paramLabel("PROGRAM")
            .type(String.class)
            .description("The x86-64 ELF program to run.")
            .initialValue(program)
            .getter(programBinding)
            .setter(programBinding)
            .build());
    Binding<List<String>> argsBinding = Binding.of(() -> args, v -> args = v);
    spec.addPositional(
        PositionalParamSpec.builder()
            .index("1..*")
            .arity("0..*")
            .paramLabel("ARGS")
            .type(List.class)
            .auxiliaryTypes(String.class)
            .description(
                "Arguments for the program (after PROGRAM, nothing is an option of uvm4j).")
            .initialValue(args)
            .getter(argsBinding)
            .setter(argsBinding)
            .build());
    return spec;
  }

  @Override
  public Integer call() {
    try {
      return runner.run(validate(), err);
    } catch (GuestRunner.RunFailure f) {
      err.println("uvm4j: " + f.getMessage());
      return f.exitCode();
    } catch (OutOfMemoryError e) {
      return Main.outOfMemory(err, e);
    }
  }

  /** Checks the values picocli cannot check alone; returns the request to run. */
  RunRequest validate() throws GuestRunner.RunFailure {
    if (ram < MIN_RAM || ram > MAX_RAM) {
      throw usage("--ram " + ram + " bytes is out of range: use 1M to 1T");
    }
    if ((ram & 4095) != 0) {
      throw usage("--ram " + ram + " bytes is not a whole number of 4 KiB pages");
    }
    if (maxInstructions != null && maxInstructions < 1) {
      throw usage("--max-instructions " + maxInstructions + " must be at least 1");
    }
    if (metadataBudget != null && metadataBudget < KernelConfig.MIN_METADATA_BUDGET) {
      throw usage("--metadata-budget " + metadataBudget + " bytes must be at least 1M");
    }
    if (cpus < 1 || cpus > VirtualCpus.MAX_CPUS) {
      throw usage("--cpus " + cpus + " is out of range: use 1 to " + VirtualCpus.MAX_CPUS);
    }
    if (swapForce && swap == null) {
      throw usage("--swap-force needs --swap FILE");
    }
    if (swapSize != null && swap == null) {
      throw usage("--swap-size needs --swap FILE");
    }
    long swapBytes = swap == null ? 0 : swapSize == null ? DEFAULT_SWAP : swapSize;
    if (swap != null && (swapBytes < 4096 || (swapBytes & 4095) != 0)) {
      throw usage("--swap-size " + swapBytes + " bytes must be a positive number of 4 KiB pages");
    }
    if (swap != null && Files.isDirectory(swap)) {
      throw usage("--swap " + swap + " is a directory");
    }
    BackendKind kind;
    try {
      kind = BackendKind.parse(backend);
      CpuBackends.resolve(kind);
    } catch (IllegalArgumentException | MachineException e) {
      throw usage(e.getMessage());
    }
    FsLayout layout;
    try {
      layout = fs.layout();
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (program.isEmpty()) {
      // as a shell: an empty command name is not found (bash: ": command not found", 127)
      throw new GuestRunner.RunFailure(
          GuestRunner.RunFailure.NOT_FOUND, "'': command not found", null);
    }
    Path prog = Path.of(program);
    // with --root, PROGRAM is a guest path inside the root: the kernel finds it (or says why not)
    if (layout.root() == null) {
      if (!Files.exists(prog)) {
        throw new GuestRunner.RunFailure(
            GuestRunner.RunFailure.NOT_FOUND, program + ": no such file", null);
      }
      if (Files.isDirectory(prog) || !Files.isReadable(prog)) {
        throw new GuestRunner.RunFailure(
            GuestRunner.RunFailure.NOT_EXECUTABLE,
            program + ": " + (Files.isDirectory(prog) ? "is a directory" : "permission denied"),
            null);
      }
    }
    List<String> argv = new ArrayList<>();
    argv.add(program);
    argv.addAll(args);
    Tracer tracer;
    try {
      trace.applyLogLevels();
      tracer = trace.openTracer();
    } catch (ParameterException e) {
      throw usage(e.getMessage());
    }
    ToolOptions.Tools used;
    try {
      used = tools.tools(err);
    } catch (java.io.IOException e) {
      throw usage(
          (tools.gdbPort != null ? "--strace-file or --gdb: " : "--strace-file: ")
              + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    return new RunRequest(
        ram,
        swap,
        swapBytes,
        stats,
        prog,
        argv,
        tracer,
        trace.maps(),
        deterministic,
        kind,
        swapForce,
        timeout,
        maxInstructions == null ? 0 : maxInstructions,
        metadataBudget == null ? 0 : metadataBudget,
        used,
        layout,
        timeSlice,
        clockStart,
        cpus);
  }

  private static GuestRunner.RunFailure usage(String message) {
    return new GuestRunner.RunFailure(GuestRunner.RunFailure.MACHINE_ERROR, message, null);
  }
}
