package org.uvm4j.cli;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.trace.Tracer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/**
 * {@code uvm4j run [--ram SIZE] [--swap FILE] [--swap-size SIZE] [--stats] [--deterministic]
 * [--clock-start now|TIME] [--backend jna|ffm] [trace options] [--] PROGRAM [ARGS...]}: validates
 * the options, runs the guest and returns its exit status.
 */
@Command(
    name = "run",
    description =
        "Run an x86-64 Linux ELF program (static, or dynamically linked through its PT_INTERP) on"
            + " the emulated machine.",
    mixinStandardHelpOptions = true,
    sortOptions = false)
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

  @Option(
      names = "--ram",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Emulated RAM, 1M to 1T (K/M/G/T suffixes; default 128M).")
  long ram = DEFAULT_RAM;

  @Option(
      names = "--swap",
      paramLabel = "FILE",
      description =
          "Swap file: created (mode 0600) and removed at exit; an existing empty file is used and"
              + " emptied at exit; a file holding data is refused (see --swap-force).")
  Path swap;

  @Option(
      names = "--swap-force",
      description = "Use the --swap file even if it holds data (overwrites it; emptied at exit).")
  boolean swapForce;

  @Option(
      names = "--swap-size",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description = "Swap size (K/M/G suffixes; default 256M with --swap).")
  Long swapSize;

  @Option(names = "--stats", description = "Print the UVM counters (NAME VALUE) to stderr at exit.")
  boolean stats;

  @Option(
      names = "--deterministic",
      description =
          "Preempt by exact instruction counts instead of CPU-time slices: CPU-bound"
              + " multi-process runs become reproducible (output, counters, trace), at the cost of"
              + " about 12x slower CPU-bound code.")
  boolean deterministic;

  @Option(
      names = "--time-slice",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "CPU time a CPU-bound process runs before another runnable process gets the CPU"
              + " (default 20ms; 50us, 1ms...; at least 1us). Without --deterministic only.")
  java.time.Duration timeSlice;

  @Option(
      names = "--clock-start",
      paramLabel = "now|TIME",
      converter = ClockStart.Converter.class,
      description =
          "What the guest's CLOCK_REALTIME (clock_gettime, gettimeofday, time) reads at boot; it"
              + " then advances with the virtual clock. now: the host's wall clock (the default),"
              + " TIME: an ISO-8601 instant (2024-01-01T00:00:00Z) or @SECONDS since 1970. With"
              + " --deterministic the default is 2024-01-01T00:00:00Z, so that runs repeat.")
  ClockStart clockStart;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      converter = DurationConverter.class,
      description =
          "End the run after DURATION of wall-clock time (10, 2.5s, 500ms, 1m): every process is"
              + " killed, one line is printed and uvm4j exits with 124, as timeout(1) does.")
  java.time.Duration timeout;

  @Option(
      names = "--max-instructions",
      paramLabel = "N",
      description =
          "End the run once the guests have retired N virtual instructions (exit 124, one line);"
              + " instructions are counted, as with --deterministic.")
  Long maxInstructions;

  @Option(
      names = "--metadata-budget",
      paramLabel = "SIZE",
      converter = SizeConverter.class,
      description =
          "Java heap the guests may use for VM metadata (amaps, anons, map entries, page"
              + " tables), at least 1M (K/M/G suffixes; default half the JVM's maximum heap):"
              + " beyond it mmap, brk, mremap and fork fail with ENOMEM and a fault needing more"
              + " is an out-of-memory kill.")
  Long metadataBudget;

  @Option(
      names = "--backend",
      paramLabel = "jna|ffm",
      description =
          "libunicorn binding: ffm (Java 22+, faster hooks) or jna; default: ffm when this JVM"
              + " has it, else jna.")
  String backend = "auto";

  /** --root, --bind (docs/fs.md). */
  @Mixin FsOptions fs = new FsOptions();

  /** --trace, --trace-format, --trace-clock, --trace-filter, --log, --maps (docs/tracing.md). */
  @Mixin TraceOptions trace = new TraceOptions();

  /** --strace, --strace-file (issue 15's tools). */
  @Mixin ToolOptions tools = new ToolOptions();

  @Parameters(index = "0", paramLabel = "PROGRAM", description = "The x86-64 ELF program to run.")
  String program;

  @Parameters(
      index = "1..*",
      paramLabel = "ARGS",
      description = "Arguments for the program (after PROGRAM, nothing is an option of uvm4j).")
  List<String> args = new ArrayList<>();

  private final GuestRunner runner;
  private final PrintStream err;

  RunCommand(GuestRunner runner, PrintStream err) {
    this.runner = runner;
    this.err = err;
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
        clockStart);
  }

  private static GuestRunner.RunFailure usage(String message) {
    return new GuestRunner.RunFailure(GuestRunner.RunFailure.MACHINE_ERROR, message, null);
  }
}
