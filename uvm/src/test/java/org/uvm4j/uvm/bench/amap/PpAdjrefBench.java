package org.uvm4j.uvm.bench.amap;

import java.util.Random;
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
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * amap_pp_adjref on a fragmented ppref: an amap of {@code slots} slots whose per-page counts were
 * cut into runs of 1–3 pages with varying counts (as many clipped references make). One operation
 * adds one to a 16-page range in the upper half and takes it away again; counts never reach zero,
 * so no wiperange runs. The walk to the range is linear in the number of runs before it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PpAdjrefBench {
  @Param({"256", "4096"})
  public int slots;

  private Uvm uvm;
  private Amap amap;
  private int[] starts;
  private int i;

  @Setup(Level.Trial)
  public void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(16L << 20));
    amap = Amap.alloc(uvm, (long) slots << 12, 0, false);
    Random rnd = new Random(3);
    // fragment: partial references over short runs (amap_ref establishes ppref on the first)
    amap.ref(0, 1, 0);
    for (int s = 0; s < slots; ) {
      int len = Math.min(1 + rnd.nextInt(3), slots - s);
      int times = rnd.nextInt(3);
      for (int t = 0; t < times; t++) {
        amap.ref(s, len, 0);
      }
      s += len;
    }
    starts = new int[64];
    for (int k = 0; k < starts.length; k++) {
      starts[k] = slots / 2 + rnd.nextInt(slots / 2 - 16);
    }
    amap.lock();
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    amap.unlock();
  }

  @Benchmark
  public Amap adjrefUpDown() {
    int start = starts[i++ & 63];
    amap.ppAdjref(start, 16, 1);
    amap.ppAdjref(start, 16, -1);
    return amap;
  }
}
