package org.uvm4j.uvm.bench.trace;

import java.io.IOException;
import java.io.OutputStream;
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
import org.openjdk.jmh.annotations.TearDown;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.fault.FaultResult;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;
import org.uvm4j.uvm.trace.ChromeTraceSink;
import org.uvm4j.uvm.trace.JsonlSink;
import org.uvm4j.uvm.trace.TraceContext;
import org.uvm4j.uvm.trace.TraceFilter;
import org.uvm4j.uvm.trace.Tracer;

/**
 * The cost of tracing on the fault path. {@code mode}: {@code off} (no tracer: the handler tests
 * one flag), {@code record} (the handler fills its {@code FaultInfo}, nobody observes), {@code
 * jsonl} and {@code chrome} (a {@link Tracer} writing every fault to a discarding stream). Two
 * faults: a read fault on a resident anon whose translation was removed (case 1A, no allocation),
 * and a zero-fill write fault (a new anon and page; the region is unmapped and mapped again every
 * 256 faults, amortised). See docs/benchmarks.md ("Tracing") for the build without the tracing code
 * that {@code off} is compared with.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class TraceBench {
  private static final long PAGE = 4096;
  private static final int BATCH = 256;

  @Param({"off", "record", "jsonl", "chrome"})
  public String mode;

  private Uvm uvm;
  private FaultHandler handler;
  private Vmspace vm;
  private Tracer tracer;
  private long anonVa;
  private long zeroVa;
  private long vtime;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    uvm = new Uvm(UvmConfig.ofRam(64L << 20));
    handler = new FaultHandler(uvm);
    vm = Vmspace.create(uvm, handler);
    switch (mode) {
      case "off" -> {}
      case "record" -> handler.setTracing(true);
      case "jsonl" ->
          tracer = new Tracer(new JsonlSink(OutputStream.nullOutputStream()), TraceFilter.ALL);
      case "chrome" ->
          tracer =
              new Tracer(
                  new ChromeTraceSink(OutputStream.nullOutputStream(), ChromeTraceSink.Clock.WALL),
                  TraceFilter.ALL);
      default -> throw new IllegalArgumentException("mode " + mode);
    }
    if (tracer != null) {
      tracer.setContext(
          new TraceContext() {
            @Override
            public int pid() {
              return 1;
            }

            @Override
            public long pc() {
              return 0x401000;
            }

            @Override
            public long virtualTime() {
              return vtime += 10;
            }
          });
      tracer.attach(uvm, handler);
    }
    anonVa = mmap(1);
    check(handler.fault(vm, anonVa, Prot.WRITE));
    zeroVa = mmap(BATCH);
  }

  private long mmap(int pages) {
    try {
      return vm.mmap(MapRequest.anon(pages * PAGE, Prot.RW));
    } catch (UvmException e) {
      throw new IllegalStateException("mmap failed: " + e.getMessage(), e);
    }
  }

  private static void check(FaultResult r) {
    if (r != FaultResult.OK) {
      throw new IllegalStateException("fault failed: " + r);
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    if (tracer != null) {
      tracer.close();
    }
  }

  /** Case 1A: the anon is resident, only its translation is gone (as after a page-daemon scan). */
  @Benchmark
  public FaultResult anonReadFault() {
    vm.pmap().remove(anonVa, anonVa + PAGE);
    return handler.fault(vm, anonVa, Prot.READ);
  }

  /** Zero fill of a fresh page, with the region recycled every {@value #BATCH} faults. */
  @Benchmark
  @OperationsPerInvocation(BATCH)
  public void zeroFillFault() {
    for (int i = 0; i < BATCH; i++) {
      check(handler.fault(vm, zeroVa + i * PAGE, Prot.WRITE));
    }
    if (vm.munmap(zeroVa, BATCH * PAGE) != 0) {
      throw new IllegalStateException("munmap failed");
    }
    zeroVa = mmap(BATCH);
  }
}
