package org.uvm4j.uvm.bench.amap;

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
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * The brk pattern: a heap grown by one page 10,000 times with amap_extend (forwards). As in {@code
 * uvm_map}, when extend answers E2BIG (a reallocation would reach UVM_AMAP_LARGE slots) the heap
 * continues in a new entry with a fresh amap. {@code pad} is the padding of each fresh amap: 16
 * pages is UVM_FLAG_AMAPPAD (sbrk), so most growths are case 2; 0 makes every growth past the kmem
 * roundup a case-3 reallocation. The score is per growth (10,000 operations per invocation; the
 * amaps are freed at the end of each invocation, included).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AmapGrowthBench {
  private static final int GROWTHS = 10_000;
  private static final long PAGE = 4096;

  @Param({"16", "0"})
  public int pad;

  private Uvm uvm;
  private final Amap[] amaps = new Amap[GROWTHS];

  @Setup(Level.Trial)
  public void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(16L << 20));
  }

  @Benchmark
  @OperationsPerInvocation(GROWTHS)
  public int brk() {
    VmMapEntry heap = fresh(0x0060_0000L);
    int n = 0;
    amaps[n++] = heap.aref.amap;
    for (int k = 0; k < GROWTHS; k++) {
      int rv = Amap.extend(heap, PAGE, Amap.AMAP_EXTEND_FORWARDS);
      if (rv == 0) {
        heap.end += PAGE;
      } else if (rv == Errno.E2BIG) {
        heap = fresh(heap.end);
        amaps[n++] = heap.aref.amap;
      } else {
        throw new IllegalStateException("amap_extend: errno " + rv);
      }
    }
    for (int k = 0; k < n; k++) {
      amaps[k].unref(0, amaps[k].nslot(), true);
    }
    return n;
  }

  private VmMapEntry fresh(long start) {
    VmMapEntry e = new VmMapEntry();
    e.start = start;
    e.end = start + PAGE;
    e.aref.amap = Amap.alloc(uvm, PAGE, pad * PAGE, false);
    return e;
  }
}
