package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.fs.ErrnoAssert.assertErrno;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;

class PipeTest {
  private final List<WaitChannel> woken = new ArrayList<>();
  private final Pipe.Ends p = Pipe.create(woken::add, 7, 0);

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i);
    }
    return b;
  }

  @Test
  void bytesComeOutInOrderAndWakeTheOtherSide() throws Exception {
    assertThat(p.write().write(new byte[] {1, 2, 3}, 0, 3, true)).isEqualTo(3);
    assertThat(woken).containsExactly(p.read().readChannel());
    byte[] buf = new byte[10];
    assertThat(p.read().read(buf, 0, 2)).isEqualTo(2);
    assertThat(buf[0]).isEqualTo((byte) 1);
    assertThat(buf[1]).isEqualTo((byte) 2);
    assertThat(woken).last().isEqualTo(p.write().writeChannel());
    assertThat(p.read().read(buf, 5, 10 - 5)).isEqualTo(1);
    assertThat(buf[5]).isEqualTo((byte) 3);
  }

  @Test
  void emptyPipeWithAWriterBlocksAndWithoutOneIsEof() throws Exception {
    byte[] buf = new byte[4];
    assertThat(p.read().read(buf, 0, 4)).isEqualTo(OpenFile.WOULD_BLOCK);
    assertThat(p.read().read(buf, 0, 0)).isZero();
    p.write().release();
    assertThat(woken).contains(p.read().readChannel());
    assertThat(p.read().read(buf, 0, 4)).isZero();
  }

  @Test
  void writeWithoutReadersIsEpipe() throws Exception {
    p.read().release();
    assertErrno(() -> p.write().write(new byte[1], 0, 1, true), Errno.EPIPE);
    assertThat(p.write().raisesSigpipe()).isTrue();
  }

  @Test
  void wrongDirectionIsEbadf() throws Exception {
    assertErrno(() -> p.read().write(new byte[1], 0, 1, true), Errno.EBADF);
    assertErrno(() -> p.write().read(new byte[1], 0, 1), Errno.EBADF);
    assertErrno(() -> p.read().lseek(0, 0), Errno.ESPIPE);
    assertErrno(() -> p.read().pread(new byte[1], 0, 1, 0), Errno.ESPIPE);
  }

  @Test
  void fullPipeBlocksSmallWritesWholeAndSplitsLargeOnes() throws Exception {
    byte[] big = bytes(Pipe.CAPACITY - 100, 0);
    assertThat(p.write().write(big, 0, big.length, false)).isEqualTo(big.length);
    // 200 bytes <= PIPE_BUF do not fit whole: wait
    assertThat(p.write().write(bytes(200, 0), 0, 200, true)).isEqualTo(OpenFile.WOULD_BLOCK);
    // a large write takes what fits
    assertThat(p.write().write(bytes(5000, 0), 0, 5000, false)).isEqualTo(100);
    assertThat(p.write().write(bytes(1, 0), 0, 1, false)).isEqualTo(OpenFile.WOULD_BLOCK);
    assertThat(p.read().pipe().count()).isEqualTo(Pipe.CAPACITY);
  }

  @Test
  void ringWrapsAroundPreservingOrder() throws Exception {
    byte[] in = bytes(Pipe.CAPACITY, 3);
    byte[] out = new byte[Pipe.CAPACITY];
    int written = 0;
    int read = 0;
    int step = 0;
    long total = 0;
    while (total < 5L * Pipe.CAPACITY) {
      int wn = 1000 + (step * 7919) % 30000;
      int woff = written % Pipe.CAPACITY;
      wn = Math.min(wn, Pipe.CAPACITY - woff);
      long w = p.write().write(in, woff, wn, false);
      if (w > 0) {
        written += (int) w;
        total += w;
      }
      int rn = 500 + (step * 104729) % 40000;
      int roff = read % Pipe.CAPACITY;
      rn = Math.min(rn, Pipe.CAPACITY - roff);
      long r = p.read().read(out, roff, rn);
      if (r > 0) {
        for (int i = 0; i < r; i++) {
          assertThat(out[roff + i]).isEqualTo(in[roff + i]);
        }
        read += (int) r;
      }
      step++;
    }
    assertThat(read).isLessThanOrEqualTo(written);
  }

  @Test
  void nonBlockingEndsAnswerEagain() throws Exception {
    Pipe.Ends nb = Pipe.create(Wakeup.NONE, 8, OpenFlags.O_NONBLOCK);
    assertErrno(() -> nb.read().read(new byte[1], 0, 1), Errno.EAGAIN);
    nb.write().write(new byte[Pipe.CAPACITY], 0, Pipe.CAPACITY, false);
    assertErrno(() -> nb.write().write(new byte[1], 0, 1, true), Errno.EAGAIN);
    assertThat(nb.read().statusFlags() & OpenFlags.O_NONBLOCK).isNotZero();
  }

  @Test
  void setStatusFlagsChangesOnlyNonblockAndAppend() throws Exception {
    p.read().setStatusFlags(OpenFlags.O_NONBLOCK | OpenFlags.O_RDWR);
    assertThat(p.read().nonBlocking()).isTrue();
    assertThat(p.read().writable()).isFalse();
    assertErrno(() -> p.read().read(new byte[1], 0, 1), Errno.EAGAIN);
  }

  @Test
  void fstatSaysFifo() throws Exception {
    assertThat(p.read().stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFIFO);
    assertThat(p.read().stat().ino()).isEqualTo(7);
    assertThat(p.read().stat().toBytes()).hasSize(Stat.SIZE);
  }
}
