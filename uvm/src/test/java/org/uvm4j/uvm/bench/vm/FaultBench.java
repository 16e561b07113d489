package org.uvm4j.uvm.bench.vm;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
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
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * Cost of one uvm_fault (ns per fault), in batches of {@link #PAGES} faults on fresh state made
 * outside the timed part: zero fill (write to untouched private anonymous memory), COW copy (a
 * child's first write to each page it shares with its parent: case 1B) and COW reuse (the parent's
 * write after the child copied everything: amap take-over, then case 1A with no page copy). Run
 * with {@code org.openjdk.jmh.Main FaultBench}; see docs/benchmarks.md.
 *
 * <p>Besides the wall-clock score, every benchmark reports the thread CPU time of its timed faults
 * ({@link CpuTime}: {@code cpuNs} and {@code faults} per iteration, so {@code cpuNs / faults} is
 * the CPU time per fault). On a machine shared with other work the wall clock also counts the time
 * the thread waited for a core; the CPU time does not, so A/B comparisons under load use it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class FaultBench {
  static final int PAGES = 1024;
  static final long PAGE = 4096;

  private Uvm uvm;
  private FaultHandler fh;
  private Vmspace parent;
  private Vmspace child;
  private long region;

  /**
   * The amap allocator's flat limit: 16 (the default: a 1,024-page region's amap is chunked) or
   * {@code Integer.MAX_VALUE} (the seed's flat arrays), so the chunked storage's share of a fault
   * is the difference of the two rows.
   */
  @Param({"16", "2147483647"})
  int flatSlots;

  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  /**
   * The thread CPU time spent in the timed faults and their number, summed over an iteration (reset
   * at its start). One {@code getCurrentThreadCpuTime} pair per invocation of {@link #PAGES}
   * faults.
   */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.EVENTS)
  public static class CpuTime {
    public long cpuNs;
    public long faults;

    @Setup(Level.Iteration)
    public void reset() {
      cpuNs = 0;
      faults = 0;
    }

    void add(long t0) {
      cpuNs += THREADS.getCurrentThreadCpuTime() - t0;
      faults += PAGES;
    }
  }

  @Setup(Level.Trial)
  public void setUpTrial() {
    uvm = new Uvm(UvmConfig.ofRam(64L << 20));
    uvm.allocator().setFlatSlots(flatSlots);
    parent = Vmspace.create(uvm, new FaultHandler(uvm));
    fh = ((FaultHandler) parent.faultHandler());
  }

  private long mapRegion(Vmspace vm) throws UvmException {
    return vm.mmap(MapRequest.anon(PAGES * PAGE, Prot.RW));
  }

  private void writeAll(Vmspace vm) {
    for (int i = 0; i < PAGES; i++) {
      if (fh.fault(vm, region + i * PAGE, Prot.WRITE) != FaultResult.OK) {
        throw new IllegalStateException("fault failed");
      }
    }
  }

  /** State for zeroFill: a fresh, untouched region. */
  @Setup(Level.Invocation)
  public void setUpInvocation(org.openjdk.jmh.infra.BenchmarkParams params) throws UvmException {
    String name = params.getBenchmark();
    if (child != null) {
      child.free();
      child = null;
    }
    if (region != 0) {
      parent.munmap(region, PAGES * PAGE);
    }
    region = mapRegion(parent);
    if (name.endsWith("cowCopy") || name.endsWith("cowReuse")) {
      writeAll(parent);
      child = parent.fork();
      if (name.endsWith("cowReuse")) {
        writeAll(child);
      }
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (child != null) {
      child.free();
    }
    parent.free();
  }

  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void zeroFill(CpuTime cpu) {
    long t0 = THREADS.getCurrentThreadCpuTime();
    writeAll(parent);
    cpu.add(t0);
  }

  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void cowCopy(CpuTime cpu) {
    long t0 = THREADS.getCurrentThreadCpuTime();
    writeAll(child);
    cpu.add(t0);
  }

  @Benchmark
  @OperationsPerInvocation(PAGES)
  public void cowReuse(CpuTime cpu) {
    long t0 = THREADS.getCurrentThreadCpuTime();
    writeAll(parent);
    cpu.add(t0);
  }
}
