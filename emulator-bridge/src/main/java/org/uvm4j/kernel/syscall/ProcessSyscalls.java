package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.uvm4j.kernel.Exec;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcLifecycle;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.WaitStatus;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.map.Vmspace;

/**
 * Process system calls ({@code kern_fork.c}, {@code kern_exec.c}, {@code kern_exit.c}, {@code
 * kern_prot.c}): fork, vfork, clone (fork-like flag sets only), execve, exit, exit_group, wait4,
 * waitid, the id queries, set_tid_address, arch_prctl, sched_yield, getrusage.
 */
final class ProcessSyscalls {
  static final long CLONE_VM = 0x00000100L;
  static final long CLONE_VFORK = 0x00004000L;
  static final long CSIGNAL = 0xffL;
  static final int ARCH_SET_GS = 0x1001;
  static final int ARCH_SET_FS = 0x1002;
  static final int ARCH_GET_FS = 0x1003;
  static final int ARCH_GET_GS = 0x1004;

  /** One past the highest canonical user address. */
  static final long USER_LIMIT = 0x0000_8000_0000_0000L;

  /** {@code sizeof(struct rusage)}. */
  static final int RUSAGE_SIZE = 144;

  private final Kernel kernel;

  ProcessSyscalls(Kernel kernel) {
    this.kernel = kernel;
  }

  void register(SyscallTable t) {
    t.register(
        Syscall.FORK, "fork", (p, a0, a1, a2, a3, a4, a5) -> kernel.lifecycle().fork(p, false, 0));
    t.register(
        Syscall.VFORK, "vfork", (p, a0, a1, a2, a3, a4, a5) -> kernel.lifecycle().fork(p, true, 0));
    t.register(Syscall.CLONE, "clone", (p, fl, sp, a2, a3, a4, a5) -> clone(p, fl, sp));
    t.register(
        Syscall.EXECVE, "execve", (p, path, argv, envp, a3, a4, a5) -> execve(p, path, argv, envp));
    t.register(Syscall.EXIT, "exit", (p, code, a1, a2, a3, a4, a5) -> exit(p, code));
    t.register(Syscall.EXIT_GROUP, "exit_group", (p, code, a1, a2, a3, a4, a5) -> exit(p, code));
    t.register(Syscall.WAIT4, "wait4", (p, pid, st, opt, ru, a4, a5) -> wait4(p, pid, st, opt, ru));
    t.register(
        Syscall.WAITID,
        "waitid",
        (p, type, id, info, opt, ru, a5) -> waitid(p, type, id, info, opt, ru));
    t.register(Syscall.GETPID, "getpid", (p, a0, a1, a2, a3, a4, a5) -> p.pid());
    t.register(Syscall.GETTID, "gettid", (p, a0, a1, a2, a3, a4, a5) -> p.pid());
    t.register(Syscall.GETPPID, "getppid", (p, a0, a1, a2, a3, a4, a5) -> p.ppid());
    t.register(Syscall.GETPGRP, "getpgrp", (p, a0, a1, a2, a3, a4, a5) -> 1);
    t.register(Syscall.GETPGID, "getpgid", (p, pid, a1, a2, a3, a4, a5) -> groupOf(p, pid));
    t.register(Syscall.GETSID, "getsid", (p, pid, a1, a2, a3, a4, a5) -> groupOf(p, pid));
    t.register(
        Syscall.SET_TID_ADDRESS,
        "set_tid_address",
        (p, addr, a1, a2, a3, a4, a5) -> setTidAddress(p, addr));
    t.register(
        Syscall.ARCH_PRCTL,
        "arch_prctl",
        (p, code, addr, a2, a3, a4, a5) -> archPrctl(p, code, addr));
    t.register(
        Syscall.SCHED_YIELD,
        "sched_yield",
        (p, a0, a1, a2, a3, a4, a5) -> {
          kernel.yield(p);
          return 0;
        });
    t.register(
        Syscall.GETRUSAGE, "getrusage", (p, who, buf, a2, a3, a4, a5) -> getrusage(p, who, buf));
  }

  // kern_fork.c: sys___clone
  private long clone(Proc p, long flags, long stack) {
    long sig = flags & CSIGNAL;
    long rest = flags & ~CSIGNAL;
    if (sig != Signals.SIGCHLD) {
      // another exit signal (or none) is valid Linux but not supported; a bad number is EINVAL
      return sig == 0 || Signals.valid(sig) ? -Errno.ENOSYS : -Errno.EINVAL;
    }
    if (rest == 0) {
      return kernel.lifecycle().fork(p, false, stack);
    }
    if (rest == (CLONE_VM | CLONE_VFORK)) {
      return kernel.lifecycle().fork(p, true, stack);
    }
    return -Errno
        .ENOSYS; // threads and other sharing (CLONE_THREAD, CLONE_FILES…) are not supported
  }

  /** Copies a NULL-terminated vector of strings (argv or envp) from the guest. */
  private static List<byte[]> vector(Vmspace vm, long ptr, long[] budget, int[] err) {
    List<byte[]> out = new ArrayList<>();
    if (ptr == 0) {
      return out;
    }
    for (long i = 0; ; i++) {
      Long s = UserMemory.getLong(vm, ptr + 8 * i);
      if (s == null) {
        err[0] = Errno.EFAULT;
        return null;
      }
      if (s == 0) {
        return out;
      }
      byte[] b = UserMemory.getStringBytes(vm, s, Exec.MAX_ARG_STRLEN, err);
      if (b == null) {
        if (err[0] == Errno.ENAMETOOLONG) {
          err[0] = Errno.E2BIG;
        }
        return null;
      }
      budget[0] -= b.length + 1 + 8;
      if (budget[0] < 0) {
        err[0] = Errno.E2BIG;
        return null;
      }
      out.add(b);
    }
  }

  // kern_exec.c: sys_execve
  private long execve(Proc p, long pathp, long argvp, long envpp) {
    int[] err = new int[1];
    String path = UserMemory.getPath(p.vm(), pathp, err);
    if (path == null) {
      return -err[0];
    }
    int bad = kernel.execCheck(path);
    if (bad != 0) {
      return -bad;
    }
    long[] budget = {Exec.ARG_MAX};
    List<byte[]> argv = vector(p.vm(), argvp, budget, err);
    if (argv == null) {
      return -err[0];
    }
    List<byte[]> envp = vector(p.vm(), envpp, budget, err);
    if (envp == null) {
      return -err[0];
    }
    int e = kernel.execve(p, path, argv, envp);
    return e == 0 ? Syscall.EJUSTRETURN : -e;
  }

  private long exit(Proc p, long code) {
    kernel.exit(p, WaitStatus.exited((int) code));
    return Syscall.EJUSTRETURN;
  }

  // kern_exit.c: sys_wait4
  private long wait4(Proc p, long pid, long statusp, long options, long rusagep) {
    int allowed =
        ProcLifecycle.WNOHANG
            | ProcLifecycle.WUNTRACED
            | ProcLifecycle.WCONTINUED
            | ProcLifecycle.WALL
            | ProcLifecycle.WCLONE
            | ProcLifecycle.WNOTHREAD;
    if ((options & ~(allowed & 0xffffffffL)) != 0) {
      return -Errno.EINVAL;
    }
    long[] target = ProcLifecycle.waitTarget(pid);
    int[] err = new int[1];
    Proc c = kernel.lifecycle().findZombie(p, (int) target[0], target[1], err);
    if (c == null) {
      if (err[0] != 0) {
        return -err[0];
      }
      if ((options & ProcLifecycle.WNOHANG) != 0) {
        return 0;
      }
      kernel.scheduler().sleep(p, p.childChannel(), -1);
      return Syscall.ERESTART;
    }
    if (statusp != 0 && UserMemory.putInt(p.vm(), statusp, c.exitStatus()) != 0) {
      return -Errno.EFAULT;
    }
    if (rusagep != 0 && UserMemory.put(p.vm(), rusagep, rusage(c.instructions())) != 0) {
      return -Errno.EFAULT;
    }
    kernel.lifecycle().collect(c);
    return c.pid();
  }

  // kern_exit.c: sys_waitid
  private long waitid(Proc p, long idtype, long id, long infop, long options, long rusagep) {
    if (idtype != ProcLifecycle.P_ALL
        && idtype != ProcLifecycle.P_PID
        && idtype != ProcLifecycle.P_PGID) {
      return -Errno.EINVAL;
    }
    long allowed =
        (ProcLifecycle.WNOHANG
                | ProcLifecycle.WEXITED
                | ProcLifecycle.WUNTRACED
                | ProcLifecycle.WCONTINUED
                | ProcLifecycle.WNOWAIT
                | ProcLifecycle.WALL
                | ProcLifecycle.WCLONE
                | ProcLifecycle.WNOTHREAD)
            & 0xffffffffL;
    if ((options & ~allowed) != 0
        || (options & (ProcLifecycle.WEXITED | ProcLifecycle.WUNTRACED | ProcLifecycle.WCONTINUED))
            == 0) {
      return -Errno.EINVAL;
    }
    int[] err = new int[1];
    Proc c =
        (options & ProcLifecycle.WEXITED) != 0
            ? kernel.lifecycle().findZombie(p, (int) idtype, id, err)
            : null;
    if (c == null) {
      if ((options & ProcLifecycle.WEXITED) == 0 && p.children().isEmpty()) {
        err[0] = Errno.ECHILD;
      }
      if (err[0] != 0) {
        return -err[0];
      }
      if ((options & ProcLifecycle.WNOHANG) != 0) {
        if (infop != 0 && UserMemory.put(p.vm(), infop, new byte[32]) != 0) {
          return -Errno.EFAULT;
        }
        return 0;
      }
      kernel.scheduler().sleep(p, p.childChannel(), -1);
      return Syscall.ERESTART;
    }
    int st = c.exitStatus();
    boolean exited = WaitStatus.isExited(st);
    SigInfo info =
        new SigInfo(
            Signals.SIGCHLD,
            exited ? SigInfo.CLD_EXITED : SigInfo.CLD_KILLED,
            c.pid(),
            Kernel.UID,
            exited ? WaitStatus.exitCode(st) : WaitStatus.termSig(st),
            0);
    if (infop != 0 && UserMemory.put(p.vm(), infop, info.toBytes()) != 0) {
      return -Errno.EFAULT;
    }
    if (rusagep != 0 && UserMemory.put(p.vm(), rusagep, rusage(c.instructions())) != 0) {
      return -Errno.EFAULT;
    }
    if ((options & ProcLifecycle.WNOWAIT) == 0) {
      kernel.lifecycle().collect(c);
    }
    return 0;
  }

  /** A {@code struct rusage} with the user time of {@code instructions} at 1 ns each. */
  static byte[] rusage(long instructions) {
    ByteBuffer b = UserMemory.le(RUSAGE_SIZE);
    long us = instructions / 1000;
    b.putLong(0, us / 1_000_000).putLong(8, us % 1_000_000);
    return b.array();
  }

  private long getrusage(Proc p, long who, long buf) {
    if (who != 0 && who != -1 && who != 1) {
      return -Errno.EINVAL;
    }
    long ins = who == -1 ? 0 : p.instructions();
    return -UserMemory.put(p.vm(), buf, rusage(ins));
  }

  private long groupOf(Proc p, long pid) {
    if (pid == 0 || pid == p.pid()) {
      return 1;
    }
    Proc q = kernel.procs().find(pid);
    return q == null ? -Errno.ESRCH : 1;
  }

  private long setTidAddress(Proc p, long addr) {
    p.setClearChildTid(addr);
    return p.pid();
  }

  // arch/x86/kernel/process_64.c: do_arch_prctl_64
  private long archPrctl(Proc p, long code, long addr) {
    switch ((int) code) {
      case ARCH_SET_FS:
      case ARCH_SET_GS:
        if (addr < 0 || addr >= USER_LIMIT) {
          return -Errno.EPERM;
        }
        kernel.machine().setReg(code == ARCH_SET_FS ? Reg.FS_BASE : Reg.GS_BASE, addr);
        return 0;
      case ARCH_GET_FS:
      case ARCH_GET_GS:
        long v = kernel.machine().reg(code == ARCH_GET_FS ? Reg.FS_BASE : Reg.GS_BASE);
        return -UserMemory.putLong(p.vm(), addr, v);
      default:
        return -Errno.EINVAL;
    }
  }
}
