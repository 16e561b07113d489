package org.uvm4j.uvm.bench.amap;

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
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.AmapMap;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * amap_copy of a shared amap of 16, 256 or 4,096 slots with 10 % or 100 % of them occupied: the
 * copy a write fault makes after fork. One operation is a whole cycle, because a copy changes its
 * source: copy (allocate, walk the window, bump each anon's count), then amap_unref of the copy
 * (wipeout: drop each anon's count, free the arrays) and amap_ref of the source to make it shared
 * again. {@code copyCycle} minus {@code dropOnlyCycle} estimates the copy itself.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class AmapCopyBench {
  @Param({"16", "256", "4096"})
  public int slots;

  @Param({"10", "100"})
  public int occupancy;

  private Uvm uvm;
  private Amap source;
  private VmMapEntry entry;
  private AmapMap map;

  @Setup(Level.Trial)
  public void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(16L << 20));
    source = Amap.alloc(uvm, (long) slots << 12, 0, false);
    entry = new VmMapEntry();
    entry.start = 0x4000_0000L;
    entry.end = entry.start + ((long) slots << 12);
    entry.aref.amap = source;
    int every = 100 / occupancy;
    source.lock();
    for (int s = 0; s < slots; s += every) {
      Anon an = Anon.alloc(uvm);
      an.unlock();
      source.add(entry.aref, (long) s << 12, an, false);
    }
    source.unlock();
    source.ref(0, slots, 0); // parent and child after fork
    map = new NoClipMap(uvm);
  }

  /** amap_copy of the child's entry, then unref of the copy and ref of the source. */
  @Benchmark
  public Amap copyCycle() {
    entry.aref.amap = source;
    entry.aref.pageOffset = 0;
    entry.etype = VmMapEntry.COPYONWRITE | VmMapEntry.NEEDSCOPY;
    Amap.copy(map, entry, 0, entry.start, entry.start + 4096);
    Amap copy = entry.aref.amap;
    copy.unref(0, slots, false);
    source.ref(0, slots, 0);
    return copy;
  }

  /** The same cycle's bookkeeping without the copy: unref and ref of the source. */
  @Benchmark
  public Amap dropOnlyCycle() {
    source.ref(0, slots, 0);
    source.unref(0, slots, false);
    return source;
  }

  /** amap_copy never clips or merges here: every entry already has an amap. */
  private static final class NoClipMap implements AmapMap<VmMapEntry> {
    private final UvmServices svc;

    NoClipMap(UvmServices svc) {
      this.svc = svc;
    }

    @Override
    public void clipStart(VmMapEntry entry, long va) {
      throw new IllegalStateException("amap_copy of an entry with an amap never clips");
    }

    @Override
    public void clipEnd(VmMapEntry entry, long va) {
      throw new IllegalStateException("amap_copy of an entry with an amap never clips");
    }

    @Override
    public boolean tryMergeCopying(VmMapEntry entry) {
      return false;
    }

    @Override
    public UvmServices services() {
      return svc;
    }
  }
}
