package org.uvm4j.machine.bench;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.uvm4j.machine.CpuContext;
import org.uvm4j.machine.Machine;
import org.uvm4j.machine.Reg;
import org.uvm4j.machine.StopReason;
import org.uvm4j.machine.backend.BackendKind;
import org.uvm4j.machine.backend.CpuBackends;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.fault.FaultResult;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * The machine's costs through each libunicorn binding ({@code backend}: jna, ffm), measured in one
 * run so they can be compared as ratios: a TLB fill answered from the pmap, a zero-fill fault
 * resolved inside the fill, a run that stops at a {@code syscall}, a context switch, and the warm
 * baseline of the same guest loop.
 *
 * <p>The guest code touches {@link #PAGES} pages 4 KiB apart ({@code mov [rbx], eax; add rbx, 4096;
 * dec ecx; jnz}), then executes {@code syscall}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class MachineBench {
  static final int PAGES = 256;
  static final long CODE = 0x400000;
  static final long DATA = 0x10000000;
  static final long SYSCALL_ONLY = 0x401000;

  /** The binding (scripts/bench.sh passes only jna on a JVM without FFM). */
  @Param({"jna", "ffm"})
  String backend;

  Uvm uvm;
  PhysMem phys;
  Machine m;
  Pmap pmap;
  Pmap otherPmap;
  VmPage[] data = new VmPage[PAGES];
  CpuContext a;
  CpuContext b;
  Vmspace vm;
  byte[] loop;

  @Setup(Level.Trial)
  public void setUp() throws UvmException {
    uvm = new Uvm(UvmConfig.ofRam(8 << 20));
    phys = uvm.physMem();
    m = CpuBackends.openMachine(uvm, BackendKind.parse(backend));
    pmap = new Pmap(uvm.physMem(), uvm.exp());
    otherPmap = new Pmap(uvm.physMem(), uvm.exp());
    VmPage code = phys.alloc();
    phys.zero(code);
    loop =
        new byte[] {
          0x48,
          (byte) 0xbb,
          0,
          0,
          0,
          0x10,
          0,
          0,
          0,
          0, // mov rbx, DATA
          (byte) 0xb9,
          (byte) PAGES,
          (byte) (PAGES >> 8),
          0,
          0, // mov ecx, PAGES
          (byte) 0x89,
          0x03, // mov [rbx], eax
          0x48,
          (byte) 0x81,
          (byte) 0xc3,
          0,
          0x10,
          0,
          0, // add rbx, 4096
          (byte) 0xff,
          (byte) 0xc9, // dec ecx
          0x75,
          (byte) 0xf3, // jnz -13
          0x0f,
          0x05 // syscall
        };
    phys.write(code, 0, loop, 0, loop.length);
    pmap.enter(CODE, code, Prot.RX, false);
    VmPage sys = phys.alloc();
    phys.zero(sys);
    phys.write(sys, 0, new byte[] {0x0f, 0x05}, 0, 2);
    pmap.enter(SYSCALL_ONLY, sys, Prot.RX, false);
    for (int i = 0; i < PAGES; i++) {
      data[i] = phys.alloc();
      pmap.enter(DATA + ((long) i << 12), data[i], Prot.RW, false);
    }
    m.activate(pmap, this::zeroFill);
    a = m.newContext();
    b = m.newContext();

    vm = Vmspace.create(uvm);
    if (vm.mmap(MapRequest.anon(0x2000, Prot.ALL).fixed(CODE)) != CODE
        || vm.copyout(CODE, loop, 0, loop.length) != 0) {
      throw new IllegalStateException("cannot set up the vmspace");
    }
  }

  /** A minimal zero-fill fault: a fresh frame for the page, mapped read-write. */
  private FaultResult zeroFill(long va, int access) {
    VmPage pg = phys.alloc();
    if (pg == null) {
      return FaultResult.OOM;
    }
    phys.zero(pg);
    pmap.enter(va & ~0xfffL, pg, Prot.RW, false);
    return FaultResult.OK;
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    m.close();
  }

  private void runLoop() {
    m.setReg(Reg.RIP, CODE);
    StopReason r = m.run(1_000_000);
    if (r != StopReason.SYSCALL) {
      throw new IllegalStateException("loop stopped with " + r);
    }
  }

  /** The guest loop with every translation cached: emulation and one run. */
  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void warmLoopPerPage() {
    runLoop();
  }

  /**
   * The same loop after a TLB flush: one TLB fill through the binding (pmap hit) per page. The
   * flush comes from switching to another pmap and back (activating the active pmap again no longer
   * flushes).
   */
  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void tlbFillPerPage() {
    m.activate(otherPmap, this::zeroFill);
    m.activate(pmap, this::zeroFill);
    runLoop();
  }

  /**
   * The same loop over unmapped pages: one zero-fill fault per page resolved inside the fill (frame
   * allocation, zeroing, pmap_enter), plus unmapping and freeing them afterwards.
   */
  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void zeroFillFaultPerPage() {
    for (int i = 0; i < PAGES; i++) {
      long va = DATA + ((long) i << 12);
      VmPage pg = pmap.extract(va);
      pmap.remove(va, va + 4096);
      phys.free(pg);
    }
    runLoop();
  }

  /**
   * The same loop in a real address space: {@code mmap} of {@link #PAGES} anonymous pages, one
   * {@code uvm_fault} zero-fill per page from the guest (amap and anon allocation, frame zeroing,
   * pmap_enter), then {@code munmap}.
   */
  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void uvmZeroFillFaultPerPage() throws UvmException {
    if (vm.mmap(MapRequest.anon((long) PAGES << 12, Prot.RW).fixed(DATA)) != DATA) {
      throw new IllegalStateException("mmap failed");
    }
    m.activate(vm);
    runLoop();
    vm.munmap(DATA, (long) PAGES << 12);
    m.activate(pmap, this::zeroFill);
  }

  /** A run that stops at once on a {@code syscall}: emu_start, the hook, the stop. */
  @Benchmark
  public void syscallStop() {
    m.setReg(Reg.RIP, SYSCALL_ONLY);
    if (m.run(1000) != StopReason.SYSCALL) {
      throw new IllegalStateException();
    }
  }

  /** Saving one context, loading another and flushing the TLB. */
  @Benchmark
  public void contextSwitch() {
    m.save(a);
    m.load(b);
    m.activate(pmap, this::zeroFill);
    m.save(b);
    m.load(a);
  }
}
