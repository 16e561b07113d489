package org.uvm4j.kernel;

import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * Process creation, exit and reaping ({@code kern_fork.c}: {@code fork1}; {@code kern_exit.c}:
 * {@code exit1}, {@code proc_reap}, {@code do_sys_wait}).
 *
 * <p>Invariants kept: a child is in its parent's {@code children} list from fork until reaped; when
 * a process exits its children go to pid 1 (or, if pid 1 is gone, to nobody and are reaped by the
 * kernel when they exit); a zombie keeps only its wait status.
 */
public final class ProcLifecycle {
  private static final Logger log = LogManager.getLogger("kern.proc");

  /** wait4 options. */
  public static final int WNOHANG = 1;

  public static final int WUNTRACED = 2;
  public static final int WEXITED = 4;
  public static final int WCONTINUED = 8;
  public static final int WNOWAIT = 0x01000000;
  public static final int WNOTHREAD = 0x20000000;
  public static final int WALL = 0x40000000;
  public static final int WCLONE = 0x80000000;

  private final Scheduler sched;
  private final ProcTable procs;
  private final Cpu cpu;
  private final KernelCounters counters;
  private final SignalDelivery signals;
  private final ExitMaps maps;
  private final ProcEvents events;

  ProcLifecycle(
      Scheduler sched,
      ProcTable procs,
      Cpu cpu,
      KernelCounters counters,
      SignalDelivery signals,
      ExitMaps maps,
      ProcEvents events) {
    this.sched = sched;
    this.procs = procs;
    this.cpu = cpu;
    this.counters = counters;
    this.signals = signals;
    this.maps = maps;
    this.events = events;
  }

  /**
   * fork1 for fork(2) and vfork(2): {@link #clone} with {@link CloneArgs#fork()} or {@link
   * CloneArgs#vfork()} and the child's stack pointer {@code stack} (0: the parent's).
   */
  public int fork(Proc p, boolean vfork, long stack) throws UvmException {
    CloneArgs a = vfork ? CloneArgs.vfork() : CloneArgs.fork();
    return clone(p, new CloneArgs(a.flags(), a.exitSignal(), stack, 0, 0, 0));
  }

  /**
   * fork1: a child of {@code p} (which is loaded in the machine, inside its fork/vfork/clone
   * syscall). The child's registers are the parent's with RAX = 0, RSP = {@code a.stack()} when
   * given and FS base = {@code a.tls()} with {@code CLONE_SETTLS}. With {@code CLONE_VM} it shares
   * the parent's address space ({@code uvmspace_share}), otherwise it gets a copy by inheritance
   * ({@code uvmspace_fork}); with {@code CLONE_VFORK} the parent waits until the child execs or
   * exits. {@code CLONE_PARENT_SETTID} writes the child's pid into the parent's memory, {@code
   * CLONE_CHILD_SETTID} into the child's; {@code CLONE_CHILD_CLEARTID} makes that word the one
   * cleared at the child's exit. The flags were checked by the syscall edge.
   *
   * @return the child's pid
   * @throws UvmException ENOMEM when the address space could not be copied, EAGAIN when pids ran
   *     out
   */
  // kern_fork.c: fork1 (Linux kernel/fork.c: kernel_clone, copy_process)
  public int clone(Proc p, CloneArgs a) throws UvmException {
    Machine m = cpu.machine();
    boolean vfork = a.has(CloneArgs.CLONE_VFORK);
    Vmspace cvm;
    if (a.has(CloneArgs.CLONE_VM)) {
      cvm = p.vm; // uvm_map.c: uvmspace_share
      cvm.reference();
    } else {
      cvm = p.vm.fork(); // the child's map inherits mlockall(MCL_FUTURE)
    }
    if (!p.rlimits.allows(ResourceLimits.RLIMIT_NPROC, procs.liveCount() + 1L)) {
      cvm.free(); // RLIMIT_NPROC: that many processes already live (one user: all of them)
      throw new UvmException(Errno.EAGAIN);
    }
    Proc c = procs.allocate();
    if (c == null) {
      cvm.free();
      throw new UvmException(Errno.EAGAIN);
    }
    c.rlimits = p.rlimits.copy();
    c.parent = p;
    p.children.add(c);
    c.comm = p.comm;
    c.dumpable = p.dumpable;
    c.noNewPrivs = p.noNewPrivs; // PR_SET_PDEATHSIG is not inherited (copy_process clears it)
    c.vm = cvm;
    c.files = p.files.fork();
    c.sig = p.sig.forkCopy();
    c.exitSignal = a.exitSignal();
    c.ctx = m.newContext();
    m.save(c.ctx);
    c.ctx.setReg(Reg.RAX, 0);
    if (a.stack() != 0) {
      c.ctx.setReg(Reg.RSP, a.stack());
    }
    if (a.has(CloneArgs.CLONE_SETTLS)) {
      c.ctx.setReg(Reg.FS_BASE, a.tls());
    }
    if (a.has(CloneArgs.CLONE_CHILD_CLEARTID)) {
      c.clearChildTid = a.childTid();
    }
    // as Linux, a word that cannot be written is ignored (the child runs anyway)
    if (a.has(CloneArgs.CLONE_CHILD_SETTID)) {
      putTid(cvm, a.childTid(), c.pid);
    }
    if (a.has(CloneArgs.CLONE_PARENT_SETTID)) {
      putTid(p.vm, a.parentTid(), c.pid);
    }
    KernelCounters k = counters;
    if (vfork) {
      k.vforks++;
      c.vforkParent = p;
      sched.vforkWait(p);
    } else {
      k.forks++;
    }
    sched.setRunnable(c);
    events.fork(p.pid, c.pid);
    if (log.isDebugEnabled()) {
      log.debug("{} {} {}", p, vfork ? "vforked" : "forked", c);
    }
    return c.pid;
  }

  /** Stores a 32-bit tid at {@code va} in {@code vm}; false when it cannot be written. */
  static boolean putTid(Vmspace vm, long va, int tid) {
    byte[] b = {(byte) tid, (byte) (tid >>> 8), (byte) (tid >>> 16), (byte) (tid >>> 24)};
    return vm.copyout(va, b, 0, b.length) == 0;
  }

  /**
   * mm_release: the exiting {@code p} gives up its address space; when another holder remains (a
   * thread, a vfork parent), its {@code clear_child_tid} word is set to 0 so that a joiner sees it
   * (Linux clears it only then: a process alone in its memory leaves it as it was).
   */
  // Linux kernel/fork.c: mm_release
  private void releaseTidWord(Proc p) {
    long addr = p.clearChildTid;
    p.clearChildTid = 0;
    if (addr != 0 && p.vm.isShared()) {
      putTid(p.vm, addr, 0);
    }
  }

  /** A vfork child stopped borrowing its parent's space (exec or exit): the parent runs again. */
  void releaseVforkParent(Proc c) {
    Proc parent = c.vforkParent;
    c.vforkParent = null;
    if (parent != null && parent.state == ProcState.VFORK_WAIT) {
      sched.setRunnable(parent);
    }
  }

  /**
   * exit1: ends {@code p} with wait status {@code status}: closes its descriptors, frees its
   * address space, hands its children to pid 1, and becomes a zombie for its parent (or is reaped
   * at once when nobody will wait for it).
   */
  // kern_exit.c: exit1
  public void exit(Proc p, int status) {
    if (!p.isAlive()) {
      return;
    }
    if (log.isDebugEnabled()) {
      log.debug(
          "{} exits: {}",
          p,
          WaitStatus.isExited(status)
              ? "status " + WaitStatus.exitCode(status)
              : Signals.name(WaitStatus.termSig(status)));
    }
    sched.remove(p);
    if (p.vforkParent != null) {
      releaseVforkParent(p);
    }
    p.files.closeAll();
    p.files = null;
    maps.report(p);
    events.exit(p.pid, status);
    releaseTidWord(p);
    p.vm.free();
    p.vm = null;
    cpu.contextGone(p);
    p.exitStatus = status;
    p.state = ProcState.ZOMBIE;
    p.restart.clear();

    Proc init = procs.find(1);
    Proc heir = init != null && init != p && init.isAlive() ? init : null;
    for (Proc c : new ArrayList<>(p.children)) {
      p.children.remove(c);
      c.parent = heir;
      if (c.isAlive() && c.pdeathSignal != 0) {
        // forget_original_parent: PR_SET_PDEATHSIG
        signals.post(c, c.pdeathSignal, SigInfo.kernel(c.pdeathSignal));
      }
      if (heir != null) {
        heir.children.add(c);
        if (c.isZombie()) {
          sched.wakeup(heir.childChannel);
        }
      } else if (c.isZombie()) {
        reap(c);
      }
    }

    Proc parent = p.parent;
    if (parent == null) {
      if (p.pid != 1) {
        reap(p); // an orphan nobody waits for (pid 1 is kept for Kernel.run's status)
      }
      return;
    }
    int exitSig = p.exitSignal;
    SigAction chld = parent.sig.action(Signals.SIGCHLD);
    if (exitSig == Signals.SIGCHLD && (chld.isIgnore() || chld.has(Signals.SA_NOCLDWAIT))) {
      reap(p); // SIGCHLD ignored: no zombie (POSIX.1-2001)
      sched.wakeup(parent.childChannel);
      return;
    }
    if (exitSig == 0) {
      sched.wakeup(parent.childChannel); // clone with exit signal 0: the parent is only woken
      return;
    }
    boolean killed = !WaitStatus.isExited(status);
    SigInfo info =
        new SigInfo(
            exitSig,
            killed ? SigInfo.CLD_KILLED : SigInfo.CLD_EXITED,
            p.pid,
            0,
            killed ? WaitStatus.termSig(status) : WaitStatus.exitCode(status),
            0);
    signals.post(parent, exitSig, info);
    sched.wakeup(parent.childChannel);
  }

  /** proc_reap: a zombie leaves its parent's list and the process table. */
  // kern_exit.c: proc_reap
  void reap(Proc c) {
    if (c.parent != null) {
      c.parent.children.remove(c);
      c.parent = null;
    }
    procs.remove(c);
  }

  /** The children of {@code p} a wait for {@code idtype}/{@code id} may collect. */
  private static List<Proc> matching(Proc p, int idtype, long id, int options) {
    List<Proc> out = new ArrayList<>();
    for (Proc c : p.children) {
      // eligible_child: a "clone" child (exit signal other than SIGCHLD) only with __WCLONE, the
      // others only without it; __WALL takes both
      if ((options & WALL) == 0 && (c.exitSignal != Signals.SIGCHLD) != ((options & WCLONE) != 0)) {
        continue;
      }
      boolean match =
          switch (idtype) {
            case P_ALL -> true;
            case P_PID -> c.pid == id;
            // every process is in process group 1 (no setpgid/setsid)
            case P_PGID -> id == 1;
            default -> false;
          };
      if (match) {
        out.add(c);
      }
    }
    return out;
  }

  public static final int P_ALL = 0;
  public static final int P_PID = 1;
  public static final int P_PGID = 2;

  /** What a successful wait found. */
  public record Waited(Proc child, int status) {}

  /**
   * do_sys_wait: looks for a zombie child matching (idtype, id) and the {@code __WCLONE}/{@code
   * __WALL} bits of {@code options}.
   *
   * @return the child (still in the table), or null when matching children exist but none has
   *     exited yet
   * @throws UvmException ECHILD when there is no matching child at all
   */
  public Proc findZombie(Proc p, int idtype, long id, int options) throws UvmException {
    List<Proc> kids = matching(p, idtype, id, options);
    if (kids.isEmpty()) {
      throw new UvmException(Errno.ECHILD);
    }
    for (Proc c : kids) {
      if (c.isZombie()) {
        return c;
      }
    }
    return null;
  }

  /** Translates wait4's pid argument to (idtype, id). */
  public static long[] waitTarget(long pid) {
    if (pid < -1) {
      return new long[] {P_PGID, -pid};
    }
    if (pid == -1) {
      return new long[] {P_ALL, 0};
    }
    if (pid == 0) {
      return new long[] {P_PGID, 1};
    }
    return new long[] {P_PID, pid};
  }

  /** Collects a zombie found by {@link #findZombie}. */
  public void collect(Proc c) {
    if (c.parent != null) {
      // wait_task_zombie: the child's CPU time (and its reaped children's) becomes the parent's
      c.parent.childInstructions += c.instructions + c.childInstructions;
    }
    reap(c);
  }
}
