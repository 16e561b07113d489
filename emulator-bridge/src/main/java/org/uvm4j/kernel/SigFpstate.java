package org.uvm4j.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.uvm4j.machine.Fxsave;

/**
 * The FPU part of an x86-64 signal frame ({@code uc_mcontext.fpstate}), as Linux's {@code
 * arch/x86/kernel/fpu/signal.c} writes it for the emulated CPU: libunicorn's qemu64 model reports
 * FXSR but no XSAVE (CPUID.1:ECX bit 26 clear; the guest test {@code sig_fpu} checks the frame
 * against what CPUID says), so the state is the legacy 512-byte {@code fxsave64} image ({@code
 * struct _fpstate}), 64-byte aligned, with no xsave header and no {@code FP_XSTATE_MAGIC2}.
 *
 * <p>{@code save_xstate_epilog} still fills {@code sw_reserved} ({@code struct _fpx_sw_bytes} at
 * {@code +464}): {@code magic1} {@link #FP_XSTATE_MAGIC1}, {@code extended_size} 516 (the state
 * plus {@code FP_XSTATE_MAGIC2_SIZE}), {@code xfeatures} 0 (Linux's {@code
 * fpu_user_cfg.default_features} stays 0 without XSAVE), {@code xstate_size} 512. Without XSAVE
 * rt_sigreturn ignores these bytes and restores with {@code fxrstor}.
 */
public final class SigFpstate {
  private SigFpstate() {}

  /** {@code xstate_sigframe_size}: the bytes the state takes in the frame (no XSAVE: 512). */
  public static final int SIZE = Fxsave.SIZE;

  /** The state's alignment in the frame ({@code fpu__alloc_mathframe}). */
  public static final int ALIGN = 64;

  /** {@code FP_XSTATE_MAGIC1}, in {@code sw_reserved.magic1}. */
  public static final int FP_XSTATE_MAGIC1 = 0x46505853;

  /** {@code FP_XSTATE_MAGIC2}: after an XSAVE state (not written without XSAVE). */
  public static final int FP_XSTATE_MAGIC2 = 0x46505845;

  /** {@code FP_XSTATE_MAGIC2_SIZE}. */
  public static final int FP_XSTATE_MAGIC2_SIZE = 4;

  /** Offset of {@code sw_reserved} ({@code struct _fpx_sw_bytes}) in the state. */
  public static final int SW_RESERVED = 464;

  /** {@code sizeof(struct fregs_state)}: the ia32 fsave header Linux reserves room for. */
  public static final int FREGS_STATE_SIZE = 112;

  /**
   * {@code sizeof(struct sigframe_ia32)}: with {@code CONFIG_IA32_EMULATION} (distribution kernels)
   * Linux sizes every frame for the largest frame type.
   */
  public static final int SIGFRAME_IA32_SIZE = 736;

  /** {@code FRAME_ALIGNMENT}. */
  private static final int FRAME_ALIGNMENT = 16;

  /** {@code MAX_XSAVE_PADDING}. */
  private static final int MAX_XSAVE_PADDING = 63;

  /** {@code uc_flags} {@code UC_SIGCONTEXT_SS | UC_STRICT_RESTORE_SS} (no {@code UC_FP_XSTATE}). */
  public static final long UC_FLAGS = 0x2 | 0x4;

  /**
   * Where the state goes below {@code sp} (already below the red zone, or the top of the alternate
   * stack): {@code fpu__alloc_mathframe}.
   */
  public static long address(long sp) {
    return (sp - SIZE) & -ALIGN;
  }

  /**
   * The frame's state for the CPU's {@code fxsave64} image: the image with Linux's software bytes
   * ({@code save_xstate_epilog}).
   */
  public static byte[] encode(byte[] fxsave) {
    byte[] out = new byte[SIZE];
    System.arraycopy(fxsave, 0, out, 0, Fxsave.RESERVED);
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(SW_RESERVED, FP_XSTATE_MAGIC1);
    b.putInt(SW_RESERVED + 4, SIZE + FP_XSTATE_MAGIC2_SIZE); // extended_size
    b.putLong(SW_RESERVED + 8, 0); // xfeatures: fpu_user_cfg.default_features, 0 without XSAVE
    b.putInt(SW_RESERVED + 16, SIZE); // xstate_size
    return out;
  }

  /**
   * Linux's {@code max_frame_size} ({@code init_sigframe_size}): the worst-case signal frame, given
   * to programs as {@code AT_MINSIGSTKSZ}. {@code fpu__get_fpstate_size} is the 512-byte state plus
   * the ia32 fsave header.
   */
  public static long maxFrameSize() {
    long size = SIGFRAME_IA32_SIZE + (FRAME_ALIGNMENT - 1);
    size += SIZE + FREGS_STATE_SIZE + MAX_XSAVE_PADDING;
    return (size + FRAME_ALIGNMENT - 1) & -FRAME_ALIGNMENT;
  }
}
