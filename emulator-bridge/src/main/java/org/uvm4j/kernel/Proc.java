package org.uvm4j.kernel;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.kernel.fs.WaitChannel;
import org.uvm4j.machine.CpuContext;
import org.uvm4j.uvm.map.Vmspace;

/**
 * A process ({@code struct proc} with its single LWP): pid, family, CPU context, address space,
 * descriptors, signal state and exit status. Single-threaded: the pid is also the tid.
 *
 * <p>Invariants: a live process ({@link ProcState#RUNNABLE}, {@link ProcState#SLEEPING}, {@link
 * ProcState#VFORK_WAIT}) has a vmspace and a file table; a zombie has neither and holds its wait
 * status; a child's {@link #parent} lists it in {@link #children}.
 */
public final class Proc {
  final int pid;
  Proc parent;
  final List<Proc> children = new ArrayList<>();
  ProcState state = ProcState.RUNNABLE;
  String comm;

  CpuContext ctx;
  Vmspace vm;
  FileTable files;
  SignalState sig;

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

  /** set_tid_address / CLONE_CHILD_CLEARTID: cleared (and futex-woken) at exit. */
  long clearChildTid;

  /** The signal the parent gets when this process ends (clone's CSIGNAL; 0: none). */
  int exitSignal = Signals.SIGCHLD;

  /** FPU/SSE snapshots of the signal frames on the stack, by frame address (see SignalDelivery). */
  final TreeMap<Long, CpuContext> sigContexts = new TreeMap<>();

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

  /** Instructions retired by the children this process reaped (and by theirs): times, getrusage. */
  long childInstructions;

  /** getrlimit/setrlimit: inherited across fork and exec. */
  ResourceLimits rlimits = ResourceLimits.defaults();

  /**
   * CPU seconds at which the next SIGXCPU is due (RLIMIT_CPU soft limit), or -1 before the first.
   */
  long nextXcpuSecond = -1;

  /** Channel the parent sleeps on in wait4/waitid. */
  final WaitChannel childChannel;

  Proc(int pid) {
    this.pid = pid;
    this.childChannel = new WaitChannel("wait:" + pid);
  }

  /** Frees the signal-frame snapshots (exit, exec). */
  void dropSignalContexts() {
    for (CpuContext c : sigContexts.values()) {
      c.close();
    }
    sigContexts.clear();
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

  /** CPU time: instructions retired, 1 ns each. */
  public long instructions() {
    return instructions;
  }

  /** What the process sleeps on in wait4/waitid (its children's exits wake it). */
  public WaitChannel childChannel() {
    return childChannel;
  }

  public int pid() {
    return pid;
  }

  public Proc parent() {
    return parent;
  }

  /** getppid: the parent's pid, or 0 when the process has none. */
  public int ppid() {
    return parent == null ? 0 : parent.pid;
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

  public List<Proc> children() {
    return children;
  }

  /** True while it can run or is waiting (not a zombie, not reaped). */
  public boolean isAlive() {
    return state == ProcState.RUNNABLE
        || state == ProcState.SLEEPING
        || state == ProcState.VFORK_WAIT;
  }

  public boolean isZombie() {
    return state == ProcState.ZOMBIE;
  }

  @Override
  public String toString() {
    return "pid " + pid + " (" + comm + ")";
  }
}
