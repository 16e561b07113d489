package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Vmspace;

/** The Chrome trace-event writer: valid JSON with the fields Perfetto needs, one track per pid. */
class ChromeTraceSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PAGE = TraceFixture.PAGE;

  private static JsonNode run(ChromeTraceSink.Clock clock) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TraceFixture fx = new TraceFixture(new ChromeTraceSink(out, clock), TraceFilter.ALL);
    fx.tracer.procExec(1, "/work/guest-programs/build/fork_cow");
    Vmspace vm = fx.vmspace();
    long va = TraceFixture.mmapAnon(vm, 2);
    fx.touch(vm, va, Prot.WRITE);
    Vmspace child = vm.fork();
    fx.tracer.procFork(1, 2);
    fx.touch(vm, va, Prot.WRITE);
    fx.pid = 2;
    fx.touch(child, va, Prot.WRITE);
    fx.tracer.pageout(3, 1, 9, true);
    fx.tracer.procExit(2, 0, 0);
    fx.tracer.close();
    return JSON.readTree(out.toString(StandardCharsets.UTF_8));
  }

  private static List<JsonNode> events(JsonNode doc, String ph) {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode e : doc.get("traceEvents")) {
      if (e.get("ph").asText().equals(ph)) {
        out.add(e);
      }
    }
    return out;
  }

  @Test
  void wallClockDocumentHasTracksCompleteFaultsAndInstants() throws Exception {
    JsonNode doc = run(ChromeTraceSink.Clock.WALL);
    assertThat(doc.get("displayTimeUnit").asText()).isEqualTo("ns");
    for (JsonNode e : doc.get("traceEvents")) {
      assertThat(e.has("name") && e.has("ph") && e.has("pid") && e.has("tid")).isTrue();
      if (!e.get("ph").asText().equals("M")) {
        assertThat(e.get("ts").isNumber()).isTrue();
        assertThat(e.get("cat").isTextual()).isTrue();
        assertThat(e.get("args").get("seq").isIntegralNumber()).isTrue();
      }
    }
    List<String> names = new ArrayList<>();
    for (JsonNode m : events(doc, "M")) {
      if (m.get("name").asText().equals("process_name")) {
        names.add(m.get("pid").asInt() + ":" + m.get("args").get("name").asText());
      }
    }
    assertThat(names).contains("1:fork_cow (pid 1)", "2:fork_cow (pid 2)", "0:page daemon");

    List<JsonNode> faults =
        events(doc, "X").stream().filter(e -> e.get("cat").asText().equals("fault")).toList();
    assertThat(faults)
        .extracting(e -> e.get("pid").asInt() + " " + e.get("name").asText())
        .containsExactly("1 zero fill", "1 1B anon cow", "2 1A anon");
    JsonNode cow = faults.get(1);
    assertThat(cow.get("dur").asDouble()).isPositive();
    assertThat(cow.get("args").get("case").asText()).isEqualTo("1B");
    assertThat(cow.get("args").get("amap_copy").asText()).isEqualTo("copy");
    assertThat(cow.get("args").get("path").asText())
        .contains("amap_copy copy", "case 1B anon cow", "resolved");
    assertThat(events(doc, "X")).extracting(e -> e.get("name").asText()).contains("fork");

    JsonNode pageout =
        events(doc, "i").stream()
            .filter(e -> e.get("name").asText().equals("pageout"))
            .findFirst()
            .orElseThrow();
    assertThat(pageout.get("pid").asInt()).isZero();
    assertThat(pageout.get("s").asText()).isEqualTo("t");
    assertThat(pageout.get("args").get("slot").asInt()).isEqualTo(1);
  }

  @Test
  void virtualClockPutsEveryEventAtItsInstructionCount() throws Exception {
    JsonNode doc = run(ChromeTraceSink.Clock.VIRTUAL);
    assertThat(events(doc, "X")).isEmpty();
    List<JsonNode> faults =
        events(doc, "i").stream().filter(e -> e.get("cat").asText().equals("fault")).toList();
    assertThat(faults).extracting(e -> e.get("ts").asLong()).containsExactly(100L, 200L, 300L);
    assertThat(doc.get("otherData").get("clock").asText()).isEqualTo("virtual");
  }

  @Test
  void unfinishedDocumentBecomesValidOnClose() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ChromeTraceSink sink = new ChromeTraceSink(out, ChromeTraceSink.Clock.WALL);
    sink.close();
    sink.close();
    JsonNode doc = JSON.readTree(out.toString(StandardCharsets.UTF_8));
    assertThat(doc.get("traceEvents").isArray()).isTrue();
    assertThat(doc.get("traceEvents")).isEmpty();
  }
}
