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
import org.uvm4j.uvm.amap.AmapAllocator;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * {@code amap_lookup} and {@code amap_add}+{@code amap_unadd} over amaps of several sizes, using
 * only the public amap API so that the same file runs against the flat (seed) storage and the
 * chunked one (issue 14: chunked within 1.5× of flat); {@code storage=flat} makes the same code
 * store every amap flat, the seed's layout, so both run in one JMH run. A window of 4,096 pages of
 * the amap is used, every other page occupied, at its start (or, for the large sizes, in its
 * middle).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AmapSizeBench {
  private static final int WINDOW = 4096;
  private static final int MASK = WINDOW - 1;

  /** Slots of the amap: small (one leaf level), 64 Ki slots, 2^22 slots (16 GiB). */
  @Param({"4096", "65536", "4194304"})
  public int slots;

  /**
   * "flat": every per-slot array is one array of the capacity (the seed's layout, the baseline);
   * "chunked": the default storage (flat up to one chunk, a chunk tree above).
   */
  @Param({"flat", "chunked"})
  public String storage;

  private Uvm uvm;
  private Amap amap;
  private VmMapEntry entry;
  private long[] offsets;
  private long[] empty;
  private Anon spare;
  private int i;

  @Setup(Level.Trial)
  public void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(64L << 20));
    uvm.allocator()
        .setFlatSlots(
            storage.equals("flat") ? Integer.MAX_VALUE : AmapAllocator.DEFAULT_FLAT_SLOTS);
    amap = Amap.alloc(uvm, (long) slots << 12, 0, false);
    entry = new VmMapEntry();
    int first = slots == WINDOW ? 0 : slots / 2;
    entry.start = 0x4000_0000L;
    entry.end = entry.start + ((long) WINDOW << 12);
    entry.aref.amap = amap;
    entry.aref.pageOffset = first;
    amap.lock();
    for (int s = 0; s < WINDOW; s += 2) {
      Anon an = Anon.alloc(uvm);
      an.unlock();
      amap.add(entry.aref, (long) s << 12, an, false);
    }
    spare = Anon.alloc(uvm);
    spare.unlock();
    offsets = new long[WINDOW];
    empty = new long[WINDOW];
    Random rnd = new Random(7);
    for (int k = 0; k < WINDOW; k++) {
      offsets[k] = (long) rnd.nextInt(WINDOW) << 12;
      empty[k] = ((long) (rnd.nextInt(WINDOW / 2) * 2 + 1)) << 12; // odd pages are empty
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    amap.unlock();
  }

  /** amap_lookup of a random page of the window (lock held, as on the fault path). */
  @Benchmark
  public Anon lookup() {
    return amap.lookup(entry.aref, offsets[i++ & MASK]);
  }

  /** amap_lookup of the next page of the window: the fault path's usual, sequential pattern. */
  @Benchmark
  public Anon lookupSequential() {
    return amap.lookup(entry.aref, (long) (i++ & MASK) << 12);
  }

  /** amap_add into a random empty page, then amap_unadd of it. */
  @Benchmark
  public void addUnadd() {
    long off = empty[i++ & MASK];
    amap.add(entry.aref, off, spare, false);
    amap.unadd(entry.aref, off);
  }
}
