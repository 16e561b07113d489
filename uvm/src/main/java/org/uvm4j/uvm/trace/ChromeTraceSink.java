package org.uvm4j.uvm.trace;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;

/**
 * Writes the Chrome trace-event JSON format ({@code --trace-format chrome}) that the Perfetto UI
 * and {@code chrome://tracing} open: one object {@code {"traceEvents": [...]}}, one track (process
 * and thread) per guest process named after its program, the page daemon on its own track (pid 0).
 *
 * <p>With the {@link Clock#WALL wall} clock, faults, forks, munmap/mprotect calls and page-daemon
 * passes are complete ({@code "X"}) events lasting their host cost, and page-in, page-out and
 * process events are instants. With the {@link Clock#VIRTUAL virtual} clock every record is an
 * instant at its virtual time (one microsecond on the timeline is one guest instruction), so the
 * file is the same from run to run apart from the {@code wall_ns}/{@code cost_ns} arguments. Every
 * event's {@code args} hold the record's fields as in the jsonl format, and a fault's {@code
 * args.path} tells its path in words.
 */
public final class ChromeTraceSink implements TraceSink {
  /** Which time the timeline shows. */
  public enum Clock {
    /** Host time since tracing began; events last their host cost. */
    WALL,
    /** Guest instructions retired; every event is an instant. */
    VIRTUAL
  }

  /** The page daemon's pseudo-process. */
  public static final int PAGEDAEMON_PID = 0;

  private final JsonGenerator gen;
  private final JsonFields fields;
  private final Clock clock;
  private final Map<Integer, String> names = new HashMap<>();
  private boolean closed;

  /** Writes to {@code out} (UTF-8), which this sink closes; starts the document. */
  public ChromeTraceSink(OutputStream out, Clock clock) throws IOException {
    this.gen = new JsonFactory().createGenerator(out, JsonEncoding.UTF8);
    this.fields = new JsonFields(gen);
    this.clock = clock;
    gen.writeStartObject();
    gen.writeStringField("displayTimeUnit", "ns");
    gen.writeObjectFieldStart("otherData");
    gen.writeStringField("generator", "uvm4j");
    gen.writeStringField("clock", clock.name().toLowerCase(java.util.Locale.ROOT));
    gen.writeStringField(
        "time_unit", clock == Clock.WALL ? "microseconds of host time" : "guest instructions");
    gen.writeEndObject();
    gen.writeArrayFieldStart("traceEvents");
  }

  @Override
  public void write(TraceRecord r) throws IOException {
    int pid = r.pid();
    if (!names.containsKey(pid)) {
      name(pid, null);
    }
    switch (r.type()) {
      case FAULT -> {
        FaultRecord f = (FaultRecord) r;
        event(f, faultName(f), "fault", f.costNanos(), f.describePath());
      }
      case FORK -> event(r, "fork", "vm", ((ForkRecord) r).costNanos(), null);
      case MUNMAP -> event(r, "munmap", "vm", ((UnmapRecord) r).costNanos(), null);
      case MPROTECT -> event(r, "mprotect", "vm", ((ProtectRecord) r).costNanos(), null);
      case PDAEMON -> event(r, "pagedaemon pass", "pdaemon", ((PdaemonRecord) r).costNanos(), null);
      case PAGEOUT -> instant(r, "pageout", "swap");
      case PAGEIN -> instant(r, "pagein", "swap");
      case PROC -> proc((ProcRecord) r);
    }
  }

  private void proc(ProcRecord p) throws IOException {
    switch (p.event()) {
      case FORK -> name(p.pid(), names.get(p.parentPid()));
      case EXEC -> name(p.pid(), baseName(p.path()));
      case EXIT -> {}
    }
    instant(p, p.event().label(), "proc");
  }

  /**
   * Labels a process track: "program (pid N)", "pid N" while the program is unknown (null), "page
   * daemon" for pid 0; tracks sort by pid, the page daemon last.
   */
  private void name(int pid, String program) throws IOException {
    String label;
    if (pid == PAGEDAEMON_PID) {
      label = "page daemon";
    } else {
      label = program == null ? "pid " + pid : program + " (pid " + pid + ")";
    }
    names.put(pid, program);
    metadata("process_name", pid, "name", label);
    metadata("thread_name", pid, "name", pid == PAGEDAEMON_PID ? "pagedaemon" : "cpu");
    metadata("process_sort_index", pid, "sort_index", pid == PAGEDAEMON_PID ? 1 << 30 : pid);
  }

  private void metadata(String what, int pid, String key, Object value) throws IOException {
    gen.writeStartObject();
    gen.writeStringField("name", what);
    gen.writeStringField("ph", "M");
    gen.writeNumberField("pid", pid);
    gen.writeNumberField("tid", pid);
    gen.writeObjectFieldStart("args");
    if (value instanceof Integer i) {
      gen.writeNumberField(key, i);
    } else {
      gen.writeStringField(key, (String) value);
    }
    gen.writeEndObject();
    gen.writeEndObject();
  }

  private void event(TraceRecord r, String name, String cat, long costNanos, String path)
      throws IOException {
    if (clock == Clock.VIRTUAL) {
      begin(r, name, cat, "i", r.vtime());
      gen.writeStringField("s", "t");
    } else {
      begin(r, name, cat, "X", (r.wallNanos() - costNanos) / 1000.0);
      gen.writeNumberField("dur", costNanos / 1000.0);
    }
    args(r, path);
  }

  private void instant(TraceRecord r, String name, String cat) throws IOException {
    begin(r, name, cat, "i", clock == Clock.VIRTUAL ? r.vtime() : r.wallNanos() / 1000.0);
    gen.writeStringField("s", "t");
    args(r, null);
  }

  private void begin(TraceRecord r, String name, String cat, String ph, double ts)
      throws IOException {
    gen.writeStartObject();
    gen.writeStringField("name", name);
    gen.writeStringField("cat", cat);
    gen.writeStringField("ph", ph);
    gen.writeNumberField("ts", ts);
    gen.writeNumberField("pid", r.pid());
    gen.writeNumberField("tid", r.tid());
  }

  private void args(TraceRecord r, String path) throws IOException {
    gen.writeObjectFieldStart("args");
    gen.writeNumberField("seq", r.seq());
    gen.writeNumberField("vtime", r.vtime());
    gen.writeNumberField("wall_ns", r.wallNanos());
    fields.body(r);
    if (path != null) {
      gen.writeStringField("path", path);
    }
    gen.writeEndObject();
    gen.writeEndObject();
  }

  /** {@code "1B anon cow"}, {@code "zero fill"}, or the failure ({@code "segv_maperr"}). */
  static String faultName(FaultRecord f) {
    if (f.outcome() != Outcome.RESOLVED) {
      return f.outcome().label();
    }
    return f.path() == FaultPath.ZERO_FILL ? f.path().title() : FAULT_NAMES[f.path().ordinal()];
  }

  private static final String[] FAULT_NAMES = new String[FaultPath.values().length];

  static {
    for (FaultPath p : FaultPath.values()) {
      FAULT_NAMES[p.ordinal()] = p.label() + " " + p.title();
    }
  }

  private static String baseName(String path) {
    if (path == null) {
      return "?";
    }
    int slash = path.lastIndexOf('/');
    return slash >= 0 && slash < path.length() - 1 ? path.substring(slash + 1) : path;
  }

  @Override
  public void flush() throws IOException {
    gen.flush();
  }

  /** Ends the document (the file is valid JSON only after this). */
  @Override
  public void close() throws IOException {
    if (!closed) {
      closed = true;
      gen.writeEndArray();
      gen.writeEndObject();
      gen.close();
    }
  }
}
