package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.AmapAllocator.Kind;

class AmapAllocatorTest {
  private final List<String> waits = new ArrayList<>();

  @Test
  void allocatesAndKeepsBooksPerKind() {
    AmapAllocator a = new AmapAllocator(waits::add);
    assertThat(a.slotList(10, 0, false)).hasSize(10);
    assertThat(a.overlay(4, true).capacity).isEqualTo(4);
    assertThat(a.amapStruct(true)).isEqualTo(1);
    assertThat(a.amapStruct(true)).isEqualTo(2);
    assertThat(a.live(Kind.SLOTS)).isEqualTo(1);
    assertThat(a.liveElements(Kind.SLOTS)).isEqualTo(10);
    assertThat(a.liveTotal()).isEqualTo(4);
    a.free(Kind.SLOTS, 10);
    assertThat(a.live(Kind.SLOTS)).isZero();
    assertThat(a.allocated(Kind.SLOTS)).isEqualTo(1);
    assertThat(a.attempts()).isEqualTo(4);
  }

  @Test
  void freeingMoreThanAllocatedPanics() {
    AmapAllocator a = new AmapAllocator(waits::add);
    assertThatThrownBy(() -> a.free(Kind.PPREF, 1)).isInstanceOf(UvmPanic.class);
    a.ints(Kind.PPREF, 2, true);
    assertThatThrownBy(() -> a.free(Kind.PPREF, 3)).isInstanceOf(UvmPanic.class);
  }

  @Test
  void failNthFailsExactlyThatAttemptOnce() {
    AmapAllocator a = new AmapAllocator(waits::add);
    a.failNth(2);
    assertThat(a.slotList(1, 0, true)).isNotNull();
    assertThat(a.slotList(1, 0, true)).isNull();
    assertThat(a.slotList(1, 0, true)).isNotNull();
    assertThat(a.failures()).isEqualTo(1);
  }

  @Test
  void failNextFailsThatManyAttempts() {
    AmapAllocator a = new AmapAllocator(waits::add);
    a.failNext(2);
    assertThat(a.anonStruct()).isNull();
    assertThat(a.amapStruct(true)).isZero();
    assertThat(a.anonStruct()).isNotNull();
  }

  @Test
  void failKindAndFailAllUntilCleared() {
    AmapAllocator a = new AmapAllocator(waits::add);
    a.failKind(Kind.PPREF, true);
    assertThat(a.ints(Kind.PPREF, 1, true)).isNull();
    assertThat(a.slotList(1, 0, true)).isNotNull();
    a.failKind(Kind.PPREF, false);
    assertThat(a.ints(Kind.PPREF, 1, true)).isNotNull();
    a.failAll(true);
    assertThat(a.overlay(1, true)).isNull();
    a.clearFailures();
    assertThat(a.overlay(1, true)).isNotNull();
  }

  @Test
  void waitingRequestsCallTheWaiterAndRetry() {
    AmapAllocator[] box = new AmapAllocator[1];
    box[0] =
        new AmapAllocator(
            w -> {
              waits.add(w);
              if (waits.size() == 3) {
                box[0].failAll(false);
              }
            });
    box[0].failAll(true);
    assertThat(box[0].ints(Kind.BCKPTR, 5, false).capacity).isEqualTo(5);
    assertThat(waits).containsExactly("kmem_alloc", "kmem_alloc", "kmem_alloc");
    assertThat(box[0].waits()).isEqualTo(3);
    assertThat(box[0].attempts()).isEqualTo(4);
  }

  @Test
  void anImpossibleSizeFailsAtOnceEvenWhenWaiting() {
    AmapAllocator a = new AmapAllocator(waits::add, 100);
    assertThat(a.slotList(101, 0, false)).isNull();
    assertThat(a.ints(Kind.PPREF, 101, false)).isNull();
    assertThat(waits).isEmpty();
    assertThat(a.maxElements()).isEqualTo(100);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> new AmapAllocator(null)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> new AmapAllocator(waits::add, 0)).isInstanceOf(UvmPanic.class);
    AmapAllocator a = new AmapAllocator(waits::add);
    assertThatThrownBy(() -> a.failNth(0)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> a.failNext(-1)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> a.ints(Kind.ANON, 1, true)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> a.ints(Kind.SLOTS, 1, true)).isInstanceOf(UvmPanic.class);
    assertThatThrownBy(() -> a.slotList(-1, 0, true)).isInstanceOf(UvmPanic.class);
  }
}
