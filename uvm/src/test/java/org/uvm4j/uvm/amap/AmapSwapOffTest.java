package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.uvm.amap.TestServices.put;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** amap_swap_off: the marker walk of the amap list, pagein, restart and failure. */
class AmapSwapOffTest {
  private final TestServices svc = new TestServices();

  @Test
  void anEmptyListIsDone() {
    assertThat(Amap.swapOff(svc.list, 1, 100)).isFalse();
  }

  @Test
  void everyAnonWithASlotInTheRangeComesBack() {
    Amap a = svc.amap(4, 0);
    Amap b = svc.amap(4, 0);
    svc.amap(2, 0); // empty: skipped
    Anon a0 = svc.anonSwapOnly(); // slot 1
    Anon a1 = svc.anonSwapOnly(); // slot 2
    Anon b0 = svc.anonSwapOnly(); // slot 3
    Anon b1 = svc.anonSwapOnly(); // slot 4: outside [1, 4)
    Anon resident = svc.anonWithPage(1);
    put(a, 0, a0);
    put(a, 3, a1);
    put(a, 2, resident);
    put(b, 1, b0);
    put(b, 2, b1);
    assertThat(Amap.swapOff(svc.list, 1, 4)).isFalse();
    assertThat(a0.swslot).isZero();
    assertThat(a1.swslot).isZero();
    assertThat(b0.swslot).isZero();
    assertThat(b1.swslot).isEqualTo(4);
    assertThat(a0.page).isNotNull();
    assertThat(svc.freedSlots).containsExactlyInAnyOrder(1, 2, 3);
    assertThat(svc.pageins).isEqualTo(3);
    // the markers are gone, the amaps unlocked
    assertThat(svc.list.size()).isEqualTo(3);
    assertThat(svc.list.amaps()).doesNotContainNull().hasSize(3);
    assertThat(a.isLocked()).isFalse();
    AmapAudit.checkAll(svc.list.amaps());
  }

  @Test
  void aPageinFailureStopsTheWalkAndReportsFailure() {
    Amap a = svc.amap(2, 0);
    Amap b = svc.amap(2, 0); // listed first (head insert)
    Anon x = svc.anonSwapOnly();
    Anon y = svc.anonSwapOnly();
    put(a, 0, x);
    put(b, 0, y);
    svc.onPagein = an -> an != y; // no memory for y
    assertThat(Amap.swapOff(svc.list, 1, 10)).isTrue();
    assertThat(y.swslot).isNotZero();
    assertThat(x.swslot).isNotZero(); // never reached
    assertThat(b.isLocked()).isFalse();
    assertThat(svc.list.size()).isEqualTo(2);
  }

  @Test
  void anAmapWhoseLastReferenceGoesDuringPageinIsWipedOutBySwapOff() {
    Amap a = svc.amap(2, 0);
    Amap other = svc.amap(2, 0);
    Anon x = svc.anonSwapOnly();
    Anon z = svc.anonSwapOnly();
    put(a, 0, x);
    put(other, 1, z);
    svc.onPagein =
        an -> {
          if (an == x) {
            // the owner unmaps while the amap is unlocked: wipeout must be left to us
            an.unlock();
            a.unref(0, 2, false);
            assertThat(a.isFreed()).isFalse();
            assertThat(a.flags() & Amap.AMAP_SWAPOFF).isNotZero();
            an.lock();
          }
          return true;
        };
    assertThat(Amap.swapOff(svc.list, 1, 10)).isFalse();
    assertThat(a.isFreed()).isTrue();
    assertThat(x.isFreed()).isTrue();
    assertThat(z.swslot).isZero(); // the walk went on past the wiped amap
    assertThat(svc.list.amaps()).containsExactly(other);
  }

  /**
   * The 2009 code restarts the scan of an amap with {@code i = 0} inside its {@code for} loop, so
   * the increment makes every rescan start at position 1. Here a pagein lets another thread empty
   * slot A at position 0 of {@code am_slots}; the last entry, C (in range), moves into position 0.
   * The 2009 rescan starts at 1 and never sees C, whose swap slot survives the swap-off.
   */
  @Test
  void theRescanAfterAPageinLooksAtPositionZeroAgain() {
    Amap a = svc.amap(3, 0);
    Anon outside = svc.anonWithPage(1); // position 0, not in range
    Anon b = svc.anonSwapOnly(); // position 1
    Anon c = svc.anonSwapOnly(); // position 2
    put(a, 0, outside);
    put(a, 1, b);
    put(a, 2, c);
    assertThat(a.slots[0]).isZero();
    Aref whole = new Aref();
    whole.amap = a;
    svc.onPagein =
        an -> {
          if (an == b) {
            a.lock(); // the amap is unlocked during pagein
            a.unadd(whole, 0);
            a.unlock();
            outside.ref--;
            outside.free(svc);
            assertThat(a.slots[0]).isEqualTo(2); // C moved into position 0
          }
          return true;
        };
    assertThat(Amap.swapOff(svc.list, 1, 100)).isFalse();
    assertThat(b.swslot).isZero();
    assertThat(c.swslot).as("C, moved to position 0 during the pagein of B").isZero();
    assertThat(svc.pageins).isEqualTo(2);
  }

  @Test
  void aLockedAmapIsRetriedAndOneRemovedMeanwhileIsSkipped() throws Exception {
    Amap a = svc.amap(2, 0);
    Amap busy = svc.amap(2, 0); // head of the list: visited first
    Anon x = svc.anonSwapOnly();
    Anon y = svc.anonSwapOnly();
    put(a, 0, x);
    put(busy, 0, y);
    CountDownLatch locked = new CountDownLatch(1);
    Thread owner =
        new Thread(
            () -> {
              busy.lock();
              locked.countDown();
              try {
                Thread.sleep(100);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              // the owner drops the last reference: amap_unref's wipeout, lock already held
              busy.ref--;
              busy.wipeout();
            });
    owner.start();
    assertThat(locked.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(Amap.swapOff(svc.list, 1, 100)).isFalse();
    owner.join(5000);
    assertThat(busy.isFreed()).isTrue();
    assertThat(y.isFreed()).isTrue();
    assertThat(x.swslot).isZero();
    assertThat(svc.list.amaps()).containsExactly(a);
  }

  @Test
  void aLockedAmapThatSurvivesIsVisitedWhenItsLockIsFree() throws Exception {
    Amap busy = svc.amap(2, 0);
    Anon y = svc.anonSwapOnly();
    put(busy, 0, y);
    CountDownLatch locked = new CountDownLatch(1);
    Thread owner =
        new Thread(
            () -> {
              busy.lock();
              locked.countDown();
              try {
                Thread.sleep(50);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              busy.unlock();
            });
    owner.start();
    assertThat(locked.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(Amap.swapOff(svc.list, 1, 100)).isFalse();
    owner.join(5000);
    assertThat(y.swslot).isZero();
  }
}
