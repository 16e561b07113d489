package org.uvm4j.machine.unicorn;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
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
import org.uvm4j.machine.uc.PreemptHook;
import org.uvm4j.machine.uc.Uc;
import org.uvm4j.machine.uc.UcRegisterAccess;
import org.uvm4j.machine.uc.UserModeBoot;
import org.uvm4j.uvm.Prot;

/**
 * {@link CpuBackend} on libunicorn 2.1 through JNA: one x86-64 engine in virtual-TLB mode ({@code
 * UC_TLB_VIRTUAL}) with the TLB-fill, {@code syscall}, interrupt and invalid-instruction hooks
 * installed once at creation.
 *
 * <p>The hot paths allocate nothing: registers go through one preallocated 16-byte native scratch
 * block, the TLB entry is written through one reused {@link Pointer} whose address is set per call,
 * and the hooks use JNA's direct (unboxed) callback path. Every hook catches every throwable,
 * records it, stops the engine and refuses the request; {@link #start} then answers {@link
 * EmuStatus#CALLBACK_FAILED}. Nothing is ever thrown into native code.
 */
public final class UnicornBackend implements CpuBackend {
  private static final Logger log = LogManager.getLogger("machine");

  /**
   * The end address given to {@code uc_emu_start}: never an instruction address (not canonical).
   */
  private static final long NO_UNTIL = -1L;

  private final UnicornLibrary library;
  private final long uc;
  private final Memory scratch = new Memory(16);
  private final long scratchAddr = Pointer.nativeValue(scratch);
  private final Pointer entryView = new Pointer(0);
  private final Set<UcContext> contexts = Collections.newSetFromMap(new IdentityHashMap<>());

  // strong references: libunicorn holds only the native trampolines JNA made for these
  private final TlbFill tlbFill = new TlbFill();
  private final Syscall syscall = new Syscall();
  private final Interrupt interrupt = new Interrupt();
  private final InvalidInsn invalidInsn = new InvalidInsn();
  private final Tsc rdtsc = new Tsc(false);
  private final Tsc rdtscp = new Tsc(true);
  private final In in = new In();
  private final Out out = new Out();

  /**
   * A guest {@code in}/{@code out} was trapped in the current run: the engine is being wound down
   * (every further fill refused, every further hook ignored) and {@link #ioContext} restored after
   * it.
   */
  private boolean ioTrapped;

  /** The CPU state at the trapped {@code in}/{@code out} instruction. */
  private final long ioContext;

  /** While booting into user mode: the boot page's fill answer and the vector an interrupt gave. */
  private boolean booting;

  private int bootVector = -1;

  /** A hook took a CPU exception in the current run: clear the exception in flight after it. */
  private boolean exceptionTaken;

  /** Offset of the engine's exception in flight in a saved context (see {@link UserModeBoot}). */
  private final int oldExceptionOffset;

  /** The context used to clear the exception in flight. */
  private final long resetContext;

  /** The block hook through which {@link #preempt()} ends a run (see {@link PreemptHook}). */
  private JnaPreemption preemption;

  private boolean preemptionEnabled;

  private CpuHooks hooks;

  /** The RAM regions mapped into the engine (kept reachable while mapped). */
  private final PhysicalRegions physical = new PhysicalRegions();

  private Throwable callbackFailure;
  private int lastError;
  private boolean closed;

  private UnicornBackend(UnicornLibrary library) {
    this.library = library;
    check(UcNative.uc_open(Uc.UC_ARCH_X86, Uc.UC_MODE_64, scratchAddr), "uc_open(X86, MODE_64)");
    this.uc = scratch.getLong(0);
    boolean ok = false;
    try {
      check(UcNative.uc_ctl(uc, Uc.CTL_SET_CPU_MODEL, Uc.UC_CPU_X86_QEMU64), "uc_ctl(CPU_MODEL)");
      check(UcNative.uc_ctl(uc, Uc.CTL_TLB_TYPE, Uc.UC_TLB_VIRTUAL), "uc_ctl(TLB_TYPE, VIRTUAL)");
      // exits mode with no exit: uc_emu_start ignores `until` and never translates it (with an
      // `until`, libunicorn asks the TLB-fill hook for that address at every stop)
      check(UcNative.uc_ctl(uc, Uc.CTL_USE_EXITS, 1), "uc_ctl(USE_EXITS)");
      enableSse();
      addHook(Uc.UC_HOOK_TLB_FILL, tlbFill, "UC_HOOK_TLB_FILL");
      check(
          UcNative.uc_hook_add(
              uc, scratchAddr, Uc.UC_HOOK_INSN, syscall, 0, 1, 0, Uc.UC_X86_INS_SYSCALL),
          "uc_hook_add(UC_HOOK_INSN, UC_X86_INS_SYSCALL)");
      addHook(Uc.UC_HOOK_INTR, interrupt, "UC_HOOK_INTR");
      addHook(Uc.UC_HOOK_INSN_INVALID, invalidInsn, "UC_HOOK_INSN_INVALID");
      addInsnHook(rdtsc, Uc.UC_X86_INS_RDTSC, "UC_X86_INS_RDTSC");
      addInsnHook(rdtscp, Uc.UC_X86_INS_RDTSCP, "UC_X86_INS_RDTSCP");
      addInsnHook(in, Uc.UC_X86_INS_IN, "UC_X86_INS_IN");
      addInsnHook(out, Uc.UC_X86_INS_OUT, "UC_X86_INS_OUT");
      check(UcNative.uc_context_alloc(uc, scratchAddr), "uc_context_alloc");
      this.resetContext = scratch.getLong(0);
      check(UcNative.uc_context_alloc(uc, scratchAddr), "uc_context_alloc");
      this.ioContext = scratch.getLong(0);
      this.oldExceptionOffset = enterUserMode();
      this.preemption = new JnaPreemption(library.emuStopAddress());
      ok = true;
    } finally {
      if (!ok) {
        UcNative.uc_close(uc);
        if (preemption != null) {
          preemption.close();
        }
      }
    }
  }

  /**
   * Opens an engine on this JVM's libunicorn.
   *
   * @throws MachineException if libunicorn is missing or too old, or the engine cannot be created
   */
  public static UnicornBackend open() {
    return new UnicornBackend(UnicornLibrary.get());
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

  private void addInsnHook(com.sun.jna.Callback cb, int insn, String what) {
    check(
        UcNative.uc_hook_add(uc, scratchAddr, Uc.UC_HOOK_INSN, cb, 0, 1, 0, insn),
        "uc_hook_add(UC_HOOK_INSN, " + what + ")");
  }

  /** CPL 3 as Linux runs processes; see {@link UserModeBoot}. */
  private int enterUserMode() {
    Memory page = new Memory(2 * 4096);
    Pointer boot = page.align(4096);
    boot.write(0, UserModeBoot.bootCode(), 0, 4096);
    check(
        UcNative.uc_mem_map_ptr(
            uc, UserModeBoot.BOOT_PHYS, 4096, Uc.UC_PROT_ALL, Pointer.nativeValue(boot)),
        "uc_mem_map_ptr(boot page)");
    int offset;
    try {
      UserModeBoot.Engine engine = registers;
      offset = UserModeBoot.enter(engine);
      cpuId = UserModeBoot.probeCpuid(engine, offset);
    } finally {
      UcNative.uc_mem_unmap(uc, UserModeBoot.BOOT_PHYS, 4096);
    }
    check(UcNative.uc_ctl(uc, Uc.CTL_TLB_FLUSH), "uc_ctl(TLB_FLUSH)");
    check(UcNative.uc_ctl(uc, Uc.CTL_TB_FLUSH), "uc_ctl(TB_FLUSH)");
    return offset;
  }

  /** Marks the exception a hook took as delivered (see {@link UserModeBoot}). */
  private void clearExceptionInFlight() {
    check(UcNative.uc_context_save(uc, resetContext), "uc_context_save");
    new Pointer(resetContext).setInt(oldExceptionOffset, -1);
    check(UcNative.uc_context_restore(uc, resetContext), "uc_context_restore");
  }

  private long readRaw(int regid) {
    scratch.setLong(0, 0);
    check(UcNative.uc_reg_read(uc, regid, scratchAddr), "uc_reg_read(" + regid + ")");
    return scratch.getLong(0);
  }

  private void writeRaw(int regid, long value) {
    scratch.setLong(0, value);
    check(UcNative.uc_reg_write(uc, regid, scratchAddr), "uc_reg_write(" + regid + ")");
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
          return UnicornBackend.this.readRaw(regid);
        }

        @Override
        public void writeRaw(int regid, long value) {
          UnicornBackend.this.writeRaw(regid, value);
        }

        @Override
        protected void readBlock(int regid, long in0, long in1, long[] out, String what) {
          scratch.setLong(0, in0);
          scratch.setLong(8, in1);
          check(UcNative.uc_reg_read(uc, regid, scratchAddr), what);
          out[0] = scratch.getLong(0);
          out[1] = scratch.getLong(8);
        }

        @Override
        protected void writeBlock(int regid, long w0, long w1, String what) {
          scratch.setLong(0, w0);
          scratch.setLong(8, w1);
          check(UcNative.uc_reg_write(uc, regid, scratchAddr), what);
        }

        @Override
        public int runBoot(long begin) {
          booting = true;
          bootVector = -1;
          try {
            UcNative.uc_emu_start(uc, begin, NO_UNTIL, 0, 0);
          } finally {
            booting = false;
          }
          return bootVector;
        }

        @Override
        public byte[] saveState() {
          check(UcNative.uc_context_save(uc, resetContext), "uc_context_save");
          return new Pointer(resetContext).getByteArray(0, (int) UcNative.uc_context_size(uc));
        }

        @Override
        public void restoreState(byte[] state) {
          new Pointer(resetContext).write(0, state, 0, state.length);
          check(UcNative.uc_context_restore(uc, resetContext), "uc_context_restore");
        }
      };

  private void addHook(int type, com.sun.jna.Callback cb, String what) {
    // begin > end: the hook covers every address
    check(UcNative.uc_hook_add(uc, scratchAddr, type, cb, 0, 1, 0), "uc_hook_add(" + what + ")");
  }

  @Override
  public String version() {
    return library.version();
  }

  @Override
  public String name() {
    return "jna";
  }

  @Override
  public String libraryPath() {
    return library.path();
  }

  @Override
  public void mapPhysical(long physAddr, ByteBuffer region) {
    ensureOpen();
    physical.check(physAddr, region);
    long addr = Pointer.nativeValue(Native.getDirectBufferPointer(region));
    PhysicalRegions.checkHostAddress(addr);
    check(
        UcNative.uc_mem_map_ptr(uc, physAddr, region.capacity(), Uc.UC_PROT_ALL, addr),
        "uc_mem_map_ptr(0x" + Long.toHexString(physAddr) + ", " + region.capacity() + ")");
    physical.add(physAddr, region);
  }

  @Override
  public void setHooks(CpuHooks hooks) {
    this.hooks = hooks;
  }

  @Override
  public long readReg(Reg r) {
    int err = UcNative.uc_reg_read(uc, Uc.regId(r), scratchAddr);
    if (err != Uc.UC_ERR_OK) {
      throw failure(err, "uc_reg_read(" + r + ")");
    }
    return scratch.getLong(0);
  }

  @Override
  public void writeReg(Reg r, long value) {
    scratch.setLong(0, value);
    int err = UcNative.uc_reg_write(uc, Uc.regId(r), scratchAddr);
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
    int err = UcNative.uc_emu_start(uc, begin, NO_UNTIL, 0, count);
    if (ioTrapped) {
      // back to the in/out instruction, as if it had raised #GP (the rest of its translated block
      // may have run register-only instructions; their effects are undone here)
      ioTrapped = false;
      check(UcNative.uc_context_restore(uc, ioContext), "uc_context_restore");
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
    UcNative.uc_emu_stop(uc);
  }

  @Override
  public void enablePreemption() {
    ensureOpen();
    if (!preemptionEnabled) {
      check(
          UcNative.uc_hook_add(
              uc,
              scratchAddr,
              Uc.UC_HOOK_BLOCK,
              preemption.codeAddress(),
              preemption.requestAddress(),
              1,
              0),
          "uc_hook_add(UC_HOOK_BLOCK, preemption)");
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

  @Override
  public void flushTlb() {
    check(UcNative.uc_ctl(uc, Uc.CTL_TLB_FLUSH), "uc_ctl(TLB_FLUSH)");
  }

  @Override
  public void flushTranslations() {
    check(UcNative.uc_ctl(uc, Uc.CTL_TB_FLUSH), "uc_ctl(TB_FLUSH)");
  }

  @Override
  public void removeTranslations(long start, long end) {
    check(UcNative.uc_ctl(uc, Uc.CTL_TB_REMOVE_CACHE, start, end), "uc_ctl(TB_REMOVE_CACHE)");
  }

  /** What the CPU answered to {@code cpuid} at boot ({@link UserModeBoot#probeCpuid}). */
  private org.uvm4j.machine.CpuId cpuId;

  @Override
  public org.uvm4j.machine.CpuId cpuId() {
    return cpuId;
  }

  @Override
  public int cpuModel() {
    check(UcNative.uc_ctl(uc, Uc.CTL_GET_CPU_MODEL, scratchAddr), "uc_ctl(get CPU_MODEL)");
    return scratch.getInt(0);
  }

  @Override
  public Context newContext() {
    ensureOpen();
    check(UcNative.uc_context_alloc(uc, scratchAddr), "uc_context_alloc");
    UcContext ctx = new UcContext(scratch.getLong(0));
    contexts.add(ctx);
    save(ctx);
    return ctx;
  }

  @Override
  public void save(Context ctx) {
    check(UcNative.uc_context_save(uc, handle(ctx)), "uc_context_save");
  }

  @Override
  public void restore(Context ctx) {
    check(UcNative.uc_context_restore(uc, handle(ctx)), "uc_context_restore");
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
    UcNative.uc_context_free(resetContext);
    UcNative.uc_context_free(ioContext);
    UcNative.uc_close(uc);
    preemption.close(); // nothing can call the hook any more
    physical.clear();
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
    long p = UcNative.uc_strerror(err);
    return p == 0 ? "unknown error " + err : new Pointer(p).getString(0);
  }

  private void callbackFailed(Throwable t) {
    if (callbackFailure == null) {
      callbackFailure = t;
    } else {
      callbackFailure.addSuppressed(t);
    }
    UcNative.uc_emu_stop(uc);
  }

  private final class TlbFill implements UcNative.TlbFillCallback {
    @Override
    public boolean invoke(long engine, long vaddr, int type, long result, long userData) {
      try {
        if (ioTrapped) {
          return false;
        }
        CpuHooks h = hooks;
        long t =
            booting
                ? ((vaddr & ~0xfffL) == UserModeBoot.BOOT_VA
                    ? UserModeBoot.BOOT_PHYS | Prot.ALL
                    : 0)
                : h == null ? 0 : h.tlbFill(vaddr, Uc.access(type));
        if (t == 0) {
          return false;
        }
        Pointer.nativeValue(entryView, result);
        entryView.setLong(0, t & ~0xfffL);
        entryView.setInt(8, (int) (t & Prot.ALL));
        return true;
      } catch (Throwable e) {
        callbackFailed(e);
        return false;
      }
    }
  }

  private final class Syscall implements UcNative.SyscallCallback {
    @Override
    public void invoke(long engine, long userData) {
      try {
        CpuHooks h = hooks;
        if (h == null || ioTrapped) {
          UcNative.uc_emu_stop(uc);
        } else {
          h.syscall();
        }
      } catch (Throwable e) {
        callbackFailed(e);
      }
    }
  }

  private final class Interrupt implements UcNative.InterruptCallback {
    @Override
    public void invoke(long engine, int intno, long userData) {
      exceptionTaken = true;
      try {
        CpuHooks h = hooks;
        if (booting) {
          bootVector = intno;
          UcNative.uc_emu_stop(uc);
        } else if (h == null || ioTrapped) {
          UcNative.uc_emu_stop(uc);
        } else {
          h.interrupt(intno);
        }
      } catch (Throwable e) {
        callbackFailed(e);
      }
    }
  }

  /** rdtsc/rdtscp: the machine's timestamp counter instead of the host's (deterministic runs). */
  private final class Tsc implements UcNative.TscCallback {
    private final boolean withAux;

    Tsc(boolean withAux) {
      this.withAux = withAux;
    }

    @Override
    public int invoke(long engine, long userData) {
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
    check(UcNative.uc_context_save(uc, ioContext), "uc_context_save");
    ioTrapped = true;
    check(UcNative.uc_ctl(uc, Uc.CTL_TLB_FLUSH), "uc_ctl(TLB_FLUSH)");
    exceptionTaken = true;
    hooks.interrupt(Uc.VECTOR_GP);
    UcNative.uc_emu_stop(uc);
  }

  private final class In implements UcNative.InCallback {
    @Override
    public int invoke(long engine, int port, int size, long userData) {
      try {
        trapIo();
      } catch (Throwable e) {
        callbackFailed(e);
      }
      return 0;
    }
  }

  private final class Out implements UcNative.OutCallback {
    @Override
    public void invoke(long engine, int port, int size, int value, long userData) {
      try {
        trapIo();
      } catch (Throwable e) {
        callbackFailed(e);
      }
    }
  }

  private final class InvalidInsn implements UcNative.InvalidInsnCallback {
    @Override
    public boolean invoke(long engine, long userData) {
      try {
        CpuHooks h = hooks;
        return h != null && !ioTrapped && h.invalidInstruction();
      } catch (Throwable e) {
        callbackFailed(e);
        return false;
      }
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
      int err = UcNative.uc_context_reg_read(live(), Uc.regId(r), scratchAddr);
      if (err != Uc.UC_ERR_OK) {
        throw failure(err, "uc_context_reg_read(" + r + ")");
      }
      return scratch.getLong(0);
    }

    @Override
    public void setReg(Reg r, long value) {
      scratch.setLong(0, value);
      int err = UcNative.uc_context_reg_write(live(), Uc.regId(r), scratchAddr);
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
        int err = UcNative.uc_context_free(handle);
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
