package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.uvm4j.api.GuestResult;
import org.uvm4j.api.junit.Uvm4jRunner;
import org.uvm4j.api.junit.Uvm4jTest;
import org.uvm4j.uvm.trace.FaultRecord;
import org.uvm4j.uvm.trace.MapsReport.EntryReport;

/**
 * The worked example of docs/api.md (the doc holds this file verbatim; ApiDocExampleTest checks
 * that they are the same): a parent fills 8 private pages, forks, and its child writes one of them.
 * Exactly one page is copied; the other seven stay shared between parent and child.
 */
@Uvm4jTest(ram = 32L << 20)
class ForkSemanticsExampleTest {
  /** Where fork_write_one maps its 8 private pages. */
  static final long REGION = 0x20000000L;

  static final long PAGE = 4096;

  @Test
  void theChildsWriteCopiesExactlyOnePage(Uvm4jRunner uvm4j) throws Exception {
    Path guest = Guests.binary("fork_write_one");

    GuestResult run = uvm4j.guest(guest).trace().maps().run();

    assertThat(run.status()).as(run.toString()).isZero();
    assertThat(run.stdout()).contains("child wrote page 3");
    // the trace: one copy-on-write fault in the region, by the child (pid 2), at page 3
    assertThat(run.trace(FaultRecord.class))
        .filteredOn(f -> f.va() >= REGION && f.va() < REGION + 8 * PAGE && f.isKind("cow"))
        .singleElement()
        .satisfies(f -> assertThat(f.pid()).isEqualTo(2))
        .satisfies(f -> assertThat(f.va()).isEqualTo(REGION + 3 * PAGE));
    // the child's map as it exited: 8 anons in its amap, 7 of them still shared with the parent
    EntryReport child = run.mapsAtExit(2).entryAt(REGION);
    assertThat(child.anon()).isEqualTo(8);
    assertThat(child.shared()).isEqualTo(7);
    // the --stats counters are there too
    assertThat(run.uvmCounter("forks")).isEqualTo(1);
  }
}
