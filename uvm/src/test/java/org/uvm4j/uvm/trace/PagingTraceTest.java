package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.pdaemon.PageDaemon;
import org.uvm4j.uvm.swap.FileSwapDevice;
import org.uvm4j.uvm.swap.SwapPager;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/** Page-out, page-daemon and page-in records from a process that needs more than RAM. */
class PagingTraceTest {
  @Test
  void pagingUnderPressureIsTraced(@TempDir Path dir) throws Exception {
    Uvm uvm = new Uvm(new UvmConfig(64L * PhysMem.PAGE_SIZE, 6, 12));
    SwapPager pager = SwapPager.attach(uvm);
    PageDaemon.attach(uvm, pager);
    pager
        .swap()
        .swapOn(FileSwapDevice.open(dir.resolve("swap0"), 256L * PhysMem.PAGE_SIZE, false), 0);
    CollectingSink sink = new CollectingSink();
    TraceFixture fx = new TraceFixture(uvm, sink, TraceFilter.ALL);
    Vmspace vm = fx.vmspace();
    int pages = 100;
    long va = TraceFixture.mmapAnon(vm, pages);
    for (int i = 0; i < pages; i++) {
      fx.touch(vm, va + i * TraceFixture.PAGE, Prot.WRITE);
    }
    List<PageoutRecord> outs = sink.of(PageoutRecord.class);
    List<PdaemonRecord> passes = sink.of(PdaemonRecord.class);
    assertThat(outs).isNotEmpty().allSatisfy(o -> assertThat(o.pid()).isZero());
    assertThat(outs).allSatisfy(o -> assertThat(o.ok()).isTrue());
    assertThat(outs).extracting(PageoutRecord::slot).doesNotHaveDuplicates();
    assertThat(passes).isNotEmpty();
    assertThat(passes.stream().mapToLong(PdaemonRecord::pagedOut).sum()).isEqualTo(outs.size());
    assertThat(passes).allSatisfy(p -> assertThat(p.freeAfter()).isGreaterThan(p.freeBefore()));
    assertThat(sink.faults()).filteredOn(f -> f.fault().memoryWaits() > 0).isNotEmpty();

    // the first page went out: touching it again reads it back inside the fault
    PageoutRecord first =
        outs.stream()
            .filter(o -> o.anonId() == sink.faults().get(0).newAnonId())
            .findFirst()
            .orElseThrow();
    sink.records.clear();
    fx.pid = 1;
    fx.touch(vm, va, Prot.READ);
    List<PageinRecord> ins = sink.of(PageinRecord.class);
    assertThat(ins).hasSize(1);
    PageinRecord in = ins.get(0);
    assertThat(in.anonId()).isEqualTo(first.anonId());
    assertThat(in.slot()).isEqualTo(first.slot());
    assertThat(in.ok()).isTrue();
    assertThat(in.pid()).isEqualTo(1);
    FaultRecord f = sink.faults().get(sink.faults().size() - 1);
    assertThat(f.fault().pagedIn()).isTrue();
    assertThat(f.isKind("pagein")).isTrue();
    assertThat(f.path()).isEqualTo(FaultPath.ANON);
    assertThat(f.fault().foundAnonId()).isEqualTo(first.anonId());
    assertThat(f.fault().frame()).isEqualTo(in.frame());
    assertThat(f.fault().refaults()).isPositive();
    assertThat(in.seq()).isLessThan(f.seq());
    vm.free();
  }
}
