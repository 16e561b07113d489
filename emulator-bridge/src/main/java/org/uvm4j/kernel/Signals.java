package org.uvm4j.kernel;

/**
 * Linux x86-64 signal numbers, {@code sigaction} flags and default actions ({@code kern_sig.c}'s
 * {@code sigprop}). Signal sets are {@code long} bit masks with bit {@code sig - 1} for signal
 * {@code sig} (the kernel's 64-bit {@code sigset_t}).
 */
public final class Signals {
  public static final int NSIG = 64;
  public static final int SIGHUP = 1;
  public static final int SIGINT = 2;
  public static final int SIGQUIT = 3;
  public static final int SIGILL = 4;
  public static final int SIGTRAP = 5;
  public static final int SIGABRT = 6;
  public static final int SIGBUS = 7;
  public static final int SIGFPE = 8;
  public static final int SIGKILL = 9;
  public static final int SIGUSR1 = 10;
  public static final int SIGSEGV = 11;
  public static final int SIGUSR2 = 12;
  public static final int SIGPIPE = 13;
  public static final int SIGALRM = 14;
  public static final int SIGTERM = 15;
  public static final int SIGSTKFLT = 16;
  public static final int SIGCHLD = 17;
  public static final int SIGCONT = 18;
  public static final int SIGSTOP = 19;
  public static final int SIGTSTP = 20;
  public static final int SIGTTIN = 21;
  public static final int SIGTTOU = 22;
  public static final int SIGURG = 23;
  public static final int SIGXCPU = 24;
  public static final int SIGXFSZ = 25;
  public static final int SIGVTALRM = 26;
  public static final int SIGPROF = 27;
  public static final int SIGWINCH = 28;
  public static final int SIGIO = 29;
  public static final int SIGPWR = 30;
  public static final int SIGSYS = 31;

  /** {@code SIG_DFL} handler value. */
  public static final long SIG_DFL = 0;

  /** {@code SIG_IGN} handler value. */
  public static final long SIG_IGN = 1;

  public static final long SA_NOCLDSTOP = 0x00000001L;
  public static final long SA_NOCLDWAIT = 0x00000002L;
  public static final long SA_SIGINFO = 0x00000004L;
  public static final long SA_RESTORER = 0x04000000L;
  public static final long SA_ONSTACK = 0x08000000L;
  public static final long SA_RESTART = 0x10000000L;
  public static final long SA_NODEFER = 0x40000000L;
  public static final long SA_RESETHAND = 0x80000000L;

  /** rt_sigprocmask {@code how}. */
  public static final int SIG_BLOCK = 0;

  public static final int SIG_UNBLOCK = 1;
  public static final int SIG_SETMASK = 2;

  /** Signals that can be neither caught, blocked nor ignored. */
  public static final long UNCATCHABLE = bit(SIGKILL) | bit(SIGSTOP);

  /** What a signal does when its action is SIG_DFL. */
  public enum DefaultAction {
    /** Terminate the process. */
    TERMINATE,
    /** Terminate (Linux would also dump core; uvm4j writes no core files). */
    CORE,
    /** Nothing happens. */
    IGNORE,
    /** Job-control stop/continue: uvm4j has no job control, so these are ignored. */
    STOP
  }

  private Signals() {}

  /** The mask bit of {@code sig}. */
  public static long bit(int sig) {
    return 1L << (sig - 1);
  }

  /** True for 1..64. */
  public static boolean valid(long sig) {
    return sig >= 1 && sig <= NSIG;
  }

  /** The default action of {@code sig} (Linux {@code SIG_KERNEL_*_MASK}). */
  public static DefaultAction defaultAction(int sig) {
    return switch (sig) {
      case SIGCHLD, SIGURG, SIGWINCH, SIGCONT -> DefaultAction.IGNORE;
      case SIGSTOP, SIGTSTP, SIGTTIN, SIGTTOU -> DefaultAction.STOP;
      case SIGQUIT, SIGILL, SIGTRAP, SIGABRT, SIGBUS, SIGFPE, SIGSEGV, SIGXCPU, SIGXFSZ, SIGSYS ->
          DefaultAction.CORE;
      default -> DefaultAction.TERMINATE;
    };
  }

  /** The lowest-numbered signal in {@code set}, or 0. */
  public static int first(long set) {
    return set == 0 ? 0 : Long.numberOfTrailingZeros(set) + 1;
  }

  private static final String[] NAMES = {
    "0",
    "SIGHUP",
    "SIGINT",
    "SIGQUIT",
    "SIGILL",
    "SIGTRAP",
    "SIGABRT",
    "SIGBUS",
    "SIGFPE",
    "SIGKILL",
    "SIGUSR1",
    "SIGSEGV",
    "SIGUSR2",
    "SIGPIPE",
    "SIGALRM",
    "SIGTERM",
    "SIGSTKFLT",
    "SIGCHLD",
    "SIGCONT",
    "SIGSTOP",
    "SIGTSTP",
    "SIGTTIN",
    "SIGTTOU",
    "SIGURG",
    "SIGXCPU",
    "SIGXFSZ",
    "SIGVTALRM",
    "SIGPROF",
    "SIGWINCH",
    "SIGIO",
    "SIGPWR",
    "SIGSYS"
  };

  /** {@code "SIGSEGV"}, {@code "SIGRTMIN+3"}… */
  public static String name(int sig) {
    if (sig >= 0 && sig < NAMES.length) {
      return NAMES[sig];
    }
    return sig >= 32 && sig <= NSIG ? "SIG" + sig : "signal " + sig;
  }
}
