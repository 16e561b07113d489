package org.uvm4j.kernel;

/**
 * A process's signal state ({@code struct sigacts} plus the pending and blocked sets): one action
 * per signal, the pending set and the blocked mask. Invariant: SIGKILL and SIGSTOP are never
 * blocked and always have the default action; an ignored signal is only pending while blocked (as
 * on Linux, it may be caught by the time it is unblocked).
 */
public final class SignalState {
  private final SigAction[] actions = new SigAction[Signals.NSIG + 1];
  private final SigInfo[] info = new SigInfo[Signals.NSIG + 1];
  private long pending;
  private long blocked;

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
    java.util.Arrays.fill(actions, SigAction.DEFAULT);
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
    }
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

  public long pending() {
    return pending;
  }

  public long blocked() {
    return blocked;
  }

  /** Sets the blocked mask; SIGKILL and SIGSTOP can never be blocked. */
  public void setBlocked(long mask) {
    blocked = mask & ~Signals.UNCATCHABLE;
  }

  /**
   * Marks {@code sig} pending unless it is ignored and not blocked (then it is discarded).
   *
   * @return true if it is now pending
   */
  public boolean post(int sig, SigInfo si) {
    if (ignored(sig) && (blocked & Signals.bit(sig)) == 0) {
      return false;
    }
    if ((pending & Signals.bit(sig)) == 0) {
      info[sig] = si; // standard signals do not queue: the first one's info is kept
    }
    pending |= Signals.bit(sig);
    return true;
  }

  /** Clears {@code sig} from the pending set and returns its info. */
  public SigInfo take(int sig) {
    pending &= ~Signals.bit(sig);
    SigInfo si = info[sig];
    info[sig] = null;
    return si != null ? si : SigInfo.kernel(sig);
  }

  /** The pending, unblocked signals. */
  public long deliverable() {
    return pending & ~blocked;
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
