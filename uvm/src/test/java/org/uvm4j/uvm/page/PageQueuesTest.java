package org.uvm4j.uvm.page;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;

class PageQueuesTest {
  private UvmExp exp;
  private PhysMem pm;
  private PageQueues q;

  @BeforeEach
  void setUp() {
    exp = new UvmExp();
    pm = new PhysMem(16 * PhysMem.PAGE_SIZE, exp);
    q = new PageQueues(exp);
  }

  private List<Integer> active() {
    List<Integer> l = new ArrayList<>();
    q.lock().lock();
    try {
      for (VmPage pg = q.activeHead(); pg != null; pg = pg.queueNext()) {
        l.add(pg.frame);
      }
    } finally {
      q.lock().unlock();
    }
    return l;
  }

  private List<Integer> inactive() {
    List<Integer> l = new ArrayList<>();
    q.lock().lock();
    try {
      for (VmPage pg = q.inactiveHead(); pg != null; pg = pg.queueNext()) {
        l.add(pg.frame);
      }
    } finally {
      q.lock().unlock();
    }
    return l;
  }

  @Test
  void activateAppendsAndMovesToTheTail() {
    VmPage a = pm.alloc();
    VmPage b = pm.alloc();
    VmPage c = pm.alloc();
    q.activate(a);
    q.activate(b);
    q.activate(c);
    assertThat(active()).containsExactly(a.frame, b.frame, c.frame);
    q.activate(a);
    assertThat(active()).containsExactly(b.frame, c.frame, a.frame);
    assertThat(exp.active).isEqualTo(3);
    assertThat(a.pqflags & VmPage.PQ_QUEUED).isEqualTo(VmPage.PQ_ACTIVE);
    q.check();
  }

  @Test
  void deactivateMovesBetweenQueuesAndDequeueRemoves() {
    VmPage a = pm.alloc();
    VmPage b = pm.alloc();
    VmPage c = pm.alloc();
    q.activate(a);
    q.activate(b);
    q.activate(c);
    q.deactivate(b);
    assertThat(active()).containsExactly(a.frame, c.frame);
    assertThat(inactive()).containsExactly(b.frame);
    assertThat(b.pqflags & VmPage.PQ_QUEUED).isEqualTo(VmPage.PQ_INACTIVE);
    q.deactivate(b); // already inactive: stays where it is
    q.deactivate(a);
    assertThat(inactive()).containsExactly(b.frame, a.frame);
    assertThat(exp.active).isEqualTo(1);
    assertThat(exp.inactive).isEqualTo(2);

    q.dequeue(b);
    q.dequeue(c);
    q.dequeue(c); // not queued: nothing happens
    assertThat(active()).isEmpty();
    assertThat(inactive()).containsExactly(a.frame);
    assertThat(b.isQueued()).isFalse();
    assertThat(exp.active).isZero();
    assertThat(exp.inactive).isEqualTo(1);
    q.check();
  }

  @Test
  void wiredPagesAreOnNoQueueAndUnwireActivates() {
    VmPage a = pm.alloc();
    q.activate(a);
    q.wire(a);
    q.wire(a);
    assertThat(a.wireCount).isEqualTo(2);
    assertThat(a.isQueued()).isFalse();
    assertThat(exp.wired).isEqualTo(1);
    assertThat(exp.active).isZero();
    q.activate(a); // wired: left alone
    q.enqueue(a);
    assertThat(a.isQueued()).isFalse();
    assertThatThrownBy(() -> q.deactivate(a)).isInstanceOf(UvmPanic.class);

    q.unwire(a);
    assertThat(a.isQueued()).isFalse();
    q.unwire(a);
    assertThat(a.wireCount).isZero();
    assertThat(active()).containsExactly(a.frame);
    assertThat(exp.wired).isZero();
    assertThatThrownBy(() -> q.unwire(a)).hasMessageContaining("not wired");
    q.check();
  }

  @Test
  void dropWiringForgetsWiringWithoutQueueing() {
    VmPage a = pm.alloc();
    q.wire(a);
    q.dropWiring(a);
    assertThat(a.wireCount).isZero();
    assertThat(a.isQueued()).isFalse();
    assertThat(exp.wired).isZero();
  }

  @Test
  void headsNeedTheLockAndFreePagesAreRefused() {
    assertThatThrownBy(q::activeHead).hasMessageContaining("lock");
    VmPage a = pm.alloc();
    pm.free(a);
    assertThatThrownBy(() -> q.activate(a)).hasMessageContaining("free");
  }

  @Test
  void checkCatchesWrongCounts() {
    VmPage a = pm.alloc();
    q.activate(a);
    exp.active = 5;
    assertThatThrownBy(q::check).hasMessageContaining("active count");
  }
}
