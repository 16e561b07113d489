package org.uvm4j.uvm.bench.page;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;

/**
 * Frame operations on the fault path: zero-fill and copy of a 4 KiB frame (bulk copies into the
 * direct buffer), and a free-list alloc+free pair. See docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PhysMemBench {
  private PhysMem pm;
  private VmPage a;
  private VmPage b;

  @Setup(Level.Trial)
  public void setUp() {
    pm = new PhysMem(16L << 20);
    a = pm.alloc();
    b = pm.alloc();
  }

  /** pmap_zero_page of one frame. */
  @Benchmark
  public VmPage zero() {
    pm.zero(a);
    return a;
  }

  /** pmap_copy_page of one frame. */
  @Benchmark
  public VmPage copy() {
    pm.copy(a, b);
    return b;
  }

  /** A frame off the free list and back. */
  @Benchmark
  public VmPage allocFree() {
    VmPage pg = pm.alloc();
    pm.free(pg);
    return pg;
  }
}
