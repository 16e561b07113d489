package org.uvm4j.kernel;

import java.util.ArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;

/**
 * Process tracing (Linux's {@code kernel/ptrace.c} and the stops of {@code kernel/signal.c}): who
 * traces whom, the tracee's stops and their reports to the tracer, resuming, detaching, and the
 * tracee's registers as the tracer sees them.
 *
 * <p>A traced task stops ({@link ProcState#TRACED}) at: syscall-enter-stop and syscall-exit-stop
 * while its tracer resumed it with PTRACE_SYSCALL; signal-delivery-stop for every signal but
 * SIGKILL; the PTRACE_EVENT_EXEC stop (PTRACE_O_TRACEEXEC), or a SIGTRAP after a successful execve
 * otherwise (not when seized); PTRACE_EVENT_FORK/CLONE as a followed fork or clone returns (the new
 * task is traced from its start); the PTRACE_EVENT_STOP trap of PTRACE_INTERRUPT or of a task
 * auto-attached under PTRACE_SEIZE. Each stop posts SIGCHLD (CLD_TRAPPED) to the tracer unless it
 * ignores SIGCHLD or set SA_NOCLDSTOP, and wakes the tracer's wait, which reports it once as {@code
 * (code << 8) | 0x7f}. Only the tracer's resume (with PTRACE_CONT, PTRACE_SYSCALL,
 * PTRACE_SINGLESTEP, PTRACE_DETACH), the tracer's exit, or SIGKILL make it run again.
 *
 * <p>Invariants: a task traced by {@code T} is in {@code T.tracees}; a task is traced by at most
 * one tracer; only the tracer's process may issue requests, and (but for PTRACE_KILL) only while
 * the tracee is stopped. Tracing is per task: a thread can be traced on its own.
 */
public final class Ptrace {
  private static final Logger log = LogManager.getLogger("kern.proc");

  public static final int PTRACE_O_TRACESYSGOOD = 1;
  public static final int PTRACE_O_TRACEFORK = 2;
  public static final int PTRACE_O_TRACEVFORK = 4;
  public static final int PTRACE_O_TRACECLONE = 8;
  public static final int PTRACE_O_TRACEEXEC = 0x10;
  public static final int PTRACE_O_TRACEVFORKDONE = 0x20;
  public static final int PTRACE_O_TRACEEXIT = 0x40;
  public static final int PTRACE_O_TRACESECCOMP = 0x80;
  public static final int PTRACE_O_EXITKILL = 0x100000;
  public static final int PTRACE_O_SUSPEND_SECCOMP = 0x200000;

  /** Every option Linux knows ({@code PTRACE_O_MASK}). */
  public static final int PTRACE_O_MASK = 0x3000ff;

  /**
   * The options uvm4j implements: TRACESYSGOOD, TRACEEXEC, EXITKILL, and TRACESECCOMP (no seccomp
   * filter exists here, so its stop never comes, as on Linux without a filter returning
   * SECCOMP_RET_TRACE).
   */
  public static final int SUPPORTED_OPTIONS =
      PTRACE_O_TRACESYSGOOD
          | PTRACE_O_TRACEFORK
          | PTRACE_O_TRACECLONE
          | PTRACE_O_TRACEEXEC
          | PTRACE_O_EXITKILL
          | PTRACE_O_TRACESECCOMP;

  public static final int PTRACE_EVENT_FORK = 1;
  public static final int PTRACE_EVENT_VFORK = 2;
  public static final int PTRACE_EVENT_CLONE = 3;
  public static final int PTRACE_EVENT_EXEC = 4;
  public static final int PTRACE_EVENT_STOP = 128;

  /** PTRACE_GETEVENTMSG at syscall stops (Linux 5.3+). */
  public static final int PTRACE_EVENTMSG_SYSCALL_ENTRY = 1;

  public static final int PTRACE_EVENTMSG_SYSCALL_EXIT = 2;

  /** siginfo si_code of a single-step trap. */
  public static final int TRAP_TRACE = 2;

  /** waitid's si_code for a ptrace stop. */
  public static final int CLD_TRAPPED = 4;

  private final Scheduler sched;
  private final SignalDelivery signals;
  private final Cpu cpu;
  private ProcLifecycle lifecycle;

  Ptrace(Scheduler sched, SignalDelivery signals, Cpu cpu) {
    this.sched = sched;
    this.signals = signals;
    this.cpu = cpu;
  }

  void bind(ProcLifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  // ------------------------------------------------------------------ attaching and detaching

  /** True when {@code t} is traced now (not merely finishing a call after a detach). */
  public static boolean isTraced(Proc t) {
    PtraceState pt = t.ptrace;
    return pt != null && pt.tracer != null;
  }

  /** True when {@code t} is traced by a task of {@code caller}'s process. */
  public static boolean tracedBy(Proc t, Proc caller) {
    PtraceState pt = t.ptrace;
    return pt != null && pt.tracer != null && pt.tracer.group == caller.group;
  }

  /**
   * PTRACE_TRACEME: {@code p} is traced by its parent.
   *
   * @return 0, or EPERM when already traced or without a parent process
   */
  // kernel/ptrace.c: ptrace_traceme
  public int traceme(Proc p) {
    if (isTraced(p)) {
      return Errno.EPERM;
    }
    Proc parent = p.parent();
    if (parent == null || !parent.group.isAlive()) {
      return Errno.EPERM; // pid 1 and orphans: their parent is not a process here
    }
    link(p, parent.group.leader(), 0, false);
    return 0;
  }

  /**
   * PTRACE_ATTACH ({@code seize} false: the tracee gets SIGSTOP) or PTRACE_SEIZE (with {@code
   * options}).
   *
   * @return 0, or EPERM (itself or its own process, already traced, not dumpable, exiting)
   */
  // kernel/ptrace.c: ptrace_attach
  public int attach(Proc tracer, Proc t, boolean seize, int options) {
    if (t.group == tracer.group || !t.isAlive() || isTraced(t) || t.dumpable != 1) {
      return Errno.EPERM;
    }
    link(t, tracer, options, seize);
    if (!seize) {
      signals.postThread(t, Signals.SIGSTOP, SigInfo.kernel(Signals.SIGSTOP));
    }
    return 0;
  }

  private void link(Proc t, Proc tracer, int options, boolean seized) {
    PtraceState pt = t.ptrace;
    if (pt == null) {
      t.ptrace = new PtraceState(tracer, options, seized);
    } else { // still finishing the call of an earlier tracer's stop
      pt.tracer = tracer;
      pt.options = options;
      pt.seized = seized;
      pt.resume = PtraceState.Resume.CONT;
    }
    if (tracer.tracees == null) {
      tracer.tracees = new ArrayList<>();
    }
    tracer.tracees.add(t);
    t.sig.setTraced(true);
    if (log.isDebugEnabled()) {
      log.debug("{} traced by {}{}", t, tracer, seized ? " (seized)" : "");
    }
  }

  /** Removes {@code t} from its tracer; a stopped {@code t} is resumed with {@code data}. */
  // kernel/ptrace.c: __ptrace_detach, __ptrace_unlink
  void unlink(Proc t, int data) {
    PtraceState pt = t.ptrace;
    if (pt == null || pt.tracer == null) {
      return;
    }
    if (pt.tracer.tracees != null) {
      pt.tracer.tracees.remove(t);
    }
    int tracerTid = pt.tracer.pid;
    pt.tracer = null;
    pt.options = 0;
    pt.resume = PtraceState.Resume.CONT;
    pt.inSleepingCall = false;
    pt.pendingEvent = 0;
    pt.trapStop = false;
    if (t.sig != null) {
      t.sig.setTraced(false);
    }
    if (pt.stopped() && t.isAlive()) {
      wake(t, data, tracerTid);
    }
    settle(t);
  }

  /**
   * PTRACE_DETACH: {@code t} (stopped) is no longer traced and runs on, with signal {@code data}.
   */
  public void detach(Proc t, int data) {
    if (log.isDebugEnabled()) {
      log.debug("{} detached", t);
    }
    unlink(t, data);
  }

  /**
   * The tracer task {@code tracer} ends (Linux's {@code exit_ptrace}): its tracees are detached and
   * run on (with the stop's code as resume data if no wait reported it), with PTRACE_O_EXITKILL
   * they get SIGKILL; a tracee that is already a zombie goes to its real parent.
   */
  // kernel/ptrace.c: exit_ptrace
  void tracerGone(Proc tracer) {
    if (tracer.tracees == null) {
      return;
    }
    for (Proc t : new ArrayList<>(tracer.tracees)) {
      PtraceState pt = t.ptrace;
      if ((pt.options & PTRACE_O_EXITKILL) != 0 && t.isAlive()) {
        signals.post(t, Signals.SIGKILL, SigInfo.kernel(Signals.SIGKILL));
      }
      int code = pt.exitCode;
      boolean threadZombie = isThreadZombie(t);
      unlink(t, code);
      if (threadZombie) {
        lifecycle.threadZombieReleased(t); // nobody will wait for it now
      } else if (t.state == ProcState.ZOMBIE && t.isZombie()) {
        lifecycle.tracedZombieReleased(t);
      }
    }
    tracer.tracees = null;
  }

  /**
   * copy_process / ptrace_init_task: the traced {@code p} made {@code c} with clone {@code flags}
   * (exit signal {@code exitSignal}). With the option for its kind (PTRACE_O_TRACEFORK for a fork,
   * PTRACE_O_TRACECLONE for a thread or a child with another exit signal), or with CLONE_PTRACE,
   * {@code c} is traced by the same tracer with the same options from its start: SIGSTOP pending,
   * or (seized) a PTRACE_EVENT_STOP trap; with the option, {@code p} stops at the event when the
   * call returns (event message: {@code c}'s id). CLONE_UNTRACED prevents both. A vfork is not
   * followed (PTRACE_O_TRACEVFORK is not implemented).
   */
  // kernel/fork.c: kernel_clone (trace), copy_process; include/linux/ptrace.h: ptrace_init_task
  void cloned(Proc p, Proc c, long flags, int exitSignal) {
    PtraceState pt = p.ptrace;
    if (pt == null || pt.tracer == null || (flags & CloneArgs.CLONE_UNTRACED) != 0) {
      return;
    }
    boolean vfork = (flags & CloneArgs.CLONE_VFORK) != 0;
    int event = vfork ? 0 : exitSignal != Signals.SIGCHLD ? PTRACE_EVENT_CLONE : PTRACE_EVENT_FORK;
    int option = event == PTRACE_EVENT_FORK ? PTRACE_O_TRACEFORK : PTRACE_O_TRACECLONE;
    boolean follow = event != 0 && (pt.options & option) != 0;
    if (!follow && (flags & CloneArgs.CLONE_PTRACE) == 0) {
      return;
    }
    link(c, pt.tracer, pt.options, pt.seized);
    if (pt.seized) {
      c.ptrace.trapStop = true;
    } else {
      c.sig.post(Signals.SIGSTOP, SigInfo.kernel(Signals.SIGSTOP));
    }
    if (follow) {
      pt.pendingEvent = Signals.SIGTRAP | (event << 8);
      pt.message = c.pid;
    }
  }

  /**
   * PTRACE_INTERRUPT (seized tracees only, checked by the caller): {@code t} stops with
   * PTRACE_EVENT_STOP before it runs again; a tracee asleep in a call is woken for it (the call
   * runs again after the stop).
   */
  // kernel/ptrace.c: ptrace_request PTRACE_INTERRUPT
  public void interrupt(Proc t) {
    t.ptrace.trapStop = true;
    if (t.state == ProcState.SLEEPING) {
      sched.interrupt(t);
    }
  }

  /** The trap stop {@link #interrupt} (or a seized auto-attach) asked for, made now. */
  // kernel/signal.c: do_jobctl_trap
  void trapStop(Proc p) {
    PtraceState pt = p.ptrace;
    pt.trapStop = false;
    int code = Signals.SIGTRAP | (PTRACE_EVENT_STOP << 8);
    stop(p, PtraceState.Stop.EVENT, code, new SigInfo(Signals.SIGTRAP, code, p.pid, 0, 0, 0));
  }

  /** Drops the state of an untraced task once nothing of its last stop remains to be done. */
  void settle(Proc t) {
    PtraceState pt = t.ptrace;
    if (pt != null
        && pt.tracer == null
        && pt.after == PtraceState.After.NONE
        && pt.injectSig == 0) {
      t.ptrace = null;
    }
  }

  // ------------------------------------------------------------------------------ resuming

  /**
   * PTRACE_CONT, PTRACE_SYSCALL, PTRACE_SINGLESTEP: the stopped {@code t} runs on; {@code data} is
   * the signal to deliver after a signal-delivery-stop (0: none), sent anew after a syscall stop,
   * ignored after an event stop.
   */
  // kernel/ptrace.c: ptrace_resume
  public void resume(Proc t, PtraceState.Resume how, int data) {
    PtraceState pt = t.ptrace;
    pt.resume = how;
    wake(t, data, pt.tracer.pid);
  }

  /** PTRACE_KILL: SIGKILL for {@code t}, stopped or not. */
  public void kill(Proc t) {
    signals.post(t, Signals.SIGKILL, SigInfo.kernel(Signals.SIGKILL));
  }

  /** SIGKILL reached the stopped {@code t}: it runs (to die) without its tracer's resume. */
  void killed(Proc t) {
    PtraceState pt = t.ptrace;
    if (pt != null) {
      pt.stop = PtraceState.Stop.NONE;
      pt.exitCode = 0;
    }
    sched.setRunnable(t);
  }

  private void wake(Proc t, int data, int tracerTid) {
    PtraceState pt = t.ptrace;
    PtraceState.Stop kind = pt.stop;
    pt.stop = PtraceState.Stop.NONE;
    pt.exitCode = 0;
    sched.setRunnable(t);
    if (data == 0 || !Signals.valid(data)) {
      return;
    }
    switch (kind) {
      case SIGNAL -> {
        // ptrace_signal: a changed signal gets a fresh SI_USER siginfo from the tracer
        pt.injectSig = data;
        pt.injectInfo =
            pt.siginfo != null && pt.siginfo.signo() == data
                ? pt.siginfo
                : SigInfo.user(data, SigInfo.SI_USER, tracerTid);
      }
      // ptrace_report_syscall: "not the same as continuing with a signal, but it will do"
      case SYSCALL_ENTRY, SYSCALL_EXIT -> signals.postThread(t, data, SigInfo.kernel((int) data));
      default -> {}
    }
  }

  // --------------------------------------------------------------------------------- stops

  /**
   * ptrace_stop: {@code p} stops with wait code {@code code}; its tracer is told (SIGCHLD with
   * CLD_TRAPPED unless ignored or SA_NOCLDSTOP) and woken.
   */
  // kernel/signal.c: ptrace_stop, do_notify_parent_cldstop
  void stop(Proc p, PtraceState.Stop kind, int code, SigInfo info) {
    PtraceState pt = p.ptrace;
    sched.traceStop(p);
    pt.stop = kind;
    pt.exitCode = code;
    pt.stopCode = code;
    pt.siginfo = info;
    Proc tracer = pt.tracer;
    if (log.isDebugEnabled()) {
      log.debug("{}: ptrace stop {} code 0x{}", p, kind, Integer.toHexString(code));
    }
    SigAction chld = tracer.sig.action(Signals.SIGCHLD);
    if (!chld.isIgnore() && !chld.has(Signals.SA_NOCLDSTOP)) {
      signals.post(
          tracer,
          Signals.SIGCHLD,
          new SigInfo(Signals.SIGCHLD, CLD_TRAPPED, p.pid, Kernel.UID, code & 0xff, 0));
    }
    sched.wakeup(tracer.childChannel());
  }

  /** The SIGTRAP code of a syscall stop: SIGTRAP, or SIGTRAP|0x80 with PTRACE_O_TRACESYSGOOD. */
  private static int syscallTrap(PtraceState pt) {
    return Signals.SIGTRAP | ((pt.options & PTRACE_O_TRACESYSGOOD) != 0 ? 0x80 : 0);
  }

  /**
   * The traced {@code p} enters system call {@code nr} (RAX; RCX and R11 already set): {@code
   * orig_rax} becomes {@code nr}; under PTRACE_SYSCALL it stops in syscall-enter-stop with RAX =
   * -ENOSYS, and the call runs when the tracer resumes it ({@link PtraceState.After#DISPATCH}).
   *
   * @param fresh false when the call is being retried after a sleep (its entry was reported)
   * @return true when {@code p} stopped (the caller must not run the call now)
   */
  // kernel/entry/common.c: syscall_trace_enter; include/linux/ptrace.h: ptrace_report_syscall
  boolean syscallEntry(Proc p, long nr, boolean fresh) {
    PtraceState pt = p.ptrace;
    if (pt.tracer == null) {
      return false;
    }
    if (!fresh || pt.inSleepingCall) {
      pt.inSleepingCall = false;
      return false;
    }
    pt.origRax = nr;
    if (pt.resume != PtraceState.Resume.SYSCALL) {
      return false;
    }
    cpu.setReg(Reg.RAX, SyscallLayer.ENOSYS); // entry_SYSCALL_64: pt_regs->ax = -ENOSYS
    pt.after = PtraceState.After.DISPATCH;
    pt.message = PTRACE_EVENTMSG_SYSCALL_ENTRY;
    int code = syscallTrap(pt);
    stop(
        p,
        PtraceState.Stop.SYSCALL_ENTRY,
        code,
        new SigInfo(Signals.SIGTRAP, code, p.pid, 0, 0, 0));
    return true;
  }

  /**
   * The traced call of {@code p} finished (its result is in RAX): syscall-exit-stop under
   * PTRACE_SYSCALL. A call that left {@code p} unable to stop now (a vfork parent waiting for its
   * child) reports its exit when {@code p} runs again.
   *
   * @param slept the call went to sleep and will run again (no exit yet)
   */
  // kernel/entry/common.c: syscall_exit_work
  void syscallExit(Proc p, boolean slept) {
    PtraceState pt = p.ptrace;
    if (slept) {
      pt.inSleepingCall = pt.tracer != null;
      return;
    }
    if (pt.pendingEvent != 0) {
      int code = pt.pendingEvent;
      pt.pendingEvent = 0;
      if (pt.tracer != null && p.state == ProcState.RUNNABLE) {
        // ptrace_event(PTRACE_EVENT_FORK/CLONE) as the call returns, before its exit stop
        pt.after = PtraceState.After.EXIT_STOP;
        stop(p, PtraceState.Stop.EVENT, code, new SigInfo(Signals.SIGTRAP, code, p.pid, 0, 0, 0));
        return;
      }
    }
    if (pt.tracer == null || pt.resume != PtraceState.Resume.SYSCALL || !p.isAlive()) {
      pt.after = PtraceState.After.NONE;
      settle(p);
      return;
    }
    if (p.state != ProcState.RUNNABLE) {
      pt.after = PtraceState.After.EXIT_STOP;
      return;
    }
    exitStop(p);
  }

  /** syscall-exit-stop now. */
  void exitStop(Proc p) {
    PtraceState pt = p.ptrace;
    pt.after = PtraceState.After.NONE;
    if (pt.tracer == null || pt.resume != PtraceState.Resume.SYSCALL) {
      settle(p);
      return;
    }
    pt.message = PTRACE_EVENTMSG_SYSCALL_EXIT;
    int code = syscallTrap(pt);
    stop(
        p, PtraceState.Stop.SYSCALL_EXIT, code, new SigInfo(Signals.SIGTRAP, code, p.pid, 0, 0, 0));
  }

  /** Linux's kernel-internal restart codes, as a tracer sees them in RAX. */
  static final long ERESTARTSYS = 512;

  static final long ERESTARTNOHAND = 514;

  /**
   * A signal interrupts the traced call of {@code p} (loaded) while it sleeps: the call was rewound
   * onto its {@code syscall} instruction to run again. Under PTRACE_SYSCALL the tracer sees what
   * Linux shows: a syscall-exit-stop with RIP after the instruction and RAX = -ERESTARTSYS
   * (-ERESTARTNOHAND for a call no handler may restart), before the signal-delivery-stop; the
   * rewind is put back when the tracee is resumed, unless the tracer changed RAX (then that is the
   * call's result). Either way a restart enters the call afresh (a new syscall-enter-stop), as on
   * Linux.
   */
  // kernel/entry/common.c: syscall_exit_work with regs->ax = -ERESTARTSYS
  void interruptedCall(Proc p) {
    PtraceState pt = p.ptrace;
    pt.inSleepingCall = false;
    if (pt.tracer == null || pt.resume != PtraceState.Resume.SYSCALL) {
      return;
    }
    long code = -(p.restart.neverRestart() ? ERESTARTNOHAND : ERESTARTSYS);
    cpu.setReg(Reg.RIP, cpu.reg(Reg.RIP) + Kernel.SYSCALL_INSN_LEN);
    cpu.setReg(Reg.RAX, code);
    pt.restartCode = code;
    exitStop(p);
    pt.after = PtraceState.After.RESTART_CHECK;
  }

  /**
   * The tracee resumed from the exit-stop {@link #interruptedCall} made: the call is rewound again
   * for its restart, or, when the tracer put another value in RAX, ends with it.
   */
  void afterInterruptedCall(Proc p) {
    PtraceState pt = p.ptrace;
    pt.after = PtraceState.After.NONE;
    if (cpu.reg(Reg.RAX) == pt.restartCode) {
      cpu.setReg(Reg.RIP, cpu.reg(Reg.RIP) - Kernel.SYSCALL_INSN_LEN);
      cpu.setReg(Reg.RAX, pt.origRax);
    } else {
      p.restart.clear();
    }
    settle(p);
  }

  /**
   * A signal is about to be delivered to the traced {@code p}: signal-delivery-stop; the tracer's
   * resume data says which signal (if any) is delivered after it.
   */
  // kernel/signal.c: ptrace_signal
  void signalStop(Proc p, int sig, SigInfo info) {
    stop(p, PtraceState.Stop.SIGNAL, sig, info);
  }

  /**
   * The traced {@code p} has just executed a new program (inside execve; {@code oldTid} its thread
   * id before a de_thread): the PTRACE_EVENT_EXEC stop with PTRACE_O_TRACEEXEC (after it, the
   * syscall-exit-stop is still due), else SIGTRAP unless seized.
   *
   * @return true when {@code p} stopped
   */
  // fs/exec.c: exec_binprm, ptrace_event(PTRACE_EVENT_EXEC, old_vpid)
  boolean execed(Proc p, int oldTid) {
    PtraceState pt = p.ptrace;
    if (pt == null || pt.tracer == null) {
      return false;
    }
    if ((pt.options & PTRACE_O_TRACEEXEC) != 0) {
      pt.message = oldTid;
      pt.after = PtraceState.After.EXIT_STOP;
      int code = Signals.SIGTRAP | (PTRACE_EVENT_EXEC << 8);
      stop(p, PtraceState.Stop.EVENT, code, new SigInfo(Signals.SIGTRAP, code, p.pid, 0, 0, 0));
      return true;
    }
    if (!pt.seized) {
      signals.postThread(
          p, Signals.SIGTRAP, SigInfo.user(Signals.SIGTRAP, SigInfo.SI_USER, p.pid()));
    }
    return false;
  }

  /**
   * Takes the signal the tracer asked to deliver after a signal-delivery-stop, or 0; a blocked one
   * is made pending again instead (ptrace_signal's requeue).
   */
  int takeInjected(Proc p) {
    PtraceState pt = p.ptrace;
    int sig = pt.injectSig;
    if (sig == 0) {
      return 0;
    }
    SigInfo info = pt.injectInfo;
    pt.injectSig = 0;
    pt.injectInfo = null;
    settle(p);
    if ((p.sig.blocked() & Signals.bit(sig)) != 0) {
      p.sig.post(sig, info);
      return -1;
    }
    injectedInfo = info;
    return sig;
  }

  /** The siginfo of the signal {@link #takeInjected} returned last. */
  private SigInfo injectedInfo;

  SigInfo injectedInfo() {
    return injectedInfo;
  }

  // ---------------------------------------------------------------- wait and the tracee's view

  /**
   * The stop of {@code t} a wait by {@code waiter}'s process may report: its code, or 0 when {@code
   * t} is not traced by that process, not stopped, or the stop was reported already.
   */
  public static int reportableStop(Proc waiter, Proc t) {
    PtraceState pt = t.ptrace;
    if (pt == null
        || pt.tracer == null
        || pt.tracer.group != waiter.group
        || t.state != ProcState.TRACED) {
      return 0;
    }
    return pt.exitCode;
  }

  /** A traced thread (not its process's leader) that ended and waits for its tracer's wait. */
  public static boolean isThreadZombie(Proc t) {
    return t.state == ProcState.ZOMBIE && t.group.leader() != t;
  }

  /** wait_task_stopped: the stop of {@code t} was reported (not with WNOWAIT). */
  public static void stopReported(Proc t) {
    t.ptrace.exitCode = 0;
  }

  /** A register of the stopped tracee {@code t}. */
  public long reg(Proc t, Reg r) {
    return cpu.loaded() == t ? cpu.reg(r) : t.ctx.reg(r);
  }

  /** Sets a register of the stopped tracee {@code t}. */
  public void setReg(Proc t, Reg r, long v) {
    if (cpu.loaded() == t) {
      cpu.setReg(r, v);
    } else {
      t.ctx.setReg(r, v);
    }
  }

  /** {@code orig_rax} of the tracee. */
  public long origRax(Proc t) {
    return t.ptrace.origRax;
  }

  public void setOrigRax(Proc t, long v) {
    t.ptrace.origRax = v;
  }

  /** PTRACE_GETSIGINFO: the siginfo of the current stop, or null. */
  public SigInfo siginfo(Proc t) {
    return t.ptrace.siginfo;
  }

  public long eventMessage(Proc t) {
    return t.ptrace.message;
  }

  /** PTRACE_SETOPTIONS (the syscall layer checked them against {@link #SUPPORTED_OPTIONS}). */
  public void setOptions(Proc t, int options) {
    t.ptrace.options = options;
  }
}
