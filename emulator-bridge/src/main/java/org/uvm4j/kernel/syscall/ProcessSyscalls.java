package org.uvm4j.kernel.syscall;

import java.util.ArrayList;
import java.util.List;
import org.uvm4j.kernel.CloneArgs;
import org.uvm4j.kernel.Cpu;
import org.uvm4j.kernel.Exec;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcLifecycle;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.Ptrace;
import org.uvm4j.kernel.Scheduler;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.Signals;
import org.uvm4j.kernel.WaitStatus;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * Process system calls ({@code kern_fork.c}, {@code kern_exec.c}, {@code kern_exit.c}, {@code
 * kern_prot.c}): fork, vfork, clone (fork-like flag sets only), execve, exit, exit_group, wait4,
 * waitid, the id queries, set_tid_address, arch_prctl, sched_yield, getrusage.
 */
final class ProcessSyscalls {
  static final int ARCH_SET_GS = 0x1001;
  static final int ARCH_SET_FS = 0x1002;
  static final int ARCH_GET_FS = 0x1003;
  static final int ARCH_GET_GS = 0x1004;

  /** One past the highest canonical user address. */
  static final long USER_LIMIT = 0x0000_8000_0000_0000L;

  private final ProcLifecycle lifecycle;
  private final ProcTable procs;
  private final Exec exec;
  private final Scheduler sched;
  private final Cpu cpu;

  ProcessSyscalls(ProcLifecycle lifecycle, ProcTable procs, Exec exec, Scheduler sched, Cpu cpu) {
    this.lifecycle = lifecycle;
    this.procs = procs;
    this.exec = exec;
    this.sched = sched;
    this.cpu = cpu;
  }

  long fork(SyscallContext c) throws UvmException {
    return lifecycle.fork(c.proc(), false, 0);
  }

  long vfork(SyscallContext c) throws UvmException {
    return lifecycle.fork(c.proc(), true, 0);
  }

  /** What a thread shares with its process here: pthread_create's flags include them all. */
  static final long THREAD_SET =
      CloneArgs.CLONE_THREAD | CloneArgs.CLONE_SIGHAND | CloneArgs.CLONE_VM | CloneArgs.CLONE_FILES;

  /**
   * Sharing only threads have here: a process sharing its parent's descriptor table, signal actions
   * or working directory (without CLONE_THREAD) is refused with ENOSYS.
   */
  static final long SHARING =
      CloneArgs.CLONE_FS | CloneArgs.CLONE_FILES | CloneArgs.CLONE_SIGHAND | CloneArgs.CLONE_THREAD;

  // kern_fork.c: sys___clone; Linux: SYSCALL_DEFINE5(clone, unsigned long flags, unsigned long
  // newsp, int *parent_tidptr, int *child_tidptr, unsigned long tls) and copy_process's checks
  long clone(SyscallContext c) throws UvmException {
    long flags = c.uint32(0); // lower_32_bits(clone_flags), as Linux
    long sig = flags & CloneArgs.CSIGNAL;
    flags &= ~CloneArgs.CSIGNAL;
    if (sig != 0 && !Signals.valid(sig)) {
      return -Errno.EINVAL;
    }
    if ((flags & CloneArgs.CLONE_THREAD) != 0 && (flags & CloneArgs.CLONE_SIGHAND) == 0) {
      return -Errno.EINVAL;
    }
    if ((flags & CloneArgs.CLONE_SIGHAND) != 0 && (flags & CloneArgs.CLONE_VM) == 0) {
      return -Errno.EINVAL;
    }
    if ((flags & CloneArgs.CLONE_FS) != 0
        && (flags & (CloneArgs.CLONE_NEWNS | CloneArgs.CLONE_NEWUSER)) != 0) {
      return -Errno.EINVAL;
    }
    if ((flags & CloneArgs.CLONE_PIDFD) != 0
        && (flags & (CloneArgs.CLONE_DETACHED | CloneArgs.CLONE_PARENT_SETTID)) != 0) {
      return -Errno.EINVAL; // legacy clone: the pidfd goes where parent_tid would
    }
    if ((flags & CloneArgs.NAMESPACES) != 0) {
      return -Errno.EPERM; // no namespaces: what an unprivileged user is told
    }
    if ((flags & CloneArgs.CLONE_PIDFD) != 0) {
      return -Errno.ENOSYS; // no pidfd descriptors
    }
    if ((flags & CloneArgs.CLONE_THREAD) != 0) {
      if ((flags & THREAD_SET) != THREAD_SET || (flags & CloneArgs.CLONE_VFORK) != 0) {
        return -Errno.ENOSYS; // a thread with its own descriptor table, or a vfork thread
      }
      sig = 0; // a thread has no exit signal: it is reaped by its process
    } else if ((flags & SHARING) != 0) {
      return -Errno.ENOSYS;
    }
    if ((flags & CloneArgs.CLONE_PARENT) != 0 && c.proc().parent() == null) {
      return -Errno.EINVAL; // Linux: the init process cannot make a sibling
    }
    // CLONE_PTRACE/UNTRACED (no tracer), CLONE_SYSVSEM (no System V semaphores), CLONE_IO and
    // CLONE_DETACHED (ignored by Linux) change nothing here; CLONE_FS of a thread shares what the
    // process has of a file-system context
    return lifecycle.clone(
        c.proc(),
        new CloneArgs(flags, (int) sig, c.pointer(1), c.pointer(2), c.pointer(3), c.raw(4)));
  }

  /** Copies a NULL-terminated vector of strings (argv or envp): EFAULT, E2BIG. */
  private static List<byte[]> vector(UserMemory mem, long ptr, long[] budget) throws UvmException {
    List<byte[]> out = new ArrayList<>();
    if (ptr == 0) {
      return out;
    }
    for (long i = 0; ; i++) {
      long s = mem.readLong(ptr + 8 * i);
      if (s == 0) {
        return out;
      }
      byte[] b;
      try {
        b = mem.string(s, Exec.MAX_ARG_STRLEN);
      } catch (UvmException e) {
        throw e.errno() == Errno.ENAMETOOLONG ? new UvmException(Errno.E2BIG) : e;
      }
      budget[0] -= b.length + 1 + 8;
      if (budget[0] < 0) {
        throw new UvmException(Errno.E2BIG);
      }
      out.add(b);
    }
  }

  // kern_exec.c: sys_execve
  long execve(SyscallContext c) throws UvmException {
    String path = c.mem().path(c.pointer(0));
    // Linux opens the file first (alloc_bprm: ENOENT, EACCES...), then copies the vectors
    // (EFAULT, E2BIG), and only then looks at the contents (ENOEXEC from the binary handlers)
    int bad = exec.check(c.proc().fs(), path);
    if (bad != 0 && bad != Errno.ENOEXEC) {
      return -bad;
    }
    long[] budget = {Exec.ARG_MAX};
    List<byte[]> argv = vector(c.mem(), c.pointer(1), budget);
    List<byte[]> envp = vector(c.mem(), c.pointer(2), budget);
    if (bad != 0) {
      return -bad;
    }
    int e = exec.execve(c.proc(), path, argv, envp);
    return e == 0 ? Syscall.EJUSTRETURN : -e;
  }

  /** exit (int status): only the calling thread ends; the last one ends the process. */
  // Linux kernel/exit.c: sys_exit
  long exit(SyscallContext c) {
    lifecycle.exitThread(c.proc(), WaitStatus.exited(c.int32(0)));
    return Syscall.EJUSTRETURN;
  }

  /** exit_group (int status): every thread of the process ends. */
  // Linux kernel/exit.c: sys_exit_group
  long exitGroup(SyscallContext c) {
    lifecycle.exit(c.proc(), WaitStatus.exited(c.int32(0)));
    return Syscall.EJUSTRETURN;
  }

  // kern_exit.c: sys_wait4 (pid_t pid, int *status, int options, struct rusage *ru)
  long wait4(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    int options = c.flags(2);
    long statusp = c.pointer(1);
    long rusagep = c.pointer(3);
    int allowed =
        ProcLifecycle.WNOHANG
            | ProcLifecycle.WUNTRACED
            | ProcLifecycle.WCONTINUED
            | ProcLifecycle.WALL
            | ProcLifecycle.WCLONE
            | ProcLifecycle.WNOTHREAD;
    if ((options & ~allowed) != 0) {
      return -Errno.EINVAL;
    }
    long[] target = ProcLifecycle.waitTarget(c.pid(0));
    ProcLifecycle.Waitable w =
        lifecycle.findWaitable(p, (int) target[0], target[1], options | ProcLifecycle.WEXITED);
    if (w == null) {
      if ((options & ProcLifecycle.WNOHANG) != 0) {
        return 0;
      }
      sched.sleep(p, p.childChannel(), -1);
      return Syscall.ERESTART;
    }
    Proc z = w.task();
    int status = w.stopped() ? (w.stopCode() << 8) | 0x7f : z.exitStatus();
    if (statusp != 0 && c.mem().writeInt(statusp, status) != 0) {
      return -Errno.EFAULT;
    }
    if (rusagep != 0 && Rusage.ofInstructions(z.instructions()).write(c.mem(), rusagep) != 0) {
      return -Errno.EFAULT;
    }
    if (w.stopped()) {
      Ptrace.stopReported(z); // wait_task_stopped
      return z.tid();
    }
    int id = Ptrace.isThreadZombie(z) ? z.tid() : z.pid(); // a traced thread: its tid
    lifecycle.collect(z);
    return id;
  }

  // kern_exit.c: sys_waitid (int which, pid_t pid, siginfo_t *infop, int options, rusage *ru)
  long waitid(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    int idtype = c.int32(0);
    int id = c.pid(1);
    long infop = c.pointer(2);
    int options = c.flags(3);
    long rusagep = c.pointer(4);
    if (idtype != ProcLifecycle.P_ALL
        && idtype != ProcLifecycle.P_PID
        && idtype != ProcLifecycle.P_PGID) {
      return -Errno.EINVAL;
    }
    int allowed =
        ProcLifecycle.WNOHANG
            | ProcLifecycle.WEXITED
            | ProcLifecycle.WUNTRACED
            | ProcLifecycle.WCONTINUED
            | ProcLifecycle.WNOWAIT
            | ProcLifecycle.WALL
            | ProcLifecycle.WCLONE
            | ProcLifecycle.WNOTHREAD;
    if ((options & ~allowed) != 0
        || (options & (ProcLifecycle.WEXITED | ProcLifecycle.WUNTRACED | ProcLifecycle.WCONTINUED))
            == 0) {
      return -Errno.EINVAL;
    }
    ProcLifecycle.Waitable w = lifecycle.findWaitable(p, idtype, id, options);
    if (w == null) {
      if ((options & ProcLifecycle.WNOHANG) != 0) {
        if (infop != 0 && c.mem().write(infop, new byte[32]) != 0) {
          return -Errno.EFAULT;
        }
        return 0;
      }
      sched.sleep(p, p.childChannel(), -1);
      return Syscall.ERESTART;
    }
    Proc z = w.task();
    SigInfo info;
    if (w.stopped()) {
      // wait_task_stopped: CLD_TRAPPED with the whole stop code as si_status
      info = new SigInfo(Signals.SIGCHLD, Ptrace.CLD_TRAPPED, z.tid(), Kernel.UID, w.stopCode(), 0);
    } else {
      int st = z.exitStatus();
      boolean exited = WaitStatus.isExited(st);
      info =
          new SigInfo(
              Signals.SIGCHLD,
              exited ? SigInfo.CLD_EXITED : SigInfo.CLD_KILLED,
              Ptrace.isThreadZombie(z) ? z.tid() : z.pid(),
              Kernel.UID,
              exited ? WaitStatus.exitCode(st) : WaitStatus.termSig(st),
              0);
    }
    if (infop != 0 && c.mem().write(infop, info.toBytes()) != 0) {
      return -Errno.EFAULT;
    }
    if (rusagep != 0 && Rusage.ofInstructions(z.instructions()).write(c.mem(), rusagep) != 0) {
      return -Errno.EFAULT;
    }
    if (w.stopped()) {
      if ((options & ProcLifecycle.WNOWAIT) == 0) {
        Ptrace.stopReported(z);
      }
      return 0;
    }
    if ((options & ProcLifecycle.WNOWAIT) == 0) {
      lifecycle.collect(z);
    }
    return 0;
  }

  // kern_resource.c: sys_getrusage (int who)
  long getrusage(SyscallContext c) {
    int who = c.int32(0);
    if (who != 0 && who != -1 && who != 1) {
      return -Errno.EINVAL;
    }
    // RUSAGE_SELF (0): the process (every thread); RUSAGE_THREAD (1): the calling thread
    long ins =
        who == -1
            ? c.proc().childInstructions()
            : who == 0 ? c.proc().processInstructions() : c.proc().instructions();
    return -Rusage.ofInstructions(ins).write(c.mem(), c.pointer(1));
  }

  long getpid(SyscallContext c) {
    return c.proc().pid();
  }

  long getppid(SyscallContext c) {
    return c.proc().ppid();
  }

  /** getpgrp: every process is in process group 1. */
  long getpgrp(SyscallContext c) {
    return 1;
  }

  /** getpgid and getsid (pid_t pid): 1 for any existing process, ESRCH otherwise. */
  long groupOf(SyscallContext c) {
    Proc p = c.proc();
    int pid = c.pid(0);
    if (pid == 0 || pid == p.pid()) {
      return 1;
    }
    return procs.find(pid) == null ? -Errno.ESRCH : 1;
  }

  long setTidAddress(SyscallContext c) {
    c.proc().setClearChildTid(c.pointer(0));
    return c.proc().tid();
  }

  long gettid(SyscallContext c) {
    return c.proc().tid();
  }

  long schedYield(SyscallContext c) {
    sched.requestYield();
    return 0;
  }

  // arch/x86/kernel/process_64.c: do_arch_prctl_64 (int option, unsigned long arg2)
  long archPrctl(SyscallContext c) {
    int code = c.int32(0);
    long addr = c.raw(1);
    switch (code) {
      case ARCH_SET_FS:
      case ARCH_SET_GS:
        if (addr < 0 || addr >= USER_LIMIT) {
          return -Errno.EPERM;
        }
        cpu.setReg(code == ARCH_SET_FS ? Reg.FS_BASE : Reg.GS_BASE, addr);
        return 0;
      case ARCH_GET_FS:
      case ARCH_GET_GS:
        long v = cpu.reg(code == ARCH_GET_FS ? Reg.FS_BASE : Reg.GS_BASE);
        return -c.mem().writeLong(addr, v);
      default:
        return -Errno.EINVAL;
    }
  }
}
