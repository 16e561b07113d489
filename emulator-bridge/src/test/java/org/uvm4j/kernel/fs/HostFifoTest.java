package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.fs.ErrnoAssert.assertErrno;

import java.io.FileOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;

/**
 * Host FIFOs opened through the VFS ({@link HostFifo}): fifo_open's answers, the wait for the other
 * end done by a helper thread whose wakeup comes through {@link HostEvents}, reads and writes with
 * a host process at the other end, and a close that ends a helper still waiting in the host.
 */
class HostFifoTest {
  @TempDir Path dir;
  private Path fifo;
  private Vfs vfs;
  private FsContext fs;
  private final HostEvents events = new HostEvents();
  private final Set<WaitChannel> hostChannels = new HashSet<>();
  private final List<WaitChannel> woken = new ArrayList<>();

  private final HostIo io =
      new HostIo() {
        @Override
        public HostEvents hostEvents() {
          return events;
        }

        @Override
        public void registerHostChannel(WaitChannel chan) {
          hostChannels.add(chan);
        }

        @Override
        public void unregisterHostChannel(WaitChannel chan) {
          hostChannels.remove(chan);
        }
      };

  @BeforeEach
  void setUp() throws Exception {
    fifo = dir.resolve("f");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(p.waitFor()).isZero();
    vfs = vfs(io);
    Location root = vfs.rootLocation();
    fs = new FsContext(1, root, root, 022);
  }

  private Vfs vfs(HostIo hostIo) throws Exception {
    return new Vfs(
        new FsLayout(null, List.of(new FsLayout.Bind(dir, "/w", false)))
            .mountTable(
                ControllingTty.none(), 1, null, FsLayout.heapTmpfs(1 << 20, () -> 0), hostIo));
  }

  private OpenFile open(int flags) throws Exception {
    return vfs.open(fs, fs.cwd(), "/w/f", flags, 0);
  }

  /** Waits (bounded) until a host thread posts a wakeup; returns the channels it posted. */
  private List<WaitChannel> awaitPost() throws Exception {
    woken.clear();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (woken.isEmpty() && System.nanoTime() < end) {
      events.drain(woken::add);
      Thread.sleep(5);
    }
    assertThat(woken).as("a wakeup from the host thread").isNotEmpty();
    return List.copyOf(woken);
  }

  private static boolean helperAlive(String prefix) {
    return Thread.getAllStackTraces().keySet().stream()
        .anyMatch(t -> t.getName().startsWith(prefix) && t.isAlive());
  }

  @Test
  void nonBlockingOpensAnswerAsFifoOpenAndNoKernelMeansEnxio() throws Exception {
    assertErrno(() -> open(OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK), Errno.ENXIO);
    OpenFile r = open(OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
    assertThat(r.openWait()).as("a non-blocking reader does not wait").isNull();
    byte[] b = new byte[8];
    assertThat(r.read(b, 0, 8)).as("no writer: end of file").isZero();
    assertThat(r.stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFIFO);
    assertThat(hostChannels).containsExactly(r.readChannel());
    r.release();
    assertThat(hostChannels).as("unregistered at close").isEmpty();
    Vfs without = vfs(null);
    Location root = without.rootLocation();
    FsContext ctx = new FsContext(1, root, root, 022);
    assertErrno(() -> without.open(ctx, root, "/w/f", OpenFlags.O_RDWR, 0), Errno.ENXIO);
  }

  @Test
  void aBlockingReaderWaitsForAHostWriterThenReadsWhatItWrote() throws Exception {
    OpenFile r = open(OpenFlags.O_RDONLY);
    WaitChannel wait = r.openWait();
    assertThat(wait).as("no writer yet: openat must sleep").isNotNull();
    assertThat(hostChannels).contains(wait);
    CompletableFuture<Void> writer =
        CompletableFuture.runAsync(
            () -> {
              try (FileOutputStream out = new FileOutputStream(fifo.toFile())) {
                out.write("hi from the host\n".getBytes(StandardCharsets.US_ASCII));
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            });
    assertThat(awaitPost()).contains(wait);
    assertThat(r.openWait()).isNull();
    writer.get(10, TimeUnit.SECONDS);
    StringBuilder got = new StringBuilder();
    byte[] b = new byte[64];
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < end) {
      long n = r.read(b, 0, b.length);
      if (n == 0) {
        break; // the host writer closed: end of file
      }
      if (n == OpenFile.WOULD_BLOCK) {
        awaitPost();
        continue;
      }
      got.append(new String(b, 0, (int) n, StandardCharsets.US_ASCII));
    }
    assertThat(got.toString()).isEqualTo("hi from the host\n");
    r.release();
  }

  @Test
  void aGuestWriterFeedsAHostReaderAndEpipeFollowsItsLeaving() throws Exception {
    Process cat = new ProcessBuilder("cat", fifo.toString()).start();
    OpenFile w = open(OpenFlags.O_WRONLY);
    if (w.openWait() != null) {
      awaitPost();
    }
    assertThat(w.openWait()).isNull();
    byte[] msg = "to the host\n".getBytes(StandardCharsets.US_ASCII);
    assertThat(w.write(msg, 0, msg.length, true)).isEqualTo(msg.length);
    w.release(); // what was queued is still written, then the host reader sees end of file
    try (InputStream in = cat.getInputStream()) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII))
          .isEqualTo("to the host\n");
    }
    assertThat(cat.waitFor(10, TimeUnit.SECONDS)).isTrue();

    // a reader that goes away: the writer's next writes end in EPIPE
    OpenFile r = open(OpenFlags.O_RDONLY | OpenFlags.O_NONBLOCK);
    OpenFile w2 = open(OpenFlags.O_WRONLY | OpenFlags.O_NONBLOCK);
    assertThat(w2.openWait()).isNull();
    r.release();
    byte[] one = {'y'};
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    int errno = 0;
    while (errno == 0 && System.nanoTime() < end) {
      try {
        w2.write(one, 0, 1, true);
      } catch (org.uvm4j.uvm.UvmException e) {
        errno = e.errno();
      }
      Thread.sleep(1);
    }
    assertThat(errno).isIn(Errno.EPIPE, Errno.EAGAIN);
    if (errno == Errno.EAGAIN) {
      awaitPost(); // the writer thread found the reader gone
      assertErrno(() -> w2.write(one, 0, 1, true), Errno.EPIPE);
    }
    assertThat(w2.raisesSigpipe()).isTrue();
    w2.release();
  }

  @Test
  void closingADescriptionThatWaitsForItsOtherEndEndsItsHelperThread() throws Exception {
    OpenFile w = open(OpenFlags.O_WRONLY);
    assertThat(w.openWait()).isNotNull();
    String helper = "uvm4j-fifo-open " + dir.toRealPath().resolve("f");
    assertThat(helperAlive(helper)).isTrue();
    w.release();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (helperAlive(helper) && System.nanoTime() < end) {
      Thread.sleep(5);
    }
    assertThat(helperAlive(helper)).as("the helper waiting in the host's open").isFalse();
    assertThat(Files.exists(fifo)).isTrue();
  }
}
