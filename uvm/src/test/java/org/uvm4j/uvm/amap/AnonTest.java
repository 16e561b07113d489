package org.uvm4j.uvm.amap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.AmapAllocator.Kind;
import org.uvm4j.uvm.page.VmPage;

class AnonTest {
  private final TestServices svc = new TestServices();

  @Test
  void allocReturnsALockedAnonWithOneReference() {
    Anon an = Anon.alloc(svc);
    assertThat(an).isNotNull();
    assertThat(an.isLocked()).isTrue();
    assertThat(an.ref).isEqualTo(1);
    assertThat(an.page).isNull();
    assertThat(an.swslot).isZero();
    assertThat(an.id()).isPositive();
    an.unlock();
    assertThat(an.isLocked()).isFalse();
    assertThat(svc.anon().id()).isNotEqualTo(an.id());
  }

  @Test
  void allocNeverWaitsAndReturnsNullOnShortage() {
    svc.allocator.failKind(Kind.ANON, true);
    assertThat(Anon.alloc(svc)).isNull();
    assertThat(svc.memoryWaits).isEmpty();
  }

  @Test
  void freeReleasesTheResidentPageAfterRemovingItsMappings() {
    Anon an = svc.anonWithPage(7);
    VmPage pg = an.page;
    an.ref = 0;
    an.free(svc);
    assertThat(svc.protectedPages).containsExactly(pg);
    assertThat(svc.protections).containsExactly(Prot.NONE);
    assertThat(svc.freedPages).containsExactly(pg);
    assertThat(an.page).isNull();
    assertThat(an.isFreed()).isTrue();
    assertThat(svc.allocator.live(Kind.ANON)).isZero();
  }

  @Test
  void freeOfABusyPageMarksItReleasedAndReleaseFinishes() {
    Anon an = svc.anonWithPage(1);
    VmPage pg = an.page;
    pg.flags |= VmPage.PG_BUSY;
    an.ref = 0;
    an.free(svc);
    assertThat(pg.flags & VmPage.PG_RELEASED).isNotZero();
    assertThat(an.isFreed()).isFalse();
    assertThat(svc.freedPages).isEmpty();
    assertThat(svc.allocator.live(Kind.ANON)).isEqualTo(1);
    // the I/O owner unbusies the page: uvm_anon_release
    an.lock();
    an.release(svc);
    assertThat(an.isLocked()).isFalse();
    assertThat(an.isFreed()).isTrue();
    assertThat(svc.freedPages).containsExactly(pg);
    assertThat(svc.allocator.live(Kind.ANON)).isZero();
  }

  @Test
  void freeOfASwapOnlyAnonDropsTheSlotAndTheSwapOnlyCount() {
    Anon an = svc.anonSwapOnly();
    int slot = an.swslot;
    an.ref = 0;
    an.free(svc);
    assertThat(svc.freedSlots).containsExactly(slot);
    assertThat(svc.swpgonly).isZero();
    assertThat(an.swslot).isZero();
  }

  @Test
  void freeOfAResidentAnonWithASlotFreesBothButIsNotSwapOnly() {
    Anon an = svc.anonWithPage(1);
    int slot = svc.giveSlot(an);
    an.ref = 0;
    an.free(svc);
    assertThat(svc.freedSlots).containsExactly(slot);
    assertThat(svc.swpgonly).isZero();
    assertThat(svc.freedPages).hasSize(1);
  }

  @Test
  void aBadSlotIsForgottenWithoutBeingFreed() {
    Anon an = svc.anon();
    an.swslot = Anon.SWSLOT_BAD;
    an.ref = 0;
    an.free(svc);
    assertThat(svc.freedSlots).isEmpty();
    assertThat(an.swslot).isZero();
    assertThat(svc.swpgonly).isZero();
  }

  @Test
  void anObjectPageLentToTheAnonLosesItsLoanInsteadOfBeingFreed() {
    Anon an = svc.anon();
    VmPage pg = new VmPage(99);
    pg.object = "file";
    pg.loanCount = 1;
    pg.anon = an;
    an.page = pg;
    an.ref = 0;
    an.free(svc);
    assertThat(pg.loanCount).isZero();
    assertThat(pg.anon).isNull();
    assertThat(svc.freedPages).isEmpty();
    assertThat(an.isFreed()).isTrue();
  }

  @Test
  void aLoanedPageWhoseObjectLetGoIsAdoptedThenFreed() {
    Anon an = svc.anonWithPage(3);
    VmPage pg = an.page;
    pg.pqflags = 0; // the object gave it up: no owner, loaned to the anon
    pg.loanCount = 1;
    an.ref = 0;
    an.free(svc);
    assertThat(pg.loanCount).isZero();
    assertThat(svc.freedPages).containsExactly(pg);
  }

  @Test
  void freeChecksItsPreconditions() {
    Anon referenced = svc.anon();
    assertThatThrownBy(() -> referenced.free(svc))
        .isInstanceOf(UvmPanic.class)
        .hasMessageContaining("still referenced");
    Anon locked = svc.anon();
    locked.ref = 0;
    locked.lock();
    assertThatThrownBy(() -> locked.free(svc)).hasMessageContaining("locked by the caller");
    locked.unlock();
    locked.free(svc);
    assertThatThrownBy(() -> locked.free(svc)).hasMessageContaining("already freed");
    Anon released = svc.anonWithPage(1);
    released.page.flags |= VmPage.PG_RELEASED;
    released.ref = 0;
    assertThatThrownBy(() -> released.free(svc)).hasMessageContaining("PG_RELEASED");
  }

  @Test
  void locksAreNotRecursiveAndOwnershipIsChecked() {
    Anon an = svc.anon();
    assertThatThrownBy(an::unlock).hasMessageContaining("not held");
    an.lock();
    assertThatThrownBy(an::lock).hasMessageContaining("against myself");
    assertThatThrownBy(an::tryLock).hasMessageContaining("against myself");
    an.unlock();
    assertThat(an.tryLock()).isTrue();
    an.unlock();
  }

  @Test
  void dropSwapNeedsTheLockWhileReferenced() {
    Anon an = svc.anonWithPage(1);
    int slot = svc.giveSlot(an);
    assertThatThrownBy(() -> an.dropSwap(svc)).hasMessageContaining("neither locked nor dead");
    an.lock();
    an.dropSwap(svc);
    an.dropSwap(svc); // no slot: nothing to do
    an.unlock();
    assertThat(svc.freedSlots).containsExactly(slot);
  }

  @Test
  void releaseChecksItsPreconditions() {
    Anon an = svc.anonWithPage(1);
    an.lock();
    assertThatThrownBy(() -> an.release(svc)).hasMessageContaining("not released");
    an.page.flags |= VmPage.PG_RELEASED;
    assertThatThrownBy(() -> an.release(svc)).hasMessageContaining("not busy");
    an.page.flags |= VmPage.PG_BUSY;
    assertThatThrownBy(() -> an.release(svc)).hasMessageContaining("still referenced");
    an.unlock();
    assertThatThrownBy(() -> an.release(svc)).hasMessageContaining("not locked");
    assertThat(an.toString()).contains("anon#").contains("ref=1");
  }
}
