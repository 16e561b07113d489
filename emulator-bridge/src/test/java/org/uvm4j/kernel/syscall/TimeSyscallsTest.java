package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcState;
import org.uvm4j.uvm.Errno;

/** Time syscalls and the restart block of a sleeping one, run directly. */
class TimeSyscallsTest {
  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  TimeSyscalls t;
  long buf;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    t = f.h.time();
    buf = f.userMemory(p, 4096);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void nanosleepKeepsItsDeadlineInTheRestartBlockAcrossRestarts() throws Exception {
    assertThat(new Timespec(0, 5000).write(f.mem(p), buf)).isZero();
    long start = f.k.clock.now();
    assertThat(f.call(p, t::nanosleep, buf, 0)).isEqualTo(Syscall.ERESTART);
    assertThat(p.state()).isEqualTo(ProcState.SLEEPING);
    assertThat(p.restart().deadline()).isEqualTo(start + 5000);
    // the guest changes the request meanwhile: the restarted call keeps the first deadline
    assertThat(new Timespec(100, 0).write(f.mem(p), buf)).isZero();
    f.k.clock.advance(4999);
    f.k.scheduler.setRunnable(p);
    assertThat(f.call(p, t::nanosleep, buf, 0)).isEqualTo(Syscall.ERESTART);
    f.k.clock.advance(1);
    f.k.scheduler.setRunnable(p);
    assertThat(f.call(p, t::nanosleep, buf, 0)).isZero();
  }

  @Test
  void badTimespecsAndClocks() throws Exception {
    assertThat(new Timespec(0, 1_000_000_000L).write(f.mem(p), buf)).isZero();
    assertThat(f.call(p, t::nanosleep, buf, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, t::nanosleep, 0x10, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, t::clockNanosleep, 2, 0, buf, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, t::clockGettime, 99, buf)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void clockGettimeWritesATimespecOfTheVirtualClock() throws Exception {
    f.k.clock.advance(1_500_000_123L);
    assertThat(f.call(p, t::clockGettime, 1, buf)).isZero();
    assertThat(Timespec.read(f.mem(p), buf)).isEqualTo(new Timespec(1, 500_000_123L));
    // clockid_t is an int: the upper half of the register does not matter
    assertThat(f.call(p, t::clockGettime, 0x7777_0000_0000_0001L, buf)).isZero();
    assertThat(f.call(p, t::clockGettime, 1, 0x10)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void realtimeIsTheBootEpochPlusVirtualTimeInEveryCall() throws Exception {
    long epoch = f.k.clock.epoch();
    f.k.clock.advance(2_000_000_007L);
    assertThat(f.call(p, t::clockGettime, 0, buf)).isZero(); // CLOCK_REALTIME
    assertThat(Timespec.read(f.mem(p), buf).toNanos()).isEqualTo(epoch + 2_000_000_007L);
    assertThat(f.call(p, t::gettimeofday, buf, 0)).isZero();
    assertThat(Timeval.read(f.mem(p), buf))
        .isEqualTo(new Timeval(epoch / 1_000_000_000L + 2, (epoch % 1_000_000_000L) / 1000));
    assertThat(f.call(p, t::time, buf)).isEqualTo(epoch / 1_000_000_000L + 2);
    assertThat(f.mem(p).readLong(buf)).isEqualTo(epoch / 1_000_000_000L + 2);
    // the monotonic clocks stay time since boot; all advance together
    assertThat(f.call(p, t::clockGettime, 1, buf)).isZero(); // CLOCK_MONOTONIC
    assertThat(Timespec.read(f.mem(p), buf).toNanos()).isEqualTo(2_000_000_007L);
    assertThat(f.call(p, t::clockGettime, 7, buf)).isZero(); // CLOCK_BOOTTIME
    assertThat(Timespec.read(f.mem(p), buf).toNanos()).isEqualTo(2_000_000_007L);
    f.k.clock.advance(5);
    assertThat(f.call(p, t::clockGettime, 0, buf)).isZero();
    assertThat(Timespec.read(f.mem(p), buf).toNanos()).isEqualTo(epoch + 2_000_000_012L);
  }

  @Test
  void anAbsoluteRealtimeSleepEndsWhenTheWallClockReachesItsTarget() throws Exception {
    long epoch = f.k.clock.epoch();
    assertThat(Timespec.ofNanos(epoch + 3_000).write(f.mem(p), buf)).isZero();
    long start = f.k.clock.now();
    assertThat(f.call(p, t::clockNanosleep, 0, 1, buf, 0)).isEqualTo(Syscall.ERESTART);
    assertThat(p.restart().deadline()).isEqualTo(start + 3_000);
  }
}
