package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Vmspace;

/** The tracer itself: attach/detach, failure of its output, determinism, hex formatting. */
class TracerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void attachTurnsTracingOnAndCloseTurnsItOff() throws Exception {
    CollectingSink sink = new CollectingSink();
    TraceFixture fx = new TraceFixture(sink, TraceFilter.ALL);
    assertThat(fx.uvm.observer()).isSameAs(fx.tracer);
    assertThat(fx.handler.isTracing()).isTrue();
    Vmspace vm = fx.vmspace();
    long va = TraceFixture.mmapAnon(vm, 2);
    fx.touch(vm, va, Prot.WRITE);
    fx.tracer.close();
    assertThat(sink.closed).isTrue();
    assertThat(fx.uvm.observer()).isNull();
    assertThat(fx.handler.isTracing()).isFalse();
    fx.touch(vm, va + TraceFixture.PAGE, Prot.WRITE);
    assertThat(vm.munmap(va, 2 * TraceFixture.PAGE)).isZero();
    assertThat(sink.records).hasSize(1);
    fx.tracer.close(); // idempotent
  }

  /** An output that fails after {@code okBytes}. */
  private static final class FailingStream extends OutputStream {
    private int left;

    FailingStream(int okBytes) {
      left = okBytes;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > left) {
        throw new IOException("No space left on device");
      }
      left -= len;
    }
  }

  @Test
  void failingOutputStopsTracingButNotTheMachineAndIsReportedAtClose() throws Exception {
    TraceFixture fx = new TraceFixture(new JsonlSink(new FailingStream(100)), TraceFilter.ALL);
    Vmspace vm = fx.vmspace();
    long va = TraceFixture.mmapAnon(vm, 64);
    for (int i = 0; i < 64; i++) {
      fx.touch(vm, va + i * TraceFixture.PAGE, Prot.WRITE);
      fx.tracer.flush();
    }
    assertThat(fx.tracer.error()).hasMessageContaining("No space left");
    long written = fx.tracer.recordsWritten();
    assertThat(written).isLessThan(64);
    assertThat(fx.tracer.recordsMade()).isEqualTo(64);
    assertThatThrownBy(fx.tracer::close).hasMessageContaining("No space left");
  }

  /** A fork/COW run through the jsonl writer, with the host-time fields removed. */
  private static List<JsonNode> deterministicPart() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TraceFixture fx = new TraceFixture(new JsonlSink(out), TraceFilter.ALL);
    Vmspace vm = fx.vmspace();
    long va = TraceFixture.mmapAnon(vm, 8);
    for (int i = 0; i < 8; i++) {
      fx.touch(vm, va + i * TraceFixture.PAGE, Prot.WRITE);
    }
    Vmspace child = vm.fork();
    fx.tracer.procFork(1, 2);
    for (int i = 0; i < 8; i += 2) {
      fx.touch(vm, va + i * TraceFixture.PAGE, Prot.WRITE);
    }
    fx.pid = 2;
    for (int i = 0; i < 8; i++) {
      fx.touch(child, va + i * TraceFixture.PAGE, i % 3 == 0 ? Prot.READ : Prot.WRITE);
    }
    assertThat(child.munmap(va, 4 * TraceFixture.PAGE)).isZero();
    fx.tracer.close();
    List<JsonNode> out2 = new ArrayList<>();
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      ObjectNode n = (ObjectNode) JSON.readTree(line);
      assertThat(n.remove("wall_ns")).isNotNull();
      n.remove("cost_ns");
      out2.add(n);
    }
    return out2;
  }

  @Test
  void twoRunsGiveIdenticalTracesApartFromHostTime() throws Exception {
    List<JsonNode> a = deterministicPart();
    List<JsonNode> b = deterministicPart();
    assertThat(a).hasSize(8 + 1 + 1 + 4 + 8 + 1);
    assertThat(b).isEqualTo(a);
  }

  @Test
  void hexFormatsWithoutLeadingZeros() {
    char[] buf = new char[Hex.MAX_CHARS];
    assertThat(new String(buf, 0, Hex.format(0, buf))).isEqualTo("0x0");
    assertThat(new String(buf, 0, Hex.format(0x7fff_ffff_f000L, buf))).isEqualTo("0x7ffffffff000");
    assertThat(new String(buf, 0, Hex.format(-1L, buf))).isEqualTo("0xffffffffffffffff");
    assertThat(new String(buf, 0, Hex.format(0x10, buf))).isEqualTo("0x10");
    assertThat(Hex.of(255)).isEqualTo("0xff");
  }

  @Test
  void entryFlagsAreListedInDocumentedOrder() {
    assertThat(FaultRecord.entryFlagsLabel(0, 0)).isEmpty();
    assertThat(FaultRecord.entryFlagsLabel(0x04 | 0x08, 0)).isEqualTo("cow,needscopy");
    assertThat(FaultRecord.entryFlagsLabel(0x01 | 0x04, 2)).isEqualTo("obj,cow,wired");
    assertThat(FaultRecord.entryFlagsLabel(0x10, 0)).as("other bits are not listed").isEmpty();
  }
}
