package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Inheritance;
import org.uvm4j.uvm.map.Vmspace;

/**
 * The exact fault sequence of a small fork/copy-on-write program, driven through the real fault
 * handler: four zero fills; a fork that references the amap with needs-copy; in the writer (parent)
 * one real amap_copy and a 1B copy per page it writes; in the other (child) a take-over of the
 * amap, then 1A for a page only it still holds, 1B for a page still shared, and a read-only 1A for
 * a shared page it reads.
 */
class ForkCowTraceTest {
  private static final long PAGE = TraceFixture.PAGE;

  @Test
  void forkCowProgramYieldsTheExpectedFaultKinds() throws Exception {
    CollectingSink sink = new CollectingSink();
    TraceFixture fx = new TraceFixture(sink, TraceFilter.ALL);
    Vmspace parent = fx.vmspace();
    long va = TraceFixture.mmapAnon(parent, 4);
    for (int i = 0; i < 4; i++) {
      fx.touch(parent, va + i * PAGE, Prot.WRITE);
    }
    Vmspace child = parent.fork();
    fx.tracer.procFork(1, 2);
    fx.touch(parent, va, Prot.WRITE);
    fx.touch(parent, va + PAGE, Prot.WRITE);
    fx.pid = 2;
    fx.touch(child, va, Prot.WRITE);
    fx.touch(child, va + 2 * PAGE, Prot.WRITE);
    fx.touch(child, va + 3 * PAGE, Prot.READ);

    assertThat(sink.records)
        .extracting(r -> r.type().label())
        .containsExactly(
            "fault", "fault", "fault", "fault", "fork", "proc", "fault", "fault", "fault", "fault",
            "fault");
    assertThat(sink.faults())
        .extracting(
            FaultRecord::pid,
            f -> f.path().label(),
            f -> f.amapCopy().label(),
            f -> f.fault().anonRefBefore(),
            f -> f.fault().anonRefAfter(),
            f -> Prot.toString(f.fault().enterProt()))
        .containsExactly(
            tuple(1, "zero", "new", 0, 0, "rw-"),
            tuple(1, "zero", "none", 0, 0, "rw-"),
            tuple(1, "zero", "none", 0, 0, "rw-"),
            tuple(1, "zero", "none", 0, 0, "rw-"),
            tuple(1, "1B", "copy", 2, 1, "rw-"),
            tuple(1, "1B", "none", 2, 1, "rw-"),
            tuple(2, "1A", "takeover", 1, 1, "rw-"),
            tuple(2, "1B", "none", 2, 1, "rw-"),
            tuple(2, "1A", "none", 2, 2, "r--"));

    FaultRecord first = sink.faults().get(0);
    assertThat(first.va()).isEqualTo(va);
    assertThat(first.fault().access()).isEqualTo(Prot.WRITE);
    assertThat(first.pc()).isEqualTo(0x401004L);
    assertThat(first.vtime()).isEqualTo(100);
    assertThat(first.fault().entryStart()).isEqualTo(va);
    assertThat(first.fault().entryEnd()).isEqualTo(va + 4 * PAGE);
    assertThat(first.fault().entryInheritance()).isEqualTo(Inheritance.COPY);
    assertThat(first.fault().amapSlot()).isZero();
    assertThat(first.fault().foundAnonId()).isEqualTo(-1);
    assertThat(first.newAnonId()).isPositive();
    assertThat(first.fault().frame()).isPositive();
    assertThat(first.outcome()).isEqualTo(Outcome.RESOLVED);
    assertThat(first.costNanos()).isPositive();

    // the writer's copy: a new amap, the old anon keeps the child's reference
    FaultRecord copy = sink.faults().get(4);
    assertThat(copy.fault().amapId()).isNotEqualTo(first.fault().amapId());
    assertThat(copy.fault().foundAnonId()).isEqualTo(first.newAnonId());
    assertThat(copy.newAnonId()).isNotEqualTo(copy.fault().foundAnonId());
    // the other side took the original amap over, and found the anon the parent gave up
    FaultRecord takeover = sink.faults().get(6);
    assertThat(takeover.fault().amapId()).isEqualTo(first.fault().amapId());
    assertThat(takeover.fault().foundAnonId()).isEqualTo(first.newAnonId());
    assertThat(takeover.fault().frame()).isEqualTo(first.fault().frame());
    assertThat(takeover.fault().amapSlot()).isZero();
    assertThat(sink.faults().get(7).fault().amapSlot()).isEqualTo(2);

    ForkRecord fork = sink.of(ForkRecord.class).get(0);
    assertThat(fork.pid()).isEqualTo(1);
    assertThat(fork.census().entries()).isEqualTo(1);
    assertThat(fork.census().inheritCopy()).isEqualTo(1);
    assertThat(fork.census().amapsReferenced()).isEqualTo(1);
    assertThat(fork.census().amapsCopied()).isZero();
    assertThat(fork.census().pagesCopied()).isZero();
    assertThat(fork.census().childEntries()).isEqualTo(1);
    assertThat(sink.of(ProcRecord.class).get(0))
        .extracting(ProcRecord::pid, ProcRecord::parentPid)
        .containsExactly(2, 1);
    assertThat(sink.records).extracting(TraceRecord::seq).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void forkOfWiredAndSharedEntriesCountsCopiesAndShares() throws Exception {
    CollectingSink sink = new CollectingSink();
    TraceFixture fx = new TraceFixture(sink, TraceFilter.ALL);
    Vmspace parent = fx.vmspace();
    long wired = TraceFixture.mmapAnon(parent, 3);
    long shared = TraceFixture.mmapAnon(parent, 2);
    long gone = TraceFixture.mmapAnon(parent, 1);
    for (int i = 0; i < 3; i++) {
      fx.touch(parent, wired + i * PAGE, Prot.WRITE);
    }
    fx.touch(parent, shared, Prot.WRITE);
    assertThat(parent.mlock(wired, 3 * PAGE)).isZero();
    assertThat(parent.minherit(shared, 2 * PAGE, Inheritance.SHARE)).isZero();
    assertThat(parent.minherit(gone, PAGE, Inheritance.NONE)).isZero();

    Vmspace child = parent.fork();

    ForkRecord fork = sink.of(ForkRecord.class).get(0);
    assertThat(fork.census().entries()).isEqualTo(3);
    assertThat(fork.census().inheritShare()).isEqualTo(1);
    assertThat(fork.census().inheritCopy()).isEqualTo(1);
    assertThat(fork.census().inheritNone()).isEqualTo(1);
    assertThat(fork.census().amapsShared()).isEqualTo(1);
    assertThat(fork.census().amapsCopied()).isEqualTo(1);
    assertThat(fork.census().pagesCopied()).as("amap_cow_now of the wired entry").isEqualTo(3);
    assertThat(fork.census().childEntries()).isEqualTo(2);
    child.free();
    parent.free();
  }
}
