package org.uvm4j.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.uvm4j.kernel.fs.WaitChannel;

class SchedulerTest {
  private final VirtualClock clock = new VirtualClock();
  private final Scheduler s = new Scheduler(clock);
  private final ProcTable t = new ProcTable();

  @Test
  void roundRobinInFifoOrder() {
    Proc a = t.allocate();
    Proc b = t.allocate();
    s.setRunnable(a);
    s.setRunnable(b);
    s.setRunnable(a); // already queued: no duplicate
    assertThat(s.next()).isSameAs(a);
    s.requeue(a);
    assertThat(s.next()).isSameAs(b);
    s.requeue(b);
    assertThat(s.next()).isSameAs(a);
    assertThat(a.pid()).isEqualTo(1);
    assertThat(b.pid()).isEqualTo(2);
  }

  @Test
  void wakeupWakesSleepersOnTheChannelInOrder() {
    Proc a = t.allocate();
    Proc b = t.allocate();
    Proc c = t.allocate();
    WaitChannel ch = new WaitChannel("x");
    s.sleep(b, ch, -1);
    s.sleep(c, new WaitChannel("other"), -1);
    s.sleep(a, ch, -1);
    assertThat(s.next()).isNull();
    s.wakeup(ch);
    assertThat(s.next()).isSameAs(b);
    assertThat(s.next()).isSameAs(a);
    assertThat(s.next()).isNull();
    assertThat(c.state()).isEqualTo(ProcState.SLEEPING);
    assertThat(s.sleepers()).containsExactly(c);
  }

  @Test
  void idleAdvancesVirtualTimeToTheEarliestDeadline() {
    Proc a = t.allocate();
    Proc b = t.allocate();
    s.sleep(a, null, 5000);
    s.sleep(b, null, 3000);
    assertThat(s.next()).isNull();
    assertThat(s.idle()).isTrue();
    assertThat(clock.now()).isEqualTo(3000);
    assertThat(s.next()).isSameAs(b);
    assertThat(s.idle()).isTrue();
    assertThat(s.next()).isSameAs(a);
    assertThat(s.idle()).isFalse();
  }

  @Test
  void deadlineExpiresAsTimeRuns() {
    Proc a = t.allocate();
    s.sleep(a, null, 100);
    clock.advance(99);
    assertThat(s.next()).isNull();
    clock.advance(1);
    assertThat(s.next()).isSameAs(a);
  }

  @Test
  void interruptWakesWithTheFlag() {
    Proc a = t.allocate();
    s.sleep(a, new WaitChannel("w"), -1);
    s.interrupt(a);
    assertThat(a.sleepInterrupted).isTrue();
    assertThat(s.next()).isSameAs(a);
  }

  @Test
  void vforkWaitIsNotWokenByChannels() {
    Proc a = t.allocate();
    s.setRunnable(a);
    s.vforkWait(a);
    assertThat(s.next()).isNull();
    s.setRunnable(a);
    assertThat(s.next()).isSameAs(a);
  }

  @Test
  void alarmsFireAtTheirTimeAndIdleWaitsForThem() {
    java.util.List<Proc> fired = new java.util.ArrayList<>();
    s.setAlarmHandler(fired::add);
    Proc a = t.allocate();
    Proc b = t.allocate();
    s.sleep(a, new WaitChannel("pause"), -1);
    s.setAlarm(a, 1000, 0);
    s.setAlarm(b, 400, 300);
    assertThat(s.idle()).isTrue();
    assertThat(clock.now()).isEqualTo(400);
    assertThat(fired).containsExactly(b);
    assertThat(b.alarmAt()).isEqualTo(700); // periodic: re-armed
    clock.advance(650); // now 1050: b is due (700; the 1000 period passed unseen) and a
    s.expireTimers();
    assertThat(fired).containsExactly(b, a, b);
    assertThat(a.alarmAt()).isEqualTo(-1);
    assertThat(b.alarmAt()).isEqualTo(1300);
    s.remove(b);
    assertThat(b.alarmAt()).isEqualTo(-1);
    assertThat(s.idle()).isFalse(); // a sleeps without deadline or alarm: nothing can wake it
  }

  @Test
  void procTableRemoves() {
    Proc a = t.allocate();
    assertThat(t.find(1)).isSameAs(a);
    assertThat(t.find(0)).isNull();
    assertThat(t.find(-5)).isNull();
    t.remove(a);
    assertThat(t.find(1)).isNull();
    assertThat(a.state()).isEqualTo(ProcState.DEAD);
    assertThat(t.anyAlive()).isFalse();
  }
}
