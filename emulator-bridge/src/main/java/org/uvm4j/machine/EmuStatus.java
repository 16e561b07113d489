package org.uvm4j.machine;

/** How one {@link CpuBackend#start} call ended, as the backend saw it. */
public enum EmuStatus {
  /** Stopped normally: instruction count reached, {@link CpuBackend#stop()} called, or HLT. */
  OK,
  /** A CPU exception nobody handled: in this design, a TLB fill that was refused. */
  EXCEPTION,
  /** The emulator met an instruction it cannot decode. */
  INVALID_INSN,
  /** A hook threw; the throwable is in {@link CpuBackend#takeCallbackFailure()}. */
  CALLBACK_FAILED,
  /** Any other emulator error; {@link CpuBackend#lastError()} describes it. */
  ERROR
}
