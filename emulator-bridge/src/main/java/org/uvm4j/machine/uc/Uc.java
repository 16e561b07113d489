package org.uvm4j.machine.uc;

import org.uvm4j.machine.Reg;
import org.uvm4j.uvm.Prot;

/**
 * Constants of libunicorn 2.1's {@code unicorn.h} and {@code x86.h} that the bridge uses: the C ABI
 * both bindings (JNA and FFM) speak. Values only; nothing here loads native code.
 */
public final class Uc {
  private Uc() {}

  public static final int UC_ARCH_X86 = 4;
  public static final int UC_MODE_64 = 1 << 3;

  // uc_err
  public static final int UC_ERR_OK = 0;
  public static final int UC_ERR_INSN_INVALID = 10;
  public static final int UC_ERR_EXCEPTION = 21;

  // uc_prot
  public static final int UC_PROT_ALL = 7;

  // uc_mem_type, as passed to the TLB-fill hook
  public static final int UC_MEM_READ = 16;
  public static final int UC_MEM_WRITE = 17;
  public static final int UC_MEM_FETCH = 18;

  // uc_hook_type
  public static final int UC_HOOK_INTR = 1;
  public static final int UC_HOOK_INSN = 1 << 1;
  public static final int UC_HOOK_BLOCK = 1 << 3;
  public static final int UC_HOOK_INSN_INVALID = 1 << 14;
  public static final int UC_HOOK_TLB_FILL = 1 << 17;

  // uc_ctl: control = type | (number of arguments << 26) | (io << 30)
  public static final int UC_CTL_IO_WRITE = 1;
  public static final int UC_CTL_IO_READ = 2;
  public static final int UC_CTL_UC_USE_EXITS = 4;
  public static final int UC_CTL_CPU_MODEL = 7;
  public static final int UC_CTL_TB_REMOVE_CACHE = 9;
  public static final int UC_CTL_TB_FLUSH = 10;
  public static final int UC_CTL_TLB_FLUSH = 11;
  public static final int UC_CTL_TLB_TYPE = 12;
  public static final int UC_TLB_VIRTUAL = 1;
  public static final int UC_CPU_X86_QEMU64 = 0;

  /** {@code UC_CTL(type, nr, rw)}. */
  public static int ctl(int type, int nargs, int io) {
    return type | (nargs << 26) | (io << 30);
  }

  public static final int CTL_SET_CPU_MODEL = ctl(UC_CTL_CPU_MODEL, 1, UC_CTL_IO_WRITE);
  public static final int CTL_GET_CPU_MODEL = ctl(UC_CTL_CPU_MODEL, 1, UC_CTL_IO_READ);
  public static final int CTL_USE_EXITS = ctl(UC_CTL_UC_USE_EXITS, 1, UC_CTL_IO_WRITE);
  public static final int CTL_TLB_TYPE = ctl(UC_CTL_TLB_TYPE, 1, UC_CTL_IO_WRITE);
  public static final int CTL_TLB_FLUSH = ctl(UC_CTL_TLB_FLUSH, 0, UC_CTL_IO_WRITE);
  public static final int CTL_TB_FLUSH = ctl(UC_CTL_TB_FLUSH, 0, UC_CTL_IO_WRITE);
  public static final int CTL_TB_REMOVE_CACHE = ctl(UC_CTL_TB_REMOVE_CACHE, 2, UC_CTL_IO_WRITE);

  // control and SSE/x87 state registers (uc_x86_reg)
  public static final int UC_X86_REG_CR0 = 50;
  public static final int UC_X86_REG_CR4 = 54;
  public static final int UC_X86_REG_FPCW = 246;
  public static final int UC_X86_REG_FPTAG = 247;
  public static final int UC_X86_REG_MXCSR = 249;
  public static final long CR0_MP = 1L << 1;
  public static final long CR0_EM = 1L << 2;
  public static final long CR0_TS = 1L << 3;
  public static final long CR4_OSFXSR = 1L << 9;
  public static final long CR4_OSXMMEXCPT = 1L << 10;

  /** Linux's initial MXCSR: every SIMD floating-point exception masked, round to nearest. */
  public static final long MXCSR_LINUX_DEFAULT = 0x1f80;

  /** Linux's initial x87 control word: exceptions masked, 64-bit precision, round to nearest. */
  public static final long FPCW_LINUX_DEFAULT = 0x37f;

  /** The full x87 tag word with every register empty (Linux's initial state, fninit). */
  public static final long FPTAG_EMPTY = 0xffff;

  // x86 instruction ids for UC_HOOK_INSN
  public static final int UC_X86_INS_SYSCALL = 699;
  public static final int UC_X86_INS_RDTSC = 608;
  public static final int UC_X86_INS_RDTSCP = 609;
  public static final int UC_X86_INS_IN = 218;
  public static final int UC_X86_INS_OUT = 500;

  /**
   * The #GP vector: what a user-mode {@code in}/{@code out} raises on Linux (IOPL 0, no bitmap).
   */
  public static final int VECTOR_GP = 13;

  // segment and model-specific registers (uc_x86_reg); UC_X86_REG_MSR takes a uc_x86_msr
  // (uint32_t rid at offset 0, uint64_t value at offset 8)
  public static final int UC_X86_REG_CS = 11;
  public static final int UC_X86_REG_SS = 49;
  public static final int UC_X86_REG_RCX = 38;
  public static final int UC_X86_REG_R11 = 109;
  public static final int UC_X86_REG_RIP = 41;
  public static final int UC_X86_REG_RFLAGS = 253;
  public static final int UC_X86_REG_RAX = 35;
  public static final int UC_X86_REG_RBX = 37;
  public static final int UC_X86_REG_RDX = 40;
  public static final int UC_X86_REG_MSR = 248;

  /** The {@code uc_x86_reg} id of {@code r}. */
  public static int regId(Reg r) {
    return X86_REG[r.ordinal()];
  }

  /** Maps the TLB-fill hook's access type ({@code uc_mem_type}) to {@link Prot}. */
  public static int access(int ucMemType) {
    switch (ucMemType) {
      case UC_MEM_WRITE:
        return Prot.WRITE;
      case UC_MEM_FETCH:
        return Prot.EXEC;
      default:
        return Prot.READ;
    }
  }

  /** uc_x86_reg ids, indexed by {@code Reg.ordinal()}. */
  private static final int[] X86_REG = {
    35, // RAX
    37, // RBX
    38, // RCX
    40, // RDX
    43, // RSI
    39, // RDI
    36, // RBP
    44, // RSP
    106, // R8
    107, // R9
    108, // R10
    109, // R11
    110, // R12
    111, // R13
    112, // R14
    113, // R15
    41, // RIP
    253, // RFLAGS
    250, // FS_BASE
    251, // GS_BASE
  };
}
