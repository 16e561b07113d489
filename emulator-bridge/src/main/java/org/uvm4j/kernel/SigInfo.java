package org.uvm4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What accompanies a signal ({@code siginfo_t}, 128 bytes on x86-64): number, code, and the
 * sender's pid/uid, the child's status (SIGCHLD) or the faulting address (SIGSEGV, SIGBUS).
 */
public record SigInfo(int signo, int code, int pid, int uid, int status, long addr) {
  public static final int SIZE = 128;
  public static final int SI_USER = 0;
  public static final int SI_KERNEL = 0x80;
  public static final int SI_TKILL = -6;
  public static final int SEGV_MAPERR = 1;
  public static final int SEGV_ACCERR = 2;
  public static final int BUS_ADRERR = 2;
  public static final int ILL_ILLOPN = 2;
  public static final int CLD_EXITED = 1;
  public static final int CLD_KILLED = 2;

  /** Sent by kill/tgkill from {@code pid}. */
  public static SigInfo user(int signo, int code, int pid) {
    return new SigInfo(signo, code, pid, 0, 0, 0);
  }

  /** Raised by the kernel itself (SIGPIPE, SIGKILL on OOM). */
  public static SigInfo kernel(int signo) {
    return new SigInfo(signo, SI_KERNEL, 0, 0, 0, 0);
  }

  /** A fault at {@code addr}. */
  public static SigInfo fault(int signo, int code, long addr) {
    return new SigInfo(signo, code, 0, 0, 0, addr);
  }

  /** True for signals whose union member is the fault address. */
  private boolean isFault() {
    return signo == Signals.SIGSEGV
        || signo == Signals.SIGBUS
        || signo == Signals.SIGILL
        || signo == Signals.SIGFPE
        // a ptrace stop's code is SIGTRAP (| 0x80 | event << 8): si_pid, not an address
        || (signo == Signals.SIGTRAP && (code & 0x7f) < Signals.SIGTRAP);
  }

  /** The guest's {@code siginfo_t} bytes. */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, signo);
    b.putInt(4, 0);
    b.putInt(8, code);
    if (isFault() && code > 0) {
      b.putLong(16, addr);
    } else {
      b.putInt(16, pid);
      b.putInt(20, uid);
      if (signo == Signals.SIGCHLD) {
        b.putInt(24, status);
      }
    }
    return b.array();
  }
}
