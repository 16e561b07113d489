package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcState;
import org.uvm4j.kernel.WaitStatus;
import org.uvm4j.uvm.Errno;

/** Process syscalls run directly: ids, wait4/waitid, exit, getrusage (no guest, no CPU). */
class ProcessSyscallsTest {
  static final int WNOHANG = 1;
  static final int WEXITED = 4;

  @TempDir Path dir;
  HandlerFixture f;
  Proc parent;
  ProcessSyscalls ps;
  long buf;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    parent = f.k.newProc();
    ps = f.h.process();
    buf = f.userMemory(parent, 4096);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void idsOfAProcessAndItsChild() {
    Proc c = f.k.child(parent);
    assertThat(f.call(c, ps::getpid)).isEqualTo(c.pid());
    assertThat(f.call(c, ps::getppid)).isEqualTo(parent.pid());
    assertThat(f.call(parent, ps::getppid)).isZero();
    assertThat(f.call(c, ps::groupOf, 0)).isEqualTo(1);
    assertThat(f.call(c, ps::groupOf, 9999)).isEqualTo(-Errno.ESRCH);
  }

  @Test
  void wait4WithoutChildrenIsEchildAndWithALiveOneSleepsOrAnswersZeroWithWnohang() {
    assertThat(f.call(parent, ps::wait4, -1, buf, 0, 0)).isEqualTo(-Errno.ECHILD);
    f.k.child(parent);
    assertThat(f.call(parent, ps::wait4, -1, buf, WNOHANG, 0)).isZero();
    assertThat(f.call(parent, ps::wait4, -1, buf, 0, 0)).isEqualTo(Syscall.ERESTART);
    assertThat(parent.state()).isEqualTo(ProcState.SLEEPING);
    assertThat(f.call(parent, ps::wait4, -1, buf, 0x100, 0)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void exitMakesAZombieThatWait4CollectsWithItsStatus() throws Exception {
    Proc c = f.k.child(parent);
    f.call(parent, ps::wait4, -1, buf, 0, 0); // parent sleeps on its children
    assertThat(f.call(c, ps::exit, 0xffff_ffff_0000_0007L)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(c.isZombie()).isTrue();
    assertThat(parent.state()).as("woken by the exit").isEqualTo(ProcState.RUNNABLE);
    assertThat(f.call(parent, ps::wait4, c.pid(), buf, 0, buf + 64)).isEqualTo(c.pid());
    int st = f.readInt(parent, buf);
    assertThat(WaitStatus.isExited(st)).isTrue();
    assertThat(WaitStatus.exitCode(st)).as("int status: the low 32 bits").isEqualTo(7);
    assertThat(f.k.procs.find(c.pid())).isNull();
    assertThat(f.call(parent, ps::wait4, -1, buf, 0, 0)).isEqualTo(-Errno.ECHILD);
  }

  @Test
  void wait4WithABadStatusPointerLeavesTheZombie() {
    Proc c = f.k.child(parent);
    f.call(c, ps::exit, 3);
    assertThat(f.call(parent, ps::wait4, -1, 0x10, 0, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.k.procs.find(c.pid())).isSameAs(c);
  }

  @Test
  void waitidWnowaitKeepsTheZombieAndFillsTheSiginfo() throws Exception {
    Proc c = f.k.child(parent);
    f.call(c, ps::exit, 5);
    long info = buf + 256;
    assertThat(f.call(parent, ps::waitid, 1, c.pid(), info, WEXITED | 0x01000000, 0)).isZero();
    assertThat(f.readInt(parent, info)).as("si_signo").isEqualTo(17);
    assertThat(f.readInt(parent, info + 16)).as("si_pid").isEqualTo(c.pid());
    assertThat(f.readInt(parent, info + 24)).as("si_status").isEqualTo(5);
    assertThat(f.k.procs.find(c.pid())).isSameAs(c);
    assertThat(f.call(parent, ps::waitid, 1, c.pid(), info, WEXITED, 0)).isZero();
    assertThat(f.k.procs.find(c.pid())).isNull();
    assertThat(f.call(parent, ps::waitid, 7, 0, info, WEXITED, 0)).isEqualTo(-Errno.EINVAL);
  }

  @Test
  void getrusageReportsInstructionsAsUserTime() throws Exception {
    assertThat(f.call(parent, ps::getrusage, 0, buf)).isZero();
    assertThat(f.readLong(parent, buf)).isZero();
    assertThat(f.call(parent, ps::getrusage, 5, buf)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(parent, ps::getrusage, 0, 0x10)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void cloneChecksItsFlagsAsLinuxDoes() {
    // CLONE_THREAD without CLONE_SIGHAND, CLONE_SIGHAND without CLONE_VM (copy_process)
    assertThat(f.call(parent, ps::clone, 0x10000 | 0x100 | 17, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(parent, ps::clone, 0x800 | 17, 0)).isEqualTo(-Errno.EINVAL);
    // CLONE_FS with CLONE_NEWNS; CLONE_PIDFD with CLONE_PARENT_SETTID (they share an argument)
    assertThat(f.call(parent, ps::clone, 0x200 | 0x20000 | 17, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(parent, ps::clone, 0x1000 | 0x100000 | 17, 0)).isEqualTo(-Errno.EINVAL);
    // an exit signal that is no signal
    assertThat(f.call(parent, ps::clone, 99, 0)).isEqualTo(-Errno.EINVAL);
    // namespaces: refused as for an unprivileged user
    assertThat(f.call(parent, ps::clone, 0x20000000 | 17, 0)).isEqualTo(-Errno.EPERM);
    // only the low 32 bits are the flags: a high bit does not make it a namespace request
    assertThat(f.call(parent, ps::clone, 0x1_0000_0000L | 99, 0)).isEqualTo(-Errno.EINVAL);
  }
}
