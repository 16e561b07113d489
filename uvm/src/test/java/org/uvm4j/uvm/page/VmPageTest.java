package org.uvm4j.uvm.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.UvmPanic;

class VmPageTest {
  @Test
  void physAddrAndFlags() {
    VmPage pg = new VmPage(5);
    assertThat(pg.physAddr()).isEqualTo(5L << 12);
    assertThat(pg.isBusy()).isFalse();
    pg.flags = VmPage.PG_BUSY;
    assertThat(pg.isBusy()).isTrue();
    pg.pqflags = VmPage.PQ_INACTIVE;
    assertThat(pg.isQueued()).isTrue();
    assertThat(pg.isFree()).isFalse();
  }

  @Test
  void sleeperReleasesTheOwnerLockAndWakesOnWakeup() throws Exception {
    ReentrantLock owner = new ReentrantLock();
    VmPage pg = new VmPage(1);
    pg.flags = VmPage.PG_BUSY;
    CountDownLatch asleep = new CountDownLatch(1);
    AtomicBoolean returned = new AtomicBoolean();
    AtomicBoolean lockReleased = new AtomicBoolean();
    Thread sleeper =
        new Thread(
            () -> {
              owner.lock();
              asleep.countDown();
              pg.unlockAndWait(owner, "pgwait");
              lockReleased.set(!owner.isHeldByCurrentThread());
              returned.set(true);
            });
    sleeper.start();
    assertThat(asleep.await(10, TimeUnit.SECONDS)).isTrue();
    // The owner lock must become free while the sleeper sleeps (atomic unlock-and-wait).
    assertThat(owner.tryLock(10, TimeUnit.SECONDS)).isTrue();
    try {
      assertThat(pg.flags & VmPage.PG_WANTED).isNotZero();
      assertThat(pg.sleepers()).isEqualTo(1);
      assertThat(returned.get()).isFalse();
      pg.flags &= ~VmPage.PG_BUSY;
      pg.wakeup();
      assertThat(pg.flags & VmPage.PG_WANTED).isZero();
    } finally {
      owner.unlock();
    }
    sleeper.join(10_000);
    assertThat(returned.get()).isTrue();
    assertThat(lockReleased.get()).isTrue();
    assertThat(pg.sleepers()).isZero();
  }

  @Test
  void noWakeupIsLostUnderRepeatedBusyHandOffs() {
    ReentrantLock owner = new ReentrantLock();
    VmPage pg = new VmPage(1);
    assertTimeoutPreemptively(
        Duration.ofSeconds(30),
        () -> {
          for (int round = 0; round < 100; round++) {
            owner.lock();
            pg.flags = VmPage.PG_BUSY;
            owner.unlock();
            CountDownLatch started = new CountDownLatch(1);
            boolean lockFree = (round & 1) == 0;
            Thread sleeper =
                new Thread(
                    () -> {
                      started.countDown();
                      if (lockFree) {
                        pg.waitUnbusy("stress");
                      } else {
                        owner.lock();
                        if (pg.isBusy()) {
                          pg.unlockAndWait(owner, "stress");
                        } else {
                          owner.unlock();
                        }
                      }
                    });
            sleeper.start();
            started.await();
            // the owner unbusies at an arbitrary moment relative to the sleeper going to sleep,
            // in NetBSD's order (wake first, then clear) half of the time
            owner.lock();
            try {
              if ((round & 2) == 0) {
                pg.flags &= ~VmPage.PG_BUSY;
                pg.wakeup();
              } else {
                pg.wakeup();
                pg.flags &= ~VmPage.PG_BUSY;
              }
            } finally {
              owner.unlock();
            }
            sleeper.join();
          }
        });
    assertThat(pg.sleepers()).isZero();
  }

  @Test
  void waitNeedsTheLockAndABusyPage() {
    ReentrantLock owner = new ReentrantLock();
    VmPage pg = new VmPage(1);
    pg.flags = VmPage.PG_BUSY;
    assertThatThrownBy(() -> pg.unlockAndWait(owner, "x")).isInstanceOf(UvmPanic.class);
    owner.lock();
    try {
      pg.flags = 0;
      assertThatThrownBy(() -> pg.unlockAndWait(owner, "x")).hasMessageContaining("not busy");
    } finally {
      owner.unlock();
    }
  }

  @Test
  void wakeupWithoutSleepersOnlyClearsWanted() {
    VmPage pg = new VmPage(1);
    pg.flags = VmPage.PG_BUSY | VmPage.PG_WANTED;
    pg.wakeup();
    assertThat(pg.flags).isEqualTo(VmPage.PG_BUSY);
  }
}
