package org.uvm4j.machine;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

class SliceWatchdogTest {
  private final AtomicInteger stops = new AtomicInteger();
  private final AtomicInteger clears = new AtomicInteger();
  private final CpuBackend cpu =
      (CpuBackend)
          Proxy.newProxyInstance(
              CpuBackend.class.getClassLoader(),
              new Class<?>[] {CpuBackend.class},
              (proxy, method, args) -> {
                if (method.getName().equals("preempt")) {
                  stops.incrementAndGet();
                  return null;
                }
                if (method.getName().equals("clearPreemption")) {
                  clears.incrementAndGet();
                  return null;
                }
                throw new UnsupportedOperationException(method.getName());
              });
  private final SliceWatchdog w = new SliceWatchdog(cpu);

  @AfterEach
  void close() {
    w.close();
  }

  /** Burns this thread's CPU until the watchdog has stopped {@code n} times (or 20 s pass). */
  private void spinUntilStops(int n) {
    long give = System.nanoTime() + 20_000_000_000L;
    long x = 1;
    while (stops.get() < n && System.nanoTime() < give) {
      x = x * 6364136223846793005L + 1;
    }
    assertThat(x).isNotZero();
  }

  @Test
  void aRunThatUsesItsSliceIsStoppedAndOnlyThatRun() throws Exception {
    long g1 = w.begin(System.nanoTime(), w.threadCpuTime(), 2_000_000);
    spinUntilStops(1);
    assertThat(stops.get()).isGreaterThanOrEqualTo(1);
    assertThat(w.end(g1)).as("the watchdog stopped run 1").isTrue();

    // the next run has a long slice: nothing meant for run 1 may end it
    int before = stops.get();
    long g2 = w.begin(System.nanoTime(), w.threadCpuTime(), 60_000_000_000L);
    Thread.sleep(30);
    assertThat(w.end(g2)).isFalse();
    assertThat(stops.get()).isEqualTo(before);
    assertThat(clears.get()).as("only a preempted run's end withdraws").isEqualTo(1);

    // between runs nothing is stopped, however long it lasts
    Thread.sleep(20);
    assertThat(stops.get()).isEqualTo(before);
  }

  @Test
  void oneRequestPerRunAndTheRunsEndWithdrawsItIfNotTaken() {
    long g = w.begin(System.nanoTime(), w.threadCpuTime(), 1_000_000);
    spinUntilStops(1);
    long until = System.nanoTime() + 30_000_000;
    while (System.nanoTime() < until) {
      Thread.onSpinWait(); // the fake engine never takes the request: it stays pending
    }
    assertThat(stops.get()).as("a pending request is not repeated").isEqualTo(1);
    assertThat(w.end(g)).isTrue();
    assertThat(clears.get()).as("end() withdraws the request the run did not take").isEqualTo(1);
    w.close();
    assertThat(stops.get()).isEqualTo(1);
  }

  @Test
  void sleepingDoesNotUseTheSlice() throws Exception {
    // CPU time, not wall time: a run whose thread sleeps (as on a loaded host) is not preempted
    Assumptions.assumeTrue(w.threadCpuTime() >= 0, "this JVM cannot read thread CPU clocks");
    long g = w.begin(System.nanoTime(), w.threadCpuTime(), 20_000_000);
    Thread.sleep(80);
    assertThat(w.end(g)).isFalse();
    assertThat(stops.get()).isZero();
  }
}
