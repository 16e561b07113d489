package org.uvm4j.api;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.WaitStatus;
import org.uvm4j.uvm.trace.TraceRecord;

/**
 * What one guest run produced: how pid 1 ended, the guest's captured stdout and stderr, the {@code
 * --stats} counters, and what the run was asked to record (trace records, maps, strace lines,
 * summary, the system audit). Immutable once made; the {@link #kernel()} it came from has finished
 * its run.
 */
public final class GuestResult {
  private final int status;
  private final int waitStatus;
  private final byte[] stdout;
  private final byte[] stderr;
  private final Map<String, Long> uvmCounters;
  private final Map<String, Long> kernelCounters;
  private final Map<String, Long> enosys;
  private final List<TraceRecord> trace;
  private final long traceDropped;
  private final List<ProcessMaps> maps;
  private final String strace;
  private final String summary;
  private final List<String> auditProblems;
  private final boolean audited;
  private final Kernel kernel;

  GuestResult(
      int status,
      byte[] stdout,
      byte[] stderr,
      TraceRecorder trace,
      List<ProcessMaps> maps,
      String strace,
      String summary,
      List<String> auditProblems,
      Kernel kernel) {
    this.status = status;
    this.waitStatus = kernel.initWaitStatus();
    this.stdout = stdout;
    this.stderr = stderr;
    this.uvmCounters = Collections.unmodifiableMap(new LinkedHashMap<>(kernel.stats().snapshot()));
    this.kernelCounters =
        Collections.unmodifiableMap(new LinkedHashMap<>(kernel.counters().snapshot()));
    this.enosys = Collections.unmodifiableMap(new LinkedHashMap<>(kernel.counters().enosys()));
    this.trace = trace == null ? null : trace.records();
    this.traceDropped = trace == null ? 0 : trace.dropped();
    this.maps = maps == null ? null : List.copyOf(maps);
    this.strace = strace;
    this.summary = summary;
    this.audited = auditProblems != null;
    this.auditProblems = auditProblems == null ? List.of() : List.copyOf(auditProblems);
    this.kernel = kernel;
  }

  /**
   * pid 1's status as a shell reports it: its exit code, 128+N when signal N killed it, 125 after a
   * futex deadlock (every thread waiting on a futex nobody can wake); -1 in a {@link
   * Uvm4jException#partialResult()}.
   */
  public int status() {
    return status;
  }

  /** True when pid 1 ended by exit (or returning from main); false when a signal killed it. */
  public boolean exited() {
    return waitStatus >= 0 && WaitStatus.isExited(waitStatus);
  }

  /** pid 1's exit code; -1 unless {@link #exited()}. */
  public int exitCode() {
    return exited() ? WaitStatus.exitCode(waitStatus) : -1;
  }

  /** The signal that killed pid 1, or 0 when it exited (or the run ended otherwise). */
  public int signal() {
    return waitStatus >= 0 && !WaitStatus.isExited(waitStatus) ? WaitStatus.termSig(waitStatus) : 0;
  }

  /**
   * Everything the guests wrote to standard output, as UTF-8.
   *
   * @throws IllegalStateException when stdout went to a stream given to {@link
   *     GuestBuilder#stdout(java.io.OutputStream)} instead of being captured
   */
  public String stdout() {
    return new String(stdoutBytes(), StandardCharsets.UTF_8);
  }

  /** Everything the guests wrote to standard output. */
  public byte[] stdoutBytes() {
    if (stdout == null) {
      throw new IllegalStateException("stdout was not captured: it went to the stream given");
    }
    return stdout.clone();
  }

  /**
   * Everything the guests (and the kernel's messages, e.g. an out-of-memory kill) wrote to standard
   * error, as UTF-8.
   *
   * @throws IllegalStateException when stderr went to a stream given instead of being captured
   */
  public String stderr() {
    return new String(stderrBytes(), StandardCharsets.UTF_8);
  }

  /** Everything written to standard error. */
  public byte[] stderrBytes() {
    if (stderr == null) {
      throw new IllegalStateException("stderr was not captured: it went to the stream given");
    }
    return stderr.clone();
  }

  /**
   * The UVM counters by their NetBSD names (uvmexp: faults, cowpages, pgswapout, ...), in order.
   */
  public Map<String, Long> uvmCounters() {
    return uvmCounters;
  }

  /** The kernel's counters (forks, execs, syscalls, ...), in order. */
  public Map<String, Long> kernelCounters() {
    return kernelCounters;
  }

  /** The system calls the guests made that uvm4j answered ENOSYS, by name, with their counts. */
  public Map<String, Long> enosys() {
    return enosys;
  }

  /**
   * One UVM counter.
   *
   * @throws IllegalArgumentException for a name that is not a counter
   */
  public long uvmCounter(String name) {
    Long v = uvmCounters.get(name);
    if (v == null) {
      throw new IllegalArgumentException(
          "no UVM counter '" + name + "'; the counters are " + uvmCounters.keySet());
    }
    return v;
  }

  /** The {@code --stats} lines, as {@code uvm4j run --stats} prints them to stderr. */
  public List<String> statsLines() {
    List<String> lines = new ArrayList<>();
    uvmCounters.forEach((name, value) -> lines.add(name + " " + value));
    // the kernel's counters after the UVM's, prefixed: both have a "forks"
    kernelCounters.forEach((name, value) -> lines.add("kern_" + name + " " + value));
    enosys.forEach((name, count) -> lines.add("enosys " + name + " " + count));
    return lines;
  }

  /**
   * The trace records kept ({@link GuestBuilder#trace()}: all; {@link GuestBuilder#traceTail}: the
   * last N), oldest first.
   *
   * @throws IllegalStateException when the run was not traced into memory
   */
  public List<TraceRecord> trace() {
    if (trace == null) {
      throw new IllegalStateException("the run kept no trace: call GuestBuilder.trace()");
    }
    return trace;
  }

  /** The kept trace records of type {@code type} (e.g. {@code FaultRecord.class}), oldest first. */
  public <T extends TraceRecord> List<T> trace(Class<T> type) {
    List<T> out = new ArrayList<>();
    for (TraceRecord r : trace()) {
      if (type.isInstance(r)) {
        out.add(type.cast(r));
      }
    }
    return out;
  }

  /** True when the run kept trace records in memory. */
  public boolean traced() {
    return trace != null;
  }

  /** How many older records {@link GuestBuilder#traceTail} dropped. */
  public long traceDropped() {
    return traceDropped;
  }

  /**
   * Every {@code --maps} report of the run, in the order made (each process's at its exit).
   *
   * @throws IllegalStateException when the run was not asked for maps ({@link GuestBuilder#maps()})
   */
  public List<ProcessMaps> maps() {
    if (maps == null) {
      throw new IllegalStateException("the run kept no maps: call GuestBuilder.maps()");
    }
    return maps;
  }

  /**
   * The map of process {@code pid} at its exit.
   *
   * @throws IllegalArgumentException when there is no such report
   */
  public ProcessMaps mapsAtExit(int pid) {
    for (ProcessMaps m : maps()) {
      if (m.pid() == pid && m.when().equals("at exit")) {
        return m;
      }
    }
    throw new IllegalArgumentException("no maps of pid " + pid + " at exit");
  }

  /**
   * The strace lines ({@link GuestBuilder#strace()}), as {@code --strace} prints them.
   *
   * @throws IllegalStateException when they were not captured
   */
  public String strace() {
    if (strace == null) {
      throw new IllegalStateException("strace was not captured: call GuestBuilder.strace()");
    }
    return strace;
  }

  /**
   * The one-screen summary ({@link GuestBuilder#summary()}), as {@code --summary} prints it.
   *
   * @throws IllegalStateException when it was not asked for
   */
  public String summary() {
    if (summary == null) {
      throw new IllegalStateException("no summary: call GuestBuilder.summary()");
    }
    return summary;
  }

  /**
   * What the system audit found wrong after the run (with every process gone, no anon, amap, page
   * or swap slot may be left, and every count must agree); empty when clean or not {@link
   * #audited()}.
   */
  public List<String> auditProblems() {
    return auditProblems;
  }

  /** True when the system audit ran after the run (not for a failed run, not when turned off). */
  public boolean audited() {
    return audited;
  }

  /** The kernel of the run (finished): its machine, VM system and counters, for deeper checks. */
  public Kernel kernel() {
    return kernel;
  }

  @Override
  public String toString() {
    return "status "
        + status
        + (stdout == null ? "" : "\n--- stdout\n" + stdout())
        + (stderr == null ? "" : "--- stderr\n" + stderr());
  }
}
