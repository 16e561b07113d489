package org.uvm4j.kernel.strace;

import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.Signals;

/**
 * Signal numbers, sets and {@code siginfo} as strace prints them ({@code SIGSEGV}; in sets without
 * the prefix, {@code RTMIN} and {@code RT_n} above 31, the complement {@code ~[…]} when more than
 * half the bits are set).
 */
final class SignalNames {
  private SignalNames() {}

  private static final String[] NAMES = {
    null, "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1", "SEGV", "USR2",
    "PIPE", "ALRM", "TERM", "STKFLT", "CHLD", "CONT", "STOP", "TSTP", "TTIN", "TTOU", "URG", "XCPU",
    "XFSZ", "VTALRM", "PROF", "WINCH", "IO", "PWR", "SYS"
  };

  /** The name of {@code sig} without "SIG" ({@code RTMIN}, {@code RT_3}), or its number. */
  static String bare(int sig) {
    if (sig > 0 && sig < NAMES.length) {
      return NAMES[sig];
    }
    if (sig == 32) {
      return "RTMIN";
    }
    if (sig > 32 && sig <= 64) {
      return "RT_" + (sig - 32);
    }
    return Integer.toString(sig);
  }

  /** {@code SIGSEGV}, {@code SIGRTMIN}, or the number. */
  static String name(int sig) {
    if (sig > 0 && sig <= 64) {
      return "SIG" + bare(sig);
    }
    return Integer.toString(sig);
  }

  /** A 64-bit signal mask (bit n-1 = signal n). */
  static void set(StringBuilder sb, long mask) {
    if (Long.bitCount(mask) >= 32) {
      sb.append('~');
      mask = ~mask;
    }
    sb.append('[');
    boolean first = true;
    for (int i = 0; i < 64; i++) {
      if ((mask & (1L << i)) != 0) {
        if (!first) {
          sb.append(' ');
        }
        sb.append(bare(i + 1));
        first = false;
      }
    }
    sb.append(']');
  }

  /** {@code {si_signo=SIGSEGV, si_code=SEGV_MAPERR, si_addr=NULL}}. */
  static void info(StringBuilder sb, int sig, SigInfo si) {
    sb.append("{si_signo=").append(name(sig)).append(", si_code=");
    int code = si == null ? SigInfo.SI_KERNEL : si.code();
    boolean fault =
        sig == Signals.SIGSEGV
            || sig == Signals.SIGBUS
            || sig == Signals.SIGILL
            || sig == Signals.SIGFPE
            || sig == Signals.SIGTRAP;
    if (code > 0 && code != SigInfo.SI_KERNEL && fault) {
      sb.append(faultCode(sig, code)).append(", si_addr=");
      ArgDecoder.pointer(sb, si.addr());
    } else if (code > 0 && code != SigInfo.SI_KERNEL && sig == Signals.SIGCHLD) {
      sb.append(
              code == SigInfo.CLD_EXITED
                  ? "CLD_EXITED"
                  : code == SigInfo.CLD_KILLED ? "CLD_KILLED" : "CLD_DUMPED")
          .append(", si_pid=")
          .append(si.pid())
          .append(", si_uid=")
          .append(si.uid())
          .append(", si_status=")
          .append(code == SigInfo.CLD_EXITED ? Integer.toString(si.status()) : name(si.status()))
          .append(", si_utime=0, si_stime=0");
    } else if (code == SigInfo.SI_KERNEL) {
      sb.append("SI_KERNEL");
    } else {
      sb.append(
              code == SigInfo.SI_USER
                  ? "SI_USER"
                  : code == SigInfo.SI_TKILL ? "SI_TKILL" : Integer.toString(code))
          .append(", si_pid=")
          .append(si.pid())
          .append(", si_uid=")
          .append(si.uid());
    }
    sb.append('}');
  }

  private static String faultCode(int sig, int code) {
    String[] names =
        switch (sig) {
          case Signals.SIGSEGV -> new String[] {"SEGV_MAPERR", "SEGV_ACCERR", "SEGV_BNDERR"};
          case Signals.SIGBUS -> new String[] {"BUS_ADRALN", "BUS_ADRERR", "BUS_OBJERR"};
          case Signals.SIGILL ->
              new String[] {
                "ILL_ILLOPC", "ILL_ILLOPN", "ILL_ILLADR", "ILL_ILLTRP", "ILL_PRVOPC", "ILL_PRVREG"
              };
          case Signals.SIGFPE ->
              new String[] {
                "FPE_INTDIV",
                "FPE_INTOVF",
                "FPE_FLTDIV",
                "FPE_FLTOVF",
                "FPE_FLTUND",
                "FPE_FLTRES",
                "FPE_FLTINV",
                "FPE_FLTSUB"
              };
          default -> new String[] {"TRAP_BRKPT", "TRAP_TRACE"};
        };
    return code <= names.length ? names[code - 1] : Integer.toString(code);
  }
}
