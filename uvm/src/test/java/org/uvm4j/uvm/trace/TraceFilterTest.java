package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.fault.FaultCase;
import org.uvm4j.uvm.fault.FaultSnapshot;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.observe.ForkCensus;

/** --trace-filter: parsing, errors, and what each clause keeps. */
class TraceFilterTest {
  private static final long PAGE = TraceFixture.PAGE;

  /** A fault record as the tracer would make it for a fault of that path, copy and outcome. */
  private static FaultRecord fault(int pid, long va, FaultPath path, AmapCopy copy, Outcome o) {
    int amapId = copy == AmapCopy.NONE ? -1 : 7;
    int before =
        switch (copy) {
          case NONE, NEW -> -1;
          case TAKEOVER -> amapId;
          case COPY -> 3;
        };
    FaultCase c = FaultCase.values()[path.ordinal()];
    FaultResult r = FaultResult.values()[o.ordinal()];
    FaultSnapshot f =
        new FaultSnapshot(
            va,
            Prot.READ,
            false,
            r,
            c,
            -1,
            -1,
            0,
            0,
            null,
            0,
            0,
            amapId,
            -1,
            0,
            false,
            copy != AmapCopy.NONE,
            before,
            -1,
            0,
            0,
            -1,
            -1,
            0,
            false,
            0,
            0,
            0,
            0);
    assertThat(FaultPath.of(c)).isEqualTo(path);
    assertThat(Outcome.of(r)).isEqualTo(o);
    return new FaultRecord(1, 0, 0, pid, pid, 0, 0, f);
  }

  private static final FaultRecord ZERO =
      fault(1, 0x600010, FaultPath.ZERO_FILL, AmapCopy.NEW, Outcome.RESOLVED);
  private static final FaultRecord COW =
      fault(2, 0x601000, FaultPath.ANON_COW, AmapCopy.COPY, Outcome.RESOLVED);
  private static final FaultRecord TAKEOVER =
      fault(3, 0x7fff0000, FaultPath.ANON, AmapCopy.TAKEOVER, Outcome.RESOLVED);
  private static final FaultRecord SEGV =
      fault(2, 0x10, FaultPath.NONE, AmapCopy.NONE, Outcome.SEGV_MAPERR);
  private static final ForkRecord FORK =
      new ForkRecord(5, 0, 0, 1, 1, new ForkCensus(1, 0, 1, 0, 0, 0, 1, 0, 0, 1), 0);
  private static final UnmapRecord UNMAP =
      new UnmapRecord(6, 0, 0, 2, 2, 0x600000, 0x602000, 1, 2, 2, 0);
  private static final PageoutRecord PAGEOUT = new PageoutRecord(7, 0, 0, 0, 0, 1, 1, 1, true);
  private static final ProcRecord EXEC =
      new ProcRecord(8, 0, 0, 2, 2, ProcRecord.ProcEvent.EXEC, -1, "/p", -1, 0);

  private static final List<TraceRecord> ALL =
      List.of(ZERO, COW, TAKEOVER, SEGV, FORK, UNMAP, PAGEOUT, EXEC);

  private static List<TraceRecord> kept(String spec) {
    TraceFilter f = TraceFilter.parse(spec);
    return ALL.stream().filter(f::keeps).toList();
  }

  @Test
  void emptyFilterKeepsEverything() {
    assertThat(TraceFilter.parse(List.of())).isSameAs(TraceFilter.ALL);
    assertThat(TraceFilter.parse(" ; ").isAll()).isTrue();
    assertThat(kept("")).isEqualTo(ALL);
  }

  @Test
  void pidClauseKeepsThoseProcessesAndThePageDaemonOnlyAsPidZero() {
    assertThat(kept("pid=2")).containsExactly(COW, SEGV, UNMAP, EXEC);
    assertThat(kept("pid=1,0")).containsExactly(ZERO, FORK, PAGEOUT);
  }

  @Test
  void addrClauseRestrictsOnlyRecordsWithAddresses() {
    assertThat(kept("addr=0x600000-0x601000")).containsExactly(ZERO, FORK, UNMAP, PAGEOUT, EXEC);
    assertThat(kept("addr=0x601000")).containsExactly(COW, FORK, UNMAP, PAGEOUT, EXEC);
    assertThat(kept("addr=0x0-0x20,0x7fff0000-0x7fff1000"))
        .containsExactly(TAKEOVER, SEGV, FORK, PAGEOUT, EXEC);
    assertThat(kept("addr=6291456-6295552")).contains(ZERO).doesNotContain(COW);
  }

  @Test
  void kindClauseMatchesCasesCopiesOutcomesAndRecordTypes() {
    assertThat(kept("kind=zero")).containsExactly(ZERO);
    assertThat(kept("kind=1b")).containsExactly(COW);
    assertThat(kept("kind=cow,takeover")).containsExactly(COW, TAKEOVER);
    assertThat(kept("kind=amap_copy")).containsExactly(ZERO, COW, TAKEOVER);
    assertThat(kept("kind=anon")).containsExactly(COW, TAKEOVER);
    assertThat(kept("kind=segv")).containsExactly(SEGV);
    assertThat(kept("kind=failed,fork")).containsExactly(SEGV, FORK);
    assertThat(kept("kind=fault")).containsExactly(ZERO, COW, TAKEOVER, SEGV);
    assertThat(kept("kind=munmap,pageout,exec")).containsExactly(UNMAP, PAGEOUT, EXEC);
    assertThat(kept("kind=proc")).containsExactly(EXEC);
    assertThat(kept("kind=EXIT")).isEmpty();
  }

  @Test
  void clausesAndRepeatedOptionsNarrowTogether() {
    assertThat(kept("pid=2;kind=fault")).containsExactly(COW, SEGV);
    TraceFilter f = TraceFilter.parse(List.of("pid=1,2", "kind=cow"));
    assertThat(ALL.stream().filter(f::keeps).toList()).containsExactly(COW);
    assertThat(f.toString()).isEqualTo("pid=[1, 2];kind=cow");
  }

  @Test
  void badClausesAreRefusedWithAMessageNamingThem() {
    assertThatThrownBy(() -> TraceFilter.parse("pid"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'pid'");
    assertThatThrownBy(() -> TraceFilter.parse("color=red")).hasMessageContaining("'color'");
    assertThatThrownBy(() -> TraceFilter.parse("pid=one")).hasMessageContaining("'one'");
    assertThatThrownBy(() -> TraceFilter.parse("pid=-1")).hasMessageContaining("negative");
    assertThatThrownBy(() -> TraceFilter.parse("addr=0x2000-0x1000")).hasMessageContaining("empty");
    assertThatThrownBy(() -> TraceFilter.parse("addr=0xzz")).hasMessageContaining("'0xzz'");
    assertThatThrownBy(() -> TraceFilter.parse("kind=cows"))
        .hasMessageContaining("'cows'")
        .hasMessageContaining("takeover");
  }

  @Test
  void tracerAppliesTheFilterAfterNumberingRecords() throws Exception {
    CollectingSink sink = new CollectingSink();
    TraceFixture fx = new TraceFixture(sink, TraceFilter.parse("kind=1B"));
    Vmspace vm = fx.vmspace();
    long va = TraceFixture.mmapAnon(vm, 2);
    fx.touch(vm, va, Prot.WRITE);
    fx.touch(vm, va + PAGE, Prot.WRITE);
    Vmspace child = vm.fork();
    fx.touch(vm, va + PAGE, Prot.WRITE);
    assertThat(sink.records).hasSize(1);
    assertThat(sink.faults().get(0).path()).isEqualTo(FaultPath.ANON_COW);
    assertThat(sink.records.get(0).seq()).isEqualTo(4);
    assertThat(fx.tracer.recordsMade()).isEqualTo(4);
    assertThat(fx.tracer.recordsWritten()).isEqualTo(1);
    child.free();
  }
}
