package org.uvm4j.machine;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The 512-byte image of the x87/SSE state that {@code fxsave64} writes and {@code fxrstor64} reads
 * (Intel SDM vol. 1 table 10-2, Linux {@code struct fxregs_state}), as {@link Machine#saveFpu} and
 * {@link Machine#loadFpu} exchange it.
 *
 * <p>Layout: {@code +0} FCW, {@code +2} FSW (with TOP), {@code +4} the abridged tag byte (bit
 * <i>i</i> set: physical register <i>i</i> is valid), {@code +6} FOP, {@code +8} FIP, {@code +16}
 * FDP, {@code +24} MXCSR, {@code +28} MXCSR_MASK, {@code +32} ST0..ST7 (16 bytes each: the 80-bit
 * value, then 6 zero bytes), {@code +160} XMM0..XMM15, {@code +416} 96 bytes the processor does not
 * write (zero here; Linux puts its software bytes at {@code +464}).
 *
 * <p>MXCSR_MASK is what the emulated CPU's own {@code fxsave} reports (QEMU's TCG: {@code 0xffff},
 * DAZ supported); loading an image whose MXCSR sets a bit outside it is refused, as {@code fxrstor}
 * raises #GP for it.
 */
public final class Fxsave {
  private Fxsave() {}

  /** Bytes of the image. */
  public static final int SIZE = 512;

  public static final int FCW = 0;
  public static final int FSW = 2;
  public static final int FTW = 4;
  public static final int FOP = 6;
  public static final int FIP = 8;
  public static final int FDP = 16;
  public static final int MXCSR = 24;
  public static final int MXCSR_MASK = 28;
  public static final int ST_SPACE = 32;
  public static final int XMM_SPACE = 160;

  /** Bytes the processor leaves alone (Linux's {@code sw_reserved} is their last 48). */
  public static final int RESERVED = 416;

  /** The MXCSR bits the emulated CPU implements ({@code fxsave}'s MXCSR_MASK). */
  public static final int MXCSR_FEATURE_MASK = 0xffff;

  /** Linux's initial MXCSR: every SIMD floating-point exception masked, round to nearest. */
  public static final int MXCSR_DEFAULT = 0x1f80;

  /** Linux's initial x87 control word: exceptions masked, 64-bit precision, round to nearest. */
  public static final int FCW_DEFAULT = 0x37f;

  /**
   * The image of the state a Linux process, and a signal handler ({@code fpu__clear_user_states}),
   * starts with: {@code fninit}'s x87 state, MXCSR 0x1f80, every register zero.
   */
  public static byte[] initial() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(FCW, (short) FCW_DEFAULT);
    b.putInt(MXCSR, MXCSR_DEFAULT);
    b.putInt(MXCSR_MASK, MXCSR_FEATURE_MASK);
    return b.array();
  }

  /** Whether {@code fxrstor} takes {@code mxcsr} (no bit outside the CPU's MXCSR_MASK). */
  public static boolean mxcsrValid(int mxcsr) {
    return (mxcsr & ~MXCSR_FEATURE_MASK) == 0;
  }
}
