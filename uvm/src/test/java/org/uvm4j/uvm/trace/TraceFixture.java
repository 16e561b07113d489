package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;

import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.fault.FaultHandler;
import org.uvm4j.uvm.fault.FaultResult;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * A small VM system with tracing attached and a hand-driven context: the tests set {@link #pid},
 * {@link #pc} and {@link #vtime} as a kernel and machine would.
 */
final class TraceFixture implements TraceContext {
  static final long PAGE = 4096;

  final Uvm uvm;
  final FaultHandler handler;
  final Tracer tracer;
  int pid = 1;
  long pc = 0x401000;
  long vtime;

  TraceFixture(TraceSink sink, TraceFilter filter) {
    this(new Uvm(UvmConfig.ofRam(4L << 20)), sink, filter);
  }

  TraceFixture(Uvm uvm, TraceSink sink, TraceFilter filter) {
    this.uvm = uvm;
    this.handler = new FaultHandler(uvm);
    tracer = new Tracer(sink, filter);
    tracer.setContext(this);
    tracer.attach(uvm, handler);
  }

  Vmspace vmspace() {
    return Vmspace.create(uvm, handler);
  }

  /** An anonymous private read-write mapping of {@code pages} pages. */
  static long mmapAnon(Vmspace vm, int pages) {
    long va;
    try {
      va = vm.mmap(MapRequest.anon(pages * PAGE, Prot.RW));
    } catch (UvmException e) {
      throw new AssertionError("mmap: " + e.getMessage(), e);
    }
    assertThat(va).isPositive();
    return va;
  }

  /** A guest access: a fault as the machine would take it, then time advances. */
  void touch(Vmspace vm, long va, int access) {
    vtime += 100;
    pc += 4;
    assertThat(handler.fault(vm, va, access)).isEqualTo(FaultResult.OK);
  }

  @Override
  public int pid() {
    return pid;
  }

  @Override
  public long pc() {
    return pc;
  }

  @Override
  public long virtualTime() {
    return vtime;
  }
}
