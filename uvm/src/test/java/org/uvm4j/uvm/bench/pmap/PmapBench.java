package org.uvm4j.uvm.bench.pmap;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * The pmap's hot paths: the TLB-miss lookup (hit, in the same 2 MiB leaf or scattered over many,
 * and miss), entering and removing a translation, and write-protecting a page shared by two pmaps
 * (the fork/COW downgrade). Run with {@code org.openjdk.jmh.Main PmapBench}; see
 * docs/benchmarks.md.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class PmapBench {
  private static final int PAGES = 4096;
  private static final int MASK = PAGES - 1;
  private static final long BASE = 0x7f00_0000_0000L;

  private Uvm uvm;
  private Pmap pmap;
  private Pmap other;
  private long[] sequential;
  private long[] scattered;
  private VmPage spare;
  private VmPage shared;
  private int i;

  @Setup(Level.Trial)
  public void setUp() {
    uvm = new Uvm(UvmConfig.ofRam(64L << 20));
    pmap = new Pmap(uvm.physMem(), uvm.exp());
    other = new Pmap(uvm.physMem(), uvm.exp());
    pmap.setTlbListener((pm, sva, eva) -> {});
    other.setTlbListener((pm, sva, eva) -> {});
    sequential = new long[PAGES];
    scattered = new long[PAGES];
    Random rnd = new Random(42);
    for (int k = 0; k < PAGES; k++) {
      VmPage pg = uvm.physMem().alloc();
      sequential[k] = BASE + (long) k * 4096;
      pmap.enter(sequential[k], pg, Prot.RW, false);
      // one page in each of 4096 different leaves, spread over 1 TiB
      scattered[k] = 0x10_0000_0000L + ((long) rnd.nextInt(1 << 19) << 21);
      if (pmap.extract(scattered[k]) == null) {
        pmap.enter(scattered[k], pg, Prot.READ, false);
      }
    }
    spare = uvm.physMem().alloc();
    shared = uvm.physMem().alloc();
    pmap.enter(0x1000, spare, Prot.READ, false); // keeps the leaf of 0x2000 alive
    pmap.tlbLookup(sequential[0], Prot.WRITE); // pages modified: fills hand out WRITE
  }

  /** A TLB fill that hits, walking consecutive pages (the leaf cache hits 511 times in 512). */
  @Benchmark
  public long tlbLookupHitSequential() {
    return pmap.tlbLookup(sequential[i++ & MASK], Prot.READ);
  }

  /** A TLB fill that hits, each in a different leaf (a full four-level walk every time). */
  @Benchmark
  public long tlbLookupHitScattered() {
    return pmap.tlbLookup(scattered[i++ & MASK], Prot.READ);
  }

  /** A TLB fill for an address with no translation (the fault handler would run next). */
  @Benchmark
  public long tlbLookupMiss() {
    return pmap.tlbLookup(0x5000_0000_0000L + ((long) (i++ & MASK) << 12), Prot.READ);
  }

  /** pmap_enter of a new translation then pmap_remove of it (leaf and pv entry reused). */
  @Benchmark
  public long enterRemove() {
    pmap.enter(0x2000, spare, Prot.RW, false);
    pmap.remove(0x2000, 0x3000);
    return pmap.residentCount();
  }

  /** Two pmaps map a page writable; pmap_page_protect(READ) downgrades both (fork's COW set-up). */
  @Benchmark
  public long pageProtectTwoMappings() {
    pmap.enter(0x3000, shared, Prot.RW, false);
    other.enter(0x3000, shared, Prot.RW, false);
    Pmap.pageProtect(shared, Prot.READ);
    return pmap.residentCount();
  }
}
