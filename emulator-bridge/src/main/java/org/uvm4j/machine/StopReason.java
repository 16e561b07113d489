package org.uvm4j.machine;

/** Why {@link Machine#run} returned. */
public enum StopReason {
  /** The instruction quantum was used up (or the guest executed {@code hlt}, see Machine). */
  QUANTUM,
  /**
   * The guest executed {@code syscall}: RIP is after the instruction, the number is in RAX, the
   * arguments in RDI, RSI, RDX, R10, R8, R9; the kernel writes the result to RAX.
   */
  SYSCALL,
  /** An access the UVM could not resolve: {@link Machine#lastFault()}; RIP at the instruction. */
  FAULT,
  /**
   * A CPU exception or software interrupt other than a page fault: {@link Machine#lastInterrupt()}
   * (0 divide error, 3 {@code int3} with RIP after it, 13 general protection...).
   */
  INTERRUPT,
  /** An undecodable instruction at RIP (SIGILL). */
  INVALID_INSN,
  /**
   * The machine failed (a hook threw, or the emulator reported an error): {@link
   * Machine#lastError()}.
   */
  ERROR
}
