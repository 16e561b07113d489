package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.Ptrace;
import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Errno;

/**
 * x86-64 {@code struct user_regs_struct} (PTRACE_GETREGS/SETREGS, and the first 216 bytes of {@code
 * struct user} for PTRACE_PEEKUSER/POKEUSER) over a stopped tracee's registers, with the checks of
 * Linux's {@code arch/x86/kernel/ptrace.c} ({@code getreg}, {@code putreg}).
 *
 * <p>The machine has flat 64-bit segments only: {@code cs} reads 0x33, {@code ss} 0x2b and {@code
 * ds}, {@code es}, {@code fs}, {@code gs} 0, as Linux shows a 64-bit process; writing a selector
 * Linux would accept is allowed and changes nothing.
 */
final class UserRegs {
  private UserRegs() {}

  /** sizeof(struct user_regs_struct). */
  static final int SIZE = 27 * 8;

  /** sizeof(struct user) on x86-64. */
  static final int USER_SIZE = 912;

  /** offsetof(struct user, u_debugreg). */
  static final int DEBUGREG_OFFSET = 848;

  static final int ORIG_RAX = 15;
  static final int CS = 17;
  static final int EFLAGS = 18;
  static final int SS = 20;
  static final int FS_BASE = 21;
  static final int GS_BASE = 22;
  static final int DS = 23;
  static final int ES = 24;
  static final int FS = 25;
  static final int GS = 26;

  /** The registers of the slots that hold one, in struct order (null: not a machine register). */
  private static final Reg[] SLOTS = {
    Reg.R15,
    Reg.R14,
    Reg.R13,
    Reg.R12,
    Reg.RBP,
    Reg.RBX,
    Reg.R11,
    Reg.R10,
    Reg.R9,
    Reg.R8,
    Reg.RAX,
    Reg.RCX,
    Reg.RDX,
    Reg.RSI,
    Reg.RDI,
    null, // orig_rax
    Reg.RIP,
    null, // cs
    Reg.RFLAGS,
    Reg.RSP,
    null, // ss
    Reg.FS_BASE,
    Reg.GS_BASE,
    null, // ds
    null, // es
    null, // fs
    null // gs
  };

  static final long USER_CS = 0x33;
  static final long USER_DS = 0x2b;

  /** The flags a tracer may change (FLAG_MASK): CF PF AF ZF SF TF DF OF RF AC. */
  static final long FLAG_MASK =
      0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x10000 | 0x40000;

  /** TASK_SIZE_MAX: fs_base and gs_base must be below it. */
  static final long TASK_SIZE_MAX = (1L << 47) - 4096;

  /** getreg: slot {@code i} (0..26) of {@code t}. */
  static long get(Ptrace pt, Proc t, int i) {
    return switch (i) {
      case ORIG_RAX -> pt.origRax(t);
      case CS -> USER_CS;
      case SS -> USER_DS;
      case DS, ES, FS, GS -> 0;
      default -> pt.reg(t, SLOTS[i]);
    };
  }

  /**
   * putreg: sets slot {@code i} of {@code t}.
   *
   * @return 0, or EIO for a selector or base Linux refuses
   */
  static int put(Ptrace pt, Proc t, int i, long v) {
    switch (i) {
      case ORIG_RAX -> pt.setOrigRax(t, v);
      case CS, SS -> {
        if (v == 0 || (v & 3) != 3 || v > 0xffff) {
          return Errno.EIO; // invalid_selector, and a null CS/SS
        }
      }
      case DS, ES, FS, GS -> {
        if ((v != 0 && (v & 3) != 3) || v > 0xffff) {
          return Errno.EIO;
        }
      }
      case EFLAGS -> {
        long cur = pt.reg(t, Reg.RFLAGS);
        pt.setReg(t, Reg.RFLAGS, (cur & ~FLAG_MASK) | (v & FLAG_MASK));
      }
      case FS_BASE, GS_BASE -> {
        if (Long.compareUnsigned(v, TASK_SIZE_MAX) >= 0) {
          return Errno.EIO;
        }
        pt.setReg(t, SLOTS[i], v);
      }
      default -> pt.setReg(t, SLOTS[i], v);
    }
    return 0;
  }
}
