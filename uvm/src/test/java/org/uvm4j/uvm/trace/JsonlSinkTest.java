package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Vmspace;

/** The jsonl writer: one documented object per line, for every record type. */
class JsonlSinkTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long PAGE = TraceFixture.PAGE;

  /** Runs a small program that makes every kind of record the uvm layer makes; the jsonl lines. */
  static List<JsonNode> traceEverything() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TraceFixture fx = new TraceFixture(new JsonlSink(out), TraceFilter.ALL);
    fx.tracer.procExec(1, "/bin/prog");
    Vmspace vm = fx.vmspace();
    long va = TraceFixture.mmapAnon(vm, 4);
    fx.touch(vm, va, Prot.WRITE);
    fx.touch(vm, va + PAGE, Prot.READ);
    assertThat(vm.mprotect(va, 2 * PAGE, Prot.READ)).isZero();
    assertThat(fx.handler.fault(vm, va, Prot.WRITE)).isEqualTo(FaultResult.SEGV_ACCERR);
    assertThat(fx.handler.fault(vm, 0x1000, Prot.READ)).isEqualTo(FaultResult.SEGV_MAPERR);
    Vmspace child = vm.fork();
    fx.tracer.procFork(1, 2);
    assertThat(vm.munmap(va, 4 * PAGE)).isZero();
    fx.tracer.pageout(7, 3, 12, true);
    fx.tracer.pagein(7, 3, 13, true);
    fx.tracer.pdaemon(10, 20, 30, 9, 10, 1500);
    fx.tracer.procExit(2, 0, 11);
    fx.tracer.procExit(1, 3, 0);
    child.free();
    vm.free();
    fx.tracer.close();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    List<JsonNode> lines = new ArrayList<>();
    for (String line : text.split("\n")) {
      lines.add(JSON.readTree(line));
    }
    return lines;
  }

  @Test
  void everyRecordValidatesAgainstTheDocumentedFields() throws Exception {
    TraceSchema schema = TraceSchema.load();
    List<JsonNode> lines = traceEverything();
    Set<String> types = new HashSet<>();
    for (JsonNode n : lines) {
      schema.validate(n);
      types.add(n.get("type").asText());
    }
    assertThat(types)
        .containsExactlyInAnyOrder(
            "fault", "fork", "munmap", "mprotect", "pageout", "pagein", "pdaemon", "proc");
    assertThat(schema.tables.keySet())
        .as("every documented table is a record type or the common header")
        .containsExactlyInAnyOrder(
            "common",
            "fault",
            "fork",
            "munmap",
            "mprotect",
            "pageout",
            "pagein",
            "pdaemon",
            "proc");
  }

  @Test
  void fieldsCarryTheRecordValues() throws Exception {
    List<JsonNode> lines = traceEverything();
    assertThat(lines.get(0).get("type").asText()).isEqualTo("proc");
    assertThat(lines.get(0).get("path").asText()).isEqualTo("/bin/prog");
    JsonNode zero = lines.get(1);
    assertThat(zero.get("seq").asLong()).isEqualTo(2);
    assertThat(zero.get("vtime").asLong()).isEqualTo(100);
    assertThat(zero.get("pc").asText()).isEqualTo("0x401004");
    assertThat(zero.get("access").asText()).isEqualTo("w");
    assertThat(zero.get("case").asText()).isEqualTo("zero");
    assertThat(zero.get("layer").asText()).isEqualTo("lower");
    assertThat(zero.get("amap_copy").asText()).isEqualTo("new");
    assertThat(zero.get("entry_flags").asText()).isEqualTo("cow");
    assertThat(zero.get("entry_prot").asText()).isEqualTo("rw-");
    assertThat(zero.get("entry_inherit").asText()).isEqualTo("copy");
    assertThat(zero.get("outcome").asText()).isEqualTo("resolved");
    assertThat(zero.has("anon_id")).isFalse();
    assertThat(zero.get("new_anon_id").asInt()).isPositive();
    JsonNode read = lines.get(2);
    assertThat(read.get("access").asText()).isEqualTo("r");
    assertThat(read.get("case").asText()).isEqualTo("zero");
    JsonNode mprotect = lines.get(3);
    assertThat(mprotect.get("type").asText()).isEqualTo("mprotect");
    assertThat(mprotect.get("prot").asText()).isEqualTo("r--");
    assertThat(mprotect.get("entries").asInt()).isEqualTo(1);
    assertThat(mprotect.get("resident").asInt()).isEqualTo(2);
    JsonNode accerr = lines.get(4);
    assertThat(accerr.get("outcome").asText()).isEqualTo("segv_accerr");
    assertThat(accerr.get("case").asText()).isEqualTo("none");
    assertThat(accerr.has("frame")).isFalse();
    JsonNode maperr = lines.get(5);
    assertThat(maperr.get("outcome").asText()).isEqualTo("segv_maperr");
    assertThat(maperr.has("entry_start")).isFalse();
    JsonNode munmap =
        lines.stream()
            .filter(n -> n.get("type").asText().equals("munmap"))
            .findFirst()
            .orElseThrow();
    assertThat(munmap.get("resident_unmapped").asInt()).isEqualTo(2);
    assertThat(munmap.get("pages_freed").asInt())
        .as("the child still references both pages")
        .isZero();
    JsonNode exitBySignal = lines.get(lines.size() - 2);
    assertThat(exitBySignal.get("signal").asInt()).isEqualTo(11);
    assertThat(exitBySignal.has("exit_code")).isFalse();
    assertThat(lines.get(lines.size() - 1).get("exit_code").asInt()).isEqualTo(3);
  }
}
