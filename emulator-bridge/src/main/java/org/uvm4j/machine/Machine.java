package org.uvm4j.machine;

import java.nio.ByteBuffer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.page.CodeListener;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.pmap.TlbListener;
import org.uvm4j.uvm.system.Uvm;

/**
 * One emulated x86-64 CPU over the UVM's physical memory: the machine-dependent glue between the
 * emulator and the VM system (NetBSD's MD trap and MMU code).
 *
 * <p><b>Memory.</b> The {@link PhysMem} regions are mapped once at consecutive physical addresses
 * from 0, with all permissions; the emulator runs with a software-filled TLB. On a TLB miss the
 * fill hook answers from the active pmap ({@link Pmap#tlbLookup}, which also marks pages
 * referenced, modified and executed and counts {@code tlbfills}); on a pmap miss it runs the fault
 * handler inline and answers again, so the faulting instruction never notices. An unresolvable
 * fault is recorded and the fill refused: the emulator stops with RIP at the faulting instruction
 * and {@link #run} returns {@link StopReason#FAULT}.
 *
 * <p><b>TLB and translated code.</b> The engine's TLB holds translations of the active pmap only
 * ({@link #activate} of another pmap flushes it, like reloading CR3). As the pmap's {@link
 * TlbListener}, the machine flushes it whenever the active pmap loses or weakens a translation that
 * may be cached: a {@link TlbShadow} remembers which pages were filled since the last flush, and an
 * invalidation of none of them costs nothing. libunicorn can only flush the whole TLB, so flushes
 * are lazy: everything invalidated between two runs costs one flush before the next run. As the
 * physical memory's {@link CodeListener}, it drops all translated code before a frame that held
 * executed code is rewritten (Unicorn does not notice host-side writes). Neither flush is safe
 * inside the fill hook for pages other than the one being filled: there the machine only marks the
 * flush pending, resolves the fault, and refuses the fill; {@link #run} then flushes outside the
 * engine and restarts the instruction (counted in {@link #restarts()}). A flush that concerns only
 * the page being filled needs nothing: the fill overwrites that entry.
 *
 * <p><b>Processes</b> are {@link CpuContext}s loaded and saved on the one engine.
 *
 * <p><b>Hooks never throw into native code</b>: any throwable of the fault path (a {@link
 * UvmPanic}, a bug) stops the engine and {@link #run} returns {@link StopReason#ERROR} with it in
 * {@link #lastError()}; the machine stays usable.
 *
 * <p><b>Privilege.</b> The backend runs the CPU at CPL 3 with Linux's user segments: privileged
 * instructions ({@code hlt}, {@code cli}, {@code in}/{@code out}, {@code wrmsr}, {@code mov} to
 * CRn...) stop the run with {@link StopReason#INTERRUPT} 13 (#GP) at the instruction, and {@code
 * popf} cannot change IF or IOPL. {@code rdtsc}/{@code rdtscp} read {@link
 * #readTimestampCounter()}, not the host's counter.
 *
 * <p><b>Preemption.</b> {@link #run} counts instructions (exact, reproducible slices, but the
 * emulator then hooks every instruction); {@link #runUncounted} runs at the emulator's full speed
 * and, when asked, lets the machine's {@link SliceWatchdog} thread end a run whose CPU-time slice
 * is up. Such a run ends at the start of a translated block, between two instructions ({@link
 * CpuBackend#preempt()}); from the first timed run on, every translated block starts with the check
 * for that request.
 *
 * <p>Single-threaded: one thread drives the machine, and the hooks run on it; the watchdog thread
 * only ever calls {@link CpuBackend#preempt()}, and only while a run it was armed for is in
 * progress.
 */
public final class Machine implements AutoCloseable {
  private static final Logger log = LogManager.getLogger("machine");
  private static final long PAGE_MASK = PhysMem.PAGE_SIZE - 1;

  /**
   * Virtual time charged for a run that stops before its quantum ends (syscall, fault, interrupt):
   * the emulator does not say how many instructions such a run executed.
   */
  public static final long STOP_COST = 100;

  private final CpuBackend cpu;
  private final PhysMem phys;
  private final UvmExp exp;
  private final CpuBackend.Context pristine;
  private final CpuBackend.Context scratch;
  private final Hooks hooks = new Hooks();
  private final Listener listener = new Listener();
  private final SliceWatchdog watchdog;
  private final TlbShadow shadow = new TlbShadow();

  private Pmap pmap;
  private FaultResolver resolver;

  // state of the current fill and run
  private boolean inFill;
  private long fillPage = -1;
  private boolean fillPageHeldCode;

  /** End the slice after a fault that left fewer than {@code freemin} frames free. */
  private boolean stopWhenMemoryLow;

  private boolean restartNeeded;
  private boolean tlbFlushPending;
  private boolean tbFlushPending;
  private boolean syscallHit;
  private boolean lastRunPreempted;
  private long slice;
  private long sliceStart;
  private long sliceCpuStart;
  private int interruptVector = -1;
  private UnresolvedFault pendingFault;

  // results of the last run
  private UnresolvedFault lastFault;
  private int lastInterrupt = -1;
  private Throwable lastError;

  // counters
  private long instructionsRetired;
  private long runs;
  private long restarts;
  private long tlbFlushes;
  private long tlbInvalidations;
  private long tlbFlushesAvoided;
  private long tbFlushes;
  private long faults;
  private long lowMemoryStops;
  private long preemptions;

  private boolean closed;

  /** The last value {@code rdtsc} read. */
  private long lastTsc;

  /**
   * How far the timestamp counter moves at least between two reads within one run: the emulator
   * does not say how many instructions ran in between, and a guest that spins on {@code rdtsc} must
   * see it move.
   */
  public static final long TSC_STEP = STOP_COST;

  /**
   * A machine on {@code backend} over {@code uvm}'s physical memory: maps every RAM region at its
   * physical address ({@code UC_PROT_ALL}; regions not obtained yet are obtained from the backing
   * now, which an mmap backing does without committing memory), installs the hooks and becomes the
   * code listener of the physical memory.
   */
  public Machine(Uvm uvm, CpuBackend backend) {
    this.cpu = backend;
    this.watchdog = new SliceWatchdog(backend);
    this.phys = uvm.physMem();
    this.exp = uvm.exp();
    for (int i = 0; i < phys.regionCount(); i++) {
      ByteBuffer region;
      try {
        region = phys.region(i);
      } catch (IllegalStateException e) {
        throw new MachineException("cannot provide the emulated RAM: " + e.getMessage(), e);
      }
      cpu.mapPhysical(phys.regionAddress(i), region);
    }
    cpu.setHooks(hooks);
    this.pristine = cpu.newContext();
    this.scratch = cpu.newContext();
    phys.setCodeListener(listener);
  }

  /** The libunicorn binding this machine runs on ({@code "jna"} or {@code "ffm"}). */
  public String backendName() {
    return cpu.name();
  }

  /** The emulator's version, {@code "major.minor.patch"}. */
  public String emulatorVersion() {
    return cpu.version();
  }

  // ----------------------------------------------------------------------------------- contexts

  /** What the emulated CPU answers to {@code cpuid} leaves 0 and 1 (asked at boot). */
  public CpuId cpuId() {
    return cpu.cpuId();
  }

  /** A fresh CPU state: x86-64 long mode, general registers zero, as the engine starts. */
  public CpuContext newContext() {
    ensureOutsideEngine();
    cpu.save(scratch);
    cpu.restore(pristine);
    CpuBackend.Context fresh = cpu.newContext();
    cpu.restore(scratch);
    return new CpuContext(fresh);
  }

  /** Loads {@code ctx} into the CPU (a context switch; pair it with {@link #activate}). */
  public void load(CpuContext ctx) {
    ensureOutsideEngine();
    cpu.restore(ctx.state);
  }

  /** Saves the CPU's state into {@code ctx}. */
  public void save(CpuContext ctx) {
    ensureOutsideEngine();
    cpu.save(ctx.state);
  }

  /**
   * The CPU's x87/SSE state as the 512-byte {@code fxsave64} image ({@code
   * machine.uc.FxsaveImage}), into {@code image}.
   */
  public void saveFpu(byte[] image) {
    ensureOutsideEngine();
    cpu.saveFpu(image);
  }

  /**
   * Loads the CPU's x87/SSE state from a {@code fxsave64} image.
   *
   * @return false (state unchanged) where {@code fxrstor64} would raise #GP
   */
  public boolean loadFpu(byte[] image) {
    ensureOutsideEngine();
    return cpu.loadFpu(image);
  }

  /** A register of the CPU. */
  public long reg(Reg r) {
    return cpu.readReg(r);
  }

  /** Sets a register of the CPU. */
  public void setReg(Reg r, long value) {
    cpu.writeReg(r, value);
  }

  // ------------------------------------------------------------------------------ address space

  /**
   * Makes {@code vm} the address space the CPU translates through: TLB fills answer from its pmap,
   * misses go to its fault handler. The TLB is flushed before the next run, unless {@code vm} is
   * already active or nothing was filled since the last flush.
   */
  public void activate(org.uvm4j.uvm.map.Vmspace vm) {
    activate(vm.pmap(), (va, access) -> vm.faultHandler().fault(vm, va, access));
  }

  /**
   * The general form of {@link #activate(org.uvm4j.uvm.map.Vmspace)}: TLB fills answer from {@code
   * pmap}, misses go to {@code resolver}; the TLB is flushed as there.
   */
  public void activate(Pmap pmap, FaultResolver resolver) {
    ensureOutsideEngine();
    if (this.pmap == pmap) {
      // the same address space again (a vfork child and its parent): the TLB holds its
      // translations, and every change to them has been reported to the listener
      this.resolver = resolver;
      return;
    }
    if (this.pmap != null) {
      this.pmap.deactivate();
    }
    pmap.setTlbListener(listener);
    pmap.activate();
    this.pmap = pmap;
    this.resolver = resolver;
    if (!shadow.isEmpty()) {
      tlbFlushPending = true; // like reloading CR3; done before the next run
    }
  }

  /** The active pmap, or null before the first {@link #activate}. */
  public Pmap activePmap() {
    return pmap;
  }

  // ---------------------------------------------------------------------------------------- run

  /**
   * Runs the loaded context in the active address space from its RIP for at most {@code
   * maxInstructions} instructions, until the quantum is used, a {@code syscall}, an unresolvable
   * fault, a CPU exception, an invalid instruction or an error. Exact and reproducible, but the
   * emulator counts every instruction (about 12× slower for CPU-bound code than {@link
   * #runUncounted}).
   */
  public StopReason run(long maxInstructions) {
    if (maxInstructions <= 0) {
      throw new IllegalArgumentException("quantum must be positive: " + maxInstructions);
    }
    prepareRun();
    StopReason why = runToStop(maxInstructions, false);
    instructionsRetired +=
        why == StopReason.QUANTUM ? maxInstructions : Math.min(STOP_COST, maxInstructions);
    return why;
  }

  /**
   * Runs the loaded context without instruction counting, until a {@code syscall}, an unresolvable
   * fault, a CPU exception, an invalid instruction or an error, or, when {@code sliceNanos > 0},
   * until the run has used {@code sliceNanos} of this thread's CPU time: then the machine's
   * watchdog thread stops the engine and the run returns {@link StopReason#QUANTUM} (counted in
   * {@link #preemptions()}). With {@code sliceNanos <= 0} nothing but the guest ends the run.
   *
   * <p>Virtual time ({@link #instructionsRetired()}): a run that ended on its own adds {@link
   * #STOP_COST}, as a counted run that stops early does; a preempted run adds the wall-clock
   * nanoseconds it lasted (at least {@code STOP_COST}), so timers still expire while CPU-bound
   * processes compete. Whether a run is preempted depends on the host's speed: only runs that are
   * never preempted are reproducible.
   */
  public StopReason runUncounted(long sliceNanos) {
    prepareRun();
    if (sliceNanos > 0) {
      cpu.enablePreemption(); // from the first timed run on (costs retranslation once)
    }
    long t0 = System.nanoTime();
    slice = sliceNanos;
    sliceStart = t0;
    sliceCpuStart = sliceNanos > 0 ? watchdog.threadCpuTime() : -1;
    StopReason why = runToStop(0, sliceNanos > 0);
    if (why == StopReason.QUANTUM && lastRunPreempted) {
      preemptions++;
      instructionsRetired += Math.max(STOP_COST, System.nanoTime() - t0);
    } else {
      instructionsRetired += STOP_COST;
    }
    return why;
  }

  private void prepareRun() {
    ensureOutsideEngine();
    if (pmap == null) {
      throw new IllegalStateException("no address space is active");
    }
    syscallHit = false;
    interruptVector = -1;
    pendingFault = null;
    lastFault = null;
    lastInterrupt = -1;
    lastError = null;
    lastRunPreempted = false;
  }

  /**
   * Runs until a stop that is not a restart; {@code count} 0 runs uncounted; {@code timed} arms the
   * watchdog with the slice set by {@link #runUncounted} for every restart of the run.
   */
  private StopReason runToStop(long count, boolean timed) {
    for (; ; ) {
      restartNeeded = false;
      applyPendingFlushes();
      long rip = cpu.readReg(Reg.RIP);
      EmuStatus status;
      if (timed) {
        long gen = watchdog.begin(sliceStart, sliceCpuStart, slice);
        try {
          status = cpu.start(rip, count);
        } finally {
          lastRunPreempted |= watchdog.end(gen);
        }
      } else {
        status = cpu.start(rip, count);
      }
      runs++;
      switch (status) {
        case CALLBACK_FAILED:
          lastError = cpu.takeCallbackFailure();
          log.error(
              "machine: a hook failed at RIP 0x{}", Long.toHexString(reg(Reg.RIP)), lastError);
          return StopReason.ERROR;
        case EXCEPTION:
          if (pendingFault != null) {
            lastFault = pendingFault;
            pendingFault = null;
            return StopReason.FAULT;
          }
          if (restartNeeded) {
            restarts++;
            continue;
          }
          lastError =
              new MachineException(
                  "unexpected CPU exception at RIP 0x" + Long.toHexString(reg(Reg.RIP)));
          return StopReason.ERROR;
        case INVALID_INSN:
          if (log.isDebugEnabled()) {
            log.debug("invalid instruction at RIP 0x{}", Long.toHexString(reg(Reg.RIP)));
          }
          return StopReason.INVALID_INSN;
        case ERROR:
          lastError = new MachineException("emulator error: " + cpu.lastError());
          return StopReason.ERROR;
        case OK:
          if (syscallHit) {
            return StopReason.SYSCALL;
          }
          if (interruptVector >= 0) {
            lastInterrupt = interruptVector;
            if (log.isDebugEnabled()) {
              log.debug(
                  "interrupt {} at RIP 0x{}", interruptVector, Long.toHexString(reg(Reg.RIP)));
            }
            return StopReason.INTERRUPT;
          }
          return StopReason.QUANTUM;
        default:
          throw new IllegalStateException("unknown emulator status " + status);
      }
    }
  }

  /**
   * The timestamp counter {@code rdtsc} reads: virtual time ({@link #instructionsRetired()}, one
   * tick per instruction of the virtual clock), strictly increasing by at least {@link #TSC_STEP}
   * per read. Deterministic: the same program reads the same values in every run that is not
   * preempted.
   */
  public long readTimestampCounter() {
    long t = Math.max(lastTsc + TSC_STEP, instructionsRetired);
    lastTsc = t;
    return t;
  }

  /** After {@link StopReason#FAULT}: the address, access and why the UVM could not resolve it. */
  public UnresolvedFault lastFault() {
    return lastFault;
  }

  /** After {@link StopReason#INTERRUPT}: the vector. */
  public int lastInterrupt() {
    return lastInterrupt;
  }

  /** After {@link StopReason#ERROR}: what failed. */
  public Throwable lastError() {
    return lastError;
  }

  /**
   * Virtual time in instructions (one per nanosecond of the kernel's clock). Counted runs ({@link
   * #run}): a run that used its whole quantum adds the quantum; a run that stopped early (syscall,
   * fault, interrupt, error) adds {@link #STOP_COST} (at most its quantum), since the emulator does
   * not report how far it got. So a process that keeps making system calls still uses up its time
   * slice. Uncounted runs ({@link #runUncounted}) add {@code STOP_COST} too, except a run the
   * watchdog preempted, which adds the wall-clock time it lasted. Deterministic for a given program
   * as long as no run is preempted.
   */
  public long instructionsRetired() {
    return instructionsRetired;
  }

  /** Calls of the emulator made by {@link #run}. */
  public long runs() {
    return runs;
  }

  /** Whether the last {@link #runUncounted} was ended by the watchdog (its slice was up). */
  public boolean lastRunPreempted() {
    return lastRunPreempted;
  }

  /** Uncounted runs that the watchdog ended because their CPU-time slice was up. */
  public long preemptions() {
    return preemptions;
  }

  /** Fills refused so that a flush could happen outside the engine, then restarted. */
  public long restarts() {
    return restarts;
  }

  /**
   * Whole-TLB flushes (activations and invalidations of the active pmap); also counted in {@code
   * uvmexp.tlbflushes}. Flushes are lazy: the invalidations and activations between two runs cost
   * one flush, done before the next run.
   */
  public long tlbFlushes() {
    return tlbFlushes;
  }

  /** Invalidations of the active pmap reported to the machine (each a range). */
  public long tlbInvalidations() {
    return tlbInvalidations;
  }

  /**
   * Invalidations that needed no flush: no page of their range had been filled into the TLB since
   * its last flush.
   */
  public long tlbFlushesAvoided() {
    return tlbFlushesAvoided;
  }

  /** Flushes of all translated code (frames that held executed code being rewritten). */
  public long translationFlushes() {
    return tbFlushes;
  }

  /**
   * Whether a fault that leaves fewer than {@code uvmexp.freemin} frames free ends the current
   * {@link #run} (as {@link StopReason#QUANTUM}) so that the page daemon can run between slices, as
   * NetBSD's {@code uvm_pagealloc} wakes the page daemon. Off by default (no page daemon that could
   * free anything).
   */
  public void setStopWhenMemoryLow(boolean on) {
    stopWhenMemoryLow = on;
  }

  /** Runs ended early because free memory fell below {@code freemin}. */
  public long lowMemoryStops() {
    return lowMemoryStops;
  }

  /** Faults sent to the fault handler from the fill hook (resolved or not). */
  public long faults() {
    return faults;
  }

  /** Releases the engine and every context still allocated. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    watchdog.close(); // before the engine goes: the watchdog never touches a closed engine
    phys.setCodeListener(null);
    if (pmap != null) {
      pmap.setTlbListener(null);
      pmap.deactivate();
      pmap = null;
    }
    cpu.close();
  }

  // ------------------------------------------------------------------------------------ helpers

  private void ensureOutsideEngine() {
    if (closed) {
      throw new IllegalStateException("the machine is closed");
    }
    if (inFill) {
      throw new IllegalStateException("not allowed inside the TLB-fill hook");
    }
  }

  private void flushTlbNow() {
    cpu.flushTlb();
    shadow.flushed();
    tlbFlushes++;
    exp.tlbflushes++;
  }

  private void applyPendingFlushes() {
    if (tbFlushPending) {
      tbFlushPending = false;
      cpu.flushTranslations();
      tbFlushes++;
    }
    if (tlbFlushPending) {
      tlbFlushPending = false;
      flushTlbNow();
    }
  }

  /** The emulator's hooks. */
  private final class Hooks implements CpuHooks {
    @Override
    public long tlbFill(long va, int access) {
      Pmap pm = pmap;
      long t = pm.tlbLookup(va, access);
      if (t == 0) {
        t = fault(pm, va, access);
      }
      if (t != 0) {
        shadow.filled(va);
      }
      return t;
    }

    private long fault(Pmap pm, long va, int access) {
      faults++;
      FaultResult r;
      inFill = true;
      fillPage = va & ~PAGE_MASK;
      VmPage old = pm.extract(fillPage);
      fillPageHeldCode = old != null && old.executed;
      boolean present = old != null;
      try {
        r = resolver.fault(va, access);
      } finally {
        inFill = false;
        fillPage = -1;
      }
      if (log.isTraceEnabled()) {
        log.trace("fill fault 0x{} {} -> {}", Long.toHexString(va), Prot.toString(access), r);
      }
      if (r != FaultResult.OK) {
        pendingFault = new UnresolvedFault(va, access, r, present);
        return 0;
      }
      if (restartNeeded) {
        return 0;
      }
      long t = pm.tlbLookup(va, access);
      Kassert.check(t != 0, "uvm_fault resolved a fault but the pmap does not answer it");
      if (stopWhenMemoryLow && exp.free < exp.freemin) {
        // uvm_page.c: uvm_kick_pdaemon — end the slice after this instruction so that the kernel
        // runs the page daemon outside the engine, before the next fault finds no free frame
        lowMemoryStops++;
        cpu.stop();
      }
      return t;
    }

    @Override
    public void syscall() {
      syscallHit = true;
      cpu.stop();
    }

    @Override
    public void interrupt(int vector) {
      interruptVector = vector;
      cpu.stop();
    }

    @Override
    public boolean invalidInstruction() {
      return false;
    }

    @Override
    public long timestampCounter() {
      return readTimestampCounter();
    }
  }

  /** The pmap's TLB listener and the physical memory's code listener. */
  private final class Listener implements TlbListener, CodeListener {
    @Override
    public void invalidate(Pmap p, long sva, long eva) {
      if (p != pmap || closed) {
        return; // the TLB holds translations of the active pmap only
      }
      tlbInvalidations++;
      if (!shadow.mayHold(sva, eva)) {
        tlbFlushesAvoided++; // none of these pages was filled since the last flush
        return;
      }
      if (inFill) {
        if (sva == fillPage && eva == fillPage + PhysMem.PAGE_SIZE && !fillPageHeldCode) {
          return; // the fill in progress replaces that entry
        }
        tlbFlushPending = true;
        restartNeeded = true;
        return;
      }
      tlbFlushPending = true; // flushed once before the next run, with whatever else comes
    }

    @Override
    public void frameRewritten(VmPage pg) {
      if (closed) {
        return;
      }
      if (inFill) {
        tbFlushPending = true;
        restartNeeded = true;
        return;
      }
      cpu.flushTranslations();
      tbFlushes++;
    }
  }
}
