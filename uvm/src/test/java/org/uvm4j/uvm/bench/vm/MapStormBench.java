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
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * The map layer under a storm of small mappings (issue 13 item 6), without the emulator: {@code
 * pages} one-page anonymous mmaps (top-down placement, each merging into the previous), an mprotect
 * of every other page (the map grows to {@code pages} entries), a munmap of every third page, and a
 * lookup of every page. One shot per invocation on a fresh address space (ms per storm). Run with
 * {@code org.openjdk.jmh.Main MapStormBench}; see docs/benchmarks.md.
 */
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@State(Scope.Thread)
public class MapStormBench {
  static final long PAGE = 4096;

  @Param({"10000", "30000"})
  public int pages;

  private Uvm uvm;
  private Vmspace vm;
  private long[] at;

  @Setup(Level.Trial)
  public void setUpTrial() {
    uvm = new Uvm(UvmConfig.ofRam(16L << 20));
    at = new long[pages];
  }

  @Setup(Level.Invocation)
  public void setUp() {
    vm = Vmspace.create(uvm, new FaultHandler(uvm));
  }

  @TearDown(Level.Invocation)
  public void tearDown() {
    vm.free();
  }

  @Benchmark
  public long storm() throws UvmException {
    for (int i = 0; i < pages; i++) {
      at[i] = vm.mmap(MapRequest.anon(PAGE, Prot.RW));
    }
    for (int i = 0; i < pages; i += 2) {
      check(vm.mprotect(at[i], PAGE, Prot.READ));
    }
    for (int i = 0; i < pages; i += 3) {
      check(vm.munmap(at[i], PAGE));
    }
    long found = 0;
    for (int i = 0; i < pages; i++) {
      if (vm.map().lookup(at[i]) != null) {
        found++;
      }
    }
    return found + vm.map().entryCount();
  }

  private static void check(int errno) {
    if (errno != 0) {
      throw new IllegalStateException("errno " + errno);
    }
  }
}
