package org.uvm4j.e2e.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.cli.KernelRunner;
import org.uvm4j.cli.Main;
import org.uvm4j.e2e.Guests;

/** {@code uvm4j run} with the trace options, in process, on real guests. */
class TraceCliE2eTest {
  /** What one CLI run printed. */
  record Cli(int status, String stdout, String stderr) {}

  static Cli uvm4j(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
    PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
    int status = Main.execute(args, o, e, new KernelRunner(System.in, o, e));
    return new Cli(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static List<JsonNode> jsonl(Path file) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    try (Stream<String> lines = Files.lines(file)) {
      for (String l : (Iterable<String>) lines::iterator) {
        out.add(TracedRun.JSON.readTree(l));
      }
    }
    return out;
  }

  @Test
  void chromeTraceOfTheForkDemoHasATrackPerProcessAndFaultsWithTheirPath(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("t.json");
    String bin = Guests.binary("fork_cow").toString();
    Cli r = uvm4j("run", "--trace", file.toString(), "--trace-format", "chrome", bin);
    assertThat(r.status()).as(r.stderr()).isZero();
    assertThat(r.stdout()).contains("all generations saw exactly their own data");

    JsonNode doc = TracedRun.JSON.readTree(file.toFile());
    assertThat(doc.get("displayTimeUnit").asText()).isEqualTo("ns");
    Set<String> tracks = new HashSet<>();
    Set<Integer> faultPids = new HashSet<>();
    Set<String> cases = new HashSet<>();
    for (JsonNode e : doc.get("traceEvents")) {
      assertThat(e.get("name").isTextual()).isTrue();
      assertThat(e.get("pid").isInt()).isTrue();
      assertThat(e.get("tid").isInt()).isTrue();
      String ph = e.get("ph").asText();
      assertThat(ph).isIn("M", "X", "i");
      if (ph.equals("M")) {
        if (e.get("name").asText().equals("process_name")) {
          tracks.add(e.get("args").get("name").asText());
        }
        continue;
      }
      assertThat(e.get("ts").isNumber()).isTrue();
      assertThat(e.get("cat").isTextual()).isTrue();
      if (ph.equals("X")) {
        assertThat(e.get("dur").asDouble()).isGreaterThanOrEqualTo(0);
      }
      if (e.get("cat").asText().equals("fault")) {
        JsonNode args = e.get("args");
        faultPids.add(e.get("pid").asInt());
        cases.add(args.get("case").asText());
        assertThat(args.get("path").asText()).endsWith(args.get("outcome").asText());
        assertThat(args.get("va").asText()).startsWith("0x");
      }
    }
    assertThat(tracks).contains("fork_cow (pid 1)", "fork_cow (pid 2)", "fork_cow (pid 3)");
    assertThat(faultPids).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(cases).contains("zero", "1A", "1B", "2A");
  }

  @Test
  void filtersKeepOnlyTheAskedRecords(@TempDir Path dir) throws Exception {
    String bin = Guests.binary("trace_cow").toString();
    Path all = dir.resolve("all.jsonl");
    Path cow = dir.resolve("cow.jsonl");
    Path region = dir.resolve("region.jsonl");
    assertThat(uvm4j("run", "--trace", all.toString(), bin).status()).isZero();
    assertThat(
            uvm4j("run", "--trace", cow.toString(), "--trace-filter", "pid=2;kind=cow", bin)
                .status())
        .isZero();
    assertThat(
            uvm4j(
                    "run",
                    "--trace",
                    region.toString(),
                    "--trace-filter",
                    "addr=0x10000000-0x10006000",
                    "--trace-filter",
                    "kind=fault",
                    bin)
                .status())
        .isZero();

    List<JsonNode> allRecords = jsonl(all);
    List<JsonNode> expectedCow = new ArrayList<>();
    for (JsonNode n : allRecords) {
      if (n.get("pid").asInt() == 2
          && n.get("type").asText().equals("fault")
          && (n.get("case").asText().equals("1B") || n.get("case").asText().equals("2B"))) {
        expectedCow.add(n);
      }
    }
    List<JsonNode> cowRecords = jsonl(cow);
    assertThat(cowRecords).hasSameSizeAs(expectedCow).hasSizeGreaterThanOrEqualTo(4);
    for (int i = 0; i < cowRecords.size(); i++) {
      assertThat(cowRecords.get(i).get("seq")).isEqualTo(expectedCow.get(i).get("seq"));
      assertThat(cowRecords.get(i).get("va")).isEqualTo(expectedCow.get(i).get("va"));
    }
    assertThat(jsonl(region))
        .hasSize(16)
        .allSatisfy(n -> assertThat(n.get("entry_start").asText()).isEqualTo("0x10000000"));
    assertThat(uvm4j("run", "--trace-filter", "kind=cows", bin).stderr())
        .contains("uvm4j: trace filter kind 'cows' is unknown");
  }

  @Test
  void mapsAtExitShowTheGuestsMappingsWithAmapsAndSharers() {
    Cli r = uvm4j("run", "--maps", Guests.binary("trace_cow").toString());
    assertThat(r.status()).as(r.stderr()).isZero();
    String err = r.stderr();
    int child = err.indexOf("maps of pid 2 (trace_cow) at exit:");
    int parent = err.indexOf("maps of pid 1 (trace_cow) at exit:");
    assertThat(child).isNotNegative();
    assertThat(parent).isGreaterThan(child);
    String childMaps = err.substring(child, parent);
    String parentMaps = err.substring(parent);
    // columns: range perm inherit offset amap ppref rss anon swap shared sharers name
    assertThat(childMaps)
        .containsPattern(
            "000010000000-000010006000 +rw-p copy +00000000 +\\d+ \\w+ +\\d+ +6 +0 +2 - +\\[anon\\]")
        .containsPattern(
            "000010100000-000010101000 +rw-s share +00000000 +\\d+ \\w+ +\\d+ +1 +0 +0 1 +\\[anon\\]");
    assertThat(parentMaps)
        .containsPattern(
            "000010000000-000010006000 +rw-p copy +00000000 +\\d+ \\w+ +6 +6 +0 +0 - +\\[anon\\]")
        .containsPattern(
            "000010100000-000010101000 +rw-s share +00000000 +\\d+ \\w+ +1 +1 +0 +0 - +\\[anon\\]")
        // the program's text is named by the ELF's path, as in /proc/PID/maps
        .containsPattern(
            "00000040[0-9a-f]{4}-[0-9a-f]{12} +r-xp copy .* "
                + java.util.regex.Pattern.quote(Guests.binary("trace_cow").toString())
                + "\n");
  }

  /** Keeps the formatted trace lines ("#seq …") logged through the root logger. */
  private static final class Capture extends AbstractAppender {
    final List<String> lines = new ArrayList<>();

    Capture() {
      super("e2e-capture", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public synchronized void append(LogEvent e) {
      String msg = e.getMessage().getFormattedMessage();
      if (msg.startsWith("#")) {
        lines.add(e.getLoggerName() + ": " + msg);
      }
    }
  }

  @Test
  void logOptionGivesUvmhistLinesPerSubsystem() {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    LoggerConfig root = ctx.getConfiguration().getRootLogger();
    Capture capture = new Capture();
    capture.start();
    root.addAppender(capture, null, null);
    ctx.updateLoggers();
    try {
      Cli r =
          uvm4j(
              "run",
              "--log",
              "uvm.fault=debug,uvm.fork=debug,kern.proc=debug",
              Guests.binary("trace_cow").toString());
      assertThat(r.status()).as(r.stderr()).isZero();
    } finally {
      root.removeAppender(capture.getName());
      Configurator.setLevel("uvm.fault", (Level) null);
      Configurator.setLevel("uvm.fork", (Level) null);
      Configurator.setLevel("kern.proc", (Level) null);
      ctx.updateLoggers();
      capture.stop();
    }
    assertThat(capture.lines)
        .anyMatch(l -> l.matches("kern\\.proc: #\\d+ v=\\d+ pid 1 exec .*trace_cow"))
        .anyMatch(l -> l.matches("uvm\\.fork: #\\d+ v=\\d+ pid 1 uvmspace_fork: .*"))
        .anyMatch(
            l ->
                l.matches(
                    "uvm\\.fault: #\\d+ v=\\d+ pid 2 uvm_fault\\(va=0x10000000, at=w, pc=0x4[0-9a-f]+\\)"
                        + " .*amap_copy copy.*case 1B anon cow.*resolved \\(\\d+ ns\\)"))
        .noneMatch(l -> l.startsWith("uvm.map:"));
  }
}
