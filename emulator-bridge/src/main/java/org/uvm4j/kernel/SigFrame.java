package org.uvm4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The x86-64 signal frame ({@code struct rt_sigframe}) that {@code sendsig} puts on the user stack
 * and {@code rt_sigreturn} reads back: the return address (the SA_RESTORER trampoline, which calls
 * rt_sigreturn), a {@code ucontext} (flags, link, stack, the general registers in {@code
 * sigcontext} order, the fpstate pointer, signal mask) and the {@code siginfo}; above it the FPU
 * state ({@link SigFpstate}), which {@code uc_mcontext.fpstate} points at.
 *
 * <p>Layout from the frame address {@code f}: {@code f+0} pretcode, {@code f+8} ucontext ({@link
 * #UC_SIZE} bytes: {@code uc_flags} at {@code f+8}, its registers at {@code f+48}, fpstate at
 * {@code f+232}, its mask at {@code f+304}), {@code f+312} siginfo, {@code f+440} the end. Below a
 * stack pointer {@code sp} (past the red zone, or the top of the alternate stack) Linux's {@code
 * get_sigframe} puts the FPU state at {@code (sp - 512) & -64} and the frame at {@code ((fpstate -
 * 440) & -16) - 8}, as if the handler had been called.
 */
public final class SigFrame {
  /** Register slots in {@code sigcontext} / musl's {@code gregs} order. */
  public static final int REG_R8 = 0;

  public static final int REG_R9 = 1;
  public static final int REG_R10 = 2;
  public static final int REG_R11 = 3;
  public static final int REG_R12 = 4;
  public static final int REG_R13 = 5;
  public static final int REG_R14 = 6;
  public static final int REG_R15 = 7;
  public static final int REG_RDI = 8;
  public static final int REG_RSI = 9;
  public static final int REG_RBP = 10;
  public static final int REG_RBX = 11;
  public static final int REG_RDX = 12;
  public static final int REG_RAX = 13;
  public static final int REG_RCX = 14;
  public static final int REG_RSP = 15;
  public static final int REG_RIP = 16;
  public static final int REG_EFL = 17;
  public static final int REG_CSGSFS = 18;
  public static final int REG_ERR = 19;
  public static final int REG_TRAPNO = 20;
  public static final int REG_OLDMASK = 21;
  public static final int REG_CR2 = 22;
  public static final int NGREG = 23;

  /** Offset of the ucontext in the frame. */
  public static final int UC = 8;

  /** {@code sizeof(struct ucontext)} as the kernel writes it. */
  public static final int UC_SIZE = 304;

  /** Offset of {@code uc_mcontext} inside the ucontext. */
  public static final int UC_MCONTEXT = 40;

  /** Offset of {@code uc_sigmask} inside the ucontext. */
  public static final int UC_SIGMASK = 296;

  /** Offset of the siginfo in the frame. */
  public static final int INFO = UC + UC_SIZE;

  /** Bytes of the whole frame. */
  public static final int SIZE = INFO + SigInfo.SIZE;

  /** The x86 red zone below RSP that the frame must not touch. */
  public static final int RED_ZONE = 128;

  /** RFLAGS bits user code may change through sigreturn (Linux FIX_EFLAGS). */
  public static final long FIX_EFLAGS =
      0x1 | 0x4 | 0x10 | 0x40 | 0x80 | 0x100 | 0x400 | 0x800 | 0x40000 | 0x10000;

  /** RFLAGS TF and DF: cleared on handler entry. */
  public static final long HANDLER_CLEAR_FLAGS = 0x100 | 0x400;

  private SigFrame() {}

  /** Offset of uc_stack (stack_t: ss_sp, ss_flags, ss_size) in the ucontext. */
  public static final int UC_STACK = 16;

  /** Writes the frame's uc_stack (the alternate stack as it was when the signal came). */
  public static void putStack(byte[] frame, long ssSp, int ssFlags, long ssSize) {
    ByteBuffer b = ByteBuffer.wrap(frame).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(UC + UC_STACK, ssSp);
    b.putInt(UC + UC_STACK + 8, ssFlags);
    b.putLong(UC + UC_STACK + 16, ssSize);
  }

  /** uc_stack.ss_sp of a ucontext's bytes. */
  public static long stackSp(byte[] ucontext) {
    return ByteBuffer.wrap(ucontext).order(ByteOrder.LITTLE_ENDIAN).getLong(UC_STACK);
  }

  /** uc_stack.ss_flags of a ucontext's bytes. */
  public static int stackFlags(byte[] ucontext) {
    return ByteBuffer.wrap(ucontext).order(ByteOrder.LITTLE_ENDIAN).getInt(UC_STACK + 8);
  }

  /** uc_stack.ss_size of a ucontext's bytes. */
  public static long stackSize(byte[] ucontext) {
    return ByteBuffer.wrap(ucontext).order(ByteOrder.LITTLE_ENDIAN).getLong(UC_STACK + 16);
  }

  /** Offset of {@code uc_mcontext.fpstate} inside the ucontext. */
  public static final int UC_FPSTATE = UC_MCONTEXT + NGREG * 8;

  /** {@code cs | gs << 16 | fs << 32 | ss << 48} as the kernel saves them (gs, fs: 0). */
  public static final long CSGSFS = 0x33 | (0x2bL << 48);

  /** Where the frame goes when its FPU state is at {@code fpstate} ({@code get_sigframe}). */
  public static long frameAddress(long fpstate) {
    return ((fpstate - SIZE) & ~15L) - 8;
  }

  /**
   * The frame bytes.
   *
   * @param gregs the interrupted registers ({@link #NGREG} slots)
   * @param restorer the return address of the handler (SA_RESTORER)
   * @param savedMask the blocked mask to restore at sigreturn
   * @param fpstate the guest address of the frame's FPU state
   */
  public static byte[] build(
      long[] gregs, long restorer, long savedMask, SigInfo info, long fpstate) {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, restorer);
    b.putLong(UC, SigFpstate.UC_FLAGS); // frame_uc_flags
    // uc_link 0, uc_stack (SS_DISABLE = 2: no alternate stack) unless putStack sets it
    b.putInt(UC + UC_STACK + 8, 2);
    int mc = UC + UC_MCONTEXT;
    for (int i = 0; i < NGREG; i++) {
      b.putLong(mc + i * 8, gregs[i]);
    }
    b.putLong(UC + UC_FPSTATE, fpstate);
    b.putLong(UC + UC_SIGMASK, savedMask);
    b.put(INFO, info.toBytes());
    return b.array();
  }

  /** The fpstate pointer stored in a ucontext read from the guest (0: none). */
  public static long fpstate(byte[] ucontext) {
    return ByteBuffer.wrap(ucontext).order(ByteOrder.LITTLE_ENDIAN).getLong(UC_FPSTATE);
  }

  /** The registers stored in a ucontext read from the guest. */
  public static long[] registers(byte[] ucontext) {
    ByteBuffer b = ByteBuffer.wrap(ucontext).order(ByteOrder.LITTLE_ENDIAN);
    long[] g = new long[NGREG];
    for (int i = 0; i < NGREG; i++) {
      g[i] = b.getLong(UC_MCONTEXT + i * 8);
    }
    return g;
  }

  /** The signal mask stored in a ucontext read from the guest. */
  public static long mask(byte[] ucontext) {
    return ByteBuffer.wrap(ucontext).order(ByteOrder.LITTLE_ENDIAN).getLong(UC_SIGMASK);
  }
}
