package org.uvm4j.uvm.obj;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.MetadataBudget;
import org.uvm4j.uvm.system.Uvm;
import org.uvm4j.uvm.system.UvmConfig;

/**
 * Issue 13 item 1 for anonymous objects (tmpfs files, memfds, shm): the page/slot table's directory
 * and chunks are charged to the metadata budget and given back when the object is freed, and a new
 * page whose chunk or directory the budget cannot hold is refused (ENOMEM) — before, one byte
 * written at 8 TiB - 1 made a 16 MiB directory whatever the heap.
 */
class AobjBudgetTest {
  private static final long PAGE = 4096;

  @Test
  void tablesAreChargedAndGivenBackAndAHugeSparseWriteIsRefused() {
    Uvm uvm = new Uvm(UvmConfig.ofRam(8L << 20));
    try {
      MetadataBudget b = uvm.metadataBudget();
      Aobj a = Aobj.create(uvm, "memfd:budget", 0);
      long empty = b.used();
      assertThat(empty).isEqualTo(a.tableBytes()).isPositive();
      assertThat(a.write(0, new byte[] {1}, 0, 1)).isZero();
      assertThat(a.write(3 * 512 * PAGE, new byte[] {2}, 0, 1)).isZero(); // another chunk
      assertThat(b.used() - empty).isEqualTo(2 * AobjTable.CHUNK_BYTES);
      assertThat(a.tableBytes()).isEqualTo(b.used());

      b.setLimit(b.used() + (1L << 20));
      long refused = b.refused();
      // the last page of 8 TiB: a directory of 2^22 chunks (16 MiB) the budget cannot hold
      assertThat(a.write(Aobj.MAX_SIZE - 1, new byte[] {3}, 0, 1)).isEqualTo(Errno.ENOMEM);
      assertThat(b.refused()).isGreaterThan(refused);
      assertThat(b.used()).isLessThanOrEqualTo(b.limit());
      b.setLimit(MetadataBudget.UNLIMITED);
      assertThat(a.write(Aobj.MAX_SIZE - 1, new byte[] {3}, 0, 1)).isZero();
      assertThat(b.used()).isGreaterThan(16L << 20);

      a.detach();
      assertThat(b.used()).isZero();
    } finally {
      uvm.physMem().close();
    }
  }
}
