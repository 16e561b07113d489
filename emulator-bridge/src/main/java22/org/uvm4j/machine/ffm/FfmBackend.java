package org.uvm4j.machine.ffm;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.machine.CpuBackend;
import org.uvm4j.machine.CpuHooks;
import org.uvm4j.machine.EmuStatus;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.Reg;
import org.uvm4j.machine.uc.FxsaveImage;
import org.uvm4j.machine.uc.PhysicalRegions;
import org.uvm4j.machine.uc.Uc;
import org.uvm4j.machine.uc.UcRegisterAccess;
import org.uvm4j.machine.uc.UserModeBoot;
import org.uvm4j.uvm.Prot;

/**
 * {@link CpuBackend} on libunicorn 2.1 through the JDK's FFM API ({@code java.lang.foreign}, Java
 * 22+): the same engine set-up as the JNA binding (x86-64, qemu64 CPU model, virtual TLB, exits
 * mode, SSE enabled; TLB-fill, {@code syscall}, interrupt and invalid-instruction hooks installed
 * once at creation), at a fraction of the cost per hook call.
 *
 * <p>The hot paths allocate nothing: the upcall stubs are made once per engine, take and return
 * primitives only (pointers arrive as {@code long} addresses), the {@code uc_tlb_entry} a fill
 * answers is written through one preallocated segment that spans the address space, and registers
 * go through one preallocated 16-byte native scratch block. Every upcall catches every throwable,
 * records it, stops the engine and refuses the request ({@link #start} then answers {@link
 * EmuStatus#CALLBACK_FAILED}): an exception escaping an upcall would end the JVM.
 */
public final class FfmBackend implements CpuBackend {
  private static final Logger log = LogManager.getLogger("machine");

  /**
   * The end address given to {@code uc_emu_start}: never an instruction address (not canonical).
   */
  private static final long NO_UNTIL = -1L;

  /** The whole address space, for writing the {@code uc_tlb_entry} libunicorn hands the fill. */
  private static final MemorySegment EVERYTHING = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();

  private final FfmLibrary library;
  private final Arena arena = Arena.ofShared();
  private final MemorySegment scratch = arena.allocate(16, 16);
  private final long scratchAddr = scratch.address();
  private final long uc;
  private final Set<UcContext> contexts = Collections.newSetFromMap(new IdentityHashMap<>());

  private CpuHooks hooks;

  /** The RAM regions mapped into the engine (kept reachable while mapped). */
  private final PhysicalRegions physical = new PhysicalRegions();

  private Throwable callbackFailure;
  private int lastError;
  private boolean closed;

  /** While booting into user mode: the boot page's fill answer and the vector an interrupt gave. */
  private boolean booting;

  private int bootVector = -1;

  /** A hook took a CPU exception in the current run: clear the exception in flight after it. */
  private boolean exceptionTaken;

  /** Offset of the engine's exception in flight in a saved context (see {@link UserModeBoot}). */
  private int oldExceptionOffset;

  /** The context used to clear the exception in flight. */
  private long resetContext;

  /**
   * A guest {@code in}/{@code out} was trapped in the current run: the engine is being wound down
   * (every further fill refused, every further hook ignored) and {@link #ioContext} restored after
   * it.
   */
  private boolean ioTrapped;

  /** The CPU state at the trapped {@code in}/{@code out} instruction. */
  private long ioContext;

  /** The block hook through which {@link #preempt()} ends a run (see {@code PreemptHook}). */
  private FfmPreemption preemption;

  private boolean preemptionEnabled;

  private FfmBackend(FfmLibrary library) {
    this.library = library;
    long engine = 0;
    boolean ok = false;
    try {
      check(
          (int)
              (long)
                  UcDowncalls.UC_OPEN.invokeExact(
                      (long) Uc.UC_ARCH_X86, (long) Uc.UC_MODE_64, scratchAddr),
          "uc_open(X86, MODE_64)");
      engine = scratch.get(JAVA_LONG, 0);
      this.uc = engine;
      ctlInt(Uc.CTL_SET_CPU_MODEL, Uc.UC_CPU_X86_QEMU64, "uc_ctl(CPU_MODEL)");
      ctlInt(Uc.CTL_TLB_TYPE, Uc.UC_TLB_VIRTUAL, "uc_ctl(TLB_TYPE, VIRTUAL)");
      // exits mode with no exit: uc_emu_start ignores `until` and never translates it (with an
      // `until`, libunicorn asks the TLB-fill hook for that address at every stop)
      ctlInt(Uc.CTL_USE_EXITS, 1, "uc_ctl(USE_EXITS)");
      enableSse();
      addHook(Uc.UC_HOOK_TLB_FILL, upcall(Upcall.TLB_FILL), "UC_HOOK_TLB_FILL");
      check(
          (int)
              (long)
                  UcDowncalls.UC_HOOK_ADD.invokeExact(
                      uc,
                      scratchAddr,
                      (long) Uc.UC_HOOK_INSN,
                      upcall(Upcall.SYSCALL).address(),
                      0L,
                      1L,
                      0L,
                      (long) Uc.UC_X86_INS_SYSCALL),
          "uc_hook_add(UC_HOOK_INSN, UC_X86_INS_SYSCALL)");
      addHook(Uc.UC_HOOK_INTR, upcall(Upcall.INTERRUPT), "UC_HOOK_INTR");
      addHook(Uc.UC_HOOK_INSN_INVALID, upcall(Upcall.INVALID_INSN), "UC_HOOK_INSN_INVALID");
      addInsnHook(upcall(Upcall.RDTSC), Uc.UC_X86_INS_RDTSC, "RDTSC");
      addInsnHook(upcall(Upcall.RDTSCP), Uc.UC_X86_INS_RDTSCP, "RDTSCP");
      addInsnHook(upcall(Upcall.IN), Uc.UC_X86_INS_IN, "IN");
      addInsnHook(upcall(Upcall.OUT), Uc.UC_X86_INS_OUT, "OUT");
      check(
          (int) (long) UcDowncalls.UC_CONTEXT_ALLOC.invokeExact(uc, scratchAddr),
          "uc_context_alloc");
      resetContext = scratch.get(JAVA_LONG, 0);
      check(
          (int) (long) UcDowncalls.UC_CONTEXT_ALLOC.invokeExact(uc, scratchAddr),
          "uc_context_alloc");
      ioContext = scratch.get(JAVA_LONG, 0);
      oldExceptionOffset = enterUserMode();
      preemption = new FfmPreemption(arena, UcDowncalls.UC_EMU_STOP_ADDRESS);
      ok = true;
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new MachineException("opening a libunicorn engine failed: " + t, t);
    } finally {
      if (!ok) {
        if (engine != 0) {
          closeEngine(engine);
        }
        if (preemption != null) {
          preemption.close();
        }
        arena.close();
      }
    }
  }

  /**
   * Opens an engine on this JVM's libunicorn (called by {@code CpuBackends} by name).
   *
   * @throws MachineException if libunicorn is missing or too old, or the engine cannot be created
   */
  public static FfmBackend open() {
    return new FfmBackend(FfmLibrary.get());
  }

  private MemorySegment upcall(Upcall u) throws ReflectiveOperationException {
    MethodHandle target = LOOKUP.findVirtual(FfmBackend.class, u.method(), u.type()).bindTo(this);
    return Linker.nativeLinker().upcallStub(target, u.descriptor(), arena);
  }

  private void addHook(int type, MemorySegment stub, String what) throws Throwable {
    // begin > end: the hook covers every address
    check(
        (int)
            (long)
                UcDowncalls.UC_HOOK_ADD.invokeExact(
                    uc, scratchAddr, (long) type, stub.address(), 0L, 1L, 0L, 0L),
        "uc_hook_add(" + what + ")");
  }

  private void addInsnHook(MemorySegment stub, int insn, String what) throws Throwable {
    check(
        (int)
            (long)
                UcDowncalls.UC_HOOK_ADD.invokeExact(
                    uc,
                    scratchAddr,
                    (long) Uc.UC_HOOK_INSN,
                    stub.address(),
                    0L,
                    1L,
                    0L,
                    (long) insn),
        "uc_hook_add(UC_HOOK_INSN, " + what + ")");
  }

  /** CPL 3 as Linux runs processes; see {@link UserModeBoot}. */
  private int enterUserMode() throws Throwable {
    MemorySegment boot = arena.allocate(4096, 4096);
    boot.copyFrom(MemorySegment.ofArray(UserModeBoot.bootCode()));
    check(
        (int)
            (long)
                UcDowncalls.UC_MEM_MAP_PTR.invokeExact(
                    uc, UserModeBoot.BOOT_PHYS, 4096L, (long) Uc.UC_PROT_ALL, boot.address()),
        "uc_mem_map_ptr(boot page)");
    int offset;
    try {
      UserModeBoot.Engine engine = registers;
      offset = UserModeBoot.enter(engine);
      cpuId = UserModeBoot.probeCpuid(engine, offset);
    } finally {
      int ignored =
          (int) (long) UcDowncalls.UC_MEM_UNMAP.invokeExact(uc, UserModeBoot.BOOT_PHYS, 4096L);
    }
    ctl0(Uc.CTL_TLB_FLUSH, "uc_ctl(TLB_FLUSH)");
    ctl0(Uc.CTL_TB_FLUSH, "uc_ctl(TB_FLUSH)");
    return offset;
  }

  private void contextCall(MethodHandle h, String what) {
    contextCall(h, resetContext, what);
  }

  private void contextCall(MethodHandle h, long context, String what) {
    int err;
    try {
      err = (int) (long) h.invokeExact(uc, context);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(err, what);
  }

  /** Marks the exception a hook took as delivered (see {@link UserModeBoot}). */
  private void clearExceptionInFlight() {
    contextCall(UcDowncalls.UC_CONTEXT_SAVE, "uc_context_save");
    EVERYTHING.set(JAVA_INT, resetContext + oldExceptionOffset, -1);
    contextCall(UcDowncalls.UC_CONTEXT_RESTORE, "uc_context_restore");
  }

  private void ctlInt(int control, int arg, String what) throws Throwable {
    check((int) (long) UcDowncalls.UC_CTL.invokeExact(uc, (long) control, (long) arg, 0L), what);
  }

  private static void closeEngine(long engine) {
    try {
      int ignored = (int) (long) UcDowncalls.UC_CLOSE.invokeExact(engine);
    } catch (Throwable t) {
      log.warn("uc_close failed: {}", t.toString());
    }
  }

  /**
   * The floating-point state a Linux process starts with. Setting the CPU model resets CR4, which
   * leaves SSE disabled (every SSE instruction would be invalid): enable it as an OS does (CR4
   * OSFXSR and OSXMMEXCPT, CR0 MP without EM and TS), with Linux's initial MXCSR, x87 control word
   * and tag word (every register empty, as after fninit).
   */
  private void enableSse() {
    writeRaw(
        Uc.UC_X86_REG_CR0, (readRaw(Uc.UC_X86_REG_CR0) | Uc.CR0_MP) & ~(Uc.CR0_EM | Uc.CR0_TS));
    writeRaw(Uc.UC_X86_REG_CR4, readRaw(Uc.UC_X86_REG_CR4) | Uc.CR4_OSFXSR | Uc.CR4_OSXMMEXCPT);
    writeRaw(Uc.UC_X86_REG_MXCSR, Uc.MXCSR_LINUX_DEFAULT);
    writeRaw(Uc.UC_X86_REG_FPCW, Uc.FPCW_LINUX_DEFAULT);
    writeRaw(Uc.UC_X86_REG_FPTAG, Uc.FPTAG_EMPTY);
  }

  private long readRaw(int regid) {
    scratch.set(JAVA_LONG, 0, 0L);
    check(regRead(regid), "uc_reg_read(" + regid + ")");
    return scratch.get(JAVA_LONG, 0);
  }

  private void writeRaw(int regid, long value) {
    scratch.set(JAVA_LONG, 0, value);
    check(regWrite(regid), "uc_reg_write(" + regid + ")");
  }

  @Override
  public void saveFpu(byte[] image) {
    ensureOpen();
    FxsaveImage.save(registers, image);
  }

  @Override
  public boolean loadFpu(byte[] image) {
    ensureOpen();
    return FxsaveImage.load(registers, image);
  }

  /** The register access the boot and {@link FxsaveImage} need, through the scratch block. */
  private final UcRegisterAccess registers =
      new UcRegisterAccess() {
        @Override
        public long readRaw(int regid) {
          return FfmBackend.this.readRaw(regid);
        }

        @Override
        public void writeRaw(int regid, long value) {
          FfmBackend.this.writeRaw(regid, value);
        }

        @Override
        protected void readBlock(int regid, long in0, long in1, long[] out, String what) {
          scratch.set(JAVA_LONG, 0, in0);
          scratch.set(JAVA_LONG, 8, in1);
          check(regRead(regid), what);
          out[0] = scratch.get(JAVA_LONG, 0);
          out[1] = scratch.get(JAVA_LONG, 8);
        }

        @Override
        protected void writeBlock(int regid, long w0, long w1, String what) {
          scratch.set(JAVA_LONG, 0, w0);
          scratch.set(JAVA_LONG, 8, w1);
          check(regWrite(regid), what);
        }

        @Override
        public int runBoot(long begin) {
          booting = true;
          bootVector = -1;
          try {
            int ignored =
                (int) (long) UcDowncalls.UC_EMU_START.invokeExact(uc, begin, NO_UNTIL, 0L, 0L);
          } catch (Throwable t) {
            throw rethrow(t);
          } finally {
            booting = false;
          }
          return bootVector;
        }

        @Override
        public byte[] saveState() {
          contextCall(UcDowncalls.UC_CONTEXT_SAVE, "uc_context_save");
          return context().toArray(JAVA_BYTE);
        }

        @Override
        public void restoreState(byte[] state) {
          context().copyFrom(MemorySegment.ofArray(state));
          contextCall(UcDowncalls.UC_CONTEXT_RESTORE, "uc_context_restore");
        }

        /** The reset context's bytes (uc_context_size of them). */
        private MemorySegment context() {
          try {
            long size = (long) UcDowncalls.UC_CONTEXT_SIZE.invokeExact(uc);
            return MemorySegment.ofAddress(resetContext).reinterpret(size);
          } catch (Throwable t) {
            throw rethrow(t);
          }
        }
      };

  private int regRead(int regid) {
    try {
      return (int) (long) UcDowncalls.UC_REG_READ.invokeExact(uc, (long) regid, scratchAddr);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  private int regWrite(int regid) {
    try {
      return (int) (long) UcDowncalls.UC_REG_WRITE.invokeExact(uc, (long) regid, scratchAddr);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  /** A downcall handle threw: only possible for errors of the JVM itself; never checked ones. */
  private static RuntimeException rethrow(Throwable t) {
    if (t instanceof RuntimeException r) {
      throw r;
    }
    if (t instanceof Error e) {
      throw e;
    }
    throw new MachineException("native call failed: " + t, t);
  }

  @Override
  public String version() {
    return library.version();
  }

  @Override
  public String name() {
    return "ffm";
  }

  @Override
  public String libraryPath() {
    return library.path();
  }

  @Override
  public void mapPhysical(long physAddr, ByteBuffer region) {
    ensureOpen();
    physical.check(physAddr, region);
    long addr = MemorySegment.ofBuffer(region).address();
    PhysicalRegions.checkHostAddress(addr);
    int err;
    try {
      err =
          (int)
              (long)
                  UcDowncalls.UC_MEM_MAP_PTR.invokeExact(
                      uc, physAddr, (long) region.capacity(), (long) Uc.UC_PROT_ALL, addr);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(err, "uc_mem_map_ptr(0x" + Long.toHexString(physAddr) + ", " + region.capacity() + ")");
    physical.add(physAddr, region);
  }

  @Override
  public void setHooks(CpuHooks hooks) {
    this.hooks = hooks;
  }

  @Override
  public long readReg(Reg r) {
    int err = regRead(Uc.regId(r));
    if (err != Uc.UC_ERR_OK) {
      throw failure(err, "uc_reg_read(" + r + ")");
    }
    return scratch.get(JAVA_LONG, 0);
  }

  @Override
  public void writeReg(Reg r, long value) {
    scratch.set(JAVA_LONG, 0, value);
    int err = regWrite(Uc.regId(r));
    if (err != Uc.UC_ERR_OK) {
      throw failure(err, "uc_reg_write(" + r + ")");
    }
  }

  @Override
  public EmuStatus start(long begin, long count) {
    ensureOpen();
    if (count < 0) {
      throw new IllegalArgumentException("instruction count must not be negative: " + count);
    }
    callbackFailure = null;
    exceptionTaken = false;
    ioTrapped = false;
    int err;
    try {
      err = (int) (long) UcDowncalls.UC_EMU_START.invokeExact(uc, begin, NO_UNTIL, 0L, count);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    if (ioTrapped) {
      // back to the in/out instruction, as if it had raised #GP (the rest of its translated block
      // may have run register-only instructions; their effects are undone here)
      ioTrapped = false;
      contextCall(UcDowncalls.UC_CONTEXT_RESTORE, ioContext, "uc_context_restore");
      err = Uc.UC_ERR_OK;
    }
    if (exceptionTaken) {
      clearExceptionInFlight();
    }
    if (callbackFailure != null) {
      return EmuStatus.CALLBACK_FAILED;
    }
    switch (err) {
      case Uc.UC_ERR_OK:
        return EmuStatus.OK;
      case Uc.UC_ERR_EXCEPTION:
        return EmuStatus.EXCEPTION;
      case Uc.UC_ERR_INSN_INVALID:
        return EmuStatus.INVALID_INSN;
      default:
        lastError = err;
        return EmuStatus.ERROR;
    }
  }

  /**
   * {@code uc_emu_stop}, from a hook on the engine's thread: the run ends when the hook returns.
   * Never called from another thread (see {@link org.uvm4j.machine.uc.PreemptHook}).
   */
  @Override
  public void stop() {
    emuStop();
  }

  @Override
  public void enablePreemption() {
    ensureOpen();
    if (!preemptionEnabled) {
      try {
        check(
            (int)
                (long)
                    UcDowncalls.UC_HOOK_ADD.invokeExact(
                        uc,
                        scratchAddr,
                        (long) Uc.UC_HOOK_BLOCK,
                        preemption.codeAddress(),
                        preemption.requestAddress(),
                        1L,
                        0L,
                        0L),
            "uc_hook_add(UC_HOOK_BLOCK, preemption)");
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new MachineException("uc_hook_add(UC_HOOK_BLOCK, preemption) failed: " + t, t);
      }
      preemptionEnabled = true;
      flushTranslations(); // blocks translated so far do not call the hook
    }
  }

  @Override
  public void preempt() {
    preemption.request();
  }

  @Override
  public void clearPreemption() {
    preemption.clear();
  }

  private void emuStop() {
    try {
      int ignored = (int) (long) UcDowncalls.UC_EMU_STOP.invokeExact(uc);
    } catch (Throwable t) {
      throw rethrow(t);
    }
  }

  @Override
  public void flushTlb() {
    ctl0(Uc.CTL_TLB_FLUSH, "uc_ctl(TLB_FLUSH)");
  }

  @Override
  public void flushTranslations() {
    ctl0(Uc.CTL_TB_FLUSH, "uc_ctl(TB_FLUSH)");
  }

  @Override
  public void removeTranslations(long start, long end) {
    int err;
    try {
      err =
          (int)
              (long) UcDowncalls.UC_CTL.invokeExact(uc, (long) Uc.CTL_TB_REMOVE_CACHE, start, end);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(err, "uc_ctl(TB_REMOVE_CACHE)");
  }

  private void ctl0(int control, String what) {
    int err;
    try {
      err = (int) (long) UcDowncalls.UC_CTL.invokeExact(uc, (long) control, 0L, 0L);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(err, what);
  }

  /** What the CPU answered to {@code cpuid} at boot ({@link UserModeBoot#probeCpuid}). */
  private org.uvm4j.machine.CpuId cpuId;

  @Override
  public org.uvm4j.machine.CpuId cpuId() {
    return cpuId;
  }

  @Override
  public int cpuModel() {
    int err;
    scratch.set(JAVA_INT, 0, -1);
    try {
      err =
          (int)
              (long)
                  UcDowncalls.UC_CTL.invokeExact(uc, (long) Uc.CTL_GET_CPU_MODEL, scratchAddr, 0L);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(err, "uc_ctl(get CPU_MODEL)");
    return scratch.get(JAVA_INT, 0);
  }

  @Override
  public Context newContext() {
    ensureOpen();
    int err;
    try {
      err = (int) (long) UcDowncalls.UC_CONTEXT_ALLOC.invokeExact(uc, scratchAddr);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(err, "uc_context_alloc");
    UcContext ctx = new UcContext(scratch.get(JAVA_LONG, 0));
    contexts.add(ctx);
    save(ctx);
    return ctx;
  }

  @Override
  public void save(Context ctx) {
    long handle = handle(ctx);
    int err;
    try {
      err = (int) (long) UcDowncalls.UC_CONTEXT_SAVE.invokeExact(uc, handle);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(err, "uc_context_save");
  }

  @Override
  public void restore(Context ctx) {
    long handle = handle(ctx);
    int err;
    try {
      err = (int) (long) UcDowncalls.UC_CONTEXT_RESTORE.invokeExact(uc, handle);
    } catch (Throwable t) {
      throw rethrow(t);
    }
    check(err, "uc_context_restore");
  }

  @Override
  public int liveContexts() {
    return contexts.size();
  }

  private long handle(Context ctx) {
    if (!(ctx instanceof UcContext) || !contexts.contains(ctx)) {
      throw new IllegalArgumentException("not a live context of this engine: " + ctx);
    }
    return ((UcContext) ctx).handle;
  }

  @Override
  public Throwable takeCallbackFailure() {
    Throwable t = callbackFailure;
    callbackFailure = null;
    return t;
  }

  @Override
  public String lastError() {
    return strerror(lastError);
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    for (UcContext ctx : contexts.toArray(new UcContext[0])) {
      ctx.close();
    }
    closed = true;
    try {
      int ignored = (int) (long) UcDowncalls.UC_CONTEXT_FREE.invokeExact(resetContext);
      int ignored2 = (int) (long) UcDowncalls.UC_CONTEXT_FREE.invokeExact(ioContext);
    } catch (Throwable t) {
      log.warn("uc_context_free failed: {}", t.toString());
    }
    closeEngine(uc);
    preemption.close();
    physical.clear();
    // after uc_close nothing can call the upcall stubs any more
    arena.close();
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("the engine is closed");
    }
  }

  private void check(int err, String what) {
    if (err != Uc.UC_ERR_OK) {
      throw failure(err, what);
    }
  }

  private MachineException failure(int err, String what) {
    lastError = err;
    return new MachineException(what + " failed: " + strerror(err) + " (uc_err " + err + ")");
  }

  static String strerror(int err) {
    long p;
    try {
      p = (long) UcDowncalls.UC_STRERROR.invokeExact((long) err);
    } catch (Throwable t) {
      return "unknown error " + err + " (" + t + ")";
    }
    return p == 0
        ? "unknown error " + err
        : MemorySegment.ofAddress(p).reinterpret(4096).getString(0);
  }

  private void callbackFailed(Throwable t) {
    if (callbackFailure == null) {
      callbackFailure = t;
    } else {
      callbackFailure.addSuppressed(t);
    }
    try {
      emuStop();
    } catch (Throwable ignored) {
      // nothing may leave an upcall; the failure is already recorded
    }
  }

  // ---------------------------------------------------------------------------- upcall targets
  // Called by libunicorn through the stubs made in the constructor; never throw.

  /** {@code bool (*)(uc_engine*, uint64_t vaddr, uc_mem_type, uc_tlb_entry*, void*)}. */
  private long tlbFillUpcall(long engine, long vaddr, long type, long result, long userData) {
    try {
      if (ioTrapped) {
        return 0;
      }
      CpuHooks h = hooks;
      long t =
          booting
              ? ((vaddr & ~0xfffL) == UserModeBoot.BOOT_VA ? UserModeBoot.BOOT_PHYS | Prot.ALL : 0)
              : h == null ? 0 : h.tlbFill(vaddr, Uc.access((int) type));
      if (t == 0) {
        return 0;
      }
      // struct uc_tlb_entry { uint64_t paddr; uc_prot perms; }
      EVERYTHING.set(JAVA_LONG, result, t & ~0xfffL);
      EVERYTHING.set(JAVA_INT, result + 8, (int) (t & Prot.ALL));
      return 1;
    } catch (Throwable e) {
      callbackFailed(e);
      return 0;
    }
  }

  /** {@code void (*)(uc_engine*, void*)} for {@code UC_X86_INS_SYSCALL}. */
  private long syscallUpcall(long engine, long userData) {
    try {
      CpuHooks h = hooks;
      if (h == null || ioTrapped) {
        emuStop();
      } else {
        h.syscall();
      }
    } catch (Throwable e) {
      callbackFailed(e);
    }
    return 0;
  }

  /** {@code void (*)(uc_engine*, uint32_t intno, void*)}. */
  private long interruptUpcall(long engine, long intnoWord, long userData) {
    int intno = (int) intnoWord;
    exceptionTaken = true;
    try {
      CpuHooks h = hooks;
      if (booting) {
        bootVector = intno;
        emuStop();
      } else if (h == null || ioTrapped) {
        emuStop();
      } else {
        h.interrupt(intno);
      }
    } catch (Throwable e) {
      callbackFailed(e);
    }
    return 0;
  }

  /** {@code uint32_t (*)(uc_engine*, void*)} for {@code UC_X86_INS_RDTSC}. */
  private long rdtscUpcall(long engine, long userData) {
    return tsc(false);
  }

  /** {@code uint32_t (*)(uc_engine*, void*)} for {@code UC_X86_INS_RDTSCP}. */
  private long rdtscpUpcall(long engine, long userData) {
    return tsc(true);
  }

  /** rdtsc/rdtscp: the machine's timestamp counter instead of the host's (deterministic runs). */
  private int tsc(boolean withAux) {
    try {
      CpuHooks h = hooks;
      if (h == null || ioTrapped) {
        return h == null ? 0 : 1;
      }
      long t = h.timestampCounter();
      writeRaw(Uc.UC_X86_REG_RAX, t & 0xffffffffL);
      writeRaw(Uc.UC_X86_REG_RDX, t >>> 32);
      if (withAux) {
        writeRaw(Uc.UC_X86_REG_RCX, 0); // IA32_TSC_AUX: Linux's (node << 12) | cpu, cpu 0
      }
      return 1;
    } catch (Throwable e) {
      callbackFailed(e);
      return 1;
    }
  }

  /** {@code uint32_t (*)(uc_engine*, uint32_t port, int size, void*)}. */
  private long inUpcall(long engine, long port, long size, long userData) {
    try {
      trapIo();
    } catch (Throwable e) {
      callbackFailed(e);
    }
    return 0;
  }

  /** {@code void (*)(uc_engine*, uint32_t port, int size, uint32_t value, void*)}. */
  private long outUpcall(long engine, long port, long size, long value, long userData) {
    try {
      trapIo();
    } catch (Throwable e) {
      callbackFailed(e);
    }
    return 0;
  }

  /**
   * A user-mode {@code in}/{@code out} (libunicorn itself allows all port I/O): #GP at the
   * instruction, as Linux gives a process without I/O permission. The hook runs with RIP at the
   * instruction; its state is saved, the TLB flushed so that nothing after it in the translated
   * block reaches memory, and {@link #start} restores the state when the engine stops.
   */
  private void trapIo() {
    if (ioTrapped || booting || hooks == null) {
      return;
    }
    contextCall(UcDowncalls.UC_CONTEXT_SAVE, ioContext, "uc_context_save");
    ioTrapped = true;
    ctl0(Uc.CTL_TLB_FLUSH, "uc_ctl(TLB_FLUSH)");
    exceptionTaken = true;
    hooks.interrupt(Uc.VECTOR_GP);
    emuStop();
  }

  /** {@code bool (*)(uc_engine*, void*)}. */
  private long invalidInsnUpcall(long engine, long userData) {
    try {
      CpuHooks h = hooks;
      return h != null && !ioTrapped && h.invalidInstruction() ? 1 : 0;
    } catch (Throwable e) {
      callbackFailed(e);
      return 0;
    }
  }

  /** A {@code uc_context}; freed by {@link #close()} or when the engine closes. */
  private final class UcContext implements Context {
    private final long handle;

    UcContext(long handle) {
      this.handle = handle;
    }

    @Override
    public long reg(Reg r) {
      long h = live();
      int err;
      try {
        err =
            (int)
                (long)
                    UcDowncalls.UC_CONTEXT_REG_READ.invokeExact(h, (long) Uc.regId(r), scratchAddr);
      } catch (Throwable t) {
        throw rethrow(t);
      }
      if (err != Uc.UC_ERR_OK) {
        throw failure(err, "uc_context_reg_read(" + r + ")");
      }
      return scratch.get(JAVA_LONG, 0);
    }

    @Override
    public void setReg(Reg r, long value) {
      long h = live();
      scratch.set(JAVA_LONG, 0, value);
      int err;
      try {
        err =
            (int)
                (long)
                    UcDowncalls.UC_CONTEXT_REG_WRITE.invokeExact(
                        h, (long) Uc.regId(r), scratchAddr);
      } catch (Throwable t) {
        throw rethrow(t);
      }
      if (err != Uc.UC_ERR_OK) {
        throw failure(err, "uc_context_reg_write(" + r + ")");
      }
    }

    private long live() {
      if (!contexts.contains(this)) {
        throw new IllegalStateException("context already freed");
      }
      return handle;
    }

    @Override
    public void close() {
      if (contexts.remove(this)) {
        int err;
        try {
          err = (int) (long) UcDowncalls.UC_CONTEXT_FREE.invokeExact(handle);
        } catch (Throwable t) {
          err = -1;
        }
        if (err != Uc.UC_ERR_OK) {
          log.warn("uc_context_free failed: {}", strerror(err));
        }
      }
    }

    @Override
    public String toString() {
      return "uc_context@0x" + Long.toHexString(handle);
    }
  }
}
