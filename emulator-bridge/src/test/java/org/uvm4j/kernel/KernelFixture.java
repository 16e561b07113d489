package org.uvm4j.kernel;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.uvm4j.kernel.fs.Console;
import org.uvm4j.kernel.fs.ControllingTty;
import org.uvm4j.kernel.fs.FileTable;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.kernel.fs.Vfs;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.audit.SystemAudit;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * The kernel's parts without a CPU: the Java UVM, scheduler, clock, process table, signals,
 * lifecycle and host file system wired as {@link Kernel} wires them, and processes with a real
 * {@link Vmspace} and descriptor table. Syscall handlers run against it directly (no guest, no
 * Unicorn engine); anything that needs the machine's registers (fork, exec, arch_prctl, signal
 * frames) is out of its reach.
 */
public final class KernelFixture implements AutoCloseable {
  public final Uvm uvm = new Uvm(UvmConfig.ofRam(16L << 20));
  private final long freeAtStart = uvm.physMem().freeCount();
  private final FaultHandler faultHandler = new FaultHandler(uvm);
  public final VirtualClock clock = new VirtualClock();
  public final Scheduler scheduler;
  public final ProcTable procs = new ProcTable();
  public final KernelCounters counters = new KernelCounters();
  private final Cpu cpu = new Cpu(counters);
  public final SignalDelivery signals;
  public final Futexes futexes;
  public final ProcLifecycle lifecycle;
  public final Vfs vfs;
  private final Path cwd;
  private final Exec exec;
  private final KernelConfig config;
  private final List<Proc> made = new ArrayList<>();

  /** A fixture whose host working directory is {@code cwd} (host / read-only, tmpfs at /tmp). */
  public KernelFixture(Path cwd) {
    this(cwd, FsLayout.hostReadOnly());
  }

  /**
   * A fixture with file system {@code layout}, processes starting in guest directory {@code cwd}.
   */
  public KernelFixture(Path cwd, FsLayout layout) {
    this(cwd, layout, 1);
  }

  /** A fixture of a machine with {@code cpus} virtual CPUs (host / read-only, tmpfs at /tmp). */
  public KernelFixture(Path cwd, int cpus) {
    this(cwd, FsLayout.hostReadOnly(), cpus);
  }

  /** A fixture with file system {@code layout} on a machine with {@code cpus} virtual CPUs. */
  public KernelFixture(Path cwd, FsLayout layout, int cpus) {
    this.scheduler = new Scheduler(clock, new VirtualCpus(cpus));
    this.signals = new SignalDelivery(scheduler, cpu, counters);
    this.futexes = new Futexes(scheduler);
    this.lifecycle =
        new ProcLifecycle(
            scheduler,
            procs,
            cpu,
            counters,
            signals,
            new ExitMaps(procs),
            new ProcEvents(),
            futexes);
    this.config = KernelConfig.builder().cwd(cwd).fs(layout).cpus(cpus).build();
    this.cwd = cwd;
    this.vfs = Kernel.buildVfs(config, clock, procs, uvm, ControllingTty.none(), scheduler);
    signals.bind(lifecycle);
    this.exec =
        new Exec(cpu, vfs, uvm, faultHandler, counters, new ExecCache(uvm), new ProcEvents(), 1);
    exec.bind(lifecycle);
  }

  /** The services a syscall layer is built from. */
  public KernelServices services() {
    return new KernelServices(
        config, uvm, scheduler, clock, procs, signals, lifecycle, exec, vfs, cpu, counters, futexes,
        null);
  }

  /** A new runnable process with an empty address space and stdin/stdout/stderr open. */
  public Proc newProc() {
    Proc p = procs.allocate();
    p.comm = "p" + p.pid;
    p.sig = new SignalState();
    p.files = new FileTable();
    p.fs = Kernel.initialFs(vfs, cwd.toString(), p.pid);
    try {
      p.files.install(Console.input("stdin", java.io.InputStream.nullInputStream()), false);
      p.files.install(Console.output("stdout", java.io.OutputStream.nullOutputStream()), false);
      p.files.install(Console.output("stderr", java.io.OutputStream.nullOutputStream()), false);
    } catch (UvmException e) {
      throw new AssertionError(e);
    }
    p.vm = Vmspace.create(uvm, faultHandler);
    scheduler.setRunnable(p);
    made.add(p);
    return p;
  }

  /**
   * Gives {@code p} a saved CPU state without an engine ({@link org.uvm4j.machine.SavedRegisters})
   * whose RSP is {@code rsp}: for handlers that read the caller's registers.
   */
  public void withRegisters(Proc p, long rsp) {
    p.ctx = org.uvm4j.machine.SavedRegisters.context();
    p.ctx.setReg(org.uvm4j.machine.Reg.RSP, rsp);
  }

  /** A child of {@code parent} (as fork would make it, without copying memory: a fresh space). */
  public Proc child(Proc parent) {
    Proc c = newProc();
    c.fs = parent.fs.copy(c.pid);
    c.parent = parent;
    parent.children.add(c);
    return c;
  }

  /** A child of {@code parent} whose address space is a fork of the parent's (uvmspace_fork). */
  public Proc forkedChild(Proc parent) throws UvmException {
    Proc c = child(parent);
    c.vm.free();
    c.vm = parent.vm.fork();
    return c;
  }

  /**
   * A new thread of {@code p}'s process, as clone(CLONE_THREAD|CLONE_VM|CLONE_FILES|CLONE_SIGHAND)
   * makes it, without a CPU context.
   */
  public Proc thread(Proc p) {
    Proc t = procs.allocate();
    t.comm = p.comm;
    t.group = p.group;
    p.group.add(t);
    t.sig = p.sig.threadCopy();
    t.files = p.files;
    t.vm = p.vm;
    p.vm.reference();
    t.exitSignal = -1;
    t.cpusAllowed = p.cpusAllowed; // inherited, as clone does
    t.cpu = p.cpu;
    scheduler.placeNew(t);
    scheduler.setRunnable(t);
    made.add(t);
    return t;
  }

  private org.uvm4j.machine.Machine machine;

  /**
   * Attaches a real CPU (libunicorn, the default binding) that never runs, for handlers that copy
   * the caller's registers (clone's fork copies the machine's into the child's context).
   */
  public void attachMachine() {
    machine =
        org.uvm4j.machine.backend.CpuBackends.openMachine(
            uvm, org.uvm4j.machine.backend.BackendKind.AUTO);
    cpu.attach(machine);
  }

  /** A process a handler made (clone): {@link #close} ends and reaps it too. */
  public void adopt(Proc p) {
    made.add(p);
  }

  /** Ends every process left, reaps them, and checks that the UVM freed everything. */
  @Override
  public void close() {
    for (Proc p : made) {
      if (p.isAlive()) {
        lifecycle.exit(p, WaitStatus.exited(0));
      }
    }
    for (Proc p : made) {
      lifecycle.reap(p);
    }
    if (machine != null) {
      machine.close();
    }
    SystemAudit.checkAllFreed(uvm, freeAtStart);
  }
}
