package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The machine's amap list: head insertion, removal, markers, lock discipline. */
class AmapListTest {
  private final TestServices svc = new TestServices();

  @Test
  void amapsAreInsertedAtTheHeadAndRemovedByWipeout() {
    Amap a = svc.amap(1, 0);
    Amap b = svc.amap(1, 0);
    assertThat(svc.list.amaps()).containsExactly(b, a);
    a.unref(0, 1, false);
    assertThat(svc.list.amaps()).containsExactly(b);
    assertThat(svc.list.contains(a)).isFalse();
    assertThat(svc.list.size()).isEqualTo(1);
  }

  @Test
  void markersAreWalkedButNeitherCountedNorListed() {
    Amap a = svc.amap(1, 0);
    Amap m = Amap.marker();
    svc.list.lock();
    svc.list.insertBefore(a, m);
    assertThat(svc.list.first()).isSameAs(m);
    assertThat(svc.list.next(m)).isSameAs(a);
    assertThat(svc.list.next(a)).isNull();
    assertThatThrownBy(() -> svc.list.insertAfter(a, m)).hasMessageContaining("already listed");
    svc.list.unlink(m);
    assertThatThrownBy(() -> svc.list.unlink(m)).hasMessageContaining("not listed");
    assertThatThrownBy(() -> svc.list.next(m)).hasMessageContaining("not on the list");
    svc.list.unlock();
    assertThat(svc.list.size()).isEqualTo(1);
    assertThat(m.toString()).isEqualTo("amap-marker");
  }

  @Test
  void theListLockIsNotRecursiveAndGuardsTheWalk() {
    assertThat(svc.list.isLocked()).isFalse();
    assertThatThrownBy(() -> svc.list.first()).hasMessageContaining("without the lock");
    svc.list.lock();
    assertThat(svc.list.isLocked()).isTrue();
    assertThat(svc.list.first()).isNull();
    assertThatThrownBy(svc.list::lock).hasMessageContaining("against myself");
    svc.list.unlock();
    assertThatThrownBy(svc.list::unlock).hasMessageContaining("not held");
  }
}
