package org.uvm4j.uvm.trace;

/**
 * The trace record of a process event.
 *
 * <ul>
 *   <li>{@code fork}: {@link #pid} is the new child, {@link #parentPid} its parent.
 *   <li>{@code exec}: {@link #path} is the program now running as {@link #pid}.
 *   <li>{@code exit}: {@link #exitCode} (for a normal exit) or {@link #signal} (killed; 0 if not).
 * </ul>
 *
 * Fields that do not apply to the event are -1 (or null) and are left out of the written record.
 */
public record ProcRecord(
    long seq,
    long vtime,
    long wallNanos,
    int pid,
    int tid,
    ProcEvent event,
    int parentPid,
    String path,
    int exitCode,
    int signal)
    implements TraceRecord {

  /** What happened to the process. */
  public enum ProcEvent {
    FORK,
    EXEC,
    EXIT;

    /** The {@code "event"} field. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  @Override
  public RecordType type() {
    return RecordType.PROC;
  }

  @Override
  public void fields(FieldSink out) {
    out.text("event", event.label());
    if (parentPid >= 0) {
      out.number("parent_pid", parentPid);
    }
    if (path != null) {
      out.text("path", path);
    }
    if (exitCode >= 0) {
      out.number("exit_code", exitCode);
    }
    if (signal > 0) {
      out.number("signal", signal);
    }
  }

  /** A process event is of kind {@code proc} and of its event's name ({@code exec} …). */
  @Override
  public boolean isKind(String kind) {
    return "proc".equals(kind) || event.label().equals(kind);
  }
}
