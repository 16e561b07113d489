package org.uvm4j.uvm.swap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.swap.SwapFixture.pattern;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.amap.Anon;
import org.uvm4j.uvm.page.VmPage;

/** Several faulters on one swapped-out anon: one reads, the others sleep on the busy page. */
@Timeout(60)
class SwapPageinConcurrencyTest {
  @TempDir Path dir;

  private static final int WAITERS = 3;

  private BlockingSwapDevice blocking;

  private SwapFixture machine() throws Exception {
    return new SwapFixture(
        dir,
        32,
        64,
        4,
        31,
        d -> {
          blocking = new BlockingSwapDevice(d);
          return blocking;
        });
  }

  private static void awaitSleepers(VmPage pg, int n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (pg.sleepers() < n) {
      assertThat(System.nanoTime()).as("waiters went to sleep").isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  @Test
  void waitersSleepOnTheBusyPageAndShareOneRead() throws Exception {
    try (SwapFixture fx = machine()) {
      Anon a = fx.dirtyAnon(77);
      fx.deactivateAll();
      fx.daemon.run();
      assertThat(a.page).isNull();
      ExecutorService pool = Executors.newFixedThreadPool(WAITERS + 1);
      try {
        Future<Integer> reader = pool.submit(() -> fx.pagein(a));
        assertThat(blocking.readStarted.await(30, TimeUnit.SECONDS)).isTrue();
        VmPage busy = a.page;
        assertThat(busy).isNotNull();
        assertThat(busy.flags & (VmPage.PG_BUSY | VmPage.PG_FAKE)).isNotZero();
        List<Future<Integer>> waiters = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
          waiters.add(pool.submit(() -> fx.pagein(a)));
        }
        awaitSleepers(busy, WAITERS);
        assertThat(busy.flags & VmPage.PG_WANTED).isNotZero();
        blocking.release();
        assertThat(reader.get(30, TimeUnit.SECONDS)).isZero();
        for (Future<Integer> w : waiters) {
          assertThat(w.get(30, TimeUnit.SECONDS)).isZero();
        }
        assertThat(a.page).isSameAs(busy);
        assertThat(busy.flags & (VmPage.PG_BUSY | VmPage.PG_WANTED | VmPage.PG_FAKE)).isZero();
        assertThat(fx.contents(a)).isEqualTo(pattern(77));
        assertThat(fx.uvm.exp().pageins).as("one read for all faulters").isEqualTo(1);
        assertThat(fx.uvm.exp().fltpgwait).isEqualTo(WAITERS);
      } finally {
        blocking.release();
        pool.shutdownNow();
      }
      fx.uvm.check();
    }
  }

  @Test
  void waitersOfAFailedReadAllSeeTheBadSlot() throws Exception {
    try (SwapFixture fx = machine()) {
      Anon a = fx.dirtyAnon(5);
      fx.deactivateAll();
      fx.daemon.run();
      fx.device.failReadsOf(a.swslot - fx.sdp.drumOffset());
      int free = fx.free();
      ExecutorService pool = Executors.newFixedThreadPool(WAITERS + 1);
      try {
        Future<Integer> reader = pool.submit(() -> fx.pagein(a));
        assertThat(blocking.readStarted.await(30, TimeUnit.SECONDS)).isTrue();
        VmPage busy = a.page;
        List<Future<Integer>> waiters = new ArrayList<>();
        for (int i = 0; i < WAITERS; i++) {
          waiters.add(pool.submit(() -> fx.pagein(a)));
        }
        awaitSleepers(busy, WAITERS);
        blocking.release();
        assertThat(reader.get(30, TimeUnit.SECONDS)).isEqualTo(Errno.EIO);
        for (Future<Integer> w : waiters) {
          assertThat(w.get(30, TimeUnit.SECONDS)).isEqualTo(Errno.EIO);
        }
      } finally {
        blocking.release();
        pool.shutdownNow();
      }
      assertThat(a.swslot).isEqualTo(SwapManager.SWSLOT_BAD);
      assertThat(a.page).isNull();
      assertThat(fx.free()).isEqualTo(free);
      assertThat(fx.uvm.exp().pageins).isEqualTo(1);
      fx.uvm.check();
    }
  }
}
