package org.uvm4j.machine.uc;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.uvm4j.machine.Fxsave;

/**
 * {@code fxsave64} / {@code fxrstor64} of a libunicorn engine's x87/SSE state ({@link Fxsave}
 * layout) through the engine's register API: shared by both bindings, which only provide {@link
 * Registers}.
 */
public final class FxsaveImage {
  private FxsaveImage() {}

  // uc_x86_reg ids (libunicorn 2.1 x86.h)
  static final int UC_X86_REG_FPSW = 31;
  static final int UC_X86_REG_ST0 = 114;
  static final int UC_X86_REG_XMM0 = 122;
  static final int UC_X86_REG_FPCW = 246;
  static final int UC_X86_REG_FPTAG = 247;
  static final int UC_X86_REG_MXCSR = 249;
  static final int UC_X86_REG_FIP = 254;
  static final int UC_X86_REG_FDP = 256;
  static final int UC_X86_REG_FOP = 258;

  /** The register access a binding provides (engine thread, outside a run). */
  public interface Registers {
    /** Reads a register of at most 8 bytes (zero-extended). */
    long readRaw(int regid);

    /** Writes a register of at most 8 bytes (its low bytes). */
    void writeRaw(int regid, long value);

    /**
     * Reads a 16-byte register (XMM) or a 10-byte one (STn: mantissa in {@code out[0]}, sign and
     * exponent in the low 16 bits of {@code out[1]}).
     */
    void readWide(int regid, long[] out);

    /** Writes a register read by {@link #readWide}. */
    void writeWide(int regid, long lo, long hi);
  }

  /** fxsave64: the engine's x87/SSE state into {@code image} ({@link Fxsave#SIZE} bytes). */
  public static void save(Registers e, byte[] image) {
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    Arrays.fill(image, 0, Fxsave.SIZE, (byte) 0);
    b.putShort(Fxsave.FCW, (short) e.readRaw(UC_X86_REG_FPCW));
    b.putShort(Fxsave.FSW, (short) e.readRaw(UC_X86_REG_FPSW));
    b.put(Fxsave.FTW, (byte) abridgedTag((int) e.readRaw(UC_X86_REG_FPTAG)));
    b.putShort(Fxsave.FOP, (short) (e.readRaw(UC_X86_REG_FOP) & 0x7ff));
    b.putLong(Fxsave.FIP, e.readRaw(UC_X86_REG_FIP));
    b.putLong(Fxsave.FDP, e.readRaw(UC_X86_REG_FDP));
    b.putInt(Fxsave.MXCSR, (int) e.readRaw(UC_X86_REG_MXCSR));
    b.putInt(Fxsave.MXCSR_MASK, Fxsave.MXCSR_FEATURE_MASK);
    long[] w = new long[2];
    for (int i = 0; i < 8; i++) {
      e.readWide(UC_X86_REG_ST0 + i, w);
      b.putLong(Fxsave.ST_SPACE + 16 * i, w[0]);
      b.putShort(Fxsave.ST_SPACE + 16 * i + 8, (short) w[1]);
    }
    for (int i = 0; i < 16; i++) {
      e.readWide(UC_X86_REG_XMM0 + i, w);
      b.putLong(Fxsave.XMM_SPACE + 16 * i, w[0]);
      b.putLong(Fxsave.XMM_SPACE + 16 * i + 8, w[1]);
    }
  }

  /**
   * fxrstor64: {@code image} into the engine.
   *
   * @return false (engine unchanged) if the image's MXCSR sets a bit outside {@link
   *     Fxsave#MXCSR_FEATURE_MASK}, where {@code fxrstor} raises #GP
   */
  public static boolean load(Registers e, byte[] image) {
    ByteBuffer b = ByteBuffer.wrap(image).order(ByteOrder.LITTLE_ENDIAN);
    int mxcsr = b.getInt(Fxsave.MXCSR);
    if (!Fxsave.mxcsrValid(mxcsr)) {
      return false;
    }
    e.writeRaw(UC_X86_REG_FPCW, b.getShort(Fxsave.FCW) & 0xffff);
    e.writeRaw(
        UC_X86_REG_FPSW, b.getShort(Fxsave.FSW) & 0xffff); // TOP first: STn are relative to it
    e.writeRaw(UC_X86_REG_FOP, b.getShort(Fxsave.FOP) & 0x7ff);
    e.writeRaw(UC_X86_REG_FIP, b.getLong(Fxsave.FIP));
    e.writeRaw(UC_X86_REG_FDP, b.getLong(Fxsave.FDP));
    for (int i = 0; i < 8; i++) {
      e.writeWide(
          UC_X86_REG_ST0 + i,
          b.getLong(Fxsave.ST_SPACE + 16 * i),
          b.getShort(Fxsave.ST_SPACE + 16 * i + 8) & 0xffff);
    }
    e.writeRaw(UC_X86_REG_FPTAG, fullTag(b.get(Fxsave.FTW) & 0xff));
    e.writeRaw(UC_X86_REG_MXCSR, mxcsr & 0xffffffffL);
    for (int i = 0; i < 16; i++) {
      e.writeWide(
          UC_X86_REG_XMM0 + i,
          b.getLong(Fxsave.XMM_SPACE + 16 * i),
          b.getLong(Fxsave.XMM_SPACE + 16 * i + 8));
    }
    return true;
  }

  /** The abridged tag byte of a full tag word: bit i set unless register i's tag is 11 (empty). */
  static int abridgedTag(int full) {
    int t = 0;
    for (int i = 0; i < 8; i++) {
      if (((full >>> (2 * i)) & 3) != 3) {
        t |= 1 << i;
      }
    }
    return t;
  }

  /**
   * A full tag word for an abridged byte: empty (11) or valid (00). The engine keeps only empty /
   * not empty and recomputes zero / special when the tag word is read, as the hardware does.
   */
  static int fullTag(int abridged) {
    int full = 0;
    for (int i = 0; i < 8; i++) {
      if ((abridged & (1 << i)) == 0) {
        full |= 3 << (2 * i);
      }
    }
    return full;
  }
}
