package org.uvm4j.machine.uc;

/**
 * The register access both the CPU's set-up ({@link UserModeBoot.Engine}) and the FPU image ({@link
 * FxsaveImage.Registers}) need, written once over the primitives a libunicorn binding provides: a
 * 64-bit register, and a 16-byte register block read or written through the binding's scratch
 * memory (an MSR as libunicorn's {index, value} pair, an x87 or XMM register as two words). Each
 * binding extends it once for both uses.
 */
public abstract class UcRegisterAccess implements UserModeBoot.Engine, FxsaveImage.Registers {
  /**
   * uc_reg_read of the 16-byte block of {@code regid}: the block holds {@code in0, in1} before the
   * call (an MSR read names the MSR in the first word), {@code out} gets both words after it.
   *
   * @param what the call, for the error message of a failure
   */
  protected abstract void readBlock(int regid, long in0, long in1, long[] out, String what);

  /**
   * uc_reg_write of the 16-byte block {@code w0, w1} to {@code regid}.
   *
   * @param what the call, for the error message of a failure
   */
  protected abstract void writeBlock(int regid, long w0, long w1, String what);

  @Override
  public final long readMsr(int msr) {
    long[] out = new long[2];
    readBlock(Uc.UC_X86_REG_MSR, msr & 0xffffffffL, 0, out, "rdmsr");
    return out[1];
  }

  @Override
  public final void writeMsr(int msr, long value) {
    writeBlock(Uc.UC_X86_REG_MSR, msr & 0xffffffffL, value, "wrmsr");
  }

  @Override
  public final void readWide(int regid, long[] out) {
    readBlock(regid, 0, 0, out, "uc_reg_read(" + regid + ")");
  }

  @Override
  public final void writeWide(int regid, long lo, long hi) {
    writeBlock(regid, lo, hi, "uc_reg_write(" + regid + ")");
  }
}
