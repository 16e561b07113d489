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
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * Cost of munmap (µs) of {@code sizeMiB} of resident private anonymous memory in {@code entries}
 * entries: pmap_remove of every translation, amap_unref (wipeout: every anon and frame freed). The
 * memory is mapped and written again, untimed, before each call. Run with {@code
 * org.openjdk.jmh.Main UnmapBench}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@State(Scope.Thread)
public class UnmapBench {
  @Param({"1", "16", "256"})
  public int sizeMiB;

  @Param({"1", "64"})
  public int entries;

  private Uvm uvm;
  private Vmspace vm;
  private long start;
  private long end;

  @Setup(Level.Trial)
  public void setUp() {
    uvm = new Uvm(UvmConfig.ofRam((sizeMiB + 64L) << 20));
    vm = Vmspace.create(uvm, new FaultHandler(uvm));
  }

  @Setup(Level.Invocation)
  public void map() {
    long[] starts = ForkBench.VmBenchSupport.mapResident(vm, sizeMiB, entries);
    start = starts[0];
    end = vm.map().lookup(starts[starts.length - 1]).end;
  }

  @Benchmark
  public int munmap() {
    return vm.munmap(start, end - start);
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    vm.free();
  }
}
