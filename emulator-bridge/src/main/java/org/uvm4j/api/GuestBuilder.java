package org.uvm4j.api;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.kernel.DebugHook;
import org.uvm4j.kernel.ExecException;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.RunLimitException;
import org.uvm4j.kernel.RunSummary;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.kernel.strace.Strace;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.trace.TraceFilter;
import org.uvm4j.uvm.trace.Tracer;

/**
 * How to run one guest: program and argument vector, environment, stdin, the machine (RAM, swap,
 * CPU binding), the guest's file system, run limits, and what to record. {@link #run()} makes a
 * fresh {@link Kernel} each time, so one builder can run its guest several times (a stdin stream is
 * read by the first run only).
 *
 * <p>Defaults: argv[0] is the program as given, no further arguments, an empty environment, empty
 * stdin, stdout and stderr captured in the result, {@link KernelConfig#DEFAULT_RAM} of RAM, no
 * swap, the binding AUTO picks, the host's / read-only with a private /tmp, no limits, nothing
 * recorded but the counters, and the system audit after the run.
 *
 * <p>Not thread-safe: configure and run it on one thread.
 */
public final class GuestBuilder {
  private static final Logger log = LogManager.getLogger("api");

  private final Path program;
  private String argv0;
  private final List<String> args = new ArrayList<>();
  private final Map<String, String> env = new LinkedHashMap<>();
  private InputStream stdin;
  private OutputStream stdout;
  private OutputStream stderr;
  private long ram = KernelConfig.DEFAULT_RAM;
  private Path swapFile;
  private long swapBytes;
  private boolean swapForce;
  private BackendKind backend = BackendKind.AUTO;
  private Path root;
  private final List<FsLayout.Bind> binds = new ArrayList<>();
  private FsLayout fs;
  private Path cwd;
  private boolean deterministic;
  private Duration timeSlice;
  private java.time.Instant clockStart;
  private boolean clockStartSet;
  private Duration timeout;
  private long maxInstructions;
  private long metadataBudget;
  private int cpus = 1;
  private Tracer tracer;
  private int traceKeep = -1;
  private List<String> traceFilter = List.of();
  private boolean maps;
  private PrintStream mapsOut;
  private boolean strace;
  private PrintStream straceOut;
  private DebugHook debugger;
  private boolean summary;
  private boolean audit = true;
  private final List<Function<Kernel, AutoCloseable>> attachments = new ArrayList<>();
  private final List<Consumer<GuestResult>> observers = new ArrayList<>();

  GuestBuilder(Path program) {
    this.program = Objects.requireNonNull(program, "program");
  }

  /** The guest's arguments after argv[0] (replacing any given before). */
  public GuestBuilder args(String... args) {
    return args(List.of(args));
  }

  /** The guest's arguments after argv[0] (replacing any given before). */
  public GuestBuilder args(List<String> args) {
    this.args.clear();
    this.args.addAll(args);
    return this;
  }

  /** argv[0] as the guest sees it (default: the program path as given). */
  public GuestBuilder argv0(String argv0) {
    this.argv0 = Objects.requireNonNull(argv0, "argv0");
    return this;
  }

  /**
   * Adds every variable of {@code vars} to the guest's environment (the guest sees its variables
   * sorted by name).
   */
  public GuestBuilder env(Map<String, String> vars) {
    env.putAll(vars);
    return this;
  }

  /** Sets one variable of the guest's environment. */
  public GuestBuilder env(String name, String value) {
    if (name.isEmpty() || name.indexOf('=') >= 0) {
      throw new IllegalArgumentException("not an environment variable name: '" + name + "'");
    }
    env.put(name, Objects.requireNonNull(value, "value"));
    return this;
  }

  /** The guest's standard input: these bytes, then end of file. */
  public GuestBuilder stdin(byte[] input) {
    this.stdin = new ByteArrayInputStream(input.clone());
    return this;
  }

  /** The guest's standard input: this text in UTF-8, then end of file. */
  public GuestBuilder stdin(String input) {
    return stdin(input.getBytes(StandardCharsets.UTF_8));
  }

  /** The guest's standard input read from {@code in} (not closed by the run). */
  public GuestBuilder stdin(InputStream in) {
    this.stdin = Objects.requireNonNull(in, "in");
    return this;
  }

  /**
   * Send the guest's stdout to {@code out} as it is written instead of capturing it ({@link
   * GuestResult#stdout()} then throws).
   */
  public GuestBuilder stdout(OutputStream out) {
    this.stdout = Objects.requireNonNull(out, "out");
    return this;
  }

  /** Send the guest's stderr to {@code err} instead of capturing it. */
  public GuestBuilder stderr(OutputStream err) {
    this.stderr = Objects.requireNonNull(err, "err");
    return this;
  }

  /** Emulated RAM in bytes: a whole number of 4 KiB pages, 1 MiB to 1 TiB. */
  public GuestBuilder ram(long bytes) {
    this.ram = bytes;
    return this;
  }

  /**
   * A swap file of {@code bytes} at {@code file}: created (mode 0600) and removed after the run; an
   * existing empty file is used and emptied; a file holding data is refused unless {@link
   * #swapForce}.
   */
  public GuestBuilder swap(Path file, long bytes) {
    this.swapFile = Objects.requireNonNull(file, "file");
    this.swapBytes = bytes;
    return this;
  }

  /** Use the swap file even if it holds data (it is overwritten). */
  public GuestBuilder swapForce(boolean force) {
    this.swapForce = force;
    return this;
  }

  /** The libunicorn binding (AUTO: FFM when this JVM has it, else JNA). */
  public GuestBuilder backend(BackendKind backend) {
    this.backend = Objects.requireNonNull(backend, "backend");
    return this;
  }

  /**
   * Make host directory {@code dir} the guest's / (read-write); the program is then a guest path.
   */
  public GuestBuilder root(Path dir) {
    this.root = dir.toAbsolutePath();
    return this;
  }

  /** Mount host directory {@code host} at guest path {@code guest}, read-write. */
  public GuestBuilder bind(Path host, String guest) {
    return bind(host, guest, false);
  }

  /** Mount host directory {@code host} at guest path {@code guest}. */
  public GuestBuilder bind(Path host, String guest, boolean readOnly) {
    binds.add(new FsLayout.Bind(host.toAbsolutePath(), guest, readOnly));
    return this;
  }

  /** The whole file system layout at once (replaces {@link #root} and {@link #bind}). */
  public GuestBuilder fs(FsLayout layout) {
    this.fs = Objects.requireNonNull(layout, "layout");
    return this;
  }

  /** pid 1's working directory (default: this JVM's), when it is a directory in the guest. */
  public GuestBuilder cwd(Path dir) {
    this.cwd = dir;
    return this;
  }

  /** Preempt by exact instruction counts: multi-process runs become reproducible. */
  public GuestBuilder deterministic(boolean on) {
    this.deterministic = on;
    return this;
  }

  /**
   * The CPU time a CPU-bound process runs before another runnable one gets the CPU (default 20 ms;
   * at least 1 µs). Ignored with {@link #deterministic(boolean)}, whose slices are counted.
   */
  public GuestBuilder timeSlice(Duration slice) {
    this.timeSlice = slice;
    return this;
  }

  /**
   * What CLOCK_REALTIME reads at boot: an instant, or null for the host's wall clock then. Unset:
   * the host's wall clock, or 2024-01-01T00:00:00Z with {@link #deterministic} (see {@link
   * KernelConfig#clockStart()}).
   */
  public GuestBuilder clockStart(java.time.Instant start) {
    this.clockStart = start;
    this.clockStartSet = true;
    return this;
  }

  /** End the run after this much wall-clock time ({@link Uvm4jException#RUN_LIMIT}). */
  public GuestBuilder timeout(Duration limit) {
    this.timeout = limit;
    return this;
  }

  /**
   * The bytes of Java heap guests may drive through VM metadata (amaps, anons, map entries, page
   * tables): beyond it mmap, brk, mremap and fork fail with ENOMEM and a fault needing more ends in
   * the OOM kill. 0 (the default): half the JVM's maximum heap.
   */
  public GuestBuilder metadataBudget(long bytes) {
    if (bytes != 0 && bytes < KernelConfig.MIN_METADATA_BUDGET) {
      throw new IllegalArgumentException("metadata budget " + bytes + " is below 1 MiB");
    }
    this.metadataBudget = bytes;
    return this;
  }

  /**
   * The machine's virtual CPUs (default 1, at most {@link org.uvm4j.kernel.VirtualCpus#MAX_CPUS}):
   * what affinity masks, getcpu, /proc/cpuinfo and /sys/devices/system/cpu show. Tasks are spread
   * over them but run one at a time on the run's thread (docs/kernel.md, "Virtual CPUs").
   */
  public GuestBuilder cpus(int n) {
    if (n < 1 || n > org.uvm4j.kernel.VirtualCpus.MAX_CPUS) {
      throw new IllegalArgumentException(
          "cpus " + n + " is out of range 1 to " + org.uvm4j.kernel.VirtualCpus.MAX_CPUS);
    }
    this.cpus = n;
    return this;
  }

  /** End the run after the guests retired {@code n} virtual instructions (0: no limit). */
  public GuestBuilder maxInstructions(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("maxInstructions " + n + " is negative");
    }
    this.maxInstructions = n;
    return this;
  }

  /** Keep every trace record in memory ({@link GuestResult#trace()}); replaces {@link #tracer}. */
  public GuestBuilder trace() {
    return traceTail(0);
  }

  /**
   * Keep only the last {@code n} trace records in memory (bounded memory for long runs; 0: all).
   */
  public GuestBuilder traceTail(int n) {
    if (n < 0) {
      throw new IllegalArgumentException("traceTail " + n + " is negative");
    }
    this.traceKeep = n;
    this.tracer = null;
    return this;
  }

  /**
   * Keep only the records these {@code --trace-filter} clauses keep (e.g. {@code "kind=cow"},
   * {@code "pid=2;addr=0x10000000-0x10006000"}); with {@link #trace()} or {@link #traceTail}.
   */
  public GuestBuilder traceFilter(String... clauses) {
    this.traceFilter = List.of(clauses);
    return this;
  }

  /**
   * Trace into {@code tracer} (e.g. a JSONL file, as {@code --trace}); the caller closes it after
   * the run. Replaces {@link #trace()} and {@link #traceTail} (the last of them called wins).
   */
  public GuestBuilder tracer(Tracer tracer) {
    this.tracer = Objects.requireNonNull(tracer, "tracer");
    this.traceKeep = -1;
    return this;
  }

  /** Keep each process's map at its exit ({@link GuestResult#maps()}), as {@code --maps}. */
  public GuestBuilder maps() {
    this.maps = true;
    return this;
  }

  /**
   * Write the {@code --maps} reports to {@code out} (at each exit and on {@link
   * Kernel#requestMaps()}); runs then end at every time slice so a request is answered.
   */
  public GuestBuilder mapsTo(PrintStream out) {
    this.mapsOut = Objects.requireNonNull(out, "out");
    return this;
  }

  /** Capture the {@code --strace} lines ({@link GuestResult#strace()}). */
  public GuestBuilder strace() {
    this.strace = true;
    return this;
  }

  /** Write the {@code --strace} lines to {@code out} (not closed by the run). */
  public GuestBuilder straceTo(PrintStream out) {
    this.straceOut = Objects.requireNonNull(out, "out");
    return this;
  }

  /** Run the guest under a debugger hook (the {@code --gdb} stub). */
  public GuestBuilder debugger(DebugHook hook) {
    this.debugger = Objects.requireNonNull(hook, "hook");
    return this;
  }

  /** Make the {@code --summary} screen ({@link GuestResult#summary()}). */
  public GuestBuilder summary() {
    return summary(true);
  }

  /** Make the {@code --summary} screen or not. */
  public GuestBuilder summary(boolean on) {
    this.summary = on;
    return this;
  }

  /** True when the run makes the summary screen. */
  public boolean summaryOn() {
    return summary;
  }

  /** Run the system audit after the run (default on; {@link GuestResult#auditProblems()}). */
  public GuestBuilder audit(boolean on) {
    this.audit = on;
    return this;
  }

  /**
   * Calls {@code attach} with the configured kernel just before the guest starts; the handle it
   * returns is closed when the run ends (e.g. a signal handler that asks for the maps).
   */
  public GuestBuilder attach(Function<Kernel, AutoCloseable> attach) {
    attachments.add(Objects.requireNonNull(attach, "attach"));
    return this;
  }

  /**
   * Hands every result of {@link #run()} to {@code observer} before {@code run} returns it, and the
   * partial result of a failed run before {@code run} throws (e.g. to audit every run of a test).
   */
  public GuestBuilder observe(Consumer<GuestResult> observer) {
    observers.add(Objects.requireNonNull(observer, "observer"));
    return this;
  }

  /** The argument vector the guest gets, argv[0] included. */
  public List<String> argv() {
    List<String> argv = new ArrayList<>();
    argv.add(argv0 != null ? argv0 : program.toString());
    argv.addAll(args);
    return List.copyOf(argv);
  }

  /**
   * Runs the guest on a fresh machine until every process has exited.
   *
   * @return what the run produced, audited unless {@link #audit(boolean)} turned it off
   * @throws Uvm4jException with status 127 when the program does not exist, 126 when it is not a
   *     runnable static x86-64 ELF, 124 when a run limit ended it, 125 for a bad configuration or a
   *     machine failure (libunicorn missing, an emulator error)
   */
  public GuestResult run() throws Uvm4jException {
    ByteArrayOutputStream outBuf = stdout == null ? new ByteArrayOutputStream() : null;
    ByteArrayOutputStream errBuf = stderr == null ? new ByteArrayOutputStream() : null;
    Kernel kernel = newKernel(outBuf, errBuf);
    TraceRecorder recorder = null;
    if (traceKeep >= 0) {
      recorder = new TraceRecorder(traceKeep);
      TraceFilter filter;
      try {
        filter = TraceFilter.parse(traceFilter);
      } catch (IllegalArgumentException e) {
        kernel.close();
        throw new Uvm4jException(Uvm4jException.MACHINE_ERROR, e.getMessage(), e, null);
      }
      kernel.setTracer(new Tracer(recorder, filter));
    } else if (tracer != null) {
      kernel.setTracer(tracer);
    }
    List<ProcessMaps> reports = maps ? new ArrayList<>() : null;
    if (maps) {
      kernel.setMapsListener(
          (pid, comm, when, entries) -> reports.add(new ProcessMaps(pid, comm, when, entries)));
    }
    if (mapsOut != null) {
      kernel.setMapsOutput(mapsOut);
    }
    ByteArrayOutputStream straceBuf = strace ? new ByteArrayOutputStream() : null;
    PrintStream straceStream =
        strace ? new PrintStream(straceBuf, true, StandardCharsets.UTF_8) : straceOut;
    if (straceStream != null) {
      kernel.setStrace(new Strace(straceStream));
    }
    if (debugger != null) {
      kernel.setDebugger(debugger);
    }
    RunSummary runSummary = summary ? new RunSummary() : null;
    kernel.setSummary(runSummary);
    List<AutoCloseable> attached = new ArrayList<>();
    int status = -1;
    boolean finished = false;
    try {
      for (Function<Kernel, AutoCloseable> a : attachments) {
        attached.add(a.apply(kernel));
      }
      status = kernel.run(program, argv(), java.util.Collections.unmodifiableMap(env));
      finished = true;
    } catch (RunLimitException e) {
      throw failure(
          Uvm4jException.RUN_LIMIT,
          e,
          kernel,
          status,
          outBuf,
          errBuf,
          recorder,
          reports,
          straceBuf,
          runSummary);
    } catch (ExecException e) {
      throw failure(
          e.kind().shellCode(),
          e,
          kernel,
          status,
          outBuf,
          errBuf,
          recorder,
          reports,
          straceBuf,
          runSummary);
    } catch (MachineException e) {
      throw failure(
          Uvm4jException.MACHINE_ERROR,
          e,
          kernel,
          status,
          outBuf,
          errBuf,
          recorder,
          reports,
          straceBuf,
          runSummary);
    } finally {
      for (AutoCloseable a : attached) {
        try {
          a.close();
        } catch (Exception e) {
          log.warn("closing what was attached to the run failed: {}", e.toString());
        }
      }
      if (straceStream != null) {
        straceStream.flush();
      }
      flush(stdout);
      flush(stderr);
    }
    List<String> problems =
        audit && finished ? SystemAudit.problems(kernel.uvm(), List.of()) : null;
    GuestResult result =
        result(kernel, status, outBuf, errBuf, recorder, reports, straceBuf, runSummary, problems);
    observers.forEach(o -> o.accept(result));
    return result;
  }

  private Kernel newKernel(ByteArrayOutputStream outBuf, ByteArrayOutputStream errBuf)
      throws Uvm4jException {
    if ((ram & 4095) != 0) {
      throw new Uvm4jException(
          Uvm4jException.MACHINE_ERROR,
          "RAM of " + ram + " bytes is not a whole number of 4 KiB pages",
          null,
          null);
    }
    KernelConfig.Builder cfg =
        KernelConfig.builder()
            .ram(ram)
            .deterministic(deterministic)
            .stdin(stdin != null ? stdin : InputStream.nullInputStream())
            .stdout(outBuf != null ? outBuf : stdout)
            .stderr(errBuf != null ? errBuf : stderr)
            .env(Map.copyOf(env))
            .backend(backend)
            .swapForce(swapForce)
            .maxInstructions(maxInstructions)
            .metadataBudget(metadataBudget)
            .cpus(cpus)
            .fs(fs != null ? fs : new FsLayout(root, binds));
    if (cwd != null) {
      cfg.cwd(cwd);
    }
    if (clockStartSet) {
      cfg.clockStart(clockStart);
    }
    if (timeout != null) {
      cfg.timeout(timeout);
    }
    if (timeSlice != null) {
      cfg.timeSlice(timeSlice);
    }
    if (swapFile != null) {
      cfg.swap(swapFile, swapBytes);
    }
    try {
      return new Kernel(cfg.build(), Linux64::create);
    } catch (IllegalArgumentException | UncheckedIOException e) {
      // a bad configuration or an unusable swap file: nothing ran
      throw new Uvm4jException(Uvm4jException.MACHINE_ERROR, e.getMessage(), e, null);
    }
  }

  private static void flush(OutputStream s) {
    if (s == null) {
      return;
    }
    try {
      s.flush();
    } catch (java.io.IOException e) {
      log.warn("flushing the guest's output failed: {}", e.toString());
    }
  }

  private Uvm4jException failure(
      int code,
      Exception cause,
      Kernel kernel,
      int status,
      ByteArrayOutputStream outBuf,
      ByteArrayOutputStream errBuf,
      TraceRecorder recorder,
      List<ProcessMaps> reports,
      ByteArrayOutputStream straceBuf,
      RunSummary runSummary) {
    GuestResult partial =
        result(kernel, status, outBuf, errBuf, recorder, reports, straceBuf, runSummary, null);
    observers.forEach(o -> o.accept(partial));
    return new Uvm4jException(code, cause.getMessage(), cause, partial);
  }

  private static GuestResult result(
      Kernel kernel,
      int status,
      ByteArrayOutputStream outBuf,
      ByteArrayOutputStream errBuf,
      TraceRecorder recorder,
      List<ProcessMaps> reports,
      ByteArrayOutputStream straceBuf,
      RunSummary runSummary,
      List<String> auditProblems) {
    String summaryText = null;
    if (runSummary != null) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      PrintStream ps = new PrintStream(b, true, StandardCharsets.UTF_8);
      runSummary.print(ps, kernel.stats(), kernel.counters());
      ps.flush();
      summaryText = b.toString(StandardCharsets.UTF_8);
    }
    return new GuestResult(
        status,
        outBuf == null ? null : outBuf.toByteArray(),
        errBuf == null ? null : errBuf.toByteArray(),
        recorder,
        reports,
        straceBuf == null ? null : straceBuf.toString(StandardCharsets.UTF_8),
        summaryText,
        auditProblems,
        kernel);
  }
}
