package org.uvm4j.kernel.syscall;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcState;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.Ptrace;
import org.uvm4j.kernel.PtraceState;
import org.uvm4j.kernel.SigInfo;
import org.uvm4j.kernel.Signals;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * ptrace(2) ({@code long request, long pid, unsigned long addr, unsigned long data}): the request
 * decoding and checks of Linux's {@code sys_ptrace}, {@code ptrace_request} and x86 {@code
 * arch_ptrace}; the tracing itself is {@link Ptrace}.
 *
 * <p>Requests: TRACEME, ATTACH, SEIZE, INTERRUPT, CONT, SYSCALL, SINGLESTEP, DETACH, KILL, GETREGS,
 * SETREGS, PEEKTEXT/PEEKDATA/PEEKUSER, POKETEXT/POKEDATA/POKEUSER, GETSIGINFO, SETOPTIONS,
 * GETEVENTMSG, GETSIGMASK, SETSIGMASK, GET_SYSCALL_INFO. Any other request is EIO, Linux's answer
 * to a request it does not know. Checks: the tracee must exist (ESRCH), be traced by the caller's
 * process and be stopped (else ESRCH; PTRACE_KILL needs no stop); a bad signal in the data of a
 * resume is EIO; an option Linux does not know, or one uvm4j does not implement, is EINVAL (SEIZE:
 * EIO, as Linux).
 */
final class PtraceSyscalls {
  static final int PTRACE_TRACEME = 0;
  static final int PTRACE_PEEKTEXT = 1;
  static final int PTRACE_PEEKDATA = 2;
  static final int PTRACE_PEEKUSR = 3;
  static final int PTRACE_POKETEXT = 4;
  static final int PTRACE_POKEDATA = 5;
  static final int PTRACE_POKEUSR = 6;
  static final int PTRACE_CONT = 7;
  static final int PTRACE_KILL = 8;
  static final int PTRACE_SINGLESTEP = 9;
  static final int PTRACE_GETREGS = 12;
  static final int PTRACE_SETREGS = 13;
  static final int PTRACE_ATTACH = 16;
  static final int PTRACE_DETACH = 17;
  static final int PTRACE_SYSCALL = 24;
  static final int PTRACE_SETOPTIONS = 0x4200;
  static final int PTRACE_GETEVENTMSG = 0x4201;
  static final int PTRACE_GETSIGINFO = 0x4202;
  static final int PTRACE_SEIZE = 0x4206;
  static final int PTRACE_INTERRUPT = 0x4207;
  static final int PTRACE_GETSIGMASK = 0x420a;
  static final int PTRACE_SETSIGMASK = 0x420b;
  static final int PTRACE_GET_SYSCALL_INFO = 0x420e;

  /** struct ptrace_syscall_info: op values, AUDIT_ARCH_X86_64, and the sizes Linux returns. */
  static final int PTRACE_SYSCALL_INFO_NONE = 0;

  static final int PTRACE_SYSCALL_INFO_ENTRY = 1;
  static final int PTRACE_SYSCALL_INFO_EXIT = 2;
  static final int AUDIT_ARCH_X86_64 = 0xc000003e;
  static final int SYSCALL_INFO_BASE = 24;
  static final int SYSCALL_INFO_ENTRY_SIZE = 80;
  static final int SYSCALL_INFO_EXIT_SIZE = 33;

  private final Ptrace ptrace;
  private final ProcTable procs;

  PtraceSyscalls(Ptrace ptrace, ProcTable procs) {
    this.ptrace = ptrace;
    this.procs = procs;
  }

  // kernel/ptrace.c: SYSCALL_DEFINE4(ptrace, long, request, long, pid, unsigned long, addr,
  // unsigned long, data)
  long ptrace(SyscallContext c) throws UvmException {
    Proc p = c.proc();
    long request = c.raw(0);
    long addr = c.raw(2);
    long data = c.raw(3);
    if (request == PTRACE_TRACEME) {
      return -ptrace.traceme(p);
    }
    Proc t = procs.find(c.pid(1));
    if (t == null || t.state() == ProcState.DEAD) {
      return -Errno.ESRCH;
    }
    if (request == PTRACE_ATTACH || request == PTRACE_SEIZE) {
      return attach(p, t, request == PTRACE_SEIZE, addr, data);
    }
    // ptrace_check_attach: traced by the caller, and stopped (PTRACE_KILL: in any state)
    if (!Ptrace.tracedBy(t, p)
        || (request != PTRACE_KILL
            && request != PTRACE_INTERRUPT
            && t.state() != ProcState.TRACED)) {
      return -Errno.ESRCH;
    }
    return switch ((int) request == request ? (int) request : -1) {
      case PTRACE_PEEKTEXT, PTRACE_PEEKDATA -> peekData(c, t, addr, data);
      case PTRACE_POKETEXT, PTRACE_POKEDATA -> pokeData(t, addr, data);
      case PTRACE_PEEKUSR -> peekUser(c, t, addr, data);
      case PTRACE_POKEUSR -> pokeUser(t, addr, data);
      case PTRACE_GETREGS -> getRegs(c, t, data);
      case PTRACE_SETREGS -> setRegs(c, t, data);
      case PTRACE_CONT -> resume(t, PtraceState.Resume.CONT, data);
      case PTRACE_SYSCALL -> resume(t, PtraceState.Resume.SYSCALL, data);
      case PTRACE_SINGLESTEP -> resume(t, PtraceState.Resume.SINGLESTEP, data);
      case PTRACE_DETACH -> {
        if (!Signals.valid(data) && data != 0) {
          yield -Errno.EIO;
        }
        ptrace.detach(t, (int) data);
        yield 0;
      }
      case PTRACE_KILL -> {
        ptrace.kill(t);
        yield 0;
      }
      case PTRACE_INTERRUPT -> {
        if (!t.ptrace().seized()) {
          yield -Errno.EIO;
        }
        ptrace.interrupt(t);
        yield 0;
      }
      case PTRACE_SETOPTIONS -> setOptions(t, data);
      case PTRACE_GETEVENTMSG ->
          c.mem().writeLong(data, ptrace.eventMessage(t)) != 0 ? -Errno.EFAULT : 0;
      case PTRACE_GETSIGINFO -> {
        SigInfo si = ptrace.siginfo(t);
        if (si == null) {
          yield -Errno.EINVAL;
        }
        yield c.mem().write(data, si.toBytes()) != 0 ? -Errno.EFAULT : 0;
      }
      case PTRACE_GETSIGMASK -> {
        if (addr != 8) {
          yield -Errno.EINVAL;
        }
        yield c.mem().writeLong(data, t.signals().blocked()) != 0 ? -Errno.EFAULT : 0;
      }
      case PTRACE_SETSIGMASK -> {
        if (addr != 8) {
          yield -Errno.EINVAL;
        }
        t.signals().setBlocked(c.mem().readLong(data)); // SIGKILL and SIGSTOP stay unblocked
        yield 0;
      }
      case PTRACE_GET_SYSCALL_INFO -> syscallInfo(c, t, addr, data);
      default -> -Errno.EIO;
    };
  }

  /**
   * PTRACE_GET_SYSCALL_INFO: {@code struct ptrace_syscall_info} of the stop: arch, RIP, RSP, and at
   * a syscall-enter-stop the number and six arguments, at a syscall-exit-stop the result and
   * whether it is an error (only stops with PTRACE_O_TRACESYSGOOD's code tell them apart, as on
   * Linux). Writes at most {@code size} bytes and returns the size of the whole record.
   */
  // kernel/ptrace.c: ptrace_get_syscall_info
  private long syscallInfo(SyscallContext c, Proc t, long size, long data) {
    ByteBuffer b = ByteBuffer.allocate(SYSCALL_INFO_ENTRY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
    int op = PTRACE_SYSCALL_INFO_NONE;
    int actual = SYSCALL_INFO_BASE;
    SigInfo si = ptrace.siginfo(t);
    if (si != null && si.code() == (Signals.SIGTRAP | 0x80)) {
      long msg = ptrace.eventMessage(t);
      if (msg == Ptrace.PTRACE_EVENTMSG_SYSCALL_ENTRY) {
        op = PTRACE_SYSCALL_INFO_ENTRY;
        actual = SYSCALL_INFO_ENTRY_SIZE;
        b.putLong(24, ptrace.origRax(t));
        Reg[] args = {Reg.RDI, Reg.RSI, Reg.RDX, Reg.R10, Reg.R8, Reg.R9};
        for (int i = 0; i < args.length; i++) {
          b.putLong(32 + 8 * i, ptrace.reg(t, args[i]));
        }
      } else if (msg == Ptrace.PTRACE_EVENTMSG_SYSCALL_EXIT) {
        op = PTRACE_SYSCALL_INFO_EXIT;
        actual = SYSCALL_INFO_EXIT_SIZE;
        long rax = ptrace.reg(t, Reg.RAX);
        boolean error = Long.compareUnsigned(rax, -4095L) >= 0; // IS_ERR_VALUE
        b.putLong(24, rax);
        b.put(32, (byte) (error ? 1 : 0));
      }
    }
    b.put(0, (byte) op);
    b.putInt(4, AUDIT_ARCH_X86_64);
    b.putLong(8, ptrace.reg(t, Reg.RIP));
    b.putLong(16, ptrace.reg(t, Reg.RSP));
    int n = Long.compareUnsigned(size, actual) < 0 ? (int) size : actual; // user_size unsigned
    if (n > 0 && c.mem().write(data, b.array(), 0, n) != 0) {
      return -Errno.EFAULT;
    }
    return actual;
  }

  // kernel/ptrace.c: ptrace_attach
  private long attach(Proc p, Proc t, boolean seize, long addr, long data) {
    int options = 0;
    if (seize) {
      if (addr != 0 || (data & ~(long) Ptrace.PTRACE_O_MASK) != 0) {
        return -Errno.EIO;
      }
      if ((data & ~(long) Ptrace.SUPPORTED_OPTIONS) != 0) {
        return -Errno.EINVAL; // an option uvm4j does not implement
      }
      options = (int) data;
    }
    return -ptrace.attach(p, t, seize, options);
  }

  // kernel/ptrace.c: ptrace_resume
  private long resume(Proc t, PtraceState.Resume how, long data) {
    if (data != 0 && !Signals.valid(data)) {
      return -Errno.EIO;
    }
    ptrace.resume(t, how, (int) data);
    return 0;
  }

  // kernel/ptrace.c: ptrace_setoptions
  private long setOptions(Proc t, long data) {
    if ((data & ~(long) Ptrace.PTRACE_O_MASK) != 0
        || (data & ~(long) Ptrace.SUPPORTED_OPTIONS) != 0) {
      return -Errno.EINVAL;
    }
    ptrace.setOptions(t, (int) data);
    return 0;
  }

  // kernel/ptrace.c: generic_ptrace_peekdata (the word goes to *data)
  private long peekData(SyscallContext c, Proc t, long addr, long data) {
    byte[] word = new byte[8];
    if (t.vm().forcedIo(addr, word, 0, 8, false) != 8) { // FOLL_FORCE
      return -Errno.EIO;
    }
    long v = ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).getLong();
    return c.mem().writeLong(data, v) != 0 ? -Errno.EFAULT : 0;
  }

  // kernel/ptrace.c: generic_ptrace_pokedata (FOLL_FORCE: read-only text is written through COW)
  private long pokeData(Proc t, long addr, long data) {
    byte[] word = new byte[8];
    ByteBuffer.wrap(word).order(ByteOrder.LITTLE_ENDIAN).putLong(data);
    return t.vm().forcedIo(addr, word, 0, 8, true) != 8 ? -Errno.EIO : 0;
  }

  // arch/x86/kernel/ptrace.c: arch_ptrace PTRACE_PEEKUSR
  private long peekUser(SyscallContext c, Proc t, long addr, long data) {
    if ((addr & 7) != 0 || addr < 0 || addr >= UserRegs.USER_SIZE) {
      return -Errno.EIO;
    }
    // the regs; the debug registers read 0 (none is ever set); the rest of struct user reads 0
    long v = addr < UserRegs.SIZE ? UserRegs.get(ptrace, t, (int) (addr / 8)) : 0;
    return c.mem().writeLong(data, v) != 0 ? -Errno.EFAULT : 0;
  }

  // arch/x86/kernel/ptrace.c: arch_ptrace PTRACE_POKEUSR
  private long pokeUser(Proc t, long addr, long data) {
    if ((addr & 7) != 0 || addr < 0 || addr >= UserRegs.USER_SIZE) {
      return -Errno.EIO;
    }
    if (addr < UserRegs.SIZE) {
      return -UserRegs.put(ptrace, t, (int) (addr / 8), data);
    }
    // the debug registers (hardware breakpoints) are not implemented; Linux refuses the rest
    return -Errno.EIO;
  }

  // arch/x86/kernel/ptrace.c: genregs_get
  private long getRegs(SyscallContext c, Proc t, long data) {
    ByteBuffer b = ByteBuffer.allocate(UserRegs.SIZE).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < UserRegs.SIZE / 8; i++) {
      b.putLong(UserRegs.get(ptrace, t, i));
    }
    return c.mem().write(data, b.array()) != 0 ? -Errno.EFAULT : 0;
  }

  // arch/x86/kernel/ptrace.c: genregs_set (each register through putreg, in order)
  private long setRegs(SyscallContext c, Proc t, long data) throws UvmException {
    byte[] raw = new byte[UserRegs.SIZE];
    c.mem().read(data, raw, 0, raw.length);
    ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < UserRegs.SIZE / 8; i++) {
      int e = UserRegs.put(ptrace, t, i, b.getLong());
      if (e != 0) {
        return -e;
      }
    }
    return 0;
  }
}
