package org.uvm4j.machine;

import java.util.EnumMap;
import java.util.Map;

/**
 * A {@link CpuContext} without an engine, for handler tests that run without a CPU but read a
 * process's saved registers (e.g. sigaltstack's stack pointer): the registers live in a map.
 */
public final class SavedRegisters {
  private SavedRegisters() {}

  /** A context whose registers are all zero until set. */
  public static CpuContext context() {
    Map<Reg, Long> regs = new EnumMap<>(Reg.class);
    return new CpuContext(
        new CpuBackend.Context() {
          @Override
          public long reg(Reg r) {
            return regs.getOrDefault(r, 0L);
          }

          @Override
          public void setReg(Reg r, long value) {
            regs.put(r, value);
          }

          @Override
          public void close() {
            regs.clear();
          }
        });
  }
}
