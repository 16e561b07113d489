package org.uvm4j.machine;

/**
 * What the emulator asks of the machine while it runs. Called on the thread that called {@link
 * CpuBackend#start}, from inside the native emulator: implementations must not block, and the
 * backend turns any throwable into {@link EmuStatus#CALLBACK_FAILED} (it never reaches native
 * code).
 *
 * <p>All arguments and results are primitives so that a backend can call these without allocating.
 */
public interface CpuHooks {
  /**
   * A TLB miss: the translation of the virtual page holding {@code va} for an access of type {@code
   * access} ({@code Prot.READ}, {@code WRITE} or {@code EXEC}).
   *
   * @return {@code physAddr | prot} (physical page address, low three bits the {@code Prot} bits
   *     the TLB entry grants, at least {@code access}), or 0 to refuse: the emulator then raises an
   *     exception at the faulting instruction and {@link CpuBackend#start} returns {@link
   *     EmuStatus#EXCEPTION}
   */
  long tlbFill(long va, int access);

  /**
   * The guest executed {@code syscall}; RIP already points after it. The hook usually calls {@link
   * CpuBackend#stop()}.
   */
  void syscall();

  /**
   * A CPU interrupt or exception other than a page fault (e.g. 0 divide error, 3 breakpoint, 6
   * invalid opcode, 13 general protection, or an {@code int N} instruction).
   */
  void interrupt(int vector);

  /**
   * The guest executed {@code rdtsc} or {@code rdtscp}: the timestamp counter it reads (the machine
   * answers from its virtual clock, so that runs are deterministic).
   */
  long timestampCounter();

  /**
   * The emulator met an undecodable instruction at RIP.
   *
   * @return true to continue (the hook fixed RIP), false to stop with {@link
   *     EmuStatus#INVALID_INSN}
   */
  boolean invalidInstruction();
}
