package org.uvm4j.kernel;

/**
 * A thread's signal state: the actions ({@code struct sigacts}) and the process-directed pending
 * set, both shared by every thread of the process ({@link Shared}), and the thread's own blocked
 * mask and thread-directed pending set (tkill, tgkill, synchronous faults). Invariant: SIGKILL and
 * SIGSTOP are never blocked and always have the default action; an ignored signal is only pending
 * while blocked (as on Linux, it may be caught by the time it is unblocked).
 */
public final class SignalState {
  /** What the threads of one process share: actions and process-directed pending signals. */
  private static final class Shared {
    final SigAction[] actions = new SigAction[Signals.NSIG + 1];
    final SigInfo[] info = new SigInfo[Signals.NSIG + 1];
    long pending;

    Shared() {
      java.util.Arrays.fill(actions, SigAction.DEFAULT);
    }
  }

  private final Shared shared;
  private final SigAction[] actions;
  private final SigInfo[] info = new SigInfo[Signals.NSIG + 1];
  private long pending;
  private long blocked;

  /** This thread is traced: its tracer sees even the signals it ignores (Linux's sig_ignored). */
  private boolean traced;

  /** sigaltstack: the alternate signal stack (size 0: none) and its SS_AUTODISARM flag. */
  private long altSp;

  private long altSize;
  private int altFlags;

  public static final int SS_ONSTACK = 1;
  public static final int SS_DISABLE = 2;
  public static final int SS_AUTODISARM = 1 << 31;

  /** MINSIGSTKSZ of x86-64 Linux: a smaller alternate stack is refused with ENOMEM. */
  public static final long MINSIGSTKSZ = 2048;

  public SignalState() {
    this(new Shared());
  }

  private SignalState(Shared shared) {
    this.shared = shared;
    this.actions = shared.actions;
  }

  /** fork: a copy of actions and mask with nothing pending (kern_fork.c: sigactsinit). */
  public SignalState forkCopy() {
    SignalState s = new SignalState();
    System.arraycopy(actions, 0, s.actions, 0, actions.length);
    s.blocked = blocked;
    s.altSp = altSp; // copy_process: the alternate stack is inherited (cleared by execve)
    s.altSize = altSize;
    s.altFlags = altFlags;
    return s;
  }

  /** on_sig_stack: {@code sp} is inside the alternate stack. */
  public boolean onAltStack(long sp) {
    return altSize != 0 && Long.compareUnsigned(sp, altSp) > 0 && sp - altSp <= altSize;
  }

  /** sas_ss_flags: what sigaltstack reports as ss_flags for a thread at {@code sp}. */
  public int altStackFlags(long sp) {
    if (altSize == 0) {
      return SS_DISABLE;
    }
    return (onAltStack(sp) ? SS_ONSTACK : 0) | altFlags;
  }

  public long altStackSp() {
    return altSp;
  }

  public long altStackSize() {
    return altSize;
  }

  /**
   * do_sigaltstack's change (the caller checked the thread is not on the current stack): {@code
   * flags} SS_DISABLE removes it, 0 or SS_ONSTACK (optionally with SS_AUTODISARM) sets it.
   *
   * @return 0, EINVAL for other flags, ENOMEM for a stack smaller than {@link #MINSIGSTKSZ}
   */
  public int setAltStack(long sp, int flags, long size) {
    int mode = flags & ~SS_AUTODISARM;
    if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0) {
      return org.uvm4j.uvm.Errno.EINVAL;
    }
    if (mode == SS_DISABLE) {
      altSp = 0;
      altSize = 0;
      altFlags = 0;
      return 0;
    }
    if (Long.compareUnsigned(size, MINSIGSTKSZ) < 0) {
      return org.uvm4j.uvm.Errno.ENOMEM;
    }
    altSp = sp;
    altSize = size;
    altFlags = flags & SS_AUTODISARM;
    return 0;
  }

  /** SS_AUTODISARM: the alternate stack is forgotten while a handler runs on it. */
  public void disarmAltStack() {
    altSp = 0;
    altSize = 0;
    altFlags = 0;
  }

  /**
   * clone(CLONE_THREAD|CLONE_SIGHAND): a new thread's state, sharing actions and process-directed
   * pending signals, with this thread's mask and nothing pending of its own.
   */
  public SignalState threadCopy() {
    SignalState s = new SignalState(shared);
    s.blocked = blocked;
    return s;
  }

  /** Whether {@code other} belongs to a thread of the same process. */
  public boolean sharesActionsWith(SignalState other) {
    return other.shared == shared;
  }

  /** execve: caught signals revert to the default; ignored ones stay ignored (execsigs). */
  public void execReset() {
    disarmAltStack();
    for (int sig = 1; sig <= Signals.NSIG; sig++) {
      SigAction a = actions[sig];
      if (a.isIgnore()) {
        actions[sig] = new SigAction(Signals.SIG_IGN, 0, 0, 0);
      } else {
        actions[sig] = SigAction.DEFAULT;
      }
    }
  }

  public SigAction action(int sig) {
    return actions[sig];
  }

  /**
   * Sets an action (the caller has checked that {@code sig} may be changed). Setting SIG_IGN, or
   * SIG_DFL for a signal whose default is to ignore, discards it if pending.
   */
  public void setAction(int sig, SigAction a) {
    actions[sig] = a;
    if (ignored(sig)) {
      pending &= ~Signals.bit(sig);
      info[sig] = null;
      shared.pending &= ~Signals.bit(sig);
      shared.info[sig] = null;
    }
  }

  /**
   * ptrace: while traced, an ignored signal is still posted (its tracer gets a signal-delivery-stop
   * for it), as Linux's {@code sig_ignored} says; it is dropped at delivery.
   */
  public void setTraced(boolean t) {
    this.traced = t;
  }

  /** True when delivering {@code sig} would do nothing (SIG_IGN, or SIG_DFL ignoring). */
  public boolean ignored(int sig) {
    SigAction a = actions[sig];
    if (a.isIgnore()) {
      return true;
    }
    if (a.isDefault()) {
      Signals.DefaultAction d = Signals.defaultAction(sig);
      return d == Signals.DefaultAction.IGNORE || d == Signals.DefaultAction.STOP;
    }
    return false;
  }

  /** The pending set: this thread's and the process's. */
  public long pending() {
    return pending | shared.pending;
  }

  public long blocked() {
    return blocked;
  }

  /** Sets the blocked mask; SIGKILL and SIGSTOP can never be blocked. */
  public void setBlocked(long mask) {
    blocked = mask & ~Signals.UNCATCHABLE;
  }

  /**
   * Marks {@code sig} pending for this thread (thread-directed: tkill, tgkill) unless it is ignored
   * and not blocked (then it is discarded).
   *
   * @return true if it is now pending
   */
  public boolean post(int sig, SigInfo si) {
    if (!traced && ignored(sig) && (blocked & Signals.bit(sig)) == 0) {
      return false;
    }
    if ((pending & Signals.bit(sig)) == 0) {
      info[sig] = si; // standard signals do not queue: the first one's info is kept
    }
    pending |= Signals.bit(sig);
    return true;
  }

  /**
   * Marks {@code sig} pending for the whole process (kill, SIGCHLD, alarms): any thread that does
   * not block it may take it. Discarded when ignored and not blocked by this thread.
   *
   * @return true if it is now pending
   */
  public boolean postProcess(int sig, SigInfo si) {
    if (!traced && ignored(sig) && (blocked & Signals.bit(sig)) == 0) {
      return false;
    }
    if ((shared.pending & Signals.bit(sig)) == 0) {
      shared.info[sig] = si;
    }
    shared.pending |= Signals.bit(sig);
    return true;
  }

  /**
   * Clears {@code sig} from the pending set (this thread's first, else the process's) and returns
   * its info.
   */
  public SigInfo take(int sig) {
    long b = Signals.bit(sig);
    SigInfo si;
    if ((pending & b) != 0) {
      pending &= ~b;
      si = info[sig];
      info[sig] = null;
    } else {
      shared.pending &= ~b;
      si = shared.info[sig];
      shared.info[sig] = null;
    }
    return si != null ? si : SigInfo.kernel(sig);
  }

  /** The pending (this thread's or the process's), unblocked signals. */
  public long deliverable() {
    return (pending | shared.pending) & ~blocked;
  }

  /**
   * Forces a synchronous fault signal through (Linux force_sig_info): if it is blocked or ignored
   * the action reverts to the default and the signal is unblocked, so the process dies.
   */
  public void force(int sig, SigInfo si) {
    long b = Signals.bit(sig);
    if ((blocked & b) != 0 || actions[sig].isIgnore()) {
      actions[sig] = SigAction.DEFAULT;
      blocked &= ~b;
    }
    info[sig] = si;
    pending |= b;
  }
}
