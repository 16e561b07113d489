package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcState;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.uvm.Errno;

/** poll, ppoll, select and pselect6 run directly over a pipe. */
class PollSyscallsTest {
  static final long GARBAGE = 0xdead_beef_0000_0000L;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  PollSyscalls poll;
  long buf;
  int rd;
  int wr;

  @BeforeEach
  void setUp() throws Exception {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    poll = f.h.poll();
    buf = f.userMemory(p, 8192);
    assertThat(f.call(p, f.h.file()::pipe, buf)).isZero();
    rd = f.readInt(p, buf);
    wr = f.readInt(p, buf + 4);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private void pollfd(long va, int fd, int events) {
    var m = f.mem(p);
    assertThat(m.writeInt(va, fd)).isZero();
    assertThat(m.writeInt(va + 4, events & 0xffff)).isZero(); // events, revents 0
  }

  private int revents(long va) throws Exception {
    return f.readInt(p, va + 4) >>> 16;
  }

  @Test
  void pollSleepsOnSelectUntilTheDeadlineThenReturnsZero() throws Exception {
    pollfd(buf, rd, 1);
    assertThat(f.call(p, poll::poll, buf, GARBAGE | 1, GARBAGE | 20)).isEqualTo(Syscall.ERESTART);
    assertThat(p.state()).isEqualTo(ProcState.SLEEPING);
    long deadline = p.restart().deadline();
    assertThat(deadline).isEqualTo(f.k.clock.now() + 20_000_000L);
    f.k.clock.advance(20_000_000L);
    f.k.scheduler.setRunnable(p);
    assertThat(f.call(p, poll::poll, buf, 1, 20)).isZero();
    assertThat(revents(buf)).isZero();
  }

  @Test
  void aWriteWakesThePollerWhichThenSeesPollin() throws Exception {
    pollfd(buf, rd, 1);
    assertThat(f.call(p, poll::poll, buf, 1, -1)).isEqualTo(Syscall.ERESTART);
    assertThat(f.k.scheduler.sleepers()).contains(p);
    f.putString(p, buf + 100, "x");
    f.k.scheduler.setRunnable(p);
    assertThat(f.call(p, f.h.file()::write, wr, buf + 100, 1)).isEqualTo(1);
    assertThat(f.call(p, poll::poll, buf, 1, -1)).isEqualTo(1);
    assertThat(revents(buf)).isEqualTo(1);
  }

  @Test
  void wakeupOfAnyChannelWakesSelectSleepers() {
    pollfd(buf, rd, 1);
    assertThat(f.call(p, poll::poll, buf, 1, -1)).isEqualTo(Syscall.ERESTART);
    f.k.scheduler.wakeup(new org.uvm4j.kernel.fs.WaitChannel("other"));
    assertThat(p.state()).isEqualTo(ProcState.RUNNABLE);
    assertThat(Scheduler.SELECT).isNotNull();
  }

  @Test
  void pollReportsPollnvalAndIgnoresNegativeFds() throws Exception {
    pollfd(buf, 99, 1);
    pollfd(buf + 8, -1, 1);
    pollfd(buf + 16, wr, 4);
    assertThat(f.call(p, poll::poll, buf, 3, 0)).isEqualTo(2);
    assertThat(revents(buf)).isEqualTo(0x20);
    assertThat(revents(buf + 8)).isZero();
    assertThat(revents(buf + 16)).isEqualTo(4);
    assertThat(f.call(p, poll::poll, buf, 5000, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, poll::poll, 0x10, 1, 0)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void selectChecksDescriptorsAndReportsReadiness() throws Exception {
    var m = f.mem(p);
    assertThat(m.writeLong(buf, 1L << 60)).isZero();
    assertThat(f.call(p, poll::select, 61, buf, 0, 0, 0)).isEqualTo(-Errno.EBADF);
    assertThat(m.writeLong(buf, 1L << rd)).isZero();
    assertThat(m.writeLong(buf + 8, 1L << wr)).isZero();
    assertThat(new Timeval(0, 0).write(m, buf + 16)).isZero();
    assertThat(f.call(p, poll::select, GARBAGE | (wr + 1), buf, buf + 8, 0, buf + 16)).isEqualTo(1);
    assertThat(f.readLong(p, buf)).as("read set: empty pipe").isZero();
    assertThat(f.readLong(p, buf + 8)).as("write set").isEqualTo(1L << wr);
    assertThat(f.call(p, poll::select, -1, 0, 0, 0, 0)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void ppollAndPselect6CheckTheirMaskSizeAndTimeout() throws Exception {
    var m = f.mem(p);
    pollfd(buf, rd, 1);
    assertThat(m.writeLong(buf + 64, 0)).isZero();
    assertThat(new Timespec(0, 0).write(m, buf + 32)).isZero();
    assertThat(f.call(p, poll::ppoll, buf, 1, buf + 32, buf + 64, 4)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, poll::ppoll, buf, 1, buf + 32, buf + 64, 8)).isZero();
    // a new call (the kernel clears the restart block of a completed one; here: another process)
    Proc q = f.k.newProc();
    long qbuf = f.userMemory(q, 4096);
    assertThat(new Timespec(0, 2_000_000_000L).write(f.mem(q), qbuf)).isZero();
    assertThat(f.call(q, poll::ppoll, 0, 0, qbuf, 0, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(m.writeLong(buf + 8, 1L << wr)).isZero();
    assertThat(new Timespec(0, 0).write(m, buf + 32)).isZero();
    assertThat(f.call(p, poll::pselect6, wr + 1, 0, buf + 8, 0, buf + 32, 0)).isEqualTo(1);
  }
}
