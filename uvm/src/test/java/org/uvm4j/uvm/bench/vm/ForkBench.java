package org.uvm4j.uvm.bench.vm;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.fault.FaultResult;
import org.uvm4j.uvm.map.Advice;
import org.uvm4j.uvm.map.Inheritance;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * Cost of uvmspace_fork (µs) of a parent with {@code sizeMiB} of resident private anonymous memory
 * in {@code entries} map entries: one amap reference and one pmap_protect per entry, no page copied
 * (checked: the run fails if fork copied a page). After each fork the child is freed and the
 * parent's first write to each entry takes its amap back, so every fork starts from writable,
 * non-NEEDSCOPY entries. Run with {@code org.openjdk.jmh.Main ForkBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class ForkBench {
  static final long PAGE = 4096;

  @Param({"1", "16", "256"})
  public int sizeMiB;

  @Param({"1", "64"})
  public int entries;

  private Uvm uvm;
  private Vmspace parent;
  private Vmspace child;
  private long[] starts;
  private long cowBefore;

  @Setup(Level.Trial)
  public void setUp() {
    uvm = new Uvm(UvmConfig.ofRam((sizeMiB + 64L) << 20));
    parent = Vmspace.create(uvm);
    starts = VmBenchSupport.mapResident(parent, sizeMiB, entries);
  }

  @Setup(Level.Invocation)
  public void before() {
    cowBefore = uvm.exp().cowpages;
  }

  @Benchmark
  public Vmspace fork() throws UvmException {
    child = parent.fork();
    return child;
  }

  @TearDown(Level.Invocation)
  public void after() {
    if (uvm.exp().cowpages != cowBefore) {
      throw new IllegalStateException("fork copied pages");
    }
    child.free();
    child = null;
    for (long s : starts) {
      if (parent.faultHandler().fault(parent, s, Prot.WRITE) != FaultResult.OK) {
        throw new IllegalStateException("take-over fault failed");
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    parent.free();
  }

  /** Shared set-up of the VM benchmarks. */
  static final class VmBenchSupport {
    private VmBenchSupport() {}

    /**
     * Maps {@code sizeMiB} of private anonymous memory in {@code entries} regions separated by
     * one-page holes and writes every page. Each region is entered as brk maps the heap ({@code
     * OVERLAY|COPYONW}: its amap exists at once), so it stays one entry; an anonymous mmap region
     * would be clipped into 16-page entries by amap_copy's chunking at first touch.
     *
     * @return the start of each region
     */
    static long[] mapResident(Vmspace vm, int sizeMiB, int entries) {
      long pages = ((long) sizeMiB << 20) / PAGE;
      long per = pages / entries;
      long[] starts = new long[entries];
      long va = 0x1000_0000L;
      VmMap map = vm.map();
      for (int i = 0; i < entries; i++) {
        map.lock();
        try {
          int err =
              map.enter(
                  va,
                  per * PAGE,
                  null,
                  0,
                  Prot.RW,
                  Prot.ALL,
                  Inheritance.COPY,
                  Advice.NORMAL,
                  VmMap.FLAG_OVERLAY | VmMap.FLAG_COPYONW);
          if (err != 0) {
            throw new IllegalStateException("uvm_map_enter failed: " + err);
          }
        } finally {
          map.unlock();
        }
        starts[i] = va;
        for (long p = 0; p < per; p++) {
          if (vm.faultHandler().fault(vm, va + p * PAGE, Prot.WRITE) != FaultResult.OK) {
            throw new IllegalStateException("fault failed");
          }
        }
        va += (per + 1) * PAGE;
      }
      if (vm.map().entryCount() != entries) {
        throw new IllegalStateException("expected " + entries + " entries");
      }
      return starts;
    }
  }
}
