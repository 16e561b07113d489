package org.uvm4j.kernel;

/**
 * What ptrace keeps for one traced task (Linux's {@code task->ptrace}, {@code ->parent}, {@code
 * ->exit_code}, {@code ->last_siginfo}, {@code ->ptrace_message} and the {@code TIF_SYSCALL_TRACE}
 * flag), hung on {@link Proc#ptrace} while the task is traced.
 *
 * <p>Invariants: {@link #tracer} is non-null while the task is traced; after a detach it is null
 * and the state stays on the task only until the system call its tracer stopped it in has finished
 * ({@link #after} back to {@link After#NONE}), so an untraced task's system call path sees {@code
 * Proc.ptrace == null}. {@link #stop} is not {@link Stop#NONE} exactly while the task is {@link
 * ProcState#TRACED}.
 */
public final class PtraceState {
  /** The kind of ptrace stop the task is in. */
  public enum Stop {
    NONE,
    /** signal-delivery-stop: the tracer decides with the data of its resume. */
    SIGNAL,
    /** syscall-enter-stop: the call has not run yet. */
    SYSCALL_ENTRY,
    /** syscall-exit-stop: the call ran, RAX holds its result. */
    SYSCALL_EXIT,
    /** PTRACE_EVENT stop (PTRACE_O_TRACEEXEC). */
    EVENT
  }

  /** How the tracer last resumed the task (PTRACE_CONT, PTRACE_SYSCALL, PTRACE_SINGLESTEP). */
  public enum Resume {
    CONT,
    SYSCALL,
    SINGLESTEP
  }

  /** What the task still has to do when it runs again after a stop inside a system call. */
  enum After {
    NONE,
    /** Resumed from syscall-enter-stop: run the call numbered {@link #origRax} (-1 skips it). */
    DISPATCH,
    /** Resumed from an event stop inside the call: the syscall-exit-stop is still due. */
    EXIT_STOP,
    /**
     * Resumed from the syscall-exit-stop of a call a signal interrupted while it slept (RAX showed
     * -ERESTARTSYS): unless the tracer changed RAX, the call is to be restarted.
     */
    RESTART_CHECK
  }

  /** The tracing task (Linux's {@code ->parent} while traced), or null once detached. */
  Proc tracer;

  /** PTRACE_O_* options in force. */
  int options;

  /** Attached by PTRACE_SEIZE (no SIGSTOP at attach, no SIGTRAP after execve). */
  boolean seized;

  Stop stop = Stop.NONE;

  /**
   * The stop's code for wait (Linux's {@code exit_code}: the signal, SIGTRAP|0x80, or SIGTRAP |
   * event << 8); 0 once a wait reported it. What the tracer's resume data becomes.
   */
  int exitCode;

  /** The code of the stop the task is in, kept after wait reported it (ptrace_stop's result). */
  int stopCode;

  /** The siginfo of the current stop (PTRACE_GETSIGINFO), or null. */
  SigInfo siginfo;

  /** PTRACE_GETEVENTMSG. */
  long message;

  Resume resume = Resume.CONT;

  /** A signal the tracer's resume asked to deliver (after a signal-delivery-stop), else 0. */
  int injectSig;

  SigInfo injectInfo;

  /** {@code orig_rax}: the number of the system call the task is in, -1 outside of one. */
  long origRax = -1;

  /** An event stop (PTRACE_EVENT_FORK/CLONE code) due when the current call returns, or 0. */
  int pendingEvent;

  /**
   * A PTRACE_EVENT_STOP trap is due before the task runs again (PTRACE_INTERRUPT, or a new task
   * auto-attached under PTRACE_SEIZE: Linux's JOBCTL_TRAP_STOP).
   */
  boolean trapStop;

  /** The -ERESTART* code a {@link After#RESTART_CHECK} exit-stop showed in RAX. */
  long restartCode;

  /** The traced call slept and will run again: its entry was already reported. */
  boolean inSleepingCall;

  After after = After.NONE;

  PtraceState(Proc tracer, int options, boolean seized) {
    this.tracer = tracer;
    this.options = options;
    this.seized = seized;
  }

  /** The tracing task, or null once detached. */
  public Proc tracer() {
    return tracer;
  }

  public int options() {
    return options;
  }

  /** Attached by PTRACE_SEIZE (or auto-attached from a seized tracee). */
  public boolean seized() {
    return seized;
  }

  public Stop stop() {
    return stop;
  }

  public long origRax() {
    return origRax;
  }

  /** True when the task is traced and stopped. */
  boolean stopped() {
    return stop != Stop.NONE;
  }
}
