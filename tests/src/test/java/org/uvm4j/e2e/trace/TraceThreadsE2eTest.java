package org.uvm4j.e2e.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** --trace of a threaded guest: every record names the process and the thread that ran. */
class TraceThreadsE2eTest {
  @Test
  void recordsOfThreadsCarryTheirTidAndTheirProcesssPid() throws Exception {
    TracedRun run = TracedRun.run("threads", "", null, false);
    assertThat(run.status).isZero();
    Set<Integer> tids = new TreeSet<>();
    for (JsonNode n : run.records()) {
      assertThat(n.get("tid").isInt()).as(n.toString()).isTrue();
      assertThat(n.get("pid").asInt()).as("one process: %s", n).isEqualTo(1);
      tids.add(n.get("tid").asInt());
    }
    // the main thread faults, maps and unmaps; the detached thread unmaps its own stack (musl)
    assertThat(tids).contains(1).hasSizeGreaterThan(1);
  }
}
