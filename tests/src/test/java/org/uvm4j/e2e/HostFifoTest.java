package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.junit.Uvm4jRunner;
import org.uvm4j.api.junit.Uvm4jTest;

/**
 * Host FIFOs opened by path (the {@code fifo_open} guest, with Linux's fifo_open semantics: ENXIO,
 * blocking opens that wait for the other end, O_RDWR, EPIPE), natively and under uvm4j with the
 * FIFO on the default read-only host mount (a FIFO can be written there, as on a read-only Linux
 * file system) and on a read-write bind; and a guest and a host process at the two ends.
 */
@Uvm4jTest(ram = Uvm4jRuns.RAM)
class HostFifoTest {
  @TempDir Path dir;

  private Path fifo() throws IOException {
    Path f = dir.resolve("fifo");
    GuestRun r = Guests.run(List.of("mkfifo", f.toString()), 30);
    assertThat(r.status()).as(r.toString()).isZero();
    return f;
  }

  @Test
  void fifoOpenRunsLikeNativelyOnTheReadOnlyHostRoot(Uvm4jRunner uvm4j) throws Exception {
    Path f = fifo();
    GuestRun expected = Guests.runNatively(Guests.binary("fifo_open"), List.of(f.toString()));
    assertThat(expected.status()).as(expected.toString()).isZero();
    for (boolean bind : new boolean[] {false, true}) {
      var guest = uvm4j.guest(Guests.binary("fifo_open")).args(f.toString()).env(Uvm4jRuns.ENV);
      if (bind) {
        guest.bind(dir, dir.toString());
      }
      GuestResult got = guest.run();
      assertThat(got.stdout()).as(got.toString()).isEqualTo(expected.stdout());
      assertThat(got.stderr()).as(got.toString()).isEqualTo(expected.stderr());
      assertThat(got.status()).isEqualTo(expected.status());
      assertThat(got.auditProblems()).as("system audit after exit").isEmpty();
    }
  }

  @Test
  void aGuestReadsWhatAHostProcessWritesAndTheOtherWayRound() throws Exception {
    Path f = fifo();
    // the host writer starts first and waits in its open for the guest reader
    Process writer =
        new ProcessBuilder("sh", "-c", "printf 'from the host\\n' > " + f)
            .redirectErrorStream(true)
            .start();
    GuestRun r = Uvm4jRuns.cli(List.of("run", "/bin/cat", f.toString()));
    assertThat(r).isEqualTo(new GuestRun("from the host\n", "", 0));
    assertThat(writer.waitFor()).isZero();

    Process reader = new ProcessBuilder("cat", f.toString()).start();
    GuestRun w =
        Uvm4jRuns.cli(List.of("run", "/bin/sh", "-c", "echo from the guest > " + f + "; echo ok"));
    assertThat(w).isEqualTo(new GuestRun("ok\n", "", 0));
    assertThat(new String(reader.getInputStream().readAllBytes())).isEqualTo("from the guest\n");
    assertThat(reader.waitFor()).isZero();
    assertThat(Files.exists(f)).isTrue();
  }
}
