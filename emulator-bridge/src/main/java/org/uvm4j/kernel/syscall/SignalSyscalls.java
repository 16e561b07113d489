package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.SigAction;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.SignalDelivery;
import org.uvm4j.kernel.SignalState;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.fs.WaitChannel;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * Signal system calls ({@code kern_sig.c}): rt_sigaction, rt_sigprocmask, rt_sigreturn, kill,
 * tkill, tgkill, pause. Sets are the kernel's 8-byte {@code sigset_t}; any other {@code sigsetsize}
 * is EINVAL.
 */
final class SignalSyscalls {
  private final SignalDelivery signals;
  private final ProcTable procs;
  private final Scheduler sched;
  private final WaitChannel pauseChannel = new WaitChannel("pause");

  SignalSyscalls(SignalDelivery signals, ProcTable procs, Scheduler sched) {
    this.signals = signals;
    this.procs = procs;
    this.sched = sched;
  }

  // kern_sig.c: sys_rt_sigaction (int sig, act, oact, size_t sigsetsize)
  long sigaction(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    int s = c.int32(0);
    long act = c.pointer(1);
    long oact = c.pointer(2);
    if (c.size(3) != 8 || !Signals.valid(s)) {
      return -Errno.EINVAL;
    }
    SigAction neu = null;
    if (act != 0) {
      if ((Signals.bit(s) & Signals.UNCATCHABLE) != 0) {
        return -Errno.EINVAL;
      }
      byte[] raw = new byte[SigAction.SIZE];
      c.mem().read(act, raw, 0, raw.length);
      SigAction a = SigAction.fromBytes(raw);
      neu = new SigAction(a.handler(), a.flags(), a.restorer(), a.mask() & ~Signals.UNCATCHABLE);
    }
    if (oact != 0 && c.mem().write(oact, p.signals().action(s).toBytes()) != 0) {
      return -Errno.EFAULT;
    }
    if (neu != null) {
      p.signals().setAction(s, neu);
    }
    return 0;
  }

  // kern_sig.c: sys_rt_sigprocmask (int how, set, oset, size_t sigsetsize)
  long sigprocmask(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    int how = c.int32(0);
    long set = c.pointer(1);
    long oset = c.pointer(2);
    if (c.size(3) != 8) {
      return -Errno.EINVAL;
    }
    long old = p.signals().blocked();
    long mask = 0;
    if (set != 0) {
      mask = c.mem().readLong(set);
      if (how != Signals.SIG_BLOCK && how != Signals.SIG_UNBLOCK && how != Signals.SIG_SETMASK) {
        return -Errno.EINVAL;
      }
    }
    if (oset != 0 && c.mem().writeLong(oset, old) != 0) {
      return -Errno.EFAULT;
    }
    if (set != 0) {
      long neu =
          switch (how) {
            case Signals.SIG_BLOCK -> old | mask;
            case Signals.SIG_UNBLOCK -> old & ~mask;
            default -> mask;
          };
      p.signals().setBlocked(neu);
    }
    return 0;
  }

  long sigreturn(SyscallContext c) {
    signals.sigreturn(c.proc());
    return Syscall.EJUSTRETURN;
  }

  /**
   * rt_sigsuspend: waits with {@code set} as the blocked mask until a handler runs, then returns
   * EINTR; the handler's frame saves the old mask, so rt_sigreturn restores it.
   */
  // kern_sig.c: sys_sigsuspend
  long sigsuspend(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    if (c.size(1) != 8) {
      return -Errno.EINVAL;
    }
    long mask = c.mem().readLong(c.pointer(0));
    p.restart().saveSuspendMask(p.signals().blocked());
    p.signals().setBlocked(mask);
    p.restart().setInterruptAction(() -> -Errno.EINTR, true);
    sched.sleep(p, pauseChannel, -1);
    return Syscall.ERESTART;
  }

  // kern_sig.c: sys_sigpending (set, size_t sigsetsize)
  long sigpending(SyscallContext c) {
    Proc p = c.proc();
    long size = c.size(1);
    if (size > 8 || size < 1) {
      return -Errno.EINVAL;
    }
    long pend = p.signals().pending() & p.signals().blocked();
    c.mem().buffer(8).putLong(0, pend);
    return c.mem().out(c.pointer(0), (int) size) != 0 ? -Errno.EFAULT : 0;
  }

  // kern_sig.c: sys_kill (pid_t pid, int sig)
  long kill(SyscallContext c) {
    Proc p = c.proc();
    int pid = c.pid(0);
    int sig = c.int32(1);
    if (sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (pid > 0) {
      Proc q = procs.find(pid);
      if (q == null) {
        return -Errno.ESRCH;
      }
      send(p, q, sig, SigInfo.SI_USER);
      return 0;
    }
    if (pid == Integer.MIN_VALUE || (pid < -1 && -pid != 1)) {
      return -Errno.ESRCH; // process group other than 1: none exists
    }
    boolean any = false;
    for (Proc q : procs.all()) {
      if (!q.isAlive()) {
        continue;
      }
      if (pid == -1 && (q.pid() == 1 || q == p)) {
        continue;
      }
      send(p, q, sig, SigInfo.SI_USER);
      any = true;
    }
    return any ? 0 : -Errno.ESRCH;
  }

  /** tkill (pid_t tid, int sig): tgkill with the thread group of the thread. */
  long tkill(SyscallContext c) {
    return tgkill(c.proc(), c.pid(0), c.pid(0), c.int32(1));
  }

  /** tgkill (pid_t tgid, pid_t tid, int sig). */
  long tgkill(SyscallContext c) {
    return tgkill(c.proc(), c.pid(0), c.pid(1), c.int32(2));
  }

  // kern_sig.c: sys_tgkill
  private long tgkill(Proc p, int tgid, int tid, int sig) {
    if (tid <= 0 || tgid <= 0) {
      return -Errno.EINVAL;
    }
    if (sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    Proc q = procs.find(tid);
    if (q == null || tgid != tid || !q.isAlive()) {
      return -Errno.ESRCH;
    }
    send(p, q, sig, SigInfo.SI_TKILL);
    return 0;
  }

  private void send(Proc from, Proc to, int sig, int code) {
    if (sig != 0) {
      signals.post(to, sig, SigInfo.user(sig, code, from.pid()));
    }
  }

  // kern_sig.c: sys_pause (sigsuspend with the current mask)
  long pause(SyscallContext c) {
    Proc p = c.proc();
    p.restart().setInterruptAction(() -> -Errno.EINTR, true);
    sched.sleep(p, pauseChannel, -1);
    return Syscall.ERESTART;
  }

  /** sizeof(stack_t): ss_sp, ss_flags (int, padded), ss_size. */
  static final int STACK_T_SIZE = 24;

  // kernel/signal.c: do_sigaltstack (const stack_t *ss, stack_t *oss)
  long sigaltstack(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    SignalState st = p.signals();
    long sp = signals.stackPointer(p);
    long uss = c.pointer(0);
    long uoss = c.pointer(1);
    long oldSp = st.altStackSp();
    long oldSize = st.altStackSize();
    int oldFlags = st.altStackFlags(sp);
    if (uss != 0) {
      var in = c.mem().in(uss, STACK_T_SIZE);
      long ssSp = in.getLong(0);
      int ssFlags = in.getInt(8);
      long ssSize = in.getLong(16);
      if (st.onAltStack(sp)) {
        return -Errno.EPERM;
      }
      int err = st.setAltStack(ssSp, ssFlags, ssSize);
      if (err != 0) {
        return -err;
      }
    }
    if (uoss != 0) {
      var out = c.mem().buffer(STACK_T_SIZE);
      out.putLong(0, oldSp);
      out.putLong(8, oldFlags & 0xffff_ffffL);
      out.putLong(16, oldSize);
      if (c.mem().out(uoss, STACK_T_SIZE) != 0) {
        return -Errno.EFAULT;
      }
    }
    return 0;
  }
}
