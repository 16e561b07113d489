package org.uvm4j.machine;

/**
 * One process's saved CPU state (registers, flags, FS/GS bases, FPU/SSE state) on a {@link
 * Machine}. Created by {@link Machine#newContext()}, loaded with {@link Machine#load} and saved
 * with {@link Machine#save}; its registers can be read and written while it is not loaded (e.g. a
 * fork child's RAX). Holds native memory: {@link #close()} it when the process is gone (the machine
 * frees any left when it closes).
 */
public final class CpuContext implements AutoCloseable {
  final CpuBackend.Context state;

  CpuContext(CpuBackend.Context state) {
    this.state = state;
  }

  /** A register of the saved state. */
  public long reg(Reg r) {
    return state.reg(r);
  }

  /** Sets a register of the saved state. */
  public void setReg(Reg r, long value) {
    state.setReg(r, value);
  }

  /** Frees the native state; idempotent. */
  @Override
  public void close() {
    state.close();
  }
}
