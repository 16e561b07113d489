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
  private final Futexes futexes;
  private final Ptrace ptrace;

  ProcLifecycle(
      Scheduler sched,
      ProcTable procs,
      Cpu cpu,
      KernelCounters counters,
      SignalDelivery signals,
      ExitMaps maps,
      ProcEvents events,
      Futexes futexes) {
    this.futexes = futexes;
    this.sched = sched;
    this.procs = procs;
    this.cpu = cpu;
    this.counters = counters;
    this.signals = signals;
    this.maps = maps;
    this.events = events;
    this.ptrace = new Ptrace(sched, signals, cpu);
    ptrace.bind(this);
  }

  /** Process tracing (its state lives with the processes this class creates and ends). */
  public Ptrace ptrace() {
    return ptrace;
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
   * cleared at the child's exit. With {@code CLONE_THREAD} the child is a new thread of {@code p}'s
   * process: same address space, descriptor table, signal actions and process-directed pending
   * signals, {@code p}'s blocked mask, no family of its own; otherwise it is a new process, the
   * child of {@code p}'s process (of its parent with {@code CLONE_PARENT}). The flags were checked
   * by the syscall edge.
   *
   * @return the child's pid
   * @throws UvmException ENOMEM when the address space could not be copied (or the metadata budget
   *     would not leave its reserve, {@link MetadataLimit}), EAGAIN when pids ran out
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
      if (!MetadataLimit.allowsFork(p.vm)) {
        throw new UvmException(Errno.ENOMEM); // dup_mm could not allocate: the budget is spent
      }
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
    boolean thread = a.has(CloneArgs.CLONE_THREAD);
    c.comm = p.comm;
    c.dumpable = p.dumpable;
    c.noNewPrivs = p.noNewPrivs; // PR_SET_PDEATHSIG is not inherited (copy_process clears it)
    c.mempolicy = p.mempolicy; // copy_process: mpol_dup (policies are immutable: shared)
    c.vm = cvm;
    if (thread) {
      // the syscall edge checked CLONE_SIGHAND|CLONE_VM|CLONE_FILES
      c.group = p.group;
      p.group.add(c);
      c.files = p.files;
      c.fs = p.fs; // CLONE_FS: one root, cwd and umask for the whole thread group
      c.exePath = p.exePath;
      c.sig = p.sig.threadCopy();
      c.rlimits = p.rlimits; // per process (Linux's signal_struct): shared by its threads
      c.exitSignal = -1;
    } else {
      Proc parent = a.has(CloneArgs.CLONE_PARENT) ? p.leader().parent : p.leader();
      c.parent = parent;
      if (parent != null) {
        parent.children.add(c);
      }
      c.files = p.files.fork();
      c.fs = p.fs.copy(c.pid);
      c.exePath = p.exePath;
      c.sig = p.sig.forkCopy();
      c.rlimits = p.rlimits.copy();
      c.exitSignal = a.has(CloneArgs.CLONE_PARENT) ? p.leader().exitSignal : a.exitSignal();
    }
    c.trap.copyFrom(p.trap); // arch_dup_task_struct copies thread_struct
    c.cpusAllowed = p.cpusAllowed; // dup_task_struct: the affinity mask is inherited
    c.cpu = p.cpu;
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
    } else if (thread) {
      k.threads++;
    } else {
      k.forks++;
    }
    sched.placeNew(c);
    sched.setRunnable(c);
    if (p.ptrace != null) {
      ptrace.cloned(p, c, a.flags(), thread ? -1 : c.exitSignal);
    }
    if (!thread) {
      events.fork(p.pid(), c.pid); // a thread's records carry its tid; it makes no proc record
    }
    if (log.isDebugEnabled()) {
      log.debug("{} {} {}", p, vfork ? "vforked" : thread ? "created thread" : "forked", c);
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
   * thread, a vfork parent), its {@code clear_child_tid} word is set to 0 and one waiter of that
   * futex is woken — how pthread_join learns that a thread ended (Linux clears it only then: a
   * process alone in its memory leaves it as it was).
   */
  // Linux kernel/fork.c: mm_release
  private void releaseTidWord(Proc p) {
    long addr = p.clearChildTid;
    p.clearChildTid = 0;
    if (addr != 0 && p.vm.isShared() && putTid(p.vm, addr, 0)) {
      try {
        futexes.wake(Futexes.key(p.vm, addr, false), 1, Futexes.MATCH_ANY);
      } catch (UvmException e) {
        // the word was just written, so it is mapped; nothing to wake otherwise
      }
    }
  }

  /**
   * exec_mm_release: {@code p} (now its process's only thread) is about to leave its old image; the
   * robust mutexes it still holds there are marked OWNER_DIED for whoever shares them.
   */
  // Linux kernel/fork.c: exec_mm_release
  void execRelease(Proc p) {
    RobustList.exit(p, p.vm, futexes);
    p.robustListHead = 0;
    p.robustListLen = 0;
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
   * The thread {@code t} ends (its own exit, or its group's): it leaves the scheduler, its futex
   * queue and its group, clears its {@code clear_child_tid} word, drops its reference to the
   * address space and its CPU context. The group's shared state (descriptors, signal actions) is
   * left to the group. A thread other than the leader leaves the task table at once (threads reap
   * themselves); the leader stays as the process's zombie-to-be.
   */
  // Linux kernel/exit.c: do_exit (per-task part)
  private void threadGone(Proc t, int status) {
    if (t.tracees != null) {
      ptrace.tracerGone(t); // exit_ptrace
    }
    boolean tracedThread = Ptrace.isTraced(t) && t != t.group.leader();
    sched.remove(t);
    futexes.cancel(t);
    if (t.vforkParent != null) {
      releaseVforkParent(t);
    }
    RobustList.exit(t, t.vm, futexes); // mm_release: futex_exit_release before clear_child_tid
    releaseTidWord(t);
    t.vm.free();
    t.vm = null;
    t.files = null;
    cpu.contextGone(t);
    t.restart.clear();
    t.exitStatus = status;
    t.state = ProcState.ZOMBIE;
    t.group.remove(t);
    if (t != t.group.leader()) {
      t.group.leader().instructions += t.instructions; // the process's CPU time keeps it
      if (tracedThread) {
        // exit_notify: a traced thread's exit goes to its tracer, whose wait reaps it
        Proc tracer = t.ptrace.tracer;
        signals.post(tracer, Signals.SIGCHLD, childInfo(Signals.SIGCHLD, t));
        sched.wakeup(tracer.childChannel());
      } else {
        procs.remove(t); // threads reap themselves
      }
    }
  }

  /**
   * exit(2) of one thread: when other threads of its process remain, only {@code p} ends (the
   * leader stays a zombie thread until the last one ends); the last thread ends the process with
   * {@code status} as {@link #exit} does.
   */
  // Linux kernel/exit.c: sys_exit
  public void exitThread(Proc p, int status) {
    if (!p.isAlive()) {
      return;
    }
    if (p.group.size() == 1) {
      exitProcess(p, status, false);
      return;
    }
    if (log.isDebugEnabled()) {
      log.debug("{} exits (thread): status {}", p, WaitStatus.exitCode(status));
    }
    threadGone(p, status);
  }

  /**
   * exit1 / exit_group: ends the process {@code p} belongs to with wait status {@code status}:
   * every thread ends, the descriptors close, the address space is released, its children go to pid
   * 1, and the leader becomes a zombie for its parent (or is reaped at once when nobody will wait
   * for it). A fatal signal, the OOM killer and exit_group come here.
   */
  // kern_exit.c: exit1; Linux kernel/exit.c: do_group_exit
  public void exit(Proc p, int status) {
    exitProcess(p, status, true);
  }

  /**
   * The process ends: by exit_group or a signal ({@code group}: its status is the process's), or
   * because its last thread called exit(2) (the process's status is then the leader's own, as
   * Linux's wait_task_zombie reports it).
   */
  private void exitProcess(Proc p, int status, boolean group) {
    Threads g = p.group;
    if (!g.isAlive()) {
      return;
    }
    Proc last = p.isAlive() ? p : g.live().get(g.size() - 1);
    if (log.isDebugEnabled()) {
      log.debug(
          "{} exits: {}",
          last,
          WaitStatus.isExited(status)
              ? "status " + WaitStatus.exitCode(status)
              : Signals.name(WaitStatus.termSig(status)));
    }
    if (group) {
      g.groupExit = true;
    }
    if (g.size() > 1) {
      for (Proc t : new ArrayList<>(g.live())) {
        if (t != last) {
          threadGone(t, status);
        }
      }
    }
    Proc leader = g.leader();
    var files = last.files;
    maps.report(last);
    events.exit(leader.pid, status);
    threadGone(last, status);
    files.closeAll();
    if (g.groupExit || leader == last) {
      leader.exitStatus = status;
    }
    leader.state = ProcState.ZOMBIE;
    sched.cancelAlarm(leader);
    p = leader;

    Proc init = procs.find(1);
    Proc heir = init != null && init != p && init.group.isAlive() ? init : null;
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

    PtraceState pt = p.ptrace;
    if (pt != null
        && pt.tracer != null
        && (p.parent == null || pt.tracer.group != p.parent.group)) {
      // exit_notify: a tracee's exit goes to its tracer first; the parent hears of it when the
      // tracer has collected it (or detached)
      Proc tracer = pt.tracer;
      signals.post(tracer, Signals.SIGCHLD, childInfo(Signals.SIGCHLD, p));
      sched.wakeup(tracer.childChannel());
      return;
    }
    notifyParent(p, pt != null && pt.tracer != null);
  }

  /** The siginfo of SIGCHLD (or another exit signal) for the exit of zombie {@code p}. */
  private static SigInfo childInfo(int sig, Proc p) {
    int status = p.exitStatus;
    boolean killed = !WaitStatus.isExited(status);
    return new SigInfo(
        sig,
        killed ? SigInfo.CLD_KILLED : SigInfo.CLD_EXITED,
        p.pid,
        0,
        killed ? WaitStatus.termSig(status) : WaitStatus.exitCode(status),
        0);
  }

  /**
   * do_notify_parent: the zombie {@code p} is announced to its parent (its exit signal, a wakeup)
   * or reaped at once when nobody will wait for it; a process traced by its parent is not reaped
   * that way ({@code traced}), its tracer collects it.
   */
  // Linux kernel/signal.c: do_notify_parent
  private void notifyParent(Proc p, boolean traced) {
    Proc parent = p.parent;
    if (parent == null) {
      if (p.pid != 1) {
        reap(p); // an orphan nobody waits for (pid 1 is kept for Kernel.run's status)
      }
      return;
    }
    int exitSig = p.exitSignal;
    SigAction chld = parent.sig.action(Signals.SIGCHLD);
    if (!traced
        && exitSig == Signals.SIGCHLD
        && (chld.isIgnore() || chld.has(Signals.SA_NOCLDWAIT))) {
      reap(p); // SIGCHLD ignored: no zombie (POSIX.1-2001)
      sched.wakeup(parent.childChannel);
      return;
    }
    if (exitSig == 0) {
      sched.wakeup(parent.childChannel); // clone with exit signal 0: the parent is only woken
      return;
    }
    signals.post(parent, exitSig, childInfo(exitSig, p));
    sched.wakeup(parent.childChannel);
  }

  /**
   * A zombie that its tracer (not its parent) collected, or whose tracer went away: its parent is
   * told now (wait_task_zombie / __ptrace_detach).
   */
  void tracedZombieReleased(Proc z) {
    notifyParent(z, false);
  }

  /** A traced thread's zombie whose tracer went away: it leaves the task table. */
  void threadZombieReleased(Proc t) {
    procs.remove(t);
  }

  /**
   * execve from a thread (Linux's de_thread): every other thread of the process ends; a thread that
   * is not the leader takes over the leader's pid, parent and children, and the old leader
   * disappears. Called at exec's point of no return.
   */
  // Linux fs/exec.c: de_thread
  void deThread(Proc p) {
    Threads g = p.group;
    if (g.size() == 1 && g.leader() == p) {
      return;
    }
    for (Proc t : new ArrayList<>(g.live())) {
      if (t != p) {
        threadGone(t, WaitStatus.signaled(Signals.SIGKILL));
      }
    }
    Proc leader = g.leader();
    if (leader == p) {
      return;
    }
    if (leader.ptrace != null) {
      ptrace.unlink(leader, 0); // the old leader disappears; its tracer no longer sees it
    }
    procs.takeOver(p, leader);
    p.group = new Threads(p);
    p.parent = leader.parent;
    if (p.parent != null) {
      List<Proc> sib = p.parent.children;
      sib.set(sib.indexOf(leader), p);
    }
    leader.parent = null;
    for (Proc c : leader.children) {
      c.parent = p;
      p.children.add(c);
    }
    leader.children.clear();
    p.exitSignal = leader.exitSignal;
    if (leader.alarmAt >= 0) {
      sched.setAlarm(p, leader.alarmAt, leader.alarmInterval);
      sched.cancelAlarm(leader);
    }
  }

  /** proc_reap: a zombie leaves its parent's list and the process table. */
  // kern_exit.c: proc_reap
  void reap(Proc c) {
    if (c.ptrace != null) {
      ptrace.unlink(c, 0);
    }
    if (c.parent != null) {
      c.parent.children.remove(c);
      c.parent = null;
    }
    procs.remove(c);
  }

  /**
   * What a wait of {@code p}'s process may look at, in order: its children, then the tasks its
   * threads trace that are not its children (Linux's do_wait_thread, then ptrace_do_wait).
   */
  private static List<Proc> waitCandidates(Proc p) {
    List<Proc> kids = p.children();
    List<Proc> out = new ArrayList<>(kids);
    for (Proc t : p.group.live()) {
      if (t.tracees != null) {
        for (Proc c : t.tracees) {
          if (!out.contains(c)) {
            out.add(c);
          }
        }
      }
    }
    return out;
  }

  private static boolean matches(Proc c, int idtype, long id) {
    return switch (idtype) {
      case P_ALL -> true;
      case P_PID -> c.pid == id;
      // every process is in process group 1 (no setpgid/setsid)
      case P_PGID -> id == 1;
      default -> false;
    };
  }

  public static final int P_ALL = 0;
  public static final int P_PID = 1;
  public static final int P_PGID = 2;

  /** What a successful wait found. */
  public record Waited(Proc child, int status) {}

  /**
   * What a wait found: a zombie to collect ({@code stopCode} 0), or a ptrace stop of a tracee to
   * report as {@code (stopCode << 8) | 0x7f}.
   */
  public record Waitable(Proc task, int stopCode) {
    public boolean stopped() {
      return stopCode != 0;
    }
  }

  /**
   * do_wait: looks for a child (or tracee) matching (idtype, id) and the {@code __WCLONE}/{@code
   * __WALL} bits of {@code options} that has exited (with {@code WEXITED}) or, traced by {@code
   * p}'s process, is in a ptrace stop no wait reported yet. A tracee is eligible whatever its exit
   * signal; a zombie child traced by another process is left to its tracer.
   *
   * @return what was found, or null when matching children exist but none is ready
   * @throws UvmException ECHILD when there is no matching child or tracee at all
   */
  // Linux kernel/exit.c: do_wait, wait_consider_task
  public Waitable findWaitable(Proc p, int idtype, long id, int options) throws UvmException {
    boolean any = false;
    for (Proc c : waitCandidates(p)) {
      boolean tracedByUs = Ptrace.tracedBy(c, p);
      // eligible_child: a "clone" child (exit signal other than SIGCHLD) only with __WCLONE, the
      // others only without it; __WALL takes both, and so does tracing
      if (!tracedByUs
          && (options & WALL) == 0
          && (c.exitSignal != Signals.SIGCHLD) != ((options & WCLONE) != 0)) {
        continue;
      }
      if (!matches(c, idtype, id)) {
        continue;
      }
      any = true;
      if (c.isZombie() || (tracedByUs && Ptrace.isThreadZombie(c))) {
        if ((options & WEXITED) != 0 && (tracedByUs || !Ptrace.isTraced(c))) {
          return new Waitable(c, 0);
        }
        continue;
      }
      int code = Ptrace.reportableStop(p, c);
      if (code != 0) {
        return new Waitable(c, code);
      }
    }
    if (!any) {
      throw new UvmException(Errno.ECHILD);
    }
    return null;
  }

  /**
   * do_sys_wait for zombies only ({@link #findWaitable} with {@code WEXITED}, stops ignored).
   *
   * @return the child (still in the table), or null when matching children exist but none has
   *     exited yet
   * @throws UvmException ECHILD when there is no matching child at all
   */
  public Proc findZombie(Proc p, int idtype, long id, int options) throws UvmException {
    Waitable w = findWaitable(p, idtype, id, options | WEXITED);
    return w != null && !w.stopped() ? w.task() : null;
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

  /**
   * Collects a zombie found by {@link #findWaitable}. A zombie its tracer collects that is not the
   * tracer's child goes on to its parent, which is told of it now (wait_task_zombie).
   */
  public void collect(Proc c) {
    PtraceState pt = c.ptrace;
    if (pt != null && pt.tracer != null && Ptrace.isThreadZombie(c)) {
      ptrace.unlink(c, 0);
      procs.remove(c); // a traced thread: its tracer's wait reaps it (release_task)
      return;
    }
    if (pt != null && pt.tracer != null) {
      boolean tracerIsParent = c.parent != null && c.parent.group == pt.tracer.group;
      ptrace.unlink(c, 0);
      if (!tracerIsParent) {
        tracedZombieReleased(c);
        return;
      }
    }
    if (c.parent != null) {
      // wait_task_zombie: the child's CPU time (and its reaped children's) becomes the parent's
      c.parent.childInstructions += c.instructions + c.childInstructions;
    }
    reap(c);
  }
}
