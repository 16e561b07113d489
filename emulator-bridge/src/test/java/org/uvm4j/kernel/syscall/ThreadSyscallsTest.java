package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcState;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.WaitStatus;
import org.uvm4j.uvm.Errno;

/**
 * futex, thread exit, exit_group, tgkill and wait run directly on threads of the kernel fixture (no
 * guest, no CPU).
 */
class ThreadSyscallsTest {
  static final int WAIT = 0;
  static final int WAKE = 1;
  static final int REQUEUE = 3;
  static final int CMP_REQUEUE = 4;
  static final int WAKE_OP = 5;
  static final int WAIT_BITSET = 9;
  static final int WAKE_BITSET = 10;
  static final int PRIVATE = 128;
  static final int MAP_SHARED_ANON = 0x21;

  @TempDir Path dir;
  HandlerFixture f;
  Proc parent;
  Proc p;
  FutexSyscalls fx;
  ProcessSyscalls ps;
  long buf;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    parent = f.k.newProc();
    p = f.k.child(parent);
    fx = f.h.futex();
    ps = f.h.process();
    buf = f.userMemory(p, 4096);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private long futex(Proc t, long uaddr, int op, long val, long utime, long uaddr2, long val3) {
    return f.call(t, fx::futex, uaddr, op, val, utime, uaddr2, val3);
  }

  @Test
  void waitChecksTheValueAndTheAlignment() {
    assertThat(futex(p, buf, WAIT | PRIVATE, 1, 0, 0, 0)).isEqualTo(-Errno.EAGAIN);
    assertThat(futex(p, buf + 2, WAIT | PRIVATE, 0, 0, 0, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(futex(p, 0x10, WAIT | PRIVATE, 0, 0, 0, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(futex(p, buf, 6 | PRIVATE, 0, 0, 0, 0)).as("LOCK_PI").isEqualTo(-Errno.ENOSYS);
    assertThat(futex(p, buf, WAIT | 256, 0, 0, 0, 0))
        .as("CLOCK_REALTIME only with WAIT_BITSET")
        .isEqualTo(-Errno.ENOSYS);
    assertThat(futex(p, buf, WAIT_BITSET, 0, 0, 0, 0)).as("empty bitset").isEqualTo(-Errno.EINVAL);
  }

  @Test
  void aWaiterSleepsUntilWokenAndItsRestartedCallReturnsZero() {
    Proc t = f.k.thread(p);
    assertThat(futex(t, buf, WAIT | PRIVATE, 0, 0, 0, 0)).isEqualTo(Syscall.ERESTART);
    assertThat(t.state()).isEqualTo(ProcState.SLEEPING);
    assertThat(futex(p, buf, WAKE | PRIVATE, 0, 0, 0, 0)).as("wake 0").isZero();
    assertThat(futex(p, buf, WAKE, 1, 0, 0, 0)).as("a shared wake does not meet it").isZero();
    assertThat(futex(p, buf, WAKE | PRIVATE, 5, 0, 0, 0)).isEqualTo(1);
    assertThat(t.state()).isEqualTo(ProcState.RUNNABLE);
    assertThat(futex(t, buf, WAIT | PRIVATE, 0, 0, 0, 0)).as("the restart").isZero();
    assertThat(futex(p, buf, WAKE | PRIVATE, 5, 0, 0, 0)).as("nobody left").isZero();
  }

  @Test
  void aSpuriousWakeSleepsAgainInItsPlaceAndATimeoutEndsWithEtimedout() {
    Proc t = f.k.thread(p);
    Proc u = f.k.thread(p);
    long ts = buf + 64;
    assertThat(f.mem(p).writeLong(ts, 0)).isZero();
    assertThat(f.mem(p).writeLong(ts + 8, 5000)).isZero();
    assertThat(futex(t, buf, WAIT | PRIVATE, 0, ts, 0, 0)).isEqualTo(Syscall.ERESTART);
    assertThat(futex(u, buf, WAIT | PRIVATE, 0, 0, 0, 0)).isEqualTo(Syscall.ERESTART);
    f.k.scheduler.setRunnable(t); // woken by something else
    assertThat(futex(t, buf, WAIT | PRIVATE, 0, ts, 0, 0)).isEqualTo(Syscall.ERESTART);
    f.k.clock.advance(6000);
    f.k.scheduler.expireTimers();
    assertThat(t.state()).isEqualTo(ProcState.RUNNABLE);
    assertThat(futex(t, buf, WAIT | PRIVATE, 0, ts, 0, 0)).isEqualTo(-Errno.ETIMEDOUT);
    assertThat(futex(p, buf, WAKE | PRIVATE, 5, 0, 0, 0)).as("only u still waits").isEqualTo(1);
    assertThat(f.mem(p).writeLong(ts + 8, 2_000_000_000L)).isZero();
    assertThat(futex(t, buf, WAIT | PRIVATE, 0, ts, 0, 0)).as("bad nsec").isEqualTo(-Errno.EINVAL);
  }

  @Test
  void bitsetsChooseWhomToWake() {
    Proc t = f.k.thread(p);
    assertThat(futex(t, buf, WAIT_BITSET | PRIVATE, 0, 0, 0, 0b01)).isEqualTo(Syscall.ERESTART);
    assertThat(futex(p, buf, WAKE_BITSET | PRIVATE, 1, 0, 0, 0b10)).isZero();
    assertThat(futex(p, buf, WAKE_BITSET | PRIVATE, 1, 0, 0, 0b11)).isEqualTo(1);
  }

  @Test
  void requeueMovesWaitersToAnotherWordAndCmpRequeueChecksTheValue() {
    Proc t = f.k.thread(p);
    Proc u = f.k.thread(p);
    long other = buf + 128;
    futex(t, buf, WAIT | PRIVATE, 0, 0, 0, 0);
    futex(u, buf, WAIT | PRIVATE, 0, 0, 0, 0);
    assertThat(futex(p, buf, CMP_REQUEUE | PRIVATE, 0, 1, other, 7)).isEqualTo(-Errno.EAGAIN);
    assertThat(futex(p, buf, CMP_REQUEUE | PRIVATE, 1, 1, other, 0)).isEqualTo(2);
    assertThat(t.state()).as("the oldest is woken").isEqualTo(ProcState.RUNNABLE);
    assertThat(u.state()).isEqualTo(ProcState.SLEEPING);
    assertThat(futex(p, buf, WAKE | PRIVATE, 1, 0, 0, 0)).isZero();
    assertThat(futex(p, other, WAKE | PRIVATE, 1, 0, 0, 0)).isEqualTo(1);
    assertThat(futex(u, buf, WAIT | PRIVATE, 0, 0, 0, 0)).as("woken on the new word").isZero();
    assertThat(futex(p, buf, REQUEUE | PRIVATE, -1, 0, other, 0)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void wakeOpChangesTheSecondWordAndWakesItsWaitersWhenTheOldValueMatches() throws Exception {
    Proc t = f.k.thread(p);
    long other = buf + 128;
    assertThat(f.mem(p).writeInt(other, 5)).isZero();
    futex(t, other, WAIT | PRIVATE, 5, 0, 0, 0);
    // op ADD (1) 3, cmp GT (4) 4: 5 + 3 = 8 stored, 5 > 4 wakes one waiter of `other`
    int op = (1 << 28) | (4 << 24) | (3 << 12) | 4;
    assertThat(futex(p, buf, WAKE_OP | PRIVATE, 1, 1, other, op)).isEqualTo(1);
    assertThat(f.readInt(p, other)).isEqualTo(8);
    // cmp EQ 0 fails: nobody woken on `other`, the word is still changed (OR 1)
    futex(t, other, WAIT | PRIVATE, 8, 0, 0, 0); // restart of the woken wait: returns
    assertThat(futex(t, other, WAIT | PRIVATE, 8, 0, 0, 0)).isEqualTo(Syscall.ERESTART);
    op = (2 << 28) | (1 << 12);
    assertThat(futex(p, buf, WAKE_OP | PRIVATE, 1, 1, other, op)).isZero();
    assertThat(f.readInt(p, other)).isEqualTo(9);
  }

  @Test
  void aSharedFutexOnMapSharedMemoryMeetsAcrossForkAndAPrivateMappingDoesNot() throws Exception {
    long shared =
        f.call(p, f.h.memory()::mmap, 0, 4096, HandlerFixture.PROT_RW, MAP_SHARED_ANON, -1, 0);
    assertThat(f.mem(p).writeInt(shared, 0)).isZero();
    assertThat(f.mem(p).writeInt(buf, 0)).isZero();
    Proc c = f.k.forkedChild(p);
    assertThat(futex(c, shared, WAIT, 0, 0, 0, 0)).isEqualTo(Syscall.ERESTART);
    assertThat(futex(p, shared, WAKE | PRIVATE, 1, 0, 0, 0)).as("private key: no").isZero();
    assertThat(futex(p, shared, WAKE, 1, 0, 0, 0)).as("same amap slot").isEqualTo(1);
    assertThat(futex(c, shared, WAIT, 0, 0, 0, 0)).isZero();
    assertThat(futex(c, buf, WAIT, 0, 0, 0, 0)).isEqualTo(Syscall.ERESTART);
    assertThat(futex(p, buf, WAKE, 1, 0, 0, 0)).as("private memory: another word").isZero();
    assertThat(futex(c, buf, WAKE, 1, 0, 0, 0)).isEqualTo(1);
  }

  @Test
  void aThreadExitClearsItsTidWordAndWakesTheJoinerWhileTheProcessLives() throws Exception {
    Proc t = f.k.thread(p);
    assertThat(f.mem(p).writeInt(buf, t.tid())).isZero();
    t.setClearChildTid(buf);
    assertThat(futex(p, buf, WAIT, t.tid(), 0, 0, 0)).isEqualTo(Syscall.ERESTART);
    assertThat(f.call(t, ps::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(f.readInt(p, buf)).isZero();
    assertThat(p.state()).isEqualTo(ProcState.RUNNABLE);
    assertThat(futex(p, buf, WAIT, t.tid(), 0, 0, 0)).isZero();
    assertThat(f.k.procs.find(t.tid())).as("a thread reaps itself").isNull();
    assertThat(p.threads().size()).isEqualTo(1);
    assertThat(p.isAlive()).isTrue();
    assertThat(f.call(p, ps::gettid)).isEqualTo(p.pid());
  }

  @Test
  void exitGroupEndsEveryThreadAndTheParentCollectsItsStatus() throws Exception {
    Proc t = f.k.thread(p);
    Proc u = f.k.thread(p);
    futex(u, buf, WAIT | PRIVATE, 0, 0, 0, 0);
    assertThat(f.call(t, ps::getpid)).isEqualTo(p.pid());
    assertThat(f.call(t, ps::gettid)).isEqualTo(t.tid()).isNotEqualTo(p.pid());
    assertThat(f.call(t, ps::getppid)).isEqualTo(parent.pid());
    assertThat(f.call(t, ps::exitGroup, 3)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(p.isZombie()).isTrue();
    assertThat(t.isAlive() || u.isAlive()).isFalse();
    assertThat(futex(parent, buf, WAKE | PRIVATE, 1, 0, 0, 0)).isZero();
    long st = f.userMemory(parent, 4096);
    assertThat(f.call(parent, ps::wait4, -1, st, 0, 0)).isEqualTo(p.pid());
    assertThat(WaitStatus.exitCode(f.readInt(parent, st))).isEqualTo(3);
  }

  @Test
  void theLeaderMayExitFirstThenTheProcessEndsWithItsLastThreadAndTheLeadersStatus()
      throws Exception {
    Proc t = f.k.thread(p);
    long st = f.userMemory(parent, 4096);
    assertThat(f.call(p, ps::exit, 4)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(p.isAlive()).isFalse();
    assertThat(p.isZombie()).as("its thread still runs").isFalse();
    assertThat(f.call(parent, ps::wait4, -1, st, 1, 0)).as("WNOHANG: nothing yet").isZero();
    assertThat(f.call(t, ps::getpid)).isEqualTo(p.pid());
    assertThat(f.call(t, ps::exit, 9)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(p.isZombie()).isTrue();
    assertThat(f.call(parent, ps::wait4, -1, st, 0, 0)).isEqualTo(p.pid());
    assertThat(WaitStatus.exitCode(f.readInt(parent, st))).as("the leader's own").isEqualTo(4);
  }

  @Test
  void anyThreadWaitsForTheProcessesChildren() throws Exception {
    Proc t = f.k.thread(p);
    Proc kid = f.k.child(p);
    long st = buf + 256;
    assertThat(f.call(t, ps::wait4, -1, st, 0, 0)).isEqualTo(Syscall.ERESTART);
    f.call(kid, ps::exit, 6);
    assertThat(t.state()).as("woken by the child's exit").isEqualTo(ProcState.RUNNABLE);
    assertThat(f.call(t, ps::wait4, -1, st, 0, 0)).isEqualTo(kid.pid());
    assertThat(WaitStatus.exitCode(f.readInt(p, st))).isEqualTo(6);
  }

  @Test
  void tgkillAndTkillReachOneThreadKillReachesTheProcess() {
    SignalSyscalls sig = f.h.signal();
    Proc t = f.k.thread(p);
    long usr1 = Signals.bit(Signals.SIGUSR1);
    long usr2 = Signals.bit(Signals.SIGUSR2);
    assertThat(f.call(p, sig::tgkill, p.pid(), t.tid(), Signals.SIGUSR1)).isZero();
    assertThat(t.signals().pending() & usr1).isNotZero();
    assertThat(p.signals().pending() & usr1).as("thread-directed").isZero();
    assertThat(f.call(p, sig::tgkill, parent.pid(), t.tid(), Signals.SIGUSR1))
        .as("not in that process")
        .isEqualTo(-Errno.ESRCH);
    assertThat(f.call(p, sig::tgkill, 0, t.tid(), Signals.SIGUSR1)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, sig::tkill, t.tid(), 0)).isZero();
    assertThat(f.call(p, sig::kill, p.pid(), Signals.SIGUSR2)).isZero();
    assertThat(t.signals().pending() & usr2)
        .as("process-directed: every thread sees it")
        .isNotZero();
    assertThat(p.signals().pending() & usr2).isNotZero();
    p.signals().take(Signals.SIGUSR2);
    assertThat(t.signals().pending() & usr2).as("taken once, by one thread").isZero();
  }
}
