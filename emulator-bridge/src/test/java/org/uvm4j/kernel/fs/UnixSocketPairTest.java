package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.fs.ErrnoAssert.assertErrno;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;

/** socketpair(AF_UNIX): both directions, stream and message semantics, close and non-blocking. */
class UnixSocketPairTest {
  private final List<WaitChannel> woken = new ArrayList<>();

  private UnixSocketPair.Ends pair(int type, int flags) {
    return UnixSocketPair.create(woken::add, type, 9, flags);
  }

  @Test
  void eachEndReadsWhatTheOtherWrote() throws Exception {
    UnixSocketPair.Ends s = pair(UnixSocketPair.SOCK_STREAM, 0);
    assertThat(s.first().write(new byte[] {1, 2}, 0, 2, true)).isEqualTo(2);
    assertThat(woken).containsExactly(s.second().readChannel());
    assertThat(s.second().write(new byte[] {9}, 0, 1, true)).isEqualTo(1);
    byte[] buf = new byte[4];
    assertThat(s.first().read(buf, 0, 4)).isEqualTo(1);
    assertThat(buf[0]).isEqualTo((byte) 9);
    assertThat(s.first().read(buf, 0, 4)).isEqualTo(OpenFile.WOULD_BLOCK);
    assertThat(s.second().read(buf, 0, 4)).isEqualTo(2);
    assertThat(buf[1]).isEqualTo((byte) 2);
    assertThat(s.first().stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFSOCK);
  }

  @Test
  void aStreamJoinsWritesAndSplitsReads() throws Exception {
    UnixSocketPair.Ends s = pair(UnixSocketPair.SOCK_STREAM, 0);
    s.first().write(new byte[] {1, 2, 3}, 0, 3, true);
    s.first().write(new byte[] {4, 5}, 0, 2, true);
    byte[] buf = new byte[8];
    assertThat(s.second().read(buf, 0, 2)).isEqualTo(2);
    assertThat(s.second().read(buf, 2, 6)).isEqualTo(3);
    assertThat(buf).startsWith(1, 2, 3, 4, 5);
  }

  @Test
  void messageSocketsKeepBoundariesAndTruncate() throws Exception {
    for (int type : new int[] {UnixSocketPair.SOCK_SEQPACKET, UnixSocketPair.SOCK_DGRAM}) {
      UnixSocketPair.Ends s = pair(type, 0);
      s.first().write(new byte[] {1, 2, 3}, 0, 3, true);
      s.first().write(new byte[] {4, 5}, 0, 2, true);
      byte[] buf = new byte[8];
      assertThat(s.second().read(buf, 0, 2)).as("type %d", type).isEqualTo(2);
      assertThat(s.second().read(buf, 2, 6)).as("the next message whole").isEqualTo(2);
      assertThat(buf).startsWith(1, 2, 4, 5);
      assertErrno(
          () ->
              s.first()
                  .write(
                      new byte[UnixSocketPair.CAPACITY + 1], 0, UnixSocketPair.CAPACITY + 1, true),
          Errno.EMSGSIZE);
    }
  }

  @Test
  void closingAnEndGivesEofAndEpipe() throws Exception {
    UnixSocketPair.Ends s = pair(UnixSocketPair.SOCK_SEQPACKET, 0);
    s.first().write(new byte[] {7}, 0, 1, true);
    s.first().release();
    byte[] buf = new byte[2];
    assertThat(s.second().read(buf, 0, 2)).as("what was sent is still read").isEqualTo(1);
    assertThat(s.second().read(buf, 0, 2)).isZero();
    assertThat(s.second().poll() & OpenFile.POLLHUP).isNotZero();
    assertErrno(() -> s.second().write(new byte[1], 0, 1, true), Errno.EPIPE);
    assertThat(s.second().raisesSigpipe()).isTrue();

    UnixSocketPair.Ends d = pair(UnixSocketPair.SOCK_DGRAM, 0);
    d.second().release();
    assertErrno(() -> d.first().write(new byte[1], 0, 1, true), Errno.ECONNREFUSED);
    assertThat(d.first().raisesSigpipe()).isFalse();
  }

  @Test
  void nonBlockingEndsSayEagainAndFullBuffersBlock() throws Exception {
    UnixSocketPair.Ends s = pair(UnixSocketPair.SOCK_STREAM, OpenFlags.O_NONBLOCK);
    assertErrno(() -> s.first().read(new byte[1], 0, 1), Errno.EAGAIN);
    byte[] big = new byte[UnixSocketPair.CAPACITY + 10];
    assertThat(s.first().write(big, 0, big.length, false)).isEqualTo(UnixSocketPair.CAPACITY);
    assertThat(s.first().poll() & OpenFile.POLLOUT).isZero();
    assertErrno(() -> s.first().write(big, 0, 1, false), Errno.EAGAIN);
    assertThat(s.second().poll() & OpenFile.POLLIN).isNotZero();

    UnixSocketPair.Ends b = pair(UnixSocketPair.SOCK_SEQPACKET, 0);
    assertThat(b.first().write(big, 0, UnixSocketPair.CAPACITY - 1, true))
        .isEqualTo(UnixSocketPair.CAPACITY - 1);
    assertThat(b.first().write(big, 0, 2, true)).isEqualTo(OpenFile.WOULD_BLOCK);
  }
}
