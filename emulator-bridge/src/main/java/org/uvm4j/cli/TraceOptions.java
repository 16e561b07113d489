package org.uvm4j.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.uvm4j.uvm.trace.ChromeTraceSink;
import org.uvm4j.uvm.trace.JsonlSink;
import org.uvm4j.uvm.trace.LogSink;
import org.uvm4j.uvm.trace.TeeSink;
import org.uvm4j.uvm.trace.TraceFilter;
import org.uvm4j.uvm.trace.TraceSink;
import org.uvm4j.uvm.trace.Tracer;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * The observability options of {@code uvm4j run} (an option group, {@link #addTo}): {@code --trace
 * FILE}, {@code --trace-format jsonl|chrome}, {@code --trace-clock wall|virtual}, {@code
 * --trace-filter}, {@code --log}, {@code --log-file}, {@code --maps}. See docs/tracing.md.
 *
 * <p>{@link #applyLogLevels()} first (so that the log sink sees the levels), then {@link
 * #openTracer()}: a tracer when a trace file is asked for or a trace logger is enabled, else null
 * (tracing off: no cost).
 */
public final class TraceOptions {
  /** The command these options belong to, for its errors. */
  private CommandSpec spec;

  Path traceFile;

  String traceFormat;

  String traceClock;

  List<String> traceFilters = new ArrayList<>();

  String log;

  Path logFile;

  boolean maps;

  /**
   * Declares these options in {@code spec} (the {@code run} command), bound to this object's
   * fields.
   */
  void addTo(CommandSpec spec) {
    this.spec = spec;
    spec.addOption(
        Options.option(
                "--trace",
                Path.class,
                Binding.<Path>of(() -> traceFile, v -> traceFile = v),
                "Write a trace of every fault, fork, munmap, mprotect, page-out/in to FILE.")
            .paramLabel("FILE")
            .build());
    spec.addOption(
        Options.option(
                "--trace-format",
                String.class,
                Binding.<String>of(() -> traceFormat, v -> traceFormat = v),
                "jsonl (one JSON object per line, default) or chrome (Chrome/Perfetto trace-event JSON).")
            .paramLabel("FORMAT")
            .defaultValue("jsonl")
            .build());
    spec.addOption(
        Options.option(
                "--trace-clock",
                String.class,
                Binding.<String>of(() -> traceClock, v -> traceClock = v),
                "Timeline of the chrome format: wall (host time, faults last their cost; default) or"
                    + " virtual (guest instructions; reproducible).")
            .paramLabel("CLOCK")
            .defaultValue("wall")
            .build());
    spec.addOption(
        Options.option(
                "--trace-filter",
                List.class,
                Binding.<List<String>>of(() -> traceFilters, v -> traceFilters = v),
                "Keep only some records: pid=N,…; addr=START-END,…; kind=1B,zero,fork,… (clauses separated"
                    + " by ';', repeatable).")
            .auxiliaryTypes(String.class)
            .paramLabel("EXPR")
            .build());
    spec.addOption(
        Options.option(
                "--log",
                String.class,
                Binding.<String>of(() -> log, v -> log = v),
                "Log4j 2 levels: LEVEL for all loggers, or logger=LEVEL,… (uvm.fault, uvm.amap, uvm.map,"
                    + " uvm.fork, uvm.pdaemon, uvm.swap, machine, kern.syscall, kern.proc …).")
            .paramLabel("LEVELS")
            .build());
    spec.addOption(
        Options.option(
                "--log-file",
                Path.class,
                Binding.<Path>of(() -> logFile, v -> logFile = v),
                "Write uvm4j's log to FILE instead of stderr, with each system call the guest made that"
                    + " uvm4j answered ENOSYS (kern.syscall at INFO).")
            .paramLabel("FILE")
            .build());
    spec.addOption(
        Options.option(
                "--maps",
                boolean.class,
                Binding.<Boolean>of(() -> maps, v -> maps = v),
                "Print each process's map at exit, like /proc/PID/maps plus amap, ppref, resident,"
                    + " swapped and shared pages, and the processes sharing each amap.")
            .build());
  }

  /** True if {@code --maps} was given. */
  public boolean maps() {
    return maps;
  }

  /** The trace file, or null. */
  public Path traceFile() {
    return traceFile;
  }

  /** Applies {@code --log} and {@code --log-file}, if given. */
  public void applyLogLevels() {
    try {
      LogLevels levels = log == null ? null : LogLevels.parse(log);
      if (levels != null) {
        levels.apply();
      }
      if (logFile != null) {
        LogFile.redirect(logFile, levels);
      }
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /**
   * The tracer the options ask for: writing to the trace file in the chosen format and/or to the
   * trace loggers that are enabled, keeping what the filter keeps; null when tracing is off.
   *
   * @throws ParameterException for a bad format, clock or filter, or a file that cannot be written
   */
  public Tracer openTracer() {
    TraceFilter filter;
    try {
      filter = TraceFilter.parse(traceFilters);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ChromeTraceSink.Clock clock = clock();
    boolean chrome = chrome();
    List<TraceSink> sinks = new ArrayList<>();
    if (traceFile != null) {
      try {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(traceFile), 1 << 16);
        sinks.add(chrome ? new ChromeTraceSink(out, clock) : new JsonlSink(out));
      } catch (IOException e) {
        throw new ParameterException(
            spec.commandLine(), "cannot write the trace file " + traceFile + ": " + e, e);
      }
    }
    if (LogSink.anyEnabled()) {
      sinks.add(new LogSink());
    }
    if (sinks.isEmpty()) {
      return null;
    }
    return new Tracer(sinks.size() == 1 ? sinks.get(0) : new TeeSink(sinks), filter);
  }

  private boolean chrome() {
    return switch (traceFormat) {
      case "jsonl" -> false;
      case "chrome" -> true;
      default ->
          throw new ParameterException(
              spec.commandLine(),
              "--trace-format '" + traceFormat + "' is not one of jsonl, chrome");
    };
  }

  private ChromeTraceSink.Clock clock() {
    return switch (traceClock) {
      case "wall" -> ChromeTraceSink.Clock.WALL;
      case "virtual" -> ChromeTraceSink.Clock.VIRTUAL;
      default ->
          throw new ParameterException(
              spec.commandLine(), "--trace-clock '" + traceClock + "' is not one of wall, virtual");
    };
  }
}
