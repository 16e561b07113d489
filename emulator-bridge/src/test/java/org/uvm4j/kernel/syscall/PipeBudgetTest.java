package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.fs.Pipe;
import org.uvm4j.uvm.MetadataBudget;

/**
 * Issue 13 item 1 for the kernel's own guest-driven buffers: a pipe's 64 KiB ring is charged to the
 * metadata budget from pipe() until its last end is closed, and a pipe the budget cannot hold (less
 * its reserve for faults) is ENFILE, as Linux answers past the memory allowed for pipes.
 */
class PipeBudgetTest {
  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  FileSyscalls file;
  MetadataBudget budget;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    file = f.h.file();
    budget = p.vm().uvm().metadataBudget();
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  @Test
  void aPipeIsChargedUntilItsLastEndClosesAndRefusedPastTheBudget() throws Exception {
    long fds = f.userMemory(p, 4096);
    assertThat(f.mem(p).writeLong(fds, 0)).isZero(); // fault the page in first: its metadata too
    long before = budget.used();
    assertThat(f.call(p, file::pipe, fds)).isZero();
    int r = f.readInt(p, fds);
    int w = f.readInt(p, fds + 4);
    assertThat(budget.used() - before).isEqualTo(Pipe.BYTES);
    assertThat(budget.kernelUsed()).isEqualTo(Pipe.BYTES);
    assertThat(f.call(p, file::close, r)).isZero();
    assertThat(budget.used() - before).isEqualTo(Pipe.BYTES); // the write end still holds it
    assertThat(f.call(p, file::close, w)).isZero();
    assertThat(budget.used()).isEqualTo(before);
    assertThat(budget.kernelUsed()).isZero();

    budget.setLimit(1L << 20); // reserve 64 KiB: room for a few pipes only
    int made = 0;
    long ret;
    while ((ret = f.call(p, file::pipe, fds)) == 0) {
      made++;
      assertThat(made).isLessThan(64);
    }
    assertThat(ret).isEqualTo(-FileSyscalls.ENFILE);
    assertThat(made).isPositive();
    assertThat(budget.used()).isLessThanOrEqualTo(budget.limit());
  }
}
