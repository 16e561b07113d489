package org.uvm4j.uvm.trace;

import java.io.IOException;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.fault.FaultInfo;
import org.uvm4j.uvm.fault.FaultObserver;
import org.uvm4j.uvm.fault.FaultSnapshot;
import org.uvm4j.uvm.observe.ForkCensus;
import org.uvm4j.uvm.observe.VmObserver;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.trace.ProcRecord.ProcEvent;

/**
 * The VM system's trace point ({@code UVMHIST}): the fault handler, the map operations, the page
 * daemon, swap and the kernel call it; it stamps each event with a sequence number, the virtual
 * time, the wall time and the running process (from its {@link TraceContext}), keeps what the
 * {@link TraceFilter} keeps and hands it to the {@link TraceSink}.
 *
 * <p>A machine has a tracer only while tracing is on; every hook tests for null first, so tracing
 * off costs one test. Every event makes a small immutable record (a fault's is a snapshot of the
 * handler's view of it). Used by the one CPU thread.
 *
 * <p>A sink that fails (disk full) is dropped with one warning, the machine goes on, and {@link
 * #close()} reports the failure.
 */
public final class Tracer implements FaultObserver, VmObserver, AutoCloseable {
  private static final Logger log = LogManager.getLogger("uvm.trace");

  private final TraceSink sink;
  private final TraceFilter filter;
  private final long startNanos = System.nanoTime();
  private TraceContext context = TraceContext.NONE;
  private long seq;
  private long written;
  private IOException error;
  private boolean closed;
  private Uvm attachedUvm;
  private FaultHandler attachedHandler;

  public Tracer(TraceSink sink, TraceFilter filter) {
    this.sink = sink;
    this.filter = filter;
  }

  /**
   * Turns tracing on for a machine: {@code uvm}'s map operations, paging and kernel hooks report
   * here, and {@code handler} calls {@link #faultDone} after every fault. {@link #close()} turns it
   * off again.
   */
  public void attach(Uvm uvm, FaultHandler handler) {
    uvm.setObserver(this);
    handler.setObserver(this);
    attachedUvm = uvm;
    attachedHandler = handler;
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
   * Writes the fault that just ended: an immutable {@link FaultRecord} of the handler's view
   * ({@link FaultInfo#snapshot()}) with the header, the pc and the cost added.
   */
  @Override
  public void faultDone(FaultInfo info) {
    long now = System.nanoTime();
    emit(
        new FaultRecord(
            ++seq,
            context.virtualTime(),
            now - startNanos,
            context.pid(),
            context.tid(),
            context.pc(),
            now - info.startNanos(),
            FaultSnapshot.of(info)));
  }

  // ---- map operations ----

  @Override
  public void munmap(
      long start, long end, int entries, long residentUnmapped, long pagesFreed, long costNanos) {
    emit(
        new UnmapRecord(
            ++seq,
            context.virtualTime(),
            System.nanoTime() - startNanos,
            context.pid(),
            context.tid(),
            start,
            end,
            entries,
            residentUnmapped,
            pagesFreed,
            costNanos));
  }

  @Override
  public void mprotect(
      long start, long end, int prot, int errno, int entries, long resident, long costNanos) {
    emit(
        new ProtectRecord(
            ++seq,
            context.virtualTime(),
            System.nanoTime() - startNanos,
            context.pid(),
            context.tid(),
            start,
            end,
            prot,
            errno,
            entries,
            resident,
            costNanos));
  }

  /** uvmspace_fork in the running process (the parent). */
  @Override
  public void fork(ForkCensus census, long costNanos) {
    emit(
        new ForkRecord(
            ++seq,
            context.virtualTime(),
            System.nanoTime() - startNanos,
            context.pid(),
            context.tid(),
            census,
            costNanos));
  }

  // ---- paging ----

  @Override
  public void pageout(int anonId, int slot, int frame, boolean ok) {
    emit(
        new PageoutRecord(
            ++seq,
            context.virtualTime(),
            System.nanoTime() - startNanos,
            ChromeTraceSink.PAGEDAEMON_PID,
            ChromeTraceSink.PAGEDAEMON_PID,
            anonId,
            slot,
            frame,
            ok));
  }

  @Override
  public void pagein(int anonId, int slot, int frame, boolean ok) {
    emit(
        new PageinRecord(
            ++seq,
            context.virtualTime(),
            System.nanoTime() - startNanos,
            context.pid(),
            context.tid(),
            anonId,
            slot,
            frame,
            ok));
  }

  @Override
  public void pdaemon(
      long freeBefore, long freeAfter, long scanned, long pagedOut, long freed, long costNanos) {
    long now = System.nanoTime();
    emit(
        new PdaemonRecord(
            ++seq,
            context.virtualTime(),
            now - startNanos,
            ChromeTraceSink.PAGEDAEMON_PID,
            ChromeTraceSink.PAGEDAEMON_PID,
            freeBefore,
            freeAfter,
            scanned,
            pagedOut,
            freed,
            costNanos));
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
    if (attachedUvm != null && attachedUvm.observer() == this) {
      attachedUvm.setObserver(null);
    }
    if (attachedHandler != null) {
      attachedHandler.setObserver(null);
    }
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
