package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.SigAction;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.fs.WaitChannel;
import org.uvm4j.uvm.Errno;

/**
 * Signal system calls ({@code kern_sig.c}): rt_sigaction, rt_sigprocmask, rt_sigreturn, kill,
 * tkill, tgkill, pause. Sets are the kernel's 8-byte {@code sigset_t}; any other {@code sigsetsize}
 * is EINVAL.
 */
final class SignalSyscalls {
  private final Kernel kernel;
  private final WaitChannel pauseChannel = new WaitChannel("pause");

  SignalSyscalls(Kernel kernel) {
    this.kernel = kernel;
  }

  void register(SyscallTable t) {
    t.register(
        Syscall.RT_SIGACTION,
        "rt_sigaction",
        (p, sig, act, oact, size, a4, a5) -> sigaction(p, sig, act, oact, size));
    t.register(
        Syscall.RT_SIGPROCMASK,
        "rt_sigprocmask",
        (p, how, set, oset, size, a4, a5) -> sigprocmask(p, how, set, oset, size));
    t.register(
        Syscall.RT_SIGRETURN,
        "rt_sigreturn",
        (p, a0, a1, a2, a3, a4, a5) -> {
          kernel.signals().sigreturn(p);
          return Syscall.EJUSTRETURN;
        });
    t.register(Syscall.KILL, "kill", (p, pid, sig, a2, a3, a4, a5) -> kill(p, pid, sig));
    t.register(Syscall.TKILL, "tkill", (p, tid, sig, a2, a3, a4, a5) -> tgkill(p, tid, tid, sig));
    t.register(
        Syscall.TGKILL, "tgkill", (p, tgid, tid, sig, a3, a4, a5) -> tgkill(p, tgid, tid, sig));
    t.register(Syscall.PAUSE, "pause", (p, a0, a1, a2, a3, a4, a5) -> pause(p));
    t.register(
        Syscall.RT_SIGSUSPEND,
        "rt_sigsuspend",
        (p, set, size, a2, a3, a4, a5) -> sigsuspend(p, set, size));
    t.register(
        Syscall.RT_SIGPENDING,
        "rt_sigpending",
        (p, set, size, a2, a3, a4, a5) -> sigpending(p, set, size));
  }

  // kern_sig.c: sys_rt_sigaction
  private long sigaction(Proc p, long sig, long act, long oact, long size) {
    if (size != 8 || !Signals.valid(sig)) {
      return -Errno.EINVAL;
    }
    int s = (int) sig;
    SigAction neu = null;
    if (act != 0) {
      if ((Signals.bit(s) & Signals.UNCATCHABLE) != 0) {
        return -Errno.EINVAL;
      }
      byte[] raw = UserMemory.get(p.vm(), act, SigAction.SIZE);
      if (raw == null) {
        return -Errno.EFAULT;
      }
      SigAction a = SigAction.fromBytes(raw);
      neu = new SigAction(a.handler(), a.flags(), a.restorer(), a.mask() & ~Signals.UNCATCHABLE);
    }
    if (oact != 0 && UserMemory.put(p.vm(), oact, p.signals().action(s).toBytes()) != 0) {
      return -Errno.EFAULT;
    }
    if (neu != null) {
      p.signals().setAction(s, neu);
    }
    return 0;
  }

  // kern_sig.c: sys_rt_sigprocmask
  private long sigprocmask(Proc p, long how, long set, long oset, long size) {
    if (size != 8) {
      return -Errno.EINVAL;
    }
    long old = p.signals().blocked();
    long mask = 0;
    if (set != 0) {
      Long m = UserMemory.getLong(p.vm(), set);
      if (m == null) {
        return -Errno.EFAULT;
      }
      mask = m;
      if (how != Signals.SIG_BLOCK && how != Signals.SIG_UNBLOCK && how != Signals.SIG_SETMASK) {
        return -Errno.EINVAL;
      }
    }
    if (oset != 0 && UserMemory.putLong(p.vm(), oset, old) != 0) {
      return -Errno.EFAULT;
    }
    if (set != 0) {
      long neu =
          switch ((int) how) {
            case Signals.SIG_BLOCK -> old | mask;
            case Signals.SIG_UNBLOCK -> old & ~mask;
            default -> mask;
          };
      p.signals().setBlocked(neu);
    }
    return 0;
  }

  /**
   * rt_sigsuspend: waits with {@code set} as the blocked mask until a handler runs, then returns
   * EINTR; the handler's frame saves the old mask, so rt_sigreturn restores it.
   */
  // kern_sig.c: sys_sigsuspend
  private long sigsuspend(Proc p, long set, long size) {
    if (size != 8) {
      return -Errno.EINVAL;
    }
    Long mask = UserMemory.getLong(p.vm(), set);
    if (mask == null) {
      return -Errno.EFAULT;
    }
    p.saveSigmaskForSuspend();
    p.signals().setBlocked(mask);
    p.setInterruptAction(() -> -Errno.EINTR, true);
    kernel.scheduler().sleep(p, pauseChannel, -1);
    return Syscall.ERESTART;
  }

  // kern_sig.c: sys_sigpending
  private long sigpending(Proc p, long set, long size) {
    if (size > 8 || size < 1) {
      return -Errno.EINVAL;
    }
    long pend = p.signals().pending() & p.signals().blocked();
    byte[] b = UserMemory.le(8).putLong(0, pend).array();
    return p.vm().copyout(set, b, 0, (int) size) != 0 ? -Errno.EFAULT : 0;
  }

  // kern_sig.c: sys_kill
  private long kill(Proc p, long pid, long sig) {
    if (sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    if (pid > 0) {
      Proc q = kernel.procs().find(pid);
      if (q == null) {
        return -Errno.ESRCH;
      }
      send(p, q, (int) sig, SigInfo.SI_USER);
      return 0;
    }
    if (pid == Integer.MIN_VALUE || (pid < -1 && -pid != 1)) {
      return -Errno.ESRCH; // process group other than 1: none exists
    }
    boolean any = false;
    for (Proc q : kernel.procs().all()) {
      if (!q.isAlive()) {
        continue;
      }
      if (pid == -1 && (q.pid() == 1 || q == p)) {
        continue;
      }
      send(p, q, (int) sig, SigInfo.SI_USER);
      any = true;
    }
    return any ? 0 : -Errno.ESRCH;
  }

  // kern_sig.c: sys_tgkill
  private long tgkill(Proc p, long tgid, long tid, long sig) {
    if (tid <= 0 || tgid <= 0) {
      return -Errno.EINVAL;
    }
    if (sig < 0 || sig > Signals.NSIG) {
      return -Errno.EINVAL;
    }
    Proc q = kernel.procs().find(tid);
    if (q == null || tgid != tid || !q.isAlive()) {
      return -Errno.ESRCH;
    }
    send(p, q, (int) sig, SigInfo.SI_TKILL);
    return 0;
  }

  private void send(Proc from, Proc to, int sig, int code) {
    if (sig != 0) {
      kernel.signals().post(to, sig, SigInfo.user(sig, code, from.pid()));
    }
  }

  // kern_sig.c: sys_pause (sigsuspend with the current mask)
  private long pause(Proc p) {
    p.setInterruptAction(() -> -Errno.EINTR, true);
    kernel.scheduler().sleep(p, pauseChannel, -1);
    return Syscall.ERESTART;
  }
}
