package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.uvm.amap.TestServices.put;

import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.UvmPanic;

/** Each invariant the audit checks is caught, with a message that names it. */
class AmapAuditTest {
  private final TestServices svc = new TestServices();

  /** A consistent amap: 8 slots, anons in 1, 4, 6, per-page counts 1. */
  private Amap healthy() {
    Amap a = svc.amap(8, 2);
    put(a, 4, svc.anon());
    put(a, 1, svc.anon());
    put(a, 6, svc.anon());
    Aref l = new Aref();
    l.amap = a;
    Aref r = new Aref();
    r.amap = a;
    Amap.splitref(l, r, 4 << 12);
    return a;
  }

  private void assertCaught(Consumer<Amap> corrupt, String message) {
    Amap a = healthy();
    assertThatCode(a::audit).doesNotThrowAnyException();
    corrupt.accept(a);
    assertThatThrownBy(a::audit)
        .isInstanceOf(UvmPanic.class)
        .hasMessageStartingWith("amap audit: amap#")
        .hasMessageContaining(message);
    assertThatThrownBy(() -> AmapAudit.checkAll(List.of(a))).isInstanceOf(UvmPanic.class);
  }

  @Test
  void aHealthyAmapPasses() {
    Amap a = healthy();
    a.lock();
    AmapAudit.check(a); // works with the lock already held, too
    a.unlock();
    AmapAudit.checkAll(svc.list.amaps());
  }

  @Test
  void sizes() {
    assertCaught(a -> a.nused = 9, "0 <= nused <= nslot <= maxslot");
    assertCaught(a -> a.nslot = 11, "0 <= nused <= nslot <= maxslot");
    assertCaught(a -> a.nused = -1, "0 <= nused <= nslot <= maxslot");
    assertCaught(a -> a.slots = new int[2], "array lengths"); // shorter than nused 3
  }

  @Test
  void slotsBeyondNslotMustBeEmpty() {
    assertCaught(a -> a.anon.set(9, svc.anon()), "slot 9 beyond nslot");
  }

  @Test
  void slotsAndBackPointersMustAgree() {
    assertCaught(a -> a.bckptr.set(4, 2), "bckptr[4]=2 and slots[2]=6");
    assertCaught(a -> a.bckptr.set(4, 7), "bckptr[4]=7");
    assertCaught(a -> a.anon.set(3, svc.anon()), "slot 3 is occupied but bckptr");
    assertCaught(
        a -> {
          a.anon.set(1, null);
          a.nused = 2;
          a.slots[1] = 6;
          a.bckptr.set(6, 1);
          a.slots[0] = 6;
        },
        "slot 4 is occupied");
    assertCaught(
        a -> {
          a.slots[2] = 3; // slot 6 keeps a valid bckptr... no: it points at 2
        },
        "slot 6 is occupied but bckptr[6]=2 and slots[2]=3");
  }

  @Test
  void occupiedCountMustEqualNused() {
    assertCaught(
        a -> {
          // drop slot 6 from am_slots only
          a.nused = 2;
        },
        "slot 6 is occupied but bckptr[6]=2");
    assertCaught(
        a -> {
          a.nslot = 6; // slot 6 now lies beyond nslot: it counts as occupied-outside
          a.ppref = null;
        },
        "slot 6 beyond nslot");
  }

  @Test
  void listedSlotsMustBeOccupied() {
    Amap a = svc.amap(4, 0);
    a.lock();
    a.nused = 0;
    a.unlock();
    a.audit();
    a.lock();
    a.nused = 1;
    a.slots[0] = 2;
    a.unlock();
    assertThatThrownBy(a::audit).hasMessageContaining("0 occupied slots but nused=1");
  }

  @Test
  void anonsInSlotsMustBeAliveAndReferenced() {
    assertCaught(a -> a.anon.get(4).ref = 0, "with ref <= 0");
    assertCaught(
        a -> {
          Anon dead = svc.anon();
          dead.ref = 0;
          dead.free(svc);
          a.anon.set(4, dead);
        },
        "holds freed");
  }

  @Test
  void perPageCountsMustTileAndProtectTheirAnons() {
    assertCaught(a -> a.ppref.set(1, 4), "no run starts at slot 4"); // cell 4 is a zero don't-care
    assertCaught(a -> a.ppref.set(1, 12), "passes nslot");
    assertCaught(a -> a.ppref.set(1, 1), "has length 1");
    assertCaught(
        a -> a.ppref = Ppref.encodeSlots(new int[] {1, 1, 1, 1, 0, 0, 0, 1}, 10), "count 0");
    assertCaught(a -> a.ppref = Ppref.encodeSlots(new int[8], 8), "ppref length");
  }

  @Test
  void flagsAndReferenceCount() {
    assertCaught(a -> a.flags = 0x10, "unknown flag bits");
    assertCaught(a -> a.ref = 0, "live amap with ref 0");
    Amap a = svc.amap(1, 0);
    a.lock();
    a.ref = 0;
    a.flags = Amap.AMAP_SWAPOFF; // swap-off is paging in: a dead amap may wait for it
    a.unlock();
    a.audit();
  }

  @Test
  void aFreedAmapMustNotBeAudited() {
    Amap a = svc.amap(1, 0);
    a.unref(0, 1, false);
    assertThatThrownBy(a::audit).hasMessageContaining("is freed but still reachable");
    assertThatThrownBy(() -> AmapAudit.checkAll(List.of(a))).hasMessageContaining("is freed");
  }

  @Test
  void anonReferenceCountsMustMatchTheSlotsAcrossAmaps() {
    Amap a = svc.amap(2, 0);
    Amap b = svc.amap(2, 0);
    Anon shared = svc.anon();
    put(a, 0, shared);
    put(b, 1, shared);
    assertThatThrownBy(() -> AmapAudit.checkAll(List.of(a, b)))
        .isInstanceOf(UvmPanic.class)
        .hasMessageContaining("has ref 1 but 2 slot(s) point at it");
    shared.ref = 2;
    AmapAudit.checkAll(List.of(a, b));
    shared.ref = 3;
    assertThatThrownBy(() -> AmapAudit.checkAll(List.of(a, b)))
        .hasMessageContaining("has ref 3 but 2");
  }
}
