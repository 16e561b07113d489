package org.uvm4j.e2e.gdb;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.uvm4j.e2e.Guests;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.gdb.GdbStub;
import org.uvm4j.kernel.syscall.Linux64;

/**
 * The stub's protocol driven by hand over a socket, for what batch gdb does not exercise: the
 * target description, a memory error, Ctrl-C (0x03) while the program runs, and kill.
 */
class GdbProtocolE2eTest {
  private static String packet(String data) {
    int sum = 0;
    for (char c : data.toCharArray()) {
      sum += c;
    }
    return "$" + data + "#" + String.format("%02x", sum & 0xff);
  }

  /** Reads one packet's data (skipping acks). */
  private static String read(InputStream in) throws Exception {
    int c;
    while ((c = in.read()) != '$') {
      assertThat(c).as("connection open").isNotNegative();
    }
    StringBuilder sb = new StringBuilder();
    while ((c = in.read()) != '#') {
      sb.append((char) c);
    }
    in.read();
    in.read();
    return sb.toString();
  }

  private static String ask(InputStream in, OutputStream out, String q) throws Exception {
    out.write(packet(q).getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    String a = read(in);
    out.write('+');
    out.flush();
    return a;
  }

  @Test
  void targetXmlMemoryErrorsCtrlCAndKill() throws Exception {
    Path bin = Guests.binary("bench_faults");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel kernel =
        new Kernel(
            KernelConfig.builder()
                .ram(64L << 20)
                .stdout(new ByteArrayOutputStream())
                .stderr(err)
                .stdin(InputStream.nullInputStream())
                .build(),
            Linux64::create);
    GdbStub stub = new GdbStub(0, false, new PrintStream(err, true, StandardCharsets.UTF_8));
    kernel.setDebugger(stub);
    CompletableFuture<Integer> run =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                // long enough that Ctrl-C arrives while it computes
                return kernel.run(bin, List.of(bin.toString(), "compute", "100000"), Map.of());
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), stub.port())) {
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      assertThat(ask(in, out, "?")).as("stopped before the first instruction").startsWith("T05");
      String xml = ask(in, out, "qXfer:features:read:target.xml:0,3fff");
      assertThat(xml)
          .startsWith("l")
          .contains("<architecture>i386:x86-64</architecture>")
          .contains("org.gnu.gdb.i386.core")
          .contains("org.gnu.gdb.i386.sse")
          .contains("org.gnu.gdb.i386.linux")
          .contains("name=\"fs_base\"");
      assertThat(ask(in, out, "m0,8")).as("page 0 is not mapped").isEqualTo("E0e");
      String rip = ask(in, out, "p10");
      assertThat(rip).hasSize(16).isNotEqualTo("0000000000000000");
      assertThat(ask(in, out, "vCont?")).isEqualTo("vCont;c;C;s;S");
      out.write(packet("vCont;c").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      Thread.sleep(300);
      out.write(0x03);
      out.flush();
      String stop = read(in);
      out.write('+');
      out.flush();
      assertThat(stop).as("Ctrl-C stops with SIGINT").startsWith("T02");
      assertThat(ask(in, out, "p10")).as("stopped elsewhere than at the start").isNotEqualTo(rip);
      out.write(packet("k").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    int status = run.get(120, TimeUnit.SECONDS);
    assertThat(status).as("killed by SIGKILL").isEqualTo(128 + 9);
  }
}
