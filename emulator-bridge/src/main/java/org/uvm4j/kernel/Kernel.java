package org.uvm4j.kernel;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.kernel.fs.AobjTmpfs;
import org.uvm4j.kernel.fs.Console;
import org.uvm4j.kernel.fs.ControllingTty;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.kernel.fs.FsContext;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.kernel.fs.Location;
import org.uvm4j.kernel.fs.Vfs;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.Reg;
import org.uvm4j.machine.StopReason;
import org.uvm4j.machine.UnresolvedFault;
import org.uvm4j.machine.backend.CpuBackends;
import org.uvm4j.machine.ram.MmapRamBacking;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.pdaemon.MemoryUsage;
import org.uvm4j.uvm.pdaemon.PageDaemon;
import org.uvm4j.uvm.swap.FileSwapDevice;
import org.uvm4j.uvm.swap.SwapPager;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;
import org.uvm4j.uvm.trace.TraceContext;
import org.uvm4j.uvm.trace.Tracer;

/**
 * The uvm4j kernel: runs a static x86-64 Linux program and every process it forks on one emulated
 * CPU, round-robin by instruction quantum, with Linux system calls, signals, pipes and read-only
 * host files, over the UVM virtual memory system.
 *
 * <p>{@link #run} boots pid 1 from the program, schedules until every process has exited, then
 * frees what is left (zombies, cached program objects) so that the UVM audit finds no leak, and
 * returns pid 1's wait status as a shell exit code. Everything runs on the calling thread (a
 * machine's slice watchdog only stops the emulator). The same program, arguments and configuration
 * give the same run (instruction counts, fault trace, virtual time, random bytes) in deterministic
 * mode always, and in the default mode whenever no run was preempted by wall-clock time (a single
 * runnable process, or processes that make system calls or block more often than every time slice);
 * see docs/kernel.md.
 */
public final class Kernel implements AutoCloseable {
  private static final Logger log = LogManager.getLogger("kern.proc");

  /** The user and group id every process has. */
  public static final int UID = 1000;

  public static final int GID = 1000;

  private final KernelConfig cfg;
  private final Uvm uvm;
  private final VirtualClock clock;
  private final Scheduler sched;
  private final ProcTable procs = new ProcTable();
  private final KernelCounters counters = new KernelCounters();
  private final Cpu cpu = new Cpu(counters);
  private final ExitMaps exitMaps = new ExitMaps(procs);
  private final ProcEvents events = new ProcEvents();
  private final SignalDelivery signals;
  private final Futexes futexes;
  private final ProcLifecycle lifecycle;
  private final ExecCache execCache;
  private final Exec exec;
  private final Ptrace ptrace;
  private final Vfs vfs;
  private final Console stdin;
  private final FsContext initFs;
  private final SyscallLayer syscalls;
  private final VsyscallPage vsyscall;
  private final PrintStream console;
  private final SwapPager pager;
  private final PageDaemon pageDaemon;
  private final FaultHandler faultHandler;
  private Machine machine;
  private String machineError;
  private StraceHook strace;
  private DebugHook debug;
  private RunSummary summary;

  /** Set from any thread (the CLI's signal handler): print every process's map between slices. */
  private volatile boolean mapsRequested;

  /** --maps is on: even a lone process's runs end each time slice, to answer a maps request. */
  private boolean mapsOnRequest;

  /** --progress: called between time slices (then a lone process's runs are sliced too). */
  private Runnable betweenSlices;

  /** Set when the run ended because every thread waited on a futex nobody could wake. */
  private boolean futexDeadlock;

  /** What {@link #run} returns after a futex deadlock (the CLI's "uvm4j failed" status). */
  public static final int FUTEX_DEADLOCK_STATUS = 125;

  /** Why a run limit ended the run, or null. */
  private String limitHit;

  /** System.nanoTime() at which --timeout ends the run, or 0. */
  private long deadline;

  private boolean ran;
  private boolean closed;

  /** pid 1's wait status once {@link #run} returned it normally, else -1. */
  private int initWaitStatus = -1;

  private static final int FPE_INTDIV = 1;
  private static final int FPE_FLTINV = 7;
  private static final int TRAP_BRKPT = 1;
  private static final int TRAP_TRACE = 2;
  private static final int BUS_ADRALN = 1;

  /** Length of the {@code syscall} instruction (0F 05): how far a restart rewinds RIP. */
  static final int SYSCALL_INSN_LEN = 2;

  /** {@code int $0x80}: the i386 system call gate. */
  private static final int INT80_VECTOR = 0x80;

  /** {@code int $N} is two bytes: the hook reports such vectors with RIP after the instruction. */
  private static final int INT_N_LEN = 2;

  /**
   * A kernel for {@code cfg} whose system calls are the layer {@code syscalls} builds (in
   * production {@code Linux64::create}).
   */
  public Kernel(KernelConfig cfg, SyscallLayer.Factory syscalls) {
    this.cfg = cfg;
    // the wall clock is read once, here; from now on CLOCK_REALTIME advances with virtual time
    this.clock = new VirtualClock(cfg.clockStartNanos());
    this.sched = new Scheduler(clock, new VirtualCpus(cfg.cpus()));
    this.signals = new SignalDelivery(sched, cpu, counters);
    this.futexes = new Futexes(sched);
    // anonymous mmap: RAM costs host memory only where guests touch it
    this.uvm = new Uvm(UvmConfig.ofRam(cfg.ramBytes()), new MmapRamBacking());
    uvm.metadataBudget().setLimit(cfg.effectiveMetadataBudget());
    counters.bindMetadataBudget(uvm.metadataBudget());
    this.faultHandler = new FaultHandler(uvm);
    this.pager = cfg.swapPath() != null ? SwapPager.attach(uvm) : null;
    if (pager != null) {
      try {
        pager
            .swap()
            .swapOn(
                FileSwapDevice.open(cfg.swapPath(), cfg.swapBytes(), false, cfg.swapForce()), 0);
      } catch (IOException e) {
        pager.swap().close();
        throw new UncheckedIOException(e.getMessage(), e);
      }
    }
    this.pageDaemon = PageDaemon.attach(uvm, pager);
    this.execCache = new ExecCache(uvm);
    // fd 0 and /dev/tty read the console through one description, fed by one host reader thread
    this.stdin = Console.input("stdin", cfg.stdin(), sched.hostEvents());
    sched.registerHostChannel(stdin.readChannel());
    this.vfs =
        buildVfs(cfg, clock, procs, uvm, ControllingTty.ifTerminal(stdin, cfg.stderr()), sched);
    this.initFs = initialFs(vfs, cfg.cwd().toString(), 1);
    this.lifecycle =
        new ProcLifecycle(sched, procs, cpu, counters, signals, exitMaps, events, futexes);
    signals.bind(lifecycle);
    this.ptrace = lifecycle.ptrace();
    this.exec =
        new Exec(cpu, vfs, uvm, faultHandler, counters, execCache, events, cfg.randomSeed());
    exec.bind(lifecycle);
    this.syscalls =
        syscalls.create(
            new KernelServices(
                cfg,
                uvm,
                sched,
                clock,
                procs,
                signals,
                lifecycle,
                exec,
                vfs,
                cpu,
                counters,
                futexes,
                pageDaemon));
    this.vsyscall = new VsyscallPage(this.syscalls, signals);
    sched.setAlarmHandler(p -> signals.post(p, Signals.SIGALRM, SigInfo.kernel(Signals.SIGALRM)));
    this.console = new PrintStream(cfg.stderr(), true, StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code program} as pid 1 with {@code argv} (argv[0] included) and {@code env} until every
   * process has exited.
   *
   * @return pid 1's exit code, or 128 + N if a signal N killed it
   * @throws ExecException when the program does not exist or cannot run (nothing ran)
   * @throws MachineException when the emulator failed (the run was cut short)
   */
  public int run(Path program, List<String> argv, Map<String, String> env) throws ExecException {
    if (ran) {
      throw new IllegalStateException("a Kernel runs one program; make a new one");
    }
    ran = true;
    try {
      Exec.Lookup found = exec.lookup(initFs, program.toString());
      if (found.image() == null) {
        ExecException.Kind kind =
            found.errno() == Errno.ENOENT || found.errno() == Errno.ENOTDIR
                ? ExecException.Kind.NOT_FOUND
                : ExecException.Kind.NOT_EXECUTABLE;
        throw new ExecException(kind, found.message());
      }
      machine = CpuBackends.openMachine(uvm, cfg.backend());
      cpu.attach(machine);
      Proc init;
      try {
        init = boot(program.toString(), found.image(), argv, env);
        init.exePath = found.guestPath();
      } finally {
        found.done();
      }
      deadline = cfg.timeoutNanos() > 0 ? System.nanoTime() + cfg.timeoutNanos() : 0;
      schedule();
      if (machineError != null) {
        throw new MachineException(machineError);
      }
      if (limitHit != null) {
        throw new RunLimitException(limitHit);
      }
      if (futexDeadlock) {
        return FUTEX_DEADLOCK_STATUS;
      }
      initWaitStatus = init.exitStatus;
      return WaitStatus.shellCode(init.exitStatus);
    } finally {
      shutdown();
    }
  }

  /**
   * The size limit of each tmpfs: half of RAM plus the swap space (its pages are anonymous memory,
   * paged to swap like any other), as Linux's default of half of RAM when there is no swap.
   */
  static long tmpfsBytes(KernelConfig cfg) {
    return cfg.ramBytes() / 2 + cfg.swapBytes();
  }

  /**
   * The guest's name space from the configuration's {@link FsLayout}: the mounts, a tmpfs of UVM
   * anonymous objects ({@link AobjTmpfs}) at /tmp and /dev/shm, uvm4j's /dev.
   *
   * @throws IllegalArgumentException when the root or a bind cannot be mounted
   */
  static Vfs buildVfs(
      KernelConfig cfg,
      VirtualClock clock,
      ProcTable procs,
      Uvm uvm,
      ControllingTty tty,
      Scheduler sched) {
    try {
      return new Vfs(
          cfg.fs()
              .mountTable(
                  tty,
                  cfg.randomSeed(),
                  new GuestProcSource(procs, uvm, clock, sched.cpus()),
                  AobjTmpfs.maker(uvm, tmpfsBytes(cfg), clock::realtime),
                  sched,
                  sched.cpus().count()));
    } catch (UvmException e) {
      throw new IllegalArgumentException(
          "cannot set up the guest file system: " + e.getMessage() + " (errno " + e.errno() + ")",
          e);
    }
  }

  /** pid 1's root and working directory: {@code cwd} when it is a directory there, else /. */
  static FsContext initialFs(Vfs vfs, String cwd, int pid) {
    Location root = vfs.rootLocation();
    Location dir = root;
    try {
      Location l = vfs.lookup(root, root, cwd, true);
      if (l.vnode().isDirectory()) {
        dir = l;
      }
    } catch (UvmException e) {
      // not in the guest's tree (e.g. outside --root): start at /
    }
    return new FsContext(pid, root, dir, 022);
  }

  /** {@link #run(Path, List, Map)} with the configuration's environment. */
  public int run(Path program, List<String> argv) throws ExecException {
    return run(program, argv, cfg.env());
  }

  private Proc boot(String path, ExecCache.Image img, List<String> argv, Map<String, String> env)
      throws ExecException {
    Proc init = procs.allocate();
    init.comm = Exec.basename(path);
    init.sig = new SignalState();
    init.files = new FileTable();
    init.fs = initFs;
    try {
      stdin.reference(); // the kernel keeps its own reference for /dev/tty
      init.files.install(stdin, false);
      init.files.install(Console.output("stdout", cfg.stdout()), false);
      init.files.install(Console.output("stderr", cfg.stderr()), false);
    } catch (UvmException e) {
      throw new IllegalStateException("an empty descriptor table is full", e);
    }
    init.vm = Vmspace.create(uvm, faultHandler);
    init.ctx = machine.newContext();
    if (cpu.switchTo(init)) {
      resume = Resume.SWITCH;
    }
    List<byte[]> a = new ArrayList<>();
    for (String s : argv) {
      a.add(s.getBytes(StandardCharsets.UTF_8));
    }
    List<byte[]> e = new ArrayList<>();
    for (Map.Entry<String, String> kv : new TreeMap<>(env).entrySet()) {
      e.add((kv.getKey() + "=" + kv.getValue()).getBytes(StandardCharsets.UTF_8));
    }
    int err = exec.execve(init, path, img, a, e);
    if (err != 0) {
      lifecycle.exit(init, WaitStatus.exited(126));
      throw new ExecException(
          ExecException.Kind.NOT_EXECUTABLE,
          path
              + ": cannot be loaded: "
              + switch (err) {
                case Errno.E2BIG -> "argument list too long";
                case Errno.ENOENT -> "its program interpreter (PT_INTERP) does not exist";
                case Errno.EACCES -> "its program interpreter (PT_INTERP) is not executable";
                case Exec.ELIBBAD -> "its program interpreter (PT_INTERP) is not a loadable ELF";
                default -> "not enough memory (errno " + err + ")";
              });
    }
    if (strace != null) {
      long sp = machine.reg(Reg.RSP);
      strace.booted(init, path, argv, e.size(), sp + 8L * (a.size() + 2));
    }
    sched.setRunnable(init);
    return init;
  }

  /** The scheduling loop: until no process is alive. */
  private void schedule() {
    while (procs.anyAlive()) {
      if (limitReached()) {
        return;
      }
      Proc p = sched.next();
      if (p == null) {
        if (sched.hostWaiters()) {
          // every runnable process waits for the host (console input): only a timer may come
          // first; without one, wait for the host thread's wakeup instead of advancing time
          if (!sched.hostEvents().hasPending() && !sched.idle()) {
            awaitHost();
          }
          continue;
        }
        if (!sched.idle()) {
          deadlock();
        }
        continue;
      }
      if (cpu.switchTo(p)) {
        resume = Resume.SWITCH;
      }
      runSlice(p);
      if (mapsRequested) {
        mapsRequested = false;
        exitMaps.reportAll("on request");
      }
      Runnable between = betweenSlices;
      if (between != null) {
        between.run();
      }
      sched.requeue(p);
      pageDaemonBetweenSlices();
    }
  }

  /**
   * --timeout (wall clock) and --max-instructions (virtual): when one is reached, every process is
   * killed with SIGKILL, the reason is kept for {@link RunLimitException}, and true is returned.
   */
  private boolean limitReached() {
    if (limitHit != null) {
      return true;
    }
    String why = null;
    if (deadline != 0 && System.nanoTime() - deadline >= 0) {
      why =
          "timed out after "
              + java.time.Duration.ofNanos(cfg.timeoutNanos()).toString().substring(2).toLowerCase()
              + " (--timeout): every process killed";
    } else if (cfg.maxInstructions() > 0 && counters.instructions >= cfg.maxInstructions()) {
      why =
          "instruction limit of "
              + cfg.maxInstructions()
              + " reached (--max-instructions): every process killed";
    }
    if (why == null) {
      return false;
    }
    limitHit = why;
    log.info(why);
    for (Proc q : procs.all()) {
      if (q.isAlive()) {
        lifecycle.exit(q, WaitStatus.signaled(Signals.SIGKILL));
      }
    }
    return true;
  }

  /**
   * RLIMIT_CPU on the virtual clock (1 ns per instruction): SIGKILL at the hard limit; SIGXCPU at
   * the soft limit and once more every further CPU second, as Linux's check_process_timers does.
   */
  // kernel/time/posix-cpu-timers.c: check_rlimit
  private void cpuLimit(Proc p) {
    ResourceLimits l = p.rlimits;
    long secs = p.instructions / 1_000_000_000L;
    long hard = l.max(ResourceLimits.RLIMIT_CPU);
    if (hard != ResourceLimits.INFINITY && Long.compareUnsigned(secs, hard) >= 0) {
      signals.post(p, Signals.SIGKILL, SigInfo.kernel(Signals.SIGKILL));
      return;
    }
    long soft = l.cur(ResourceLimits.RLIMIT_CPU);
    if (soft != ResourceLimits.INFINITY
        && Long.compareUnsigned(secs, soft) >= 0
        && secs >= p.nextXcpuSecond) {
      p.nextXcpuSecond = secs + 1;
      signals.post(p, Signals.SIGXCPU, SigInfo.kernel(Signals.SIGXCPU));
    }
  }

  /** Instructions the run may still retire (--max-instructions), or Long.MAX_VALUE. */
  private long instructionsLeft() {
    return cfg.maxInstructions() > 0
        ? Math.max(1, cfg.maxInstructions() - counters.instructions)
        : Long.MAX_VALUE;
  }

  /**
   * Between time slices, with swap configured: when free frames are below the low watermark ({@code
   * freemin}) the page daemon frees up to its target, so that faults inside the TLB-fill callback
   * rarely have to reclaim inline. A fault that leaves memory low ends its slice early (the
   * machine's {@code stopWhenMemoryLow}) for this; when the daemon can free nothing, that early
   * stop is switched off until memory recovers.
   */
  // uvm_pdaemon.c: uvm_pageout, woken by uvm_pagealloc through uvm_kick_pdaemon
  private void pageDaemonBetweenSlices() {
    if (pager == null) {
      return;
    }
    if (pageDaemon.needed()) {
      counters.pagedaemonRuns++;
      machine.setStopWhenMemoryLow(pageDaemon.runIfNeeded() > 0);
    } else {
      machine.setStopWhenMemoryLow(true);
    }
  }

  /**
   * Runs {@code p} (loaded) for up to one quantum, handling its syscalls and faults.
   *
   * <p>Deterministic mode: runs of at most the remaining quantum, counted exactly. Default mode:
   * uncounted runs; each run that ends on its own (syscall, fault...) uses {@link
   * Machine#STOP_COST} of the quantum, as before, so processes that make system calls or block are
   * scheduled exactly as reproducibly; a run that uses a whole CPU-time slice while another process
   * is runnable (or a timer waits) is preempted and ends the quantum. A lone runnable process with
   * no timer pending is never interrupted.
   */
  private void runSlice(Proc p) {
    long budget = Math.min(cfg.quantum(), instructionsLeft());
    boolean counted = cfg.deterministic() || cfg.maxInstructions() > 0;
    while (budget > 0 && p.state == ProcState.RUNNABLE && cpu.loaded() == p) {
      if (limitReached()) {
        return;
      }
      PtraceState pt = p.ptrace;
      boolean step = false;
      boolean retried = false;
      if (pt != null) {
        if (pt.after != PtraceState.After.NONE) {
          retried = afterTraceStop(p); // the call was tried just now: no retry for the signal
          if (p.state != ProcState.RUNNABLE || cpu.loaded() != p) {
            return;
          }
        }
        if (pt.trapStop && pt.tracer != null) {
          ptrace.trapStop(p); // PTRACE_INTERRUPT, or a new task of a seized tracer
          return;
        }
        // PTRACE_SINGLESTEP: one instruction, then SIGTRAP
        step = pt.resume == PtraceState.Resume.SINGLESTEP && pt.tracer != null;
      }
      if (p.restart.pending() && p.sig.deliverable() != 0 && !retried) {
        retrySyscall(p);
        if (cpu.loaded() != p || p.state != ProcState.RUNNABLE) {
          return;
        }
      }
      signals.deliver(p);
      if (p.state != ProcState.RUNNABLE || cpu.loaded() != p) {
        return;
      }
      p.restart.setPending(false);
      Resume resumedFrom = resume;
      resume = Resume.OTHER;
      RunSummary sum = summary;
      if (sum != null) {
        sum.before(uvm.exp());
      }
      long fills0 = uvm.exp().tlbfills;
      long flushes0 = machine.tlbFlushes();
      long before = machine.instructionsRetired();
      // a lone process is not interrupted unless a limit needs the loop to look at the clock
      // (or --maps may be asked for between slices)
      boolean sliced =
          sched.contended()
              || deadline != 0
              || p.cpuLimited()
              || mapsOnRequest
              || betweenSlices != null;
      DebugHook dbg = debug;
      StopReason why =
          step
              ? machine.run(1)
              : dbg != null && dbg.follows(p)
                  ? dbg.run(p, machine, budget)
                  : counted
                      ? machine.run(budget)
                      : machine.runUncounted(sliced ? cfg.timeSliceNanos() : 0);
      if (dbg != null && dbg.killRequested()) {
        for (Proc q : procs.all()) {
          if (q.isAlive()) {
            lifecycle.exit(q, WaitStatus.signaled(Signals.SIGKILL));
          }
        }
        return;
      }
      long ran = machine.instructionsRetired() - before;
      countTlb(resumedFrom, uvm.exp().tlbfills - fills0, machine.tlbFlushes() - flushes0);
      budget -= ran;
      p.instructions += ran;
      counters.instructions += ran;
      clock.advance(ran);
      if (p.cpuLimited()) {
        cpuLimit(p);
      }
      if (pt != null && why != StopReason.SYSCALL) {
        pt.origRax = -1; // any kernel entry but a system call: orig_ax = -1
      }
      switch (why) {
        case QUANTUM -> {
          budget = 0;
          if (!counted && machine.lastRunPreempted()) {
            counters.preemptions++;
          }
        }
        case SYSCALL -> {
          syscall(p);
          resume = Resume.SYSCALL;
          if (sched.takeYield()) {
            budget = 0;
          }
        }
        case FAULT -> fault(p, machine.lastFault());
        case INVALID_INSN -> {
          long rip = machine.reg(Reg.RIP);
          if (log.isDebugEnabled()) {
            byte[] code = new byte[8];
            int e = p.vm.copyin(rip, code, 0, code.length);
            log.debug(
                "{}: invalid instruction at 0x{}: {}",
                p,
                Long.toHexString(rip),
                e == 0 ? java.util.HexFormat.ofDelimiter(" ").formatHex(code) : "unreadable");
          }
          p.trap.trap(TrapState.X86_TRAP_UD, 0); // do_error_trap of exc_invalid_op
          signals.force(p, Signals.SIGILL, SigInfo.fault(Signals.SIGILL, SigInfo.ILL_ILLOPN, rip));
        }
        case INTERRUPT -> {
          if (machine.lastInterrupt() == INT80_VECTOR) {
            ia32Syscall(p);
            resume = Resume.SYSCALL;
            if (sched.takeYield()) {
              budget = 0;
            }
          } else {
            trap(p, machine.lastInterrupt());
          }
        }
        case ERROR -> {
          Throwable cause = machine.lastError();
          String what =
              "emulator error in "
                  + p
                  + " at 0x"
                  + Long.toHexString(machine.reg(Reg.RIP))
                  + (cause != null ? ": " + cause.getMessage() : "");
          log.error(what, cause);
          console.println("uvm4j: " + what);
          if (machineError == null) {
            machineError = what;
          }
          // the engine cannot be trusted any more: end the run
          for (Proc q : procs.all()) {
            if (q != p && q.isAlive()) {
              lifecycle.exit(q, WaitStatus.signaled(Signals.SIGKILL));
            }
          }
          lifecycle.exit(p, WaitStatus.signaled(Signals.SIGKILL));
        }
      }
      if (step && p.isAlive() && (why == StopReason.QUANTUM || why == StopReason.SYSCALL)) {
        // x86 exc_debug_user (TF: TRAP_TRACE) or user_single_step_report after a syscall; both
        // go through send_sigtrap, which sets the thread's trap state
        p.trap.trap(TrapState.X86_TRAP_DB, 0);
        signals.force(
            p,
            Signals.SIGTRAP,
            SigInfo.fault(
                Signals.SIGTRAP,
                why == StopReason.SYSCALL ? TRAP_BRKPT : Ptrace.TRAP_TRACE,
                cpu.loaded() == p ? machine.reg(Reg.RIP) : p.ctx.reg(Reg.RIP)));
      }
      if (sum != null) {
        sum.after(p, uvm.exp());
      }
    }
  }

  /** What the next run of the loaded process resumes from (for the TLB counters). */
  private enum Resume {
    SWITCH,
    SYSCALL,
    OTHER
  }

  private Resume resume = Resume.OTHER;

  /** Charges a run's TLB fills and the flushes done before it to what it resumed from. */
  private void countTlb(Resume cause, long fills, long flushes) {
    switch (cause) {
      case SWITCH -> {
        counters.cswitchTlbFills += fills;
        counters.cswitchTlbFlushes += flushes;
      }
      case SYSCALL -> {
        counters.syscallTlbFills += fills;
        counters.syscallTlbFlushes += flushes;
      }
      case OTHER -> {}
    }
    counters.tlbFlushesAvoided = machine.tlbFlushesAvoided();
  }

  /**
   * syscall entry: reads the number and arguments, sets RCX/R11 as the {@code syscall} instruction
   * does (return address, flags), dispatches, and writes the result to RAX; a sleeping syscall is
   * rewound so that it runs again when the process wakes.
   */
  // x86 syscall.c: syscall
  private void syscall(Proc p) {
    syscall(p, true);
  }

  /**
   * {@link #syscall(Proc)}; {@code fresh} is false when a call that slept is retried (a traced
   * task's entry was reported already).
   */
  private void syscall(Proc p, boolean fresh) {
    Machine m = machine;
    long nr = m.reg(Reg.RAX);
    long rip = m.reg(Reg.RIP);
    m.setReg(Reg.RCX, rip);
    m.setReg(Reg.R11, m.reg(Reg.RFLAGS));
    if (p.ptrace == null) {
      dispatch(p, nr, rip); // the untraced path: this one field is all ptrace costs it
      return;
    }
    if (ptrace.syscallEntry(p, nr, fresh)) {
      return; // syscall-enter-stop: the call runs when the tracer resumes p
    }
    tracedExit(p, dispatch(p, nr, rip));
  }

  /** The traced call of {@code p} ended or slept: its syscall-exit-stop, if due. */
  private void tracedExit(Proc p, boolean slept) {
    if (p.ptrace != null) {
      ptrace.syscallExit(p, slept);
    }
  }

  /**
   * Runs system call {@code nr} of {@code p} (loaded; the {@code syscall} instruction ended at
   * {@code rip}) and writes its result to RAX; a sleeping call is rewound onto its instruction.
   *
   * @return true when the call went to sleep (it runs again when {@code p} wakes)
   */
  private boolean dispatch(Proc p, long nr, long rip) {
    Machine m = machine;
    StraceHook st = strace;
    if (st != null) {
      st.syscallEntry(
          p,
          nr,
          m.reg(Reg.RDI),
          m.reg(Reg.RSI),
          m.reg(Reg.RDX),
          m.reg(Reg.R10),
          m.reg(Reg.R8),
          m.reg(Reg.R9));
    }
    long r =
        syscalls.dispatch(
            p,
            nr,
            m.reg(Reg.RDI),
            m.reg(Reg.RSI),
            m.reg(Reg.RDX),
            m.reg(Reg.R10),
            m.reg(Reg.R8),
            m.reg(Reg.R9));
    if (st != null && p.isAlive()) {
      st.syscallExit(p, r == SyscallLayer.EJUSTRETURN && cpu.loaded() == p ? m.reg(Reg.RAX) : r);
    }
    if (r == SyscallLayer.ERESTART) {
      if (cpu.loaded() == p) {
        m.setReg(Reg.RIP, rip - SYSCALL_INSN_LEN);
        m.setReg(Reg.RAX, nr);
      }
      p.restart.setPending(true);
      p.restart.setIa32(false);
      return true;
    }
    if (r != SyscallLayer.EJUSTRETURN && cpu.loaded() == p && p.isAlive()) {
      m.setReg(Reg.RAX, r);
    }
    p.restart.clear();
    return false;
  }

  /**
   * The traced {@code p} (loaded) runs again after a stop inside a system call: the call its
   * syscall-enter-stop held runs now (the number is {@code orig_rax}, which the tracer may have
   * changed; -1 skips the call, leaving RAX as the tracer set it, and so does a pending SIGKILL),
   * or the syscall-exit-stop that an event stop put off is made, or the rewind of a call a signal
   * interrupted (its -ERESTARTSYS exit-stop) is put back.
   *
   * @return true when the call was just tried, so a pending signal must not make it retry
   */
  // arch/x86/entry/common.c: do_syscall_64 after syscall_enter_from_user_mode
  private boolean afterTraceStop(Proc p) {
    PtraceState pt = p.ptrace;
    switch (pt.after) {
      case DISPATCH -> {
        pt.after = PtraceState.After.NONE;
        int nr = (int) pt.origRax; // do_syscall_64's int nr
        if (nr == -1 || (p.sig.pending() & Signals.bit(Signals.SIGKILL)) != 0) {
          ptrace.syscallExit(p, false);
          return false;
        }
        boolean slept = dispatch(p, pt.origRax, machine.reg(Reg.RIP));
        tracedExit(p, slept);
        if (slept && p.state == ProcState.SLEEPING && p.sig.deliverable() != 0) {
          // a signal came while the tracee was stopped at the entry: the call that would sleep
          // is interrupted at once (a pipe read's signal_pending check)
          sched.cancelSleep(p);
          ptrace.interruptedCall(p);
          return true;
        }
        return false;
      }
      case EXIT_STOP -> ptrace.exitStop(p);
      case RESTART_CHECK -> {
        ptrace.afterInterruptedCall(p);
        return true; // the stop came between the call's retry and the signal
      }
      case NONE -> {}
    }
    return false;
  }

  /**
   * {@code int $0x80} from a 64-bit process: the i386 system call ABI, as x86-64 Linux's IA32
   * emulation runs it (see {@code kernel.syscall.Ia32Syscalls}): EAX the i386 number, EBX, ECX,
   * EDX, ESI, EDI, EBP the arguments; the result goes to RAX and every other register is kept (RCX
   * and R11 too). A number outside the syscall layer's declared subset ({@code
   * kernel.syscall.Ia32Syscalls}) answers ENOSYS. A sleeping call is rewound onto the {@code int
   * $0x80} (also two bytes) with EAX its i386 number.
   */
  // x86 entry/common.c: do_int80_syscall_32
  private void ia32Syscall(Proc p) {
    Machine m = machine;
    long nr = m.reg(Reg.RAX) & 0xffffffffL;
    long rip = m.reg(Reg.RIP);
    long x64 = syscalls.ia32ToX64(nr);
    if (x64 < 0) {
      if (log.isDebugEnabled()) {
        log.debug("{}: int 0x80 syscall {} is not supported: ENOSYS", p, nr);
      }
      m.setReg(Reg.RAX, SyscallLayer.ENOSYS);
      p.restart.clear();
      return;
    }
    long a0 = syscalls.ia32Arg(nr, 0, m.reg(Reg.RBX));
    long a1 = syscalls.ia32Arg(nr, 1, m.reg(Reg.RCX));
    long a2 = syscalls.ia32Arg(nr, 2, m.reg(Reg.RDX));
    long a3 = syscalls.ia32Arg(nr, 3, m.reg(Reg.RSI));
    long a4 = syscalls.ia32Arg(nr, 4, m.reg(Reg.RDI));
    long a5 = syscalls.ia32Arg(nr, 5, m.reg(Reg.RBP));
    StraceHook st = strace;
    if (st != null) {
      st.syscallEntry(p, x64, a0, a1, a2, a3, a4, a5);
    }
    long r = syscalls.dispatch(p, x64, a0, a1, a2, a3, a4, a5);
    if (st != null && p.isAlive()) {
      st.syscallExit(p, r);
    }
    if (r == SyscallLayer.ERESTART) {
      if (cpu.loaded() == p) {
        m.setReg(Reg.RIP, rip - SYSCALL_INSN_LEN);
        m.setReg(Reg.RAX, nr);
      }
      p.restart.setPending(true);
      p.restart.setIa32(true);
      return;
    }
    if (r != SyscallLayer.EJUSTRETURN && cpu.loaded() == p && p.isAlive()) {
      m.setReg(Reg.RAX, r);
    }
    p.restart.clear();
  }

  /**
   * A signal woke a process sleeping in a syscall: the syscall first looks again at what it waited
   * for (a child that exited meanwhile, data that arrived), as Linux's wait loops do before they
   * check for signals; only if it would still sleep does the signal interrupt it.
   */
  private void retrySyscall(Proc p) {
    machine.setReg(Reg.RIP, machine.reg(Reg.RIP) + SYSCALL_INSN_LEN);
    p.restart.setPending(false);
    if (p.restart.ia32()) {
      ia32Syscall(p);
    } else {
      syscall(p, false);
    }
    if (p.state == ProcState.SLEEPING) {
      sched.cancelSleep(p); // still nothing to do: the signal interrupts the sleep
      if (p.ptrace != null && !p.restart.ia32()) {
        ptrace.interruptedCall(p); // its syscall-exit-stop with -ERESTARTSYS
      }
    }
  }

  /** x86 trap.c: a CPU exception or software interrupt other than a page fault. */
  private void trap(Proc p, int vector) {
    long rip = machine.reg(Reg.RIP);
    // do_trap, exc_general_protection, send_sigtrap: the thread's trap number and error code. An
    // `int N` through a gate user mode may not use is #GP with the IDT selector (N * 8 + 2, IDT
    // bit) as error code; the engine reports no other error code (user-mode #GP from an
    // instruction, #SS: 0)
    if (vector >= 32) {
      p.trap.trap(TrapState.X86_TRAP_GP, ((long) vector << 3) | 2);
    } else {
      p.trap.trap(vector, 0);
    }
    switch (vector) {
      case 0 -> signals.force(p, Signals.SIGFPE, SigInfo.fault(Signals.SIGFPE, FPE_INTDIV, rip));
      // #DB from user mode is a single step (RFLAGS.TF; no debug registers): exc_debug_user
      // sends SIGTRAP with TRAP_TRACE (get_si_code of DR6.BS), RIP after the instruction
      case 1 -> signals.force(p, Signals.SIGTRAP, SigInfo.fault(Signals.SIGTRAP, TRAP_TRACE, rip));
      // int3: Linux's do_int3_user sends SIGTRAP with SI_KERNEL, RIP after the instruction
      case 3 -> signals.force(p, Signals.SIGTRAP, SigInfo.kernel(Signals.SIGTRAP));
      case 6 ->
          signals.force(p, Signals.SIGILL, SigInfo.fault(Signals.SIGILL, SigInfo.ILL_ILLOPN, rip));
      case 16, 19 ->
          signals.force(p, Signals.SIGFPE, SigInfo.fault(Signals.SIGFPE, FPE_FLTINV, rip));
      case 17 -> signals.force(p, Signals.SIGBUS, SigInfo.fault(Signals.SIGBUS, BUS_ADRALN, rip));
      default -> {
        // #GP, #SS, bound, overflow, int N from user mode: SIGSEGV with SI_KERNEL. An `int N`
        // above the exceptions goes through an IDT gate user mode may not use: #GP at the `int`
        // instruction, while the engine reports the vector with RIP after it.
        if (vector >= 32) {
          machine.setReg(Reg.RIP, rip - INT_N_LEN);
        }
        signals.force(p, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV));
      }
    }
  }

  /**
   * trap.c: a fault the UVM could not resolve. The thread's trap state gets the page fault (trap
   * 14, the x86 error code, CR2) that the signal frame then shows; an access at a non-canonical
   * address is a general-protection fault instead (SIGSEGV, SI_KERNEL, trap 13).
   */
  // Linux arch/x86/mm/fault.c: do_user_addr_fault, bad_area, do_sigbus; traps.c:
  // exc_general_protection
  private void fault(Proc p, UnresolvedFault f) {
    if (!TrapState.canonical(f.va())) {
      p.trap.trap(TrapState.X86_TRAP_GP, 0);
      signals.force(p, Signals.SIGSEGV, SigInfo.kernel(Signals.SIGSEGV));
      return;
    }
    // the fill hook learns only the page; an instruction fetch faults at RIP when on that page
    long address = f.va();
    long rip = machine.reg(Reg.RIP);
    if ((f.access() & Prot.EXEC) != 0 && (rip & ~0xfffL) == address) {
      address = rip;
    }
    if (VsyscallPage.contains(address) && vsyscall.emulate(p, machine, address, f.access())) {
      return;
    }
    if (f.result() != FaultResult.OK && f.result() != FaultResult.OOM) {
      p.trap.pageFault(address, TrapState.pageFaultCode(address, f.access(), f.present()));
    }
    switch (f.result()) {
      case SEGV_MAPERR ->
          signals.force(
              p, Signals.SIGSEGV, SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_MAPERR, address));
      case SEGV_ACCERR ->
          signals.force(
              p, Signals.SIGSEGV, SigInfo.fault(Signals.SIGSEGV, SigInfo.SEGV_ACCERR, address));
      case BUS ->
          signals.force(
              p, Signals.SIGBUS, SigInfo.fault(Signals.SIGBUS, SigInfo.BUS_ADRERR, address));
      case OOM -> outOfMemory(p, f.va());
      case OK -> {
        // resolved after all (e.g. memory freed meanwhile): the instruction simply runs again
      }
    }
  }

  /**
   * RAM and swap are exhausted and {@code p}'s fault at {@code va} could not be resolved: kill the
   * largest process (anonymous pages resident plus swapped, as Linux's OOM killer ranks them) with
   * SIGKILL and one line on stderr. When the victim is another process it dies at once, so its
   * memory is free when {@code p} retries the faulting instruction. When it was the metadata budget
   * that ran out (the fault handler refuses faults once it is exhausted), the victim is the process
   * holding the most metadata and the line says so.
   */
  // Linux mm/oom_kill.c: out_of_memory (uvm_fault fails with ENOMEM in NetBSD)
  private void outOfMemory(Proc p, long va) {
    List<Proc> live = new ArrayList<>();
    for (Proc q : procs.all()) {
      if (q.isAlive() && q.vm != null) {
        live.add(q);
      }
    }
    if (uvm.metadataBudget().exhausted()) {
      Proc victim = p;
      long most = -1;
      for (Proc q : live) {
        long bytes = q.vm.metadataBytes();
        if (bytes > most) {
          most = bytes;
          victim = q;
        }
      }
      console.println(
          "uvm4j: out of memory: the guests' VM metadata reached its budget of "
              + (uvm.metadataBudget().limit() >> 10)
              + " KiB (--metadata-budget): killed "
              + victim
              + " ("
              + (Math.max(most, 0) >> 10)
              + " KiB of metadata; "
              + p
              + " faulted at 0x"
              + Long.toHexString(va)
              + ")");
      kill(p, victim);
      return;
    }
    Proc victim = MemoryUsage.largest(live, q -> q.vm);
    if (victim == null) {
      victim = p;
    }
    console.println(
        "uvm4j: out of memory: killed "
            + victim
            + " ("
            + MemoryUsage.of(victim.vm).totalPages()
            + " pages resident or swapped; "
            + p
            + " faulted at 0x"
            + Long.toHexString(va)
            + ")");
    kill(p, victim);
  }

  /** The OOM kill of {@code victim} (SIGKILL), chosen while {@code p} faulted. */
  private void kill(Proc p, Proc victim) {
    counters.oomKills++;
    if (victim == p) {
      signals.post(p, Signals.SIGKILL, SigInfo.kernel(Signals.SIGKILL));
    } else {
      lifecycle.exit(victim, WaitStatus.signaled(Signals.SIGKILL));
    }
  }

  /** Blocks the kernel thread until a host thread posts a wakeup (console input arrived). */
  private void awaitHost() {
    try {
      sched.hostEvents().await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the guests waited for host input", e);
    }
  }

  /**
   * Every live thread waits for something that can never happen: kill them all, say why in one
   * line. When every one of them waits on a futex (threads blocked on mutexes, condition variables
   * or joins with nobody left to wake them, and no timeout), the run ends with {@link
   * #FUTEX_DEADLOCK_STATUS} instead of pid 1's status.
   */
  private void deadlock() {
    boolean allFutex = true;
    StringBuilder who = new StringBuilder();
    for (Proc p : procs.all()) {
      if (p.isAlive()) {
        allFutex &= Futexes.waiting(p);
        who.append(who.length() == 0 ? " " : ", ")
            .append(p)
            .append(" on ")
            .append(
                p.state == ProcState.SLEEPING
                    ? p.wchan
                    : p.state == ProcState.TRACED ? "ptrace stop" : "vfork");
      }
    }
    StringBuilder sb =
        new StringBuilder(
            allFutex
                ? "uvm4j: deadlock, every thread waits on a futex that nobody can wake:"
                : "uvm4j: deadlock, every process waits forever:");
    sb.append(who);
    if (allFutex) {
      futexDeadlock = true; // the console line is the report; the log keeps a copy at DEBUG
      log.debug(sb.toString());
    } else {
      log.error(sb.toString());
    }
    console.println(sb);
    for (Proc p : procs.all()) {
      if (p.isAlive()) {
        lifecycle.exit(p, WaitStatus.signaled(Signals.SIGKILL));
      }
    }
  }

  /** Frees whatever is left after the run: processes (killed), zombies, cached images. */
  private void shutdown() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      for (Proc p : procs.all()) {
        if (p.isAlive()) {
          lifecycle.exit(p, WaitStatus.signaled(Signals.SIGKILL));
        }
      }
      for (Proc p : procs.all()) {
        lifecycle.reap(p);
      }
      execCache.clear();
    } finally {
      try {
        if (machine != null) {
          machine.close();
        }
        if (pager != null) {
          pager.swap().close();
        }
      } finally {
        uvm.physMem().close(); // unmaps the RAM, after the engine let go of it
      }
    }
  }

  /**
   * Releases the swap file of a kernel whose {@link #run} was never called ({@code run} releases
   * everything itself); idempotent.
   */
  @Override
  public void close() {
    shutdown();
  }

  /**
   * Traces this kernel's run (before {@link #run}): faults, map operations, paging and process
   * events go to {@code tracer}, stamped with the running pid and tid, its RIP and the virtual
   * time.
   */
  public void setTracer(Tracer tracer) {
    events.setTracer(tracer);
    tracer.attach(uvm, faultHandler);
    tracer.setContext(
        TraceContext.of(
            () -> cpu.loaded() == null ? 0 : cpu.loaded().pid(),
            () -> cpu.loaded() == null ? 0 : cpu.loaded().tid(),
            () -> machine == null ? 0 : machine.reg(Reg.RIP),
            () -> machine == null ? 0 : machine.instructionsRetired()));
  }

  /**
   * --strace: every syscall, signal and exit goes to {@code hook} (before {@link #run}; null: off).
   */
  public void setStrace(StraceHook hook) {
    this.strace = hook;
    events.setStrace(hook);
    signals.setStrace(hook);
  }

  /** --gdb: {@code hook} runs the process it follows (before {@link #run}; null: none). */
  public void setDebugger(DebugHook hook) {
    this.debug = hook;
    events.setDebug(hook);
  }

  /** --summary: per-process costs go to {@code summary} (before {@link #run}; null: off). */
  public void setSummary(RunSummary summary) {
    this.summary = summary;
  }

  /**
   * Asks for the maps of every live process (with --maps): printed between two time slices, on the
   * kernel's thread; safe to call from any thread (a signal handler).
   */
  public void requestMaps() {
    mapsRequested = true;
  }

  /**
   * --maps: each process's map is written to {@code out} when it exits, and every live process's on
   * {@link #requestMaps} (null: not). With it on, runs end at each time slice even for a lone
   * process (so a request is answered within one slice).
   */
  public void setMapsOutput(PrintStream out) {
    exitMaps.setOutput(out);
    mapsOnRequest = out != null;
  }

  /**
   * Each report --maps writes (at a process's exit, or on request) is also handed to {@code
   * listener} as entries (before {@link #run}; null: none). Unlike {@link #setMapsOutput}, a
   * listener alone does not make runs end at every slice.
   */
  public void setMapsListener(MapsListener listener) {
    exitMaps.setListener(listener);
  }

  /**
   * --progress: {@code hook} runs on the kernel's thread after every time slice (before {@link
   * #run}; null: none). With a hook, even a lone process's runs end at each slice.
   */
  public void setBetweenSlices(Runnable hook) {
    this.betweenSlices = hook;
  }

  /** Processes alive now (zombies not counted). */
  public int liveProcesses() {
    int n = 0;
    for (Proc q : procs.all()) {
      if (q.isAlive()) {
        n++;
      }
    }
    return n;
  }

  /**
   * pid 1's wait status ({@link WaitStatus}) after {@link #run} returned it; -1 before, after a
   * futex deadlock and when the run failed.
   */
  public int initWaitStatus() {
    return initWaitStatus;
  }

  // ------------------------------------------------------------ accessors for the CLI and tests

  public KernelConfig config() {
    return cfg;
  }

  /** The VM system (for --stats and the audit). */
  public Uvm uvm() {
    return uvm;
  }

  /** The fault handler of every address space of this machine (one CPU). */
  public FaultHandler faultHandler() {
    return faultHandler;
  }

  /** The swap pager, or null when the kernel runs without swap. */
  public SwapPager swapPager() {
    return pager;
  }

  /** The UVM counters. */
  public UvmExp stats() {
    return uvm.exp();
  }

  public KernelCounters counters() {
    return counters;
  }

  public Machine machine() {
    return machine;
  }

  /** The console's error stream (for kernel messages the user must see). */
  public PrintStream console() {
    return console;
  }
}
