package org.uvm4j.e2e.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tracing the trace_cow guest on the whole machine: the exact fault sequence, and determinism. */
class TraceCowE2eTest {
  /** The private region trace_cow maps at a fixed address: 6 pages at 0x10000000. */
  private static final long PRIVATE = 0x10000000L;

  private static final long PRIVATE_END = PRIVATE + 6 * 4096;

  private static long va(JsonNode n) {
    return Long.parseUnsignedLong(n.get("va").asText().substring(2), 16);
  }

  private static String describe(JsonNode f) {
    return f.get("pid").asInt()
        + " "
        + f.get("access").asText()
        + " "
        + f.get("case").asText()
        + " "
        + f.get("amap_copy").asText()
        + " page "
        + ((va(f) - PRIVATE) >>> 12);
  }

  @Test
  void forkCowGuestYieldsExactlyTheExpectedFaultKinds() throws Exception {
    TracedRun run = TracedRun.run("trace_cow", "", null, false);
    assertThat(run.stdout).contains("parent kept its own");
    List<JsonNode> faults = new ArrayList<>();
    for (JsonNode n : run.records()) {
      if (n.get("type").asText().equals("fault") && va(n) >= PRIVATE && va(n) < PRIVATE_END) {
        faults.add(n);
      }
    }
    assertThat(faults)
        .extracting(TraceCowE2eTest::describe)
        .containsExactly(
            // 6 zero fills, the first creating the amap
            "1 w zero new page 0",
            "1 w zero none page 1",
            "1 w zero none page 2",
            "1 w zero none page 3",
            "1 w zero none page 4",
            "1 w zero none page 5",
            // the child (the writer): one amap_copy, then a copy-on-write copy per page
            "2 w 1B copy page 0",
            "2 w 1B none page 1",
            "2 w 1B none page 2",
            "2 w 1B none page 3",
            // the parent, once the child is gone: its amap is taken over, pages used in place
            "1 w 1A takeover page 0",
            "1 w 1A none page 1",
            "1 w 1A none page 2",
            "1 w 1A none page 3",
            "1 w 1A none page 4",
            "1 w 1A none page 5");
    for (JsonNode f : faults) {
      assertThat(f.get("outcome").asText()).isEqualTo("resolved");
      assertThat(f.get("pc").asText()).matches("0x4[0-9a-f]{5}"); // in the guest's text
      assertThat(f.get("entry_start").asText()).isEqualTo("0x10000000");
      assertThat(f.get("vtime").asLong()).isPositive();
    }
    assertThat(faults.get(6).get("anon_ref_before").asInt()).isEqualTo(2);
    assertThat(faults.get(6).get("anon_ref_after").asInt()).isEqualTo(1);
    assertThat(faults.get(10).get("anon_ref_before").asInt())
        .as("the child gave its reference up when it copied")
        .isEqualTo(1);
    assertThat(faults.get(14).get("anon_ref_before").asInt())
        .as("the child's references to pages it never wrote went with its exit")
        .isEqualTo(1);

    List<String> procs = new ArrayList<>();
    for (JsonNode n : run.records()) {
      switch (n.get("type").asText()) {
        case "proc" -> procs.add(n.get("pid").asInt() + " " + n.get("event").asText());
        case "fork" -> {
          procs.add(n.get("pid").asInt() + " uvmspace_fork");
          assertThat(n.get("amaps_shared").asInt()).isEqualTo(1);
          assertThat(n.get("amaps_referenced").asInt()).isPositive();
        }
        default -> {}
      }
    }
    assertThat(procs).containsExactly("1 exec", "1 uvmspace_fork", "2 fork", "2 exit", "1 exit");
  }

  /** The records with the host-time fields taken out. */
  private static List<JsonNode> withoutHostTime(TracedRun run) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode n : run.records()) {
      ObjectNode o = (ObjectNode) n;
      o.remove("wall_ns");
      o.remove("cost_ns");
      out.add(o);
    }
    return out;
  }

  @Test
  void twoRunsGiveTheSameTraceApartFromHostTime() throws Exception {
    List<JsonNode> a = withoutHostTime(TracedRun.run("fork_cow", "", null, false));
    List<JsonNode> b = withoutHostTime(TracedRun.run("fork_cow", "", null, false));
    assertThat(a).hasSizeGreaterThan(50);
    assertThat(b).isEqualTo(a);
  }
}
