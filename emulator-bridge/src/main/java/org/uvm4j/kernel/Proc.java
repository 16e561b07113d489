package org.uvm4j.kernel;

import java.util.ArrayList;
import java.util.List;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.kernel.fs.FsContext;
import org.uvm4j.kernel.fs.WaitChannel;
import org.uvm4j.kernel.mempolicy.MemPolicy;
import org.uvm4j.machine.CpuContext;
import org.uvm4j.uvm.map.Vmspace;

/**
 * A task: one thread of a process (Linux's {@code task_struct}; NetBSD's LWP with the {@code struct
 * proc} fields it shares reached through its {@link Threads} group). The scheduler runs tasks.
 * {@link #tid()} is the thread id; {@link #pid()} is the process id, the tid of the group's leader.
 * A single-threaded process is one task whose tid is its pid. Per task: tid, CPU context (FS base
 * included), blocked mask and thread-directed pending signals, {@code clear_child_tid}, restart
 * block, sleep state. Shared by the group (same objects): address space (each task holds a
 * reference), descriptor table, signal actions and process-directed pending signals; kept by the
 * leader: parent, children, wait status.
 *
 * <p>Invariants: a live task ({@link ProcState#RUNNABLE}, {@link ProcState#SLEEPING}, {@link
 * ProcState#VFORK_WAIT}) has a vmspace and a file table and is in its group's {@link
 * Threads#live()}; an exited task has neither; a zombie process (the leader, once the whole group
 * exited) holds the wait status; a child's {@link #parent} (a leader) lists it in {@link
 * #children}.
 */
public final class Proc {
  /** The tid (for the leader also the pid); a thread that execs takes over its leader's. */
  int pid;

  /** The thread group; a single-threaded process is a group of one. */
  Threads group;

  Proc parent;
  final List<Proc> children = new ArrayList<>();
  ProcState state = ProcState.RUNNABLE;
  String comm;

  CpuContext ctx;
  Vmspace vm;
  FileTable files;
  SignalState sig;

  /** Root, working directory and umask (see {@link FsContext}). */
  FsContext fs;

  /** The guest path of the running program (/proc/PID/exe). */
  String exePath;

  /** The argument and environment strings of the last exec, NUL-terminated (/proc/PID/cmdline). */
  byte[] cmdline;

  byte[] environ;

  /** Wait status once a zombie. */
  int exitStatus;

  /** The channel a SLEEPING process waits on, or null for a pure timed sleep. */
  WaitChannel wchan;

  /** Virtual-time deadline (ns) of a timed sleep, or -1. */
  long wakeAt = -1;

  /** Set when the sleep ended because a signal arrived rather than by wakeup or timeout. */
  boolean sleepInterrupted;

  /** The restartable syscall this process is in, if any (see {@link RestartBlock}). */
  final RestartBlock restart = new RestartBlock();

  /** A vfork child's parent, while it still borrows the parent's address space. */
  Proc vforkParent;

  /** The futex this task waits on, or null (see {@link Futexes}). */
  Futexes.Waiter futexWait;

  /** set_tid_address / CLONE_CHILD_CLEARTID: cleared (and futex-woken) at exit. */
  long clearChildTid;

  /** The signal the parent gets when this process ends (clone's CSIGNAL; 0: none). */
  int exitSignal = Signals.SIGCHLD;

  /** ITIMER_REAL: virtual time (ns) of the next SIGALRM, or -1; and its period (0: one shot). */
  long alarmAt = -1;

  long alarmInterval;

  /** Instructions this process retired (its CPU time at 1 ns per instruction). */
  long instructions;

  /** set_robust_list: the head the guest registered and its length (0: none). */
  long robustListHead;

  long robustListLen;

  /** prctl(PR_SET_PDEATHSIG): the signal sent when the parent exits (0: none). */
  int pdeathSignal;

  /** prctl(PR_SET_DUMPABLE): 1 (default) or 0. */
  int dumpable = 1;

  /** prctl(PR_SET_NO_NEW_PRIVS): sticky once set, inherited. */
  boolean noNewPrivs;

  /**
   * set_mempolicy: this task's memory policy, null for the default; per task, inherited by threads
   * and children (copy_process's mpol_dup), kept across exec.
   */
  MemPolicy mempolicy;

  /** Instructions retired by the children this process reaped (and by theirs): times, getrusage. */
  long childInstructions;

  /** getrlimit/setrlimit: inherited across fork and exec. */
  ResourceLimits rlimits = ResourceLimits.defaults();

  /**
   * CPU seconds at which the next SIGXCPU is due (RLIMIT_CPU soft limit), or -1 before the first.
   */
  long nextXcpuSecond = -1;

  /**
   * The ptrace state while this task is traced (or finishing a system call its tracer stopped it
   * in), else null: the one field the system call path looks at for an untraced task.
   */
  PtraceState ptrace;

  /** The tasks this task traces (Linux's {@code ptraced} list), or null before its first. */
  List<Proc> tracees;

  /**
   * The virtual CPU the task is on ({@code task_cpu}): the one it runs on while it runs, else the
   * one whose run queue it waits in or last ran on. Always in {@link #cpusAllowed} (the {@link
   * Scheduler} moves it when the mask changes). Changed only by the scheduler.
   */
  int cpu;

  /**
   * The CPUs the task may run on ({@code cpus_mask}, sched_setaffinity), kept per task and
   * inherited by clone and fork; null until the scheduler first queues it (then every online CPU).
   */
  CpuMask cpusAllowed;

  /** The last CPU exception's trap number, error code and CR2 (every signal frame shows them). */
  final TrapState trap = new TrapState();

  /** Channel the parent sleeps on in wait4/waitid. */
  final WaitChannel childChannel;

  Proc(int pid) {
    this.pid = pid;
    this.childChannel = new WaitChannel("wait:" + pid);
    this.group = new Threads(this);
  }

  /** This task's memory policy (set_mempolicy), null for the default policy. */
  public MemPolicy mempolicy() {
    return mempolicy;
  }

  /** Sets this task's memory policy (null: the default). */
  public void setMempolicy(MemPolicy policy) {
    mempolicy = policy;
  }

  /**
   * Linux's {@code ptrace_may_access} of {@code target} by this task, as {@code migrate_pages} and
   * {@code move_pages} ask it ({@code PTRACE_MODE_READ_REALCREDS}): see {@link PtraceAccess}; a
   * target without an address space (a zombie) passes the dumpable check, as Linux's with no mm.
   */
  public boolean mayAccessMemoryOf(Proc target) {
    return target.vm == null || PtraceAccess.mayAttach(this, target);
  }

  /** The process's resource limits (getrlimit/setrlimit/prlimit64). */
  public ResourceLimits rlimits() {
    return rlimits;
  }

  /** True if RLIMIT_CPU is finite: its runs are cut into slices so that its clock is looked at. */
  boolean cpuLimited() {
    return rlimits.cpuLimited();
  }

  /** The state of the restartable syscall the process is in. */
  public RestartBlock restart() {
    return restart;
  }

  /** The virtual time of the pending alarm, or -1. */
  public long alarmAt() {
    return alarmAt;
  }

  /** The alarm's period in ns (0 for a one-shot alarm). */
  public long alarmInterval() {
    return alarmInterval;
  }

  /** set_tid_address's pointer. */
  public void setClearChildTid(long addr) {
    clearChildTid = addr;
  }

  /** This thread's CPU time: instructions retired, 1 ns each. */
  public long instructions() {
    return instructions;
  }

  /**
   * The process's CPU time: its live threads' and (kept by the leader) those of the threads that
   * ended.
   */
  public long processInstructions() {
    Proc leader = group.leader();
    long sum = leader.instructions;
    for (Proc t : group.live()) {
      if (t != leader) {
        sum += t.instructions;
      }
    }
    return sum;
  }

  /** What the process sleeps on in wait4/waitid (its children's exits wake it): the leader's. */
  public WaitChannel childChannel() {
    return group.leader().childChannel;
  }

  /** The process id (the thread group id). */
  public int pid() {
    return group.tgid();
  }

  /** The thread id. */
  public int tid() {
    return pid;
  }

  /** The thread group. */
  public Threads threads() {
    return group;
  }

  /** The leader of the process (its pid is the process id). */
  public Proc leader() {
    return group.leader();
  }

  /** The parent process (its leader), or null. */
  public Proc parent() {
    return group.leader().parent;
  }

  /** getppid: the parent's pid, or 0 when the process has none. */
  public int ppid() {
    Proc par = parent();
    return par == null ? 0 : par.pid;
  }

  /** The virtual CPU the task is on ({@code task_cpu}; see {@link Scheduler}). */
  public int cpu() {
    return cpu;
  }

  /** The CPUs the task may run on (its affinity mask), or null before it was first queued. */
  public CpuMask cpusAllowed() {
    return cpusAllowed;
  }

  /** The ptrace state (null when not traced). */
  public PtraceState ptrace() {
    return ptrace;
  }

  public ProcState state() {
    return state;
  }

  public Vmspace vm() {
    return vm;
  }

  public FileTable files() {
    return files;
  }

  /** The process's root, working directory and umask. */
  public FsContext fs() {
    return fs;
  }

  /** The guest path of the program it runs (what /proc/PID/exe points at). */
  public String exePath() {
    return exePath;
  }

  public SignalState signals() {
    return sig;
  }

  public CpuContext context() {
    return ctx;
  }

  public int exitStatus() {
    return exitStatus;
  }

  public String comm() {
    return comm;
  }

  /** prctl(PR_SET_NAME): the thread name, at most 15 bytes (TASK_COMM_LEN - 1) in Linux. */
  public void setComm(String name) {
    this.comm = name;
  }

  /** set_robust_list: records the list head (cleared by execve, released at exit). */
  public void setRobustList(long head, long len) {
    this.robustListHead = head;
    this.robustListLen = len;
  }

  public long robustListHead() {
    return robustListHead;
  }

  public long robustListLen() {
    return robustListLen;
  }

  public int pdeathSignal() {
    return pdeathSignal;
  }

  public void setPdeathSignal(int sig) {
    this.pdeathSignal = sig;
  }

  public int dumpable() {
    return dumpable;
  }

  public void setDumpable(int d) {
    this.dumpable = d;
  }

  public boolean noNewPrivs() {
    return noNewPrivs;
  }

  public void setNoNewPrivs() {
    this.noNewPrivs = true;
  }

  /** Instructions of reaped children (their CPU time for times() and RUSAGE_CHILDREN). */
  public long childInstructions() {
    return childInstructions;
  }

  /** The process's children (kept by the leader). */
  public List<Proc> children() {
    return group.leader().children;
  }

  /** True while it can run or is waiting (not a zombie, not reaped). */
  public boolean isAlive() {
    return state == ProcState.RUNNABLE
        || state == ProcState.SLEEPING
        || state == ProcState.VFORK_WAIT
        || state == ProcState.TRACED;
  }

  /** A zombie process: the leader once every thread of the group has exited. */
  public boolean isZombie() {
    return state == ProcState.ZOMBIE && !group.isAlive();
  }

  @Override
  public String toString() {
    return group == null || group.leader() == this
        ? "pid " + pid + " (" + comm + ")"
        : "tid " + pid + " of pid " + group.tgid() + " (" + comm + ")";
  }
}
