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

  static final long CLONE_VM = 0x100;
  static final long CLONE_PARENT_SETTID = 0x00100000L;
  static final long CLONE_CHILD_CLEARTID = 0x00200000L;
  static final long CLONE_CHILD_SETTID = 0x01000000L;
  static final int SIGCHLD = 17;

  /** Runs clone (flags, newsp, parent_tid, child_tid, tls) with a CPU to copy registers from. */
  private Proc cloned(long flags, long ptid, long ctid) {
    long pid = f.call(parent, ps::clone, flags, 0, ptid, ctid, 0);
    assertThat(pid).as("clone").isPositive();
    Proc c = f.k.procs.find((int) pid);
    assertThat(c).isNotNull();
    f.k.adopt(c);
    assertThat(c.parent()).isSameAs(parent);
    return c;
  }

  @Test
  void cloneForkWritesTheChildsPidWhereParentAndChildSettidSay() throws Exception {
    f.k.attachMachine();
    long ptid = buf + 512;
    long ctid = buf + 1024;
    assertThat(f.mem(parent).writeInt(ptid, -1)).isZero();
    assertThat(f.mem(parent).writeInt(ctid, -1)).isZero();
    // glibc's fork: CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD, plus PARENT_SETTID here
    Proc c =
        cloned(
            CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID | SIGCHLD, ptid, ctid);
    int pid = c.pid();
    // PARENT_SETTID goes to the parent's memory after the copy, CHILD_SETTID to the child's copy
    assertThat(f.readInt(parent, ptid)).isEqualTo(pid);
    assertThat(f.readInt(parent, ctid)).as("the parent's copy of child_tid").isEqualTo(-1);
    assertThat(f.readInt(c, ctid)).isEqualTo(pid);
    assertThat(f.readInt(c, ptid)).as("the child's copy of parent_tid").isEqualTo(-1);
    // the child runs on: exit, and the parent collects it with its exit signal's status
    assertThat(f.call(c, ps::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(f.call(parent, ps::wait4, pid, buf, 0, 0)).isEqualTo(pid);
  }

  @Test
  void cloneChildCleartidZeroesTheSharedWordAtExitAndBadTidAddressesAreIgnored() throws Exception {
    f.k.attachMachine();
    long ptid = buf + 512;
    long ctid = buf + 1024;
    // CLONE_VM: the child shares the parent's memory, so the parent sees both words
    Proc c =
        cloned(
            CLONE_VM | CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | CLONE_PARENT_SETTID | SIGCHLD,
            ptid,
            ctid);
    assertThat(f.readInt(parent, ptid)).isEqualTo(c.pid());
    assertThat(f.readInt(parent, ctid)).isEqualTo(c.pid());
    assertThat(f.call(c, ps::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(f.readInt(parent, ctid)).as("CLONE_CHILD_CLEARTID at exit").isZero();
    assertThat(f.readInt(parent, ptid)).isEqualTo(c.pid());
    assertThat(f.call(parent, ps::wait4, c.pid(), buf, 0, 0)).isEqualTo(c.pid());
    // words that cannot be written do not fail the clone (Linux ignores put_user's fault)
    Proc d = cloned(CLONE_CHILD_SETTID | CLONE_PARENT_SETTID | SIGCHLD, 0x10, 0x10);
    assertThat(f.call(d, ps::exit, 0)).isEqualTo(Syscall.EJUSTRETURN);
    assertThat(f.call(parent, ps::wait4, d.pid(), buf, 0, 0)).isEqualTo(d.pid());
  }
}
