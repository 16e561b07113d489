package org.uvm4j.e2e.trace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.uvm4j.e2e.Guests;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.trace.ChromeTraceSink;
import org.uvm4j.uvm.trace.JsonlSink;
import org.uvm4j.uvm.trace.TraceFilter;
import org.uvm4j.uvm.trace.TraceSink;
import org.uvm4j.uvm.trace.Tracer;

/** One run of a guest on the kernel with tracing (and optionally --maps) on, kept in memory. */
final class TracedRun {
  static final ObjectMapper JSON = new ObjectMapper();

  final int status;
  final String stdout;
  final String maps;
  final byte[] trace;

  private TracedRun(int status, String stdout, String maps, byte[] trace) {
    this.status = status;
    this.stdout = stdout;
    this.maps = maps;
    this.trace = trace;
  }

  /**
   * Runs guest {@code name} with a jsonl (or Chrome, with {@code clock}) trace kept by {@code
   * filter}.
   */
  static TracedRun run(String name, String filter, ChromeTraceSink.Clock clock, boolean maps)
      throws Exception {
    Path bin = Guests.binary(name);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    ByteArrayOutputStream traceBytes = new ByteArrayOutputStream();
    ByteArrayOutputStream mapsBytes = new ByteArrayOutputStream();
    KernelConfig cfg = KernelConfig.builder().stdout(out).stderr(err).build();
    Kernel k = new Kernel(cfg, Linux64::create);
    TraceSink sink =
        clock == null ? new JsonlSink(traceBytes) : new ChromeTraceSink(traceBytes, clock);
    Tracer tracer = new Tracer(sink, TraceFilter.parse(filter));
    k.setTracer(tracer);
    if (maps) {
      k.setMapsOutput(new PrintStream(mapsBytes, true, StandardCharsets.UTF_8));
    }
    int status;
    try {
      status = k.run(bin, List.of(bin.toString()), Map.of());
    } finally {
      tracer.close();
    }
    if (status != 0) {
      throw new AssertionError(name + " exited " + status + "\n" + out + err);
    }
    return new TracedRun(
        status,
        out.toString(StandardCharsets.UTF_8),
        mapsBytes.toString(StandardCharsets.UTF_8),
        traceBytes.toByteArray());
  }

  /** The jsonl records. */
  List<JsonNode> records() throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : new String(trace, StandardCharsets.UTF_8).split("\n")) {
      if (!line.isEmpty()) {
        out.add(JSON.readTree(line));
      }
    }
    return out;
  }

  /** The Chrome document. */
  JsonNode document() throws IOException {
    return JSON.readTree(trace);
  }
}
