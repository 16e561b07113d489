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
import org.openjdk.jmh.infra.Blackhole;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.AmapAllocator;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * The amap hot paths on a real {@link Uvm}: {@code amap_lookup} and {@code amap_lookups} (the fault
 * path, amap lock held), {@code amap_add}+{@code amap_unadd}, and lock+lookup+unlock. Run with
 * {@code org.openjdk.jmh.Main AmapBench}; see docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AmapBench {
  private static final int SLOTS = 256;
  private static final int MASK = SLOTS - 1;

  /**
   * "chunked": the default storage (a 256-slot amap is a root of 16 leaves of 16 slots); "flat":
   * every per-slot array one array of the capacity, the seed's layout, measured in the same run.
   */
  @Param({"chunked", "flat"})
  public String storage;

  private Uvm uvm;
  private Amap amap;
  private VmMapEntry entry;
  private long[] offsets;
  private Anon spare;
  private final Anon[] window = new Anon[8];
  private int i;

  @Setup(Level.Trial)
  public void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(16L << 20));
    uvm.allocator()
        .setFlatSlots(
            storage.equals("flat") ? Integer.MAX_VALUE : AmapAllocator.DEFAULT_FLAT_SLOTS);
    amap = Amap.alloc(uvm, (long) SLOTS << 12, 0, false);
    entry = new VmMapEntry();
    entry.start = 0x4000_0000L;
    entry.end = entry.start + ((long) SLOTS << 12);
    entry.aref.amap = amap;
    amap.lock();
    for (int s = 0; s < SLOTS; s += 2) { // half the slots occupied
      Anon an = Anon.alloc(uvm);
      an.unlock();
      amap.add(entry.aref, (long) s << 12, an, false);
    }
    spare = Anon.alloc(uvm);
    spare.unlock();
    offsets = new long[SLOTS];
    Random rnd = new Random(7);
    for (int k = 0; k < SLOTS; k++) {
      offsets[k] = (long) rnd.nextInt(SLOTS) << 12;
    }
    // the benchmark thread keeps the amap locked, as the fault handler does around its lookups
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    amap.unlock();
  }

  /** amap_lookup of a random page of a 256-slot amap (lock held). */
  @Benchmark
  public Anon lookup() {
    return amap.lookup(entry.aref, offsets[i++ & MASK]);
  }

  /** amap_lookups of the fault neighbourhood (8 pages: 3 back, the page, 4 forward). */
  @Benchmark
  public void lookups(Blackhole bh) {
    long off = offsets[i++ & MASK] & ~(7L << 12);
    amap.lookups(entry.aref, off, window, 8);
    bh.consume(window);
  }

  /** amap_add of an anon into an empty slot, then amap_unadd of it (am_slots append + removal). */
  @Benchmark
  public void addUnadd() {
    long off = ((long) ((i++ & 127) * 2 + 1)) << 12; // odd slots are empty
    amap.add(entry.aref, off, spare, false);
    amap.unadd(entry.aref, off);
  }

  /** amap_unlock + amap_lock + amap_lookup: the cost of the NB5-style lock on the fault path. */
  @Benchmark
  public Anon unlockLockLookup() {
    amap.unlock();
    amap.lock();
    return amap.lookup(entry.aref, offsets[i++ & MASK]);
  }
}
