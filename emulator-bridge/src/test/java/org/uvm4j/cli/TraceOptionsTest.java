package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.trace.Tracer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/** The trace and log options as a command sees them. */
class TraceOptionsTest {
  private static TraceOptions parse(String... args) {
    TraceOptions trace = new TraceOptions();
    CommandSpec spec = CommandSpec.create().name("run");
    trace.addTo(spec);
    new CommandLine(spec).parseArgs(args);
    return trace;
  }

  @AfterEach
  void resetLevels() {
    Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.WARN);
    Configurator.setLevel("uvm.fault", (Level) null);
  }

  @Test
  void noOptionsMeansNoTracer() {
    TraceOptions o = parse();
    o.applyLogLevels();
    assertThat(o.openTracer()).isNull();
    assertThat(o.maps()).isFalse();
  }

  @Test
  void chromeTraceFileIsWrittenAndValidAfterClose(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.json");
    TraceOptions o =
        parse(
            "--trace",
            file.toString(),
            "--trace-format",
            "chrome",
            "--trace-filter",
            "kind=proc",
            "--maps");
    assertThat(o.maps()).isTrue();
    Tracer t = o.openTracer();
    assertThat(t).isNotNull();
    t.procExec(1, "/bin/demo");
    t.procExit(1, 0, 0);
    t.close();
    JsonNode doc = new ObjectMapper().readTree(file.toFile());
    assertThat(doc.get("traceEvents")).isNotEmpty();
    assertThat(doc.get("otherData").get("clock").asText()).isEqualTo("wall");
  }

  @Test
  void jsonlIsTheDefaultFormat(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("t.jsonl");
    Tracer t = parse("--trace", file.toString()).openTracer();
    t.procExec(7, "/bin/demo");
    t.close();
    assertThat(Files.readAllLines(file))
        .hasSize(1)
        .allMatch(l -> l.startsWith("{\"type\":\"proc\""));
  }

  @Test
  void debugLoggingAloneTurnsTracingOnForTheLog() {
    TraceOptions o = parse("--log", "uvm.fault=debug");
    o.applyLogLevels();
    assertThat(LogManager.getLogger("uvm.fault").isDebugEnabled()).isTrue();
    assertThat(LogManager.getLogger("uvm.swap").isDebugEnabled()).isFalse();
    assertThat(o.openTracer()).isNotNull();
  }

  @Test
  void badValuesAreParameterErrorsNamingThem(@TempDir Path dir) {
    assertThatThrownBy(
            () ->
                parse("--trace", dir.resolve("t").toString(), "--trace-format", "xml").openTracer())
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'xml'");
    assertThatThrownBy(() -> parse("--trace-clock", "cpu").openTracer())
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'cpu'");
    assertThatThrownBy(() -> parse("--trace-filter", "kind=nope").openTracer())
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'nope'");
    assertThatThrownBy(() -> parse("--trace", dir.resolve("no/such/dir/t").toString()).openTracer())
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("cannot write the trace file");
    assertThatThrownBy(() -> parse("--log", "uvm.fault=loud").applyLogLevels())
        .isInstanceOf(ParameterException.class)
        .hasMessageContaining("'loud'");
  }

  @Test
  void logLevelsParseRootAndNamedLoggers() {
    LogLevels l = LogLevels.parse("info, uvm.fault=TRACE,kern.syscall=debug");
    assertThat(l.levels())
        .containsEntry("", Level.INFO)
        .containsEntry("uvm.fault", Level.TRACE)
        .containsEntry("kern.syscall", Level.DEBUG)
        .hasSize(3);
    l.apply();
    assertThat(LogManager.getLogger("uvm.fault").isTraceEnabled()).isTrue();
    assertThat(LogManager.getLogger("machine").isInfoEnabled()).isTrue();
    assertThat(LogManager.getLogger("machine").isDebugEnabled()).isFalse();
    assertThatThrownBy(() -> LogLevels.parse("=debug")).hasMessageContaining("no logger name");
    assertThatThrownBy(() -> LogLevels.parse(" , ")).hasMessageContaining("needs LEVEL");
  }
}
