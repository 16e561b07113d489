package org.uvm4j.uvm.trace;

import java.io.IOException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.trace.ProcRecord.ProcEvent;

/**
 * The VM system's trace point ({@code UVMHIST}): the fault handler, the map operations, the page
 * daemon, swap and the kernel call it; it stamps each event with a sequence number, the virtual
 * time, the wall time and the running process (from its {@link TraceContext}), keeps what the
 * {@link TraceFilter} keeps and hands it to the {@link TraceSink}.
 *
 * <p>A machine has a tracer only while tracing is on; every hook tests for null first, so tracing
 * off costs one test. Faults fill one reused {@link FaultRecord}; other events are rare and make a
 * small immutable record each. Used by the one CPU thread.
 *
 * <p>A sink that fails (disk full) is dropped with one warning, the machine goes on, and {@link
 * #close()} reports the failure.
 */
public final class Tracer implements AutoCloseable {
  private static final Logger log = LogManager.getLogger("uvm.trace");

  private final TraceSink sink;
  private final TraceFilter filter;
  private final long startNanos = System.nanoTime();
  private final FaultRecord fault = new FaultRecord();
  private TraceContext context = TraceContext.NONE;
  private long seq;
  private long written;
  private IOException error;
  private boolean closed;

  public Tracer(TraceSink sink, TraceFilter filter) {
    this.sink = sink;
    this.filter = filter;
  }

  /** Where pid, pc and virtual time come from (the kernel and machine set it). */
  public void setContext(TraceContext context) {
    this.context = context == null ? TraceContext.NONE : context;
  }

  public TraceContext context() {
    return context;
  }

  public TraceFilter filter() {
    return filter;
  }

  /** Host time for a caller to measure an operation's cost: pass it back as {@code t0}. */
  public long now() {
    return System.nanoTime();
  }

  /** Records made so far (kept or not). */
  public long recordsMade() {
    return seq;
  }

  /** Records the filter kept and the sink took. */
  public long recordsWritten() {
    return written;
  }

  /** The sink's failure, or null. */
  public IOException error() {
    return error;
  }

  // ---- faults ----

  /**
   * The fault record to fill for the fault that just ended, cleared, with its header and pc
   * stamped; {@link #commitFault} then writes it.
   */
  FaultRecord beginFault() {
    FaultRecord f = fault;
    f.clear();
    stamp(f);
    f.pc = context.pc();
    return f;
  }

  /** Writes the record {@link #beginFault} gave (if the filter keeps it). */
  void commitFault(FaultRecord f) {
    emit(f);
  }

  private void stamp(FaultRecord f) {
    f.seq = ++seq;
    f.vtime = context.virtualTime();
    f.wallNanos = System.nanoTime() - startNanos;
    f.pid = context.pid();
  }

  // ---- map operations ----

  /** munmap of {@code [start, end)} ended with {@code errno}. */
  public void munmap(
      long start, long end, int errno, long residentUnmapped, long pagesFreed, long t0) {
    long now = System.nanoTime();
    emit(
        new UnmapRecord(
            ++seq,
            context.virtualTime(),
            now - startNanos,
            context.pid(),
            start,
            end,
            errno,
            residentUnmapped,
            pagesFreed,
            now - t0));
  }

  /** mprotect of {@code [start, end)} to {@code prot} ended with {@code errno}. */
  public void mprotect(
      long start, long end, int prot, int errno, long residentBefore, long residentAfter, long t0) {
    long now = System.nanoTime();
    emit(
        new ProtectRecord(
            ++seq,
            context.virtualTime(),
            now - startNanos,
            context.pid(),
            start,
            end,
            prot,
            errno,
            residentBefore,
            residentAfter,
            now - t0));
  }

  /** A fork's summary (see {@link ForkRecord}), the parent being the running process. */
  public void fork(
      int entries,
      int share,
      int copy,
      int none,
      int zero,
      int amapsShared,
      int amapsReferenced,
      int amapsCopied,
      int pagesCopied,
      int childEntries,
      long t0) {
    long now = System.nanoTime();
    emit(
        new ForkRecord(
            ++seq,
            context.virtualTime(),
            now - startNanos,
            context.pid(),
            entries,
            share,
            copy,
            none,
            zero,
            amapsShared,
            amapsReferenced,
            amapsCopied,
            pagesCopied,
            childEntries,
            now - t0));
  }

  // ---- paging ----

  /** The page daemon wrote anon {@code anonId}'s page (frame) to swap slot {@code slot}. */
  public void pageout(int anonId, int slot, int frame, boolean ok) {
    emit(
        new PageoutRecord(
            ++seq,
            context.virtualTime(),
            System.nanoTime() - startNanos,
            ChromeTraceSink.PAGEDAEMON_PID,
            anonId,
            slot,
            frame,
            ok));
  }

  /** Anon {@code anonId}'s page was read from {@code slot} into {@code frame}. */
  public void pagein(int anonId, int slot, int frame, boolean ok) {
    emit(
        new PageinRecord(
            ++seq,
            context.virtualTime(),
            System.nanoTime() - startNanos,
            context.pid(),
            anonId,
            slot,
            frame,
            ok));
  }

  /** One page-daemon pass ended. */
  public void pdaemon(
      long freeBefore, long freeAfter, long scanned, long pagedOut, long freed, long t0) {
    long now = System.nanoTime();
    emit(
        new PdaemonRecord(
            ++seq,
            context.virtualTime(),
            now - startNanos,
            ChromeTraceSink.PAGEDAEMON_PID,
            freeBefore,
            freeAfter,
            scanned,
            pagedOut,
            freed,
            now - t0));
  }

  // ---- processes ----

  /** Process {@code childPid} was forked from {@code parentPid}. */
  public void procFork(int parentPid, int childPid) {
    proc(childPid, ProcEvent.FORK, parentPid, null, -1, 0);
  }

  /** Process {@code pid} now runs {@code path}. */
  public void procExec(int pid, String path) {
    proc(pid, ProcEvent.EXEC, -1, path, -1, 0);
  }

  /** Process {@code pid} exited with {@code exitCode}, or was killed by {@code signal} (&gt; 0). */
  public void procExit(int pid, int exitCode, int signal) {
    proc(pid, ProcEvent.EXIT, -1, null, signal > 0 ? -1 : exitCode, signal);
  }

  private void proc(int pid, ProcEvent ev, int parent, String path, int code, int signal) {
    emit(
        new ProcRecord(
            ++seq,
            context.virtualTime(),
            System.nanoTime() - startNanos,
            pid,
            ev,
            parent,
            path,
            code,
            signal));
  }

  // ---- output ----

  private void emit(TraceRecord r) {
    if (error != null || closed || !filter.keeps(r)) {
      return;
    }
    try {
      sink.write(r);
      written++;
    } catch (IOException e) {
      error = e;
      log.warn("trace output failed, tracing stops: {}", e.toString());
    }
  }

  /** Pushes buffered records out. */
  public void flush() {
    if (error == null && !closed) {
      try {
        sink.flush();
      } catch (IOException e) {
        error = e;
        log.warn("trace output failed, tracing stops: {}", e.toString());
      }
    }
  }

  /**
   * Ends the trace (closes the sink). Throws the sink's failure, whether it happened now or during
   * the run, so the caller can tell the user the trace is incomplete.
   */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      sink.close();
    } catch (IOException e) {
      if (error == null) {
        error = e;
      } else {
        error.addSuppressed(e);
      }
    }
    if (error != null) {
      throw error;
    }
  }
}
