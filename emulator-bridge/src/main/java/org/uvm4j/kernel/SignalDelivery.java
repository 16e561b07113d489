package org.uvm4j.kernel;

import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.machine.Fxsave;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;

/**
 * Posting and delivering signals ({@code kern_sig.c}: {@code kpsignal}, {@code issignal}, {@code
 * postsig}; MD {@code sendsig} and {@code rt_sigreturn}).
 *
 * <p>A posted signal becomes pending and wakes the process if it sleeps and the signal is not
 * blocked. Pending unblocked signals are acted on just before the process runs again, lowest number
 * first: ignored ones are dropped, default-terminating ones end the process, caught ones get a
 * frame on the user stack and the handler runs with the signal (and its sa_mask) blocked and the
 * initial FPU state. The interrupted FPU/SSE state is in the frame ({@link SigFpstate}), where the
 * handler may change it, and rt_sigreturn restores it from there. A syscall that was sleeping and
 * restartable is restarted after the handler when SA_RESTART is set; otherwise it returns EINTR (or
 * the bytes it already moved).
 */
public final class SignalDelivery {
  private static final Logger log = LogManager.getLogger("kern.proc");

  private static final Reg[] GREG_ORDER = {
    Reg.R8,
    Reg.R9,
    Reg.R10,
    Reg.R11,
    Reg.R12,
    Reg.R13,
    Reg.R14,
    Reg.R15,
    Reg.RDI,
    Reg.RSI,
    Reg.RBP,
    Reg.RBX,
    Reg.RDX,
    Reg.RAX,
    Reg.RCX,
    Reg.RSP,
    Reg.RIP,
    Reg.RFLAGS
  };

  /** The FPU state a handler starts with (fpu__clear_user_states). */
  private static final byte[] INITIAL_FPU = Fxsave.initial();

  /** The fxsave image being moved between the CPU and a frame. */
  private final byte[] fxsave = new byte[Fxsave.SIZE];

  private final Scheduler sched;
  private final Cpu cpu;
  private final KernelCounters counters;
  private ProcLifecycle lifecycle;
  private Ptrace ptrace;
  private StraceHook strace;

  SignalDelivery(Scheduler sched, Cpu cpu, KernelCounters counters) {
    this.sched = sched;
    this.cpu = cpu;
    this.counters = counters;
  }

  /** Deliveries and discarded signals go to {@code hook} from now on (null: not). */
  void setStrace(StraceHook hook) {
    this.strace = hook;
  }

  /** The lifecycle that ends a process a signal kills (it posts SIGCHLD through this class). */
  void bind(ProcLifecycle lifecycle) {
    this.lifecycle = lifecycle;
    this.ptrace = lifecycle.ptrace();
  }

  /**
   * kpsignal: posts {@code sig} to the process {@code p} belongs to (process-directed: kill,
   * SIGCHLD, SIGALRM). Any thread that does not block it may take it; one such thread is woken from
   * an interruptible sleep — {@code p} itself when it can take it, else the oldest live thread that
   * can (Linux's complete_signal). SIGKILL wakes them all.
   */
  // kern_sig.c: kpsignal2; Linux kernel/signal.c: complete_signal
  public void post(Proc p, int sig, SigInfo info) {
    Threads g = p.group;
    if (!g.isAlive()) {
      return;
    }
    Proc any = p.isAlive() ? p : g.live().get(0);
    if (!any.sig.postProcess(sig, info)) {
      if (strace != null) {
        strace.signalDiscarded(any, sig, info);
      }
      return;
    }
    if (log.isDebugEnabled()) {
      log.debug("{}: {} posted", any, Signals.name(sig));
    }
    if (g.size() == 1) {
      wakeFor(any, sig);
      return;
    }
    if (sig == Signals.SIGKILL) {
      for (Proc t : g.live()) {
        wakeFor(t, sig);
      }
      return;
    }
    if ((any.sig.blocked() & Signals.bit(sig)) == 0) {
      wakeFor(any, sig);
      return;
    }
    for (Proc t : g.live()) {
      if ((t.sig.blocked() & Signals.bit(sig)) == 0) {
        wakeFor(t, sig);
        return;
      }
    }
  }

  /** tkill/tgkill: posts {@code sig} to the thread {@code t} only. */
  // Linux kernel/signal.c: do_send_specific
  public void postThread(Proc t, int sig, SigInfo info) {
    if (!t.isAlive()) {
      return;
    }
    if (!t.sig.post(sig, info)) {
      if (strace != null) {
        strace.signalDiscarded(t, sig, info);
      }
      return;
    }
    if (log.isDebugEnabled()) {
      log.debug("{}: {} posted to the thread", t, Signals.name(sig));
    }
    if (sig == Signals.SIGKILL) {
      post(t, sig, info); // SIGKILL always kills the whole process
      return;
    }
    wakeFor(t, sig);
  }

  /** A synchronous fault signal that cannot be blocked or ignored away (force_sig_info). */
  public void force(Proc p, int sig, SigInfo info) {
    if (!p.isAlive()) {
      return;
    }
    p.sig.force(sig, info);
    wakeFor(p, sig);
  }

  private void wakeFor(Proc p, int sig) {
    boolean deliverable = (p.sig.blocked() & Signals.bit(sig)) == 0;
    if (p.state == ProcState.SLEEPING && deliverable) {
      sched.interrupt(p);
    } else if (p.state == ProcState.VFORK_WAIT && sig == Signals.SIGKILL) {
      sched.setRunnable(p);
    } else if (p.state == ProcState.TRACED && sig == Signals.SIGKILL) {
      ptrace.killed(p); // only SIGKILL ends a ptrace stop (TASK_WAKEKILL)
    }
  }

  /**
   * issignal + postsig: acts on the pending unblocked signals of {@code p}, which is loaded in the
   * machine and about to run. At most one handler frame is set up per call.
   */
  // kern_sig.c: postsig
  public void deliver(Proc p) {
    Machine m = cpu.machine();
    while (p.isAlive()) {
      int sig;
      SigInfo info;
      PtraceState pt = p.ptrace;
      int injected = pt != null ? ptrace.takeInjected(p) : 0;
      if (injected > 0) {
        sig = injected; // the tracer's choice after a signal-delivery-stop
        info = ptrace.injectedInfo();
      } else {
        long set = p.sig.deliverable();
        if (set == 0) {
          return;
        }
        // SIGKILL first, then the lowest number
        sig = (set & Signals.bit(Signals.SIGKILL)) != 0 ? Signals.SIGKILL : Signals.first(set);
        info = p.sig.take(sig);
        if (pt != null && pt.tracer != null && sig != Signals.SIGKILL) {
          ptrace.signalStop(p, sig, info); // the tracer decides what is delivered
          return;
        }
      }
      SigAction act = p.sig.action(sig);
      if (strace != null && sig != Signals.SIGKILL) {
        strace.signalDelivered(p, sig, info);
      }
      if (act.isIgnore()) {
        continue;
      }
      if (act.isDefault()) {
        Signals.DefaultAction d = Signals.defaultAction(sig);
        if (d == Signals.DefaultAction.IGNORE || d == Signals.DefaultAction.STOP) {
          continue;
        }
        counters.signalsDelivered++;
        if (log.isDebugEnabled()) {
          log.debug("{}: killed by {}", p, Signals.name(sig));
        }
        lifecycle.exit(p, WaitStatus.signaled(sig));
        return;
      }
      counters.signalsDelivered++;
      if (sendsig(p, m, sig, info, act)) {
        return;
      }
      // no frame could be set up: the SIGSEGV forced instead is acted on now, as Linux's
      // exit_to_user_mode_loop does before the process returns to user mode
    }
  }

  /**
   * Sets up the frame and the registers to run the handler.
   *
   * @return false if no frame could be set up (SIGSEGV forced, or the process killed by it)
   */
  // x86 machdep.c: sendsig_siginfo
  private boolean sendsig(Proc p, Machine m, int sig, SigInfo info, SigAction act) {
    if (p.restart.pending()) {
      fixupInterruptedSyscall(p, m, act.has(Signals.SA_RESTART));
    }
    if (!act.has(Signals.SA_RESTORER) || act.restorer() == 0) {
      // x86-64 Linux needs a restorer to return through: without one the frame cannot work.
      log.debug("{}: handler for {} has no SA_RESTORER: SIGSEGV", p, Signals.name(sig));
      forceSegv(p, sig);
      return false;
    }
    long[] gregs = new long[SigFrame.NGREG];
    for (int i = 0; i < GREG_ORDER.length; i++) {
      gregs[i] = m.reg(GREG_ORDER[i]);
    }
    long savedMask = p.restart.takeFrameMask(p.sig.blocked());
    gregs[SigFrame.REG_OLDMASK] = savedMask;
    // setup_sigcontext: the thread's last trap, whatever the signal
    gregs[SigFrame.REG_TRAPNO] = p.trap.trapNr();
    gregs[SigFrame.REG_ERR] = p.trap.errorCode();
    gregs[SigFrame.REG_CR2] = p.trap.cr2();
    gregs[SigFrame.REG_CSGSFS] = SigFrame.CSGSFS;
    long sp = m.reg(Reg.RSP);
    // get_sigframe: below the red zone, or at the top of the alternate stack for SA_ONSTACK unless
    // already on it
    long ssSp = p.sig.altStackSp();
    long ssSize = p.sig.altStackSize();
    boolean nestedAltStack = p.sig.onAltStack(sp);
    boolean enteringAltStack = false;
    long top = sp - SigFrame.RED_ZONE;
    int ssFlags = p.sig.altStackFlags(top); // sas_ss_flags below the red zone, as Linux
    if (act.has(Signals.SA_ONSTACK) && (ssFlags & ~SignalState.SS_AUTODISARM) == 0) {
      top = ssSp + ssSize;
      enteringAltStack = true;
    }
    long fpstate = SigFpstate.address(top);
    long frame = SigFrame.frameAddress(fpstate);
    if ((nestedAltStack || enteringAltStack) && !p.sig.onAltStack(frame)) {
      log.debug("{}: the {} frame overflows the alternate stack: SIGSEGV", p, Signals.name(sig));
      forceSegv(p, sig);
      return false;
    }
    // copy_fpstate_to_sigframe: the CPU's fxsave image with Linux's software bytes
    m.saveFpu(fxsave);
    byte[] fpBytes = SigFpstate.encode(fxsave);
    byte[] bytes = SigFrame.build(gregs, act.restorer(), savedMask, info, fpstate);
    // __save_altstack: the thread's alternate stack as it was set
    SigFrame.putStack(
        bytes,
        ssSp,
        ssSize == 0 ? SignalState.SS_DISABLE : ssFlags & SignalState.SS_AUTODISARM,
        ssSize);
    if (p.vm.copyout(fpstate, fpBytes, 0, fpBytes.length) != 0
        || p.vm.copyout(frame, bytes, 0, bytes.length) != 0) {
      log.debug(
          "{}: no room for the {} frame at 0x{}: SIGSEGV",
          p,
          Signals.name(sig),
          Long.toHexString(frame));
      forceSegv(p, sig);
      return false;
    }
    // handle_signal: fpu__clear_user_states, the handler starts with the initial FPU state
    m.loadFpu(INITIAL_FPU);
    long mask = p.sig.blocked() | act.mask();
    if (!act.has(Signals.SA_NODEFER)) {
      mask |= Signals.bit(sig);
    }
    p.sig.setBlocked(mask);
    if (act.has(Signals.SA_RESETHAND)) {
      p.sig.setAction(sig, SigAction.DEFAULT);
    }
    if ((ssFlags & SignalState.SS_AUTODISARM) != 0) { // signal_delivered: after any handler frame
      p.sig.disarmAltStack();
    }
    m.setReg(Reg.RSP, frame);
    m.setReg(Reg.RIP, act.handler());
    m.setReg(Reg.RDI, sig);
    m.setReg(Reg.RSI, frame + SigFrame.INFO);
    m.setReg(Reg.RDX, frame + SigFrame.UC);
    m.setReg(Reg.RAX, 0);
    m.setReg(Reg.RFLAGS, m.reg(Reg.RFLAGS) & ~SigFrame.HANDLER_CLEAR_FLAGS);
    if (log.isDebugEnabled()) {
      log.debug(
          "{}: {} handler 0x{} frame 0x{}",
          p,
          Signals.name(sig),
          Long.toHexString(act.handler()),
          Long.toHexString(frame));
    }
    return true;
  }

  /** A handler runs while a syscall waited: restart it after the handler, or end it with EINTR. */
  private void fixupInterruptedSyscall(Proc p, Machine m, boolean saRestart) {
    p.restart.setPending(false);
    if (p.ptrace != null) {
      p.ptrace.inSleepingCall = false; // a restart after the handler enters the call afresh
    }
    if (saRestart && !p.restart.neverRestart()) {
      return; // RIP still points at the syscall instruction, RAX holds its number
    }
    m.setReg(Reg.RIP, m.reg(Reg.RIP) + Kernel.SYSCALL_INSN_LEN);
    m.setReg(Reg.RAX, p.restart.interruptedResult(SyscallLayer.EINTR));
    p.restart.clear();
  }

  private void forceSegv(Proc p, int sig) {
    if (sig == Signals.SIGSEGV) {
      lifecycle.exit(p, WaitStatus.signaled(Signals.SIGSEGV));
    } else {
      force(p, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV));
    }
  }

  /**
   * rt_sigreturn: restores the mask, alternate stack, registers and FPU state saved in the frame
   * whose ucontext is at the current RSP (the handler's {@code ret} popped the return address). A
   * frame that cannot be read, or whose FPU state cannot be restored (unreadable, not 16-byte
   * aligned, an MXCSR bit the CPU lacks), gives SIGSEGV, with the FPU reset to its initial state.
   *
   * <p>{@link SyscallLayer#EJUSTRETURN} semantics: the registers are set.
   */
  // Linux arch/x86/kernel/signal_64.c: rt_sigreturn, restore_sigcontext; fpu/signal.c:
  // fpu__restore_sig
  public void sigreturn(Proc p) {
    Machine m = cpu.machine();
    if (p.ptrace != null) {
      p.ptrace.origRax = -1; // restore_sigcontext: "disable syscall checks"
    }
    long uc = m.reg(Reg.RSP);
    byte[] ucBytes = new byte[SigFrame.UC_SIZE];
    if (p.vm.copyin(uc, ucBytes, 0, ucBytes.length) != 0) {
      log.debug("{}: rt_sigreturn with a bad frame at 0x{}: SIGSEGV", p, Long.toHexString(uc));
      force(p, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV));
      return;
    }
    p.sig.setBlocked(SigFrame.mask(ucBytes));
    // restore_altstack: the frame's uc_stack becomes the alternate stack again (errors ignored),
    // judged at the handler's stack pointer
    if (!p.sig.onAltStack(uc)) {
      p.sig.setAltStack(
          SigFrame.stackSp(ucBytes), SigFrame.stackFlags(ucBytes), SigFrame.stackSize(ucBytes));
    }
    long[] g = SigFrame.registers(ucBytes);
    for (int i = 0; i < GREG_ORDER.length; i++) {
      Reg r = GREG_ORDER[i];
      if (r == Reg.RFLAGS) {
        long cur = m.reg(Reg.RFLAGS);
        m.setReg(r, (cur & ~SigFrame.FIX_EFLAGS) | (g[i] & SigFrame.FIX_EFLAGS));
      } else {
        m.setReg(r, g[i]);
      }
    }
    if (!restoreFpstate(p, m, SigFrame.fpstate(ucBytes))) {
      m.loadFpu(INITIAL_FPU); // fpu__clear_user_states
      log.debug("{}: rt_sigreturn with a bad FPU state: SIGSEGV", p);
      force(p, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV));
    }
  }

  /**
   * fpu__restore_sig without XSAVE: no state (NULL) resets the FPU; otherwise {@code fxrstor} from
   * the frame, which faults on an unreadable or misaligned state or an MXCSR bit the CPU lacks.
   */
  private boolean restoreFpstate(Proc p, Machine m, long fpstate) {
    if (fpstate == 0) {
      m.loadFpu(INITIAL_FPU);
      return true;
    }
    if ((fpstate & 15) != 0 || p.vm.copyin(fpstate, fxsave, 0, SigFpstate.SIZE) != 0) {
      return false;
    }
    return m.loadFpu(fxsave);
  }

  /** The user stack pointer of {@code p} as its current system call sees it (sigaltstack). */
  public long stackPointer(Proc p) {
    return cpu.loaded() == p ? cpu.machine().reg(Reg.RSP) : p.ctx.reg(Reg.RSP);
  }
}
