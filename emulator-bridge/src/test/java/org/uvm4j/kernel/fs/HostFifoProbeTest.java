package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;
import org.uvm4j.machine.host.HostLibc;
import org.uvm4j.machine.host.TestHostLibcs;

/**
 * {@link HostFifoProbe}'s two questions through each host libc binding ({@link TestHostLibcs#ALL}):
 * whether a host FIFO has a reader now, and the partner open that lets a host open waiting for its
 * other end return. ({@code HostFifoTest} drives the same probe through the VFS.)
 */
@ParameterizedClass(name = "{0}")
@FieldSource("org.uvm4j.machine.host.TestHostLibcs#ALL")
class HostFifoProbeTest {
  @TempDir Path dir;
  private Path fifo;
  private final HostFifoProbe probe;

  HostFifoProbeTest(String binding) {
    HostLibc libc = TestHostLibcs.of(binding);
    probe = new HostFifoProbe(libc);
  }

  @BeforeEach
  void mkfifo() throws Exception {
    fifo = dir.resolve("f");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
  }

  @Test
  void aFifoHasAReaderOnlyWhileOneHasItOpen() {
    assertThat(probe.readerPresent(fifo)).as("nobody has it open").isFalse();
    int partner = probe.partner(fifo);
    assertThat(partner).isGreaterThanOrEqualTo(0);
    assertThat(probe.readerPresent(fifo)).as("the partner reads too (O_RDWR)").isTrue();
    probe.closeDescriptor(partner);
    assertThat(probe.readerPresent(fifo)).as("closed again").isFalse();
  }

  @Test
  void thePartnerLetsAWaitingHostOpenReturn() throws Exception {
    CompletableFuture<Void> opened = new CompletableFuture<>();
    CompletableFuture<Integer> reader =
        CompletableFuture.supplyAsync(
            () -> {
              try (InputStream in = new FileInputStream(fifo.toFile())) { // waits for a writer
                opened.complete(null);
                return in.read();
              } catch (IOException e) {
                opened.completeExceptionally(e);
                throw new IllegalStateException(e);
              }
            });
    Thread.sleep(100); // usually inside its open by now; the partner works either way
    assertThat(opened).as("no writer yet: the host open waits").isNotDone();
    int partner = probe.partner(fifo);
    assertThat(partner).isGreaterThanOrEqualTo(0);
    try {
      opened.get(10, TimeUnit.SECONDS);
    } finally {
      probe.closeDescriptor(partner);
    }
    // with the partner gone there is no writer: the reader's read is end of file
    assertThat(reader.get(10, TimeUnit.SECONDS)).isEqualTo(-1);
  }

  @Test
  void whatIsNotAFifoHereHasNoPartner() throws Exception {
    assertThat(probe.partner(dir.resolve("missing"))).isEqualTo(-1);
    assertThat(probe.readerPresent(dir.resolve("missing"))).isFalse();
    Path link = Files.createSymbolicLink(dir.resolve("link"), fifo);
    assertThat(probe.partner(link)).as("O_NOFOLLOW").isEqualTo(-1);
    probe.closeDescriptor(-1); // nothing
  }
}
