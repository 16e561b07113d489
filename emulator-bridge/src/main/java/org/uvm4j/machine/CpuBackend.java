package org.uvm4j.machine;

import java.nio.ByteBuffer;

/**
 * The one small interface over the native CPU emulator: one x86-64 engine in long mode with a
 * software-filled ("virtual") TLB. Two bindings of libunicorn implement it: {@code
 * machine.unicorn.UnicornBackend} (JNA, any Java 17+) and {@code machine.ffm.FfmBackend} (the JDK's
 * FFM API, Java 22+, ~15x cheaper per hook call); {@code machine.backend.CpuBackends} picks one.
 * Callers never see native types, and both pass the same contract test suite.
 *
 * <p>Single-threaded, with one exception: every method, and every {@link CpuHooks} callback, runs
 * on the thread that drives the engine, except {@link #preempt()}, which any thread may call at any
 * time (a preemption watchdog). Hook callbacks may call {@link #stop()}, {@link #readReg} and
 * {@link #writeReg}, but not {@link #start}, {@link #flushTlb()} or the context methods.
 */
public interface CpuBackend extends AutoCloseable {
  /** The emulator's version as {@code "major.minor.patch"}. */
  String version();

  /** The binding's short name, as {@code --backend} spells it ({@code "jna"}, {@code "ffm"}). */
  String name();

  /** The library file (or, when the system loader found it, the name) this engine runs on. */
  String libraryPath();

  /** The CPU model set at creation ({@code UC_CTL_CPU_MODEL}; 0 = qemu64). */
  int cpuModel();

  /** What the engine's CPU answered to {@code cpuid} leaves 0 and 1 when it booted. */
  CpuId cpuId();

  /** Live contexts allocated by this engine and not yet closed. */
  int liveContexts();

  /**
   * Maps {@code region} (a direct buffer, page-aligned, a whole number of pages, at most 1 GiB) at
   * guest-physical address {@code physAddr} (page-aligned) with all permissions; permissions live
   * only in the TLB entries the hooks return. Physical RAM is mapped region by region at
   * consecutive addresses before the first run (never from inside a hook); the engine keeps a
   * reference to each region until {@link #close()}, and never frees its memory.
   *
   * @throws IllegalArgumentException if {@code region} is not direct, not page-aligned or not whole
   *     pages, or {@code physAddr} is negative or not page-aligned
   * @throws IllegalStateException if the range overlaps a region mapped before
   */
  void mapPhysical(long physAddr, ByteBuffer region);

  /** Installs the hooks the engine calls while it runs (TLB fill, syscall, interrupt, invalid). */
  void setHooks(CpuHooks hooks);

  /** Reads a register of the running CPU. */
  long readReg(Reg r);

  /** Writes a register of the running CPU. */
  void writeReg(Reg r, long value);

  /**
   * Runs from {@code begin} for at most {@code count} instructions, or with {@code count == 0}
   * without an instruction limit (until a hook or {@link #stop()} ends the run). A positive count
   * costs a per-instruction counting hook inside the emulator (libunicorn: about 12× slower for
   * CPU-bound code); {@code count == 0} must run without one.
   *
   * <p>A {@link #stop()} that happened before this call (no run in progress) must not end this run.
   *
   * @return how the run ended; RIP is left at the next instruction to execute (after a refused TLB
   *     fill: the faulting instruction)
   * @throws IllegalArgumentException if {@code count < 0}
   */
  EmuStatus start(long begin, long count);

  /**
   * From a hook, on the engine's thread: ends the run once the hook returns (at the latest at the
   * end of the current translated block); {@link #start} then returns {@link EmuStatus#OK}. Never
   * from another thread: libunicorn would honour such a request after any guest load or store,
   * inside an instruction, and resume would execute that instruction again (see {@code
   * machine.uc.PreemptHook}); other threads use {@link #preempt()}.
   */
  void stop();

  /**
   * Makes {@link #preempt()} work from now on (engine thread, outside a run; idempotent): the first
   * call installs the block hook that takes preemption requests and drops the translated code made
   * without it. Every translated block then starts with a call to that hook (a few percent of
   * CPU-bound speed), so an engine that is never preempted never pays for it.
   */
  void enablePreemption();

  /**
   * From any thread, at any time while the engine is open and after {@link #enablePreemption()}:
   * asks the run in progress, or the next one, to end at the start of its next translated block,
   * between two instructions; {@link #start} then returns {@link EmuStatus#OK} with RIP at the next
   * instruction to execute. The request stays pending until a run takes it or {@link
   * #clearPreemption()} withdraws it.
   */
  void preempt();

  /** Withdraws a {@link #preempt()} request that no run has taken yet (engine thread only). */
  void clearPreemption();

  /** Forgets every TLB entry (translated code is kept). Not from inside a hook. */
  void flushTlb();

  /** Drops every translated block (e.g. before a frame that held code is rewritten). */
  void flushTranslations();

  /** Drops the translated blocks of virtual range [start, end) in the current address space. */
  void removeTranslations(long start, long end);

  /**
   * The x87/SSE state as the 512-byte image {@code fxsave64} writes ({@code machine.uc.FxsaveImage}
   * gives the layout), into {@code image[0..512)}.
   */
  void saveFpu(byte[] image);

  /**
   * Loads the x87/SSE state from a 512-byte {@code fxsave64} image, as {@code fxrstor64}.
   *
   * @return false, with the state unchanged, where {@code fxrstor64} would raise #GP (an MXCSR bit
   *     the CPU does not implement)
   */
  boolean loadFpu(byte[] image);

  /** Allocates a CPU context (register state) holding the engine's current state. */
  Context newContext();

  /** Saves the engine's CPU state into {@code ctx}. */
  void save(Context ctx);

  /** Loads {@code ctx} into the engine. */
  void restore(Context ctx);

  /** After {@link EmuStatus#CALLBACK_FAILED}: the throwable a hook threw (cleared by this call). */
  Throwable takeCallbackFailure();

  /** A description of the last emulator error. */
  String lastError();

  /** Releases the engine; later calls fail. */
  @Override
  void close();

  /** A saved CPU state (registers, flags, segment bases, FPU/SSE state); native memory. */
  interface Context extends AutoCloseable {
    /** Reads a register from the saved state. */
    long reg(Reg r);

    /** Writes a register into the saved state. */
    void setReg(Reg r, long value);

    /** Frees the native state; idempotent. */
    @Override
    void close();
  }
}
