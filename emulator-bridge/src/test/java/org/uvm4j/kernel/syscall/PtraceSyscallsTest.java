package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcState;
import org.uvm4j.kernel.Ptrace;
import org.uvm4j.kernel.PtraceState;
import org.uvm4j.kernel.SigAction;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.WaitStatus;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;

/**
 * ptrace(2) requests run directly against a CPU-less kernel (the tracee's registers are a saved
 * context): who may trace whom, which requests need a stopped tracee, the register and memory
 * views, signal-delivery-stops and what wait reports of them, resuming, detaching and the tracer's
 * exit. The syscall stops themselves need a CPU: the guests ptrace_syscalls, ptrace_signals and
 * ptrace_exec_step check them against their native runs (PtraceGuestsTest).
 */
class PtraceSyscallsTest {
  static final int TRACEME = 0;
  static final int PEEKDATA = 2;
  static final int PEEKUSER = 3;
  static final int POKEDATA = 5;
  static final int POKEUSER = 6;
  static final int CONT = 7;
  static final int KILL = 8;
  static final int GETREGS = 12;
  static final int SETREGS = 13;
  static final int ATTACH = 16;
  static final int DETACH = 17;
  static final int SYSCALL = 24;
  static final int SETOPTIONS = 0x4200;
  static final int GETEVENTMSG = 0x4201;
  static final int GETSIGINFO = 0x4202;
  static final int SEIZE = 0x4206;
  static final int INTERRUPT = 0x4207;
  static final int GET_SYSCALL_INFO = 0x420e;
  static final int WALL = 0x40000000;
  static final int GETSIGMASK = 0x420a;
  static final int SETSIGMASK = 0x420b;
  static final int WNOHANG = 1;
  static final int WEXITED = 4;
  static final int WSTOPPED = 2;
  static final int WNOWAIT = 0x01000000;

  @TempDir Path dir;
  HandlerFixture f;
  Proc parent;
  Proc child;
  long buf;
  long cbuf;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    parent = f.k.newProc();
    child = f.k.child(parent);
    f.k.withRegisters(child, 0x7fff_0000L);
    buf = f.userMemory(parent, 4096);
    cbuf = f.userMemory(child, 4096);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private long ptrace(Proc caller, long request, long pid, long addr, long data) {
    return f.call(caller, f.h.ptrace()::ptrace, request, pid, addr, data);
  }

  /** The child asks to be traced and stops for SIGSTOP (as after raise(SIGSTOP)). */
  private void tracemeAndStop() throws Exception {
    assertThat(ptrace(child, TRACEME, 0, 0, 0)).isZero();
    stopWith(Signals.SIGSTOP);
  }

  private void stopWith(int sig) {
    f.k.signals.postThread(child, sig, SigInfo.user(sig, SigInfo.SI_TKILL, child.pid()));
    f.k.signals.deliver(child);
    assertThat(child.state()).isEqualTo(ProcState.TRACED);
  }

  private int waitStatus() throws Exception {
    assertThat(f.call(parent, f.h.process()::wait4, child.pid(), buf, 0, 0)).isEqualTo(child.pid());
    return f.readInt(parent, buf);
  }

  @Test
  void tracemeTwiceIsEpermAndWithoutAParentToo() throws Exception {
    assertThat(ptrace(child, TRACEME, 0, 0, 0)).isZero();
    assertThat(Ptrace.isTraced(child)).isTrue();
    assertThat(ptrace(child, TRACEME, 0, 0, 0)).isEqualTo(-Errno.EPERM);
    assertThat(ptrace(parent, TRACEME, 0, 0, 0))
        .as("pid 1: no parent process")
        .isEqualTo(-Errno.EPERM);
  }

  @Test
  void aSignalStopsTheTraceeAndTheTracersWaitReportsItOnce() throws Exception {
    tracemeAndStop();
    assertThat(child.ptrace().stop()).isEqualTo(PtraceState.Stop.SIGNAL);
    int st = waitStatus();
    assertThat(st).as("WIFSTOPPED, WSTOPSIG SIGSTOP").isEqualTo((Signals.SIGSTOP << 8) | 0x7f);
    assertThat(f.call(parent, f.h.process()::wait4, child.pid(), buf, WNOHANG, 0))
        .as("reported once")
        .isZero();
    assertThat(child.state()).isEqualTo(ProcState.TRACED);
  }

  @Test
  void waitidReportsAStopAsCldTrappedAndWnowaitLeavesIt() throws Exception {
    tracemeAndStop();
    assertThat(f.call(parent, f.h.process()::waitid, 1, child.pid(), buf, WEXITED | WNOWAIT, 0))
        .isZero();
    assertThat(f.readInt(parent, buf)).isEqualTo(Signals.SIGCHLD);
    assertThat(f.readInt(parent, buf + 8)).isEqualTo(Ptrace.CLD_TRAPPED);
    assertThat(f.readInt(parent, buf + 16)).isEqualTo(child.pid());
    assertThat(f.readInt(parent, buf + 24)).isEqualTo(Signals.SIGSTOP);
    assertThat(waitStatus()).as("WNOWAIT left it").isEqualTo((Signals.SIGSTOP << 8) | 0x7f);
  }

  @Test
  void requestsNeedAStoppedTraceeOfTheCaller() throws Exception {
    assertThat(ptrace(parent, GETREGS, child.pid(), 0, buf))
        .as("not traced")
        .isEqualTo(-Errno.ESRCH);
    assertThat(ptrace(child, TRACEME, 0, 0, 0)).isZero();
    assertThat(ptrace(parent, GETREGS, child.pid(), 0, buf)).as("running").isEqualTo(-Errno.ESRCH);
    assertThat(ptrace(parent, CONT, child.pid(), 0, 0)).isEqualTo(-Errno.ESRCH);
    assertThat(ptrace(parent, GETREGS, 9999, 0, buf)).as("no such pid").isEqualTo(-Errno.ESRCH);
    Proc other = f.k.newProc();
    stopWith(Signals.SIGUSR1);
    assertThat(ptrace(other, GETREGS, child.pid(), 0, buf))
        .as("not its tracer")
        .isEqualTo(-Errno.ESRCH);
    assertThat(ptrace(parent, GETREGS, child.pid(), 0, buf)).isZero();
    assertThat(ptrace(parent, 0x4299, child.pid(), 0, 0))
        .as("unknown request")
        .isEqualTo(-Errno.EIO);
  }

  @Test
  void getregsLaysOutUserRegsStructAndSetregsWritesItBack() throws Exception {
    child.context().setReg(Reg.RAX, 0x1234);
    child.context().setReg(Reg.R15, 15);
    child.context().setReg(Reg.RIP, 0x401000);
    child.context().setReg(Reg.FS_BASE, 0x7000);
    tracemeAndStop();
    assertThat(ptrace(parent, GETREGS, child.pid(), 0, buf)).isZero();
    assertThat(f.readLong(parent, buf)).as("r15").isEqualTo(15);
    assertThat(f.readLong(parent, buf + 80)).as("rax").isEqualTo(0x1234);
    assertThat(f.readLong(parent, buf + 120)).as("orig_rax outside a syscall").isEqualTo(-1);
    assertThat(f.readLong(parent, buf + 128)).as("rip").isEqualTo(0x401000);
    assertThat(f.readLong(parent, buf + 136)).as("cs").isEqualTo(0x33);
    assertThat(f.readLong(parent, buf + 152)).as("rsp").isEqualTo(0x7fff_0000L);
    assertThat(f.readLong(parent, buf + 160)).as("ss").isEqualTo(0x2b);
    assertThat(f.readLong(parent, buf + 168)).as("fs_base").isEqualTo(0x7000);
    assertThat(f.mem(parent).writeLong(buf + 80, -9999)).isZero();
    assertThat(f.mem(parent).writeLong(buf + 120, 39)).isZero();
    assertThat(ptrace(parent, SETREGS, child.pid(), 0, buf)).isZero();
    assertThat(child.context().reg(Reg.RAX)).isEqualTo(-9999);
    assertThat(child.ptrace().origRax()).isEqualTo(39);
    assertThat(ptrace(parent, GETREGS, child.pid(), 0, 0x10))
        .as("bad pointer")
        .isEqualTo(-Errno.EFAULT);
  }

  @Test
  void setregsRefusesWhatPutregRefuses() throws Exception {
    tracemeAndStop();
    assertThat(ptrace(parent, GETREGS, child.pid(), 0, buf)).isZero();
    assertThat(f.mem(parent).writeLong(buf + 136, 0)).isZero(); // cs 0
    assertThat(ptrace(parent, SETREGS, child.pid(), 0, buf)).isEqualTo(-Errno.EIO);
    assertThat(ptrace(parent, POKEUSER, child.pid(), 168, 1L << 47))
        .as("fs_base")
        .isEqualTo(-Errno.EIO);
    assertThat(ptrace(parent, POKEUSER, child.pid(), 184, 0x10))
        .as("ds RPL 0")
        .isEqualTo(-Errno.EIO);
    assertThat(ptrace(parent, POKEUSER, child.pid(), 184, 0x2b)).as("ds valid").isZero();
    long before = child.context().reg(Reg.RFLAGS);
    assertThat(ptrace(parent, POKEUSER, child.pid(), 144, -1L)).isZero();
    long after = child.context().reg(Reg.RFLAGS);
    assertThat(after & ~UserRegs.FLAG_MASK)
        .as("IF, IOPL... kept")
        .isEqualTo(before & ~UserRegs.FLAG_MASK);
    assertThat(after & UserRegs.FLAG_MASK).isEqualTo(UserRegs.FLAG_MASK);
  }

  @Test
  void peekAndPokeUserAtRegisterOffsetsTheDebugRegistersAndBeyond() throws Exception {
    child.context().setReg(Reg.RBX, 77);
    tracemeAndStop();
    assertThat(ptrace(parent, PEEKUSER, child.pid(), 40, buf)).isZero();
    assertThat(f.readLong(parent, buf)).as("rbx").isEqualTo(77);
    assertThat(ptrace(parent, POKEUSER, child.pid(), 40, 88)).isZero();
    assertThat(child.context().reg(Reg.RBX)).isEqualTo(88);
    assertThat(ptrace(parent, PEEKUSER, child.pid(), 3, buf))
        .as("misaligned")
        .isEqualTo(-Errno.EIO);
    assertThat(ptrace(parent, PEEKUSER, child.pid(), 912, buf))
        .as("past struct user")
        .isEqualTo(-Errno.EIO);
    assertThat(f.mem(parent).writeLong(buf, 5)).isZero();
    assertThat(ptrace(parent, PEEKUSER, child.pid(), 848 + 7 * 8, buf)).as("dr7").isZero();
    assertThat(f.readLong(parent, buf)).isZero();
    assertThat(ptrace(parent, POKEUSER, child.pid(), 848 + 7 * 8, 1))
        .as("no hardware breakpoints")
        .isEqualTo(-Errno.EIO);
    assertThat(ptrace(parent, POKEUSER, child.pid(), 600, 1)).isEqualTo(-Errno.EIO);
  }

  @Test
  void peekAndPokeDataReachTheTraceesMemory() throws Exception {
    assertThat(f.mem(child).writeLong(cbuf, 0x1122334455667788L)).isZero();
    tracemeAndStop();
    assertThat(ptrace(parent, PEEKDATA, child.pid(), cbuf, buf)).isZero();
    assertThat(f.readLong(parent, buf)).isEqualTo(0x1122334455667788L);
    assertThat(ptrace(parent, POKEDATA, child.pid(), cbuf + 8, -2L)).isZero();
    assertThat(f.readLong(child, cbuf + 8)).isEqualTo(-2L);
    assertThat(f.call(child, f.h.memory()::mprotect, cbuf, 4096, 1)).isZero(); // PROT_READ
    assertThat(ptrace(parent, POKEDATA, child.pid(), cbuf + 16, 5)).as("FOLL_FORCE").isZero();
    assertThat(f.readLong(child, cbuf + 16)).isEqualTo(5);
    assertThat(f.call(child, f.h.memory()::mprotect, cbuf, 4096, 0)).isZero(); // PROT_NONE
    assertThat(ptrace(parent, PEEKDATA, child.pid(), cbuf + 16, buf)).isZero();
    assertThat(f.readLong(parent, buf)).isEqualTo(5);
    assertThat(ptrace(parent, PEEKDATA, child.pid(), 0x1000, buf))
        .as("unmapped")
        .isEqualTo(-Errno.EIO);
    assertThat(ptrace(parent, POKEDATA, child.pid(), 0x1000, 1)).isEqualTo(-Errno.EIO);
  }

  @Test
  void getsiginfoGivesTheStopsSiginfo() throws Exception {
    tracemeAndStop();
    assertThat(ptrace(parent, GETSIGINFO, child.pid(), 0, buf)).isZero();
    assertThat(f.readInt(parent, buf)).isEqualTo(Signals.SIGSTOP);
    assertThat(f.readInt(parent, buf + 8)).isEqualTo(SigInfo.SI_TKILL);
    assertThat(f.readInt(parent, buf + 16)).isEqualTo(child.pid());
    assertThat(ptrace(parent, GETSIGINFO, child.pid(), 0, 0x10)).isEqualTo(-Errno.EFAULT);
    assertThat(ptrace(parent, GETEVENTMSG, child.pid(), 0, buf)).isZero();
  }

  @Test
  void resumeChecksItsSignalAndOptionsMustBeKnownAndImplemented() throws Exception {
    tracemeAndStop();
    assertThat(ptrace(parent, CONT, child.pid(), 0, 65)).isEqualTo(-Errno.EIO);
    assertThat(ptrace(parent, DETACH, child.pid(), 0, -1)).isEqualTo(-Errno.EIO);
    assertThat(ptrace(parent, SETOPTIONS, child.pid(), 0, 0x40000000L))
        .as("unknown")
        .isEqualTo(-Errno.EINVAL);
    assertThat(ptrace(parent, SETOPTIONS, child.pid(), 0, Ptrace.PTRACE_O_TRACEEXIT))
        .as("known, not implemented")
        .isEqualTo(-Errno.EINVAL);
    assertThat(
            ptrace(
                parent,
                SETOPTIONS,
                child.pid(),
                0,
                Ptrace.PTRACE_O_TRACESYSGOOD
                    | Ptrace.PTRACE_O_EXITKILL
                    | Ptrace.PTRACE_O_TRACEEXEC))
        .isZero();
    assertThat(child.ptrace().options()).isEqualTo(0x100011);
    assertThat(child.state()).isEqualTo(ProcState.TRACED);
  }

  @Test
  void contWithZeroSuppressesTheSignalAndWithAnotherDeliversThatOneFromTheTracer()
      throws Exception {
    tracemeAndStop();
    assertThat(ptrace(parent, CONT, child.pid(), 0, 0)).isZero();
    assertThat(child.state()).isEqualTo(ProcState.RUNNABLE);
    f.k.signals.deliver(child);
    assertThat(child.state())
        .as("SIGSTOP suppressed: nothing stops or kills it")
        .isEqualTo(ProcState.RUNNABLE);
    assertThat(child.signals().pending()).isZero();

    stopWith(Signals.SIGUSR2);
    assertThat(ptrace(parent, SYSCALL, child.pid(), 0, Signals.SIGTERM)).isZero();
    assertThat(child.ptrace().tracer()).isSameAs(parent);
    f.k.signals.deliver(child); // SIGTERM, default action: the child dies of it
    assertThat(child.isZombie()).isTrue();
    assertThat(WaitStatus.termSig(child.exitStatus())).isEqualTo(Signals.SIGTERM);
  }

  @Test
  void anIgnoredSignalStillStopsATracee() throws Exception {
    assertThat(ptrace(child, TRACEME, 0, 0, 0)).isZero();
    f.k.signals.post(child, Signals.SIGCHLD, SigInfo.kernel(Signals.SIGCHLD)); // SIG_DFL: ignore
    f.k.signals.deliver(child);
    assertThat(child.state()).isEqualTo(ProcState.TRACED);
    assertThat(waitStatus()).isEqualTo((Signals.SIGCHLD << 8) | 0x7f);
  }

  @Test
  void detachLetsTheTraceeRunUntracedWithTheGivenSignal() throws Exception {
    tracemeAndStop();
    assertThat(ptrace(parent, DETACH, child.pid(), 0, Signals.SIGTERM)).isZero();
    assertThat(Ptrace.isTraced(child)).isFalse();
    assertThat(child.state()).isEqualTo(ProcState.RUNNABLE);
    assertThat(ptrace(parent, CONT, child.pid(), 0, 0)).isEqualTo(-Errno.ESRCH);
    f.k.signals.deliver(child);
    assertThat(child.isZombie()).isTrue();
    assertThat(WaitStatus.termSig(child.exitStatus())).isEqualTo(Signals.SIGTERM);
    assertThat(child.ptrace()).as("nothing left of the tracing").isNull();
  }

  @Test
  void ptraceKillNeedsNoStop() throws Exception {
    assertThat(ptrace(child, TRACEME, 0, 0, 0)).isZero();
    assertThat(ptrace(parent, KILL, child.pid(), 0, 0)).isZero();
    f.k.signals.deliver(child);
    assertThat(child.isZombie()).isTrue();
    assertThat(WaitStatus.termSig(child.exitStatus())).isEqualTo(Signals.SIGKILL);
  }

  @Test
  void sigkillEndsAPtraceStop() throws Exception {
    tracemeAndStop();
    f.k.signals.post(child, Signals.SIGKILL, SigInfo.kernel(Signals.SIGKILL));
    assertThat(child.state()).isEqualTo(ProcState.RUNNABLE);
    f.k.signals.deliver(child);
    assertThat(WaitStatus.termSig(child.exitStatus())).isEqualTo(Signals.SIGKILL);
  }

  @Test
  void getAndSetSigmask() throws Exception {
    tracemeAndStop();
    assertThat(ptrace(parent, GETSIGMASK, child.pid(), 4, buf)).isEqualTo(-Errno.EINVAL);
    assertThat(f.mem(parent).writeLong(buf, -1L)).isZero();
    assertThat(ptrace(parent, SETSIGMASK, child.pid(), 8, buf)).isZero();
    assertThat(ptrace(parent, GETSIGMASK, child.pid(), 8, buf + 8)).isZero();
    assertThat(f.readLong(parent, buf + 8))
        .as("SIGKILL and SIGSTOP stay unblocked")
        .isEqualTo(~Signals.UNCATCHABLE);
  }

  @Test
  void attachRules() throws Exception {
    Proc other = f.k.newProc();
    assertThat(ptrace(parent, ATTACH, parent.pid(), 0, 0)).as("itself").isEqualTo(-Errno.EPERM);
    Proc thread = f.k.thread(parent);
    assertThat(ptrace(parent, ATTACH, thread.tid(), 0, 0))
        .as("its own thread")
        .isEqualTo(-Errno.EPERM);
    child.setDumpable(0);
    assertThat(ptrace(other, ATTACH, child.pid(), 0, 0)).as("not dumpable").isEqualTo(-Errno.EPERM);
    child.setDumpable(1);
    assertThat(ptrace(other, SEIZE, child.pid(), 1, 0))
        .as("SEIZE: addr must be 0")
        .isEqualTo(-Errno.EIO);
    assertThat(ptrace(other, SEIZE, child.pid(), 0, 0x40000000L)).isEqualTo(-Errno.EIO);
    assertThat(ptrace(other, SEIZE, child.pid(), 0, Ptrace.PTRACE_O_TRACEVFORK))
        .isEqualTo(-Errno.EINVAL);
    assertThat(ptrace(other, ATTACH, child.pid(), 0, 0)).isZero();
    assertThat(ptrace(parent, ATTACH, child.pid(), 0, 0))
        .as("already traced")
        .isEqualTo(-Errno.EPERM);
    assertThat(child.signals().pending() & Signals.bit(Signals.SIGSTOP))
        .as("ATTACH sends SIGSTOP")
        .isNotZero();
    assertThat(ptrace(other, 9999, 4242, 0, 0)).isEqualTo(-Errno.ESRCH);
  }

  @Test
  void aNonChildTraceesExitGoesToItsTracerFirstThenToItsParent() throws Exception {
    Proc tracer = f.k.newProc();
    long tbuf = f.userMemory(tracer, 4096);
    assertThat(ptrace(tracer, SEIZE, child.pid(), 0, 0)).isZero();
    assertThat(child.signals().pending()).as("SEIZE sends nothing").isZero();
    f.call(child, f.h.process()::exit, 3);
    assertThat(f.call(parent, f.h.process()::wait4, -1, buf, WNOHANG, 0))
        .as("the parent waits until the tracer has seen it")
        .isZero();
    assertThat(f.call(tracer, f.h.process()::wait4, -1, tbuf, 0, 0)).isEqualTo(child.pid());
    assertThat(WaitStatus.exitCode(f.readInt(tracer, tbuf))).isEqualTo(3);
    assertThat(f.call(parent, f.h.process()::wait4, -1, buf, 0, 0)).isEqualTo(child.pid());
    assertThat(WaitStatus.exitCode(f.readInt(parent, buf))).isEqualTo(3);
  }

  @Test
  void theTracersExitResumesItsTraceeWithTheStopItDidNotReportOrKillsItWithExitkill()
      throws Exception {
    Proc tracer = f.k.newProc();
    assertThat(ptrace(tracer, ATTACH, child.pid(), 0, 0)).isZero();
    f.k.signals.deliver(child); // the SIGSTOP of the attach
    assertThat(child.state()).isEqualTo(ProcState.TRACED);
    f.call(tracer, f.h.process()::exitGroup, 0);
    assertThat(Ptrace.isTraced(child)).isFalse();
    assertThat(child.state()).isEqualTo(ProcState.RUNNABLE);
    f.k.signals.deliver(child); // SIGSTOP delivered untraced: no job control, it does nothing
    assertThat(child.isAlive()).isTrue();

    Proc tracer2 = f.k.newProc();
    assertThat(ptrace(tracer2, SEIZE, child.pid(), 0, Ptrace.PTRACE_O_EXITKILL)).isZero();
    f.call(tracer2, f.h.process()::exitGroup, 0);
    f.k.signals.deliver(child);
    assertThat(child.isZombie()).isTrue();
    assertThat(WaitStatus.termSig(child.exitStatus())).isEqualTo(Signals.SIGKILL);
  }

  @Test
  void aStopSendsTheTracerSigchldWithCldTrappedUnlessSaNocldstop() throws Exception {
    parent.signals().setAction(Signals.SIGCHLD, new SigAction(0x401000, 0, 0x401100, 0));
    tracemeAndStop();
    assertThat(parent.signals().pending() & Signals.bit(Signals.SIGCHLD)).isNotZero();
    SigInfo si = parent.signals().take(Signals.SIGCHLD);
    assertThat(si.code()).isEqualTo(Ptrace.CLD_TRAPPED);
    assertThat(si.pid()).isEqualTo(child.pid());
    assertThat(si.status()).isEqualTo(Signals.SIGSTOP);
    assertThat(ptrace(parent, CONT, child.pid(), 0, 0)).isZero();
    parent
        .signals()
        .setAction(Signals.SIGCHLD, new SigAction(0x401000, Signals.SA_NOCLDSTOP, 0x401100, 0));
    stopWith(Signals.SIGUSR1);
    assertThat(parent.signals().pending()).as("SA_NOCLDSTOP").isZero();
    assertThat(waitStatus()).isEqualTo((Signals.SIGUSR1 << 8) | 0x7f);
  }

  @Test
  void interruptNeedsASeizedTraceeAndWakesItFromASleep() throws Exception {
    Proc tracer = f.k.newProc();
    assertThat(ptrace(child, TRACEME, 0, 0, 0)).isZero();
    assertThat(ptrace(parent, INTERRUPT, child.pid(), 0, 0)).as("not seized").isEqualTo(-Errno.EIO);
    Proc other = f.k.child(parent);
    assertThat(ptrace(tracer, SEIZE, other.pid(), 0, 0)).isZero();
    f.k.scheduler.sleep(other, new org.uvm4j.kernel.fs.WaitChannel("test"), -1);
    assertThat(ptrace(tracer, INTERRUPT, other.pid(), 0, 0))
        .as("running or asleep: allowed")
        .isZero();
    assertThat(other.state()).as("woken to stop").isEqualTo(ProcState.RUNNABLE);
  }

  @Test
  void aTracedThreadsExitIsReportedToItsTracerWhoseWaitReapsIt() throws Exception {
    Proc tracer = f.k.newProc();
    long tbuf = f.userMemory(tracer, 4096);
    Proc thread = f.k.thread(child);
    assertThat(ptrace(tracer, SEIZE, thread.tid(), 0, 0)).isZero();
    f.call(thread, f.h.process()::exit, 4);
    assertThat(child.isAlive()).as("only the thread ended").isTrue();
    assertThat(f.k.procs.find(thread.tid())).as("kept for the tracer").isSameAs(thread);
    assertThat(f.call(tracer, f.h.process()::wait4, thread.tid(), tbuf, WALL, 0))
        .isEqualTo(thread.tid());
    assertThat(f.readInt(tracer, tbuf)).as("status").isEqualTo(WaitStatus.exited(4));
    assertThat(f.k.procs.find(thread.tid())).isNull();
    assertThat(f.call(tracer, f.h.process()::wait4, -1, tbuf, WALL | WNOHANG, 0))
        .isEqualTo(-Errno.ECHILD);
  }

  @Test
  void getSyscallInfoOutsideASyscallStopHasOnlyArchIpAndSp() throws Exception {
    child.context().setReg(Reg.RIP, 0x401234);
    tracemeAndStop();
    assertThat(f.mem(parent).write(buf, new byte[96])).isZero();
    assertThat(ptrace(parent, GET_SYSCALL_INFO, child.pid(), 96, buf))
        .as("actual size")
        .isEqualTo(24);
    assertThat(f.readInt(parent, buf) & 0xff).as("op NONE").isZero();
    assertThat(f.readInt(parent, buf + 4)).as("AUDIT_ARCH_X86_64").isEqualTo(0xc000003e);
    assertThat(f.readLong(parent, buf + 8)).isEqualTo(0x401234);
    assertThat(f.readLong(parent, buf + 16)).isEqualTo(0x7fff_0000L);
    assertThat(f.mem(parent).writeLong(buf + 64, -1L)).isZero();
    assertThat(ptrace(parent, GET_SYSCALL_INFO, child.pid(), 4, buf + 64)).isEqualTo(24);
    assertThat(f.readLong(parent, buf + 64))
        .as("op and padding written, the arch after them not")
        .isEqualTo(0xffff_ffff_0000_0000L);
    assertThat(ptrace(parent, GET_SYSCALL_INFO, child.pid(), 96, 0x10)).isEqualTo(-Errno.EFAULT);
  }
}
