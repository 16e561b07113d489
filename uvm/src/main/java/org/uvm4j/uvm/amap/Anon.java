package org.uvm4j.uvm.amap;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.page.PageAnon;
import org.uvm4j.uvm.page.VmPage;

/**
 * An anonymous page ({@code struct vm_anon}): resident ({@link #page} set), resident with a swap
 * copy, or swap only ({@link #swslot} set, no page).
 *
 * <p>Invariant: {@link #ref} equals the number of amap slots, over all amaps, that point at this
 * anon; an anon whose count reaches zero is freed ({@link #free}). {@code ref}, {@code page} and
 * {@code swslot} are protected by the anon's own lock (NB5: {@code an_lock}); {@code swslot} may be
 * read without it while the page is held busy.
 */
public final class Anon implements PageAnon {
  /** SWSLOT_BAD: the swap copy was destroyed by an I/O error (the slot stays allocated). */
  public static final int SWSLOT_BAD = -1;

  /** an_ref: number of amap slots pointing here. */
  public int ref;

  /** an_page: resident page, or null. */
  public VmPage page;

  /** an_swslot: swap slot, 0 for none, {@link #SWSLOT_BAD} after an I/O error. */
  public int swslot;

  /**
   * an_lock, folded into the anon: the thread that holds it, or null. A test-and-set mutex on this
   * word (VarHandle CAS; waiters spin and yield) instead of a {@code ReentrantLock} object: the
   * seed's per-anon lock discipline is kept (every {@code mutex_enter}/{@code mutex_owned} of NB5),
   * and an anon costs one object (40 B with compressed oops) instead of three (88 B).
   */
  private volatile Thread owner;

  private static final VarHandle OWNER;

  static {
    try {
      OWNER = MethodHandles.lookup().findVarHandle(Anon.class, "owner", Thread.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final int id;

  /** Set when the anon went back to the pool; a freed anon must be unreachable. */
  private boolean freed;

  /**
   * The anon that owns {@code pg} ({@code pg->uanon}), or null. The page layer types the link by
   * {@link PageAnon}; every owner it holds is an anon set by {@code uvm_pagealloc}.
   */
  public static Anon owner(VmPage pg) {
    return (Anon) pg.anon;
  }

  /** A blank anon ({@code an_ref 0}, no page, no slot); only the allocator makes these. */
  Anon(int id) {
    this.id = id;
  }

  /** A small id, stable for the anon's life and unique within its machine (for tracing). */
  public int id() {
    return id;
  }

  /** True once the anon has been returned to its pool. */
  public boolean isFreed() {
    return freed;
  }

  /** mutex_enter(&anon->an_lock). Panics if this thread already holds it (not recursive). */
  public void lock() {
    Thread me = Thread.currentThread();
    Kassert.check(owner != me, "anon lock: locking against myself");
    while (!OWNER.compareAndSet(this, null, me)) {
      Thread.onSpinWait();
      Thread.yield();
    }
  }

  /** mutex_tryenter(&anon->an_lock). */
  public boolean tryLock() {
    Thread me = Thread.currentThread();
    Kassert.check(owner != me, "anon lock: try-locking against myself");
    return OWNER.compareAndSet(this, null, me);
  }

  /** mutex_exit(&anon->an_lock). Panics unless this thread holds it. */
  @Override
  public void unlock() {
    Kassert.check(owner == Thread.currentThread(), "anon lock: unlocking a lock not held");
    owner = null; // volatile write: releases what was done under the lock
  }

  /** mutex_owned(&anon->an_lock): held by the calling thread. */
  @Override
  public boolean isLocked() {
    return owner == Thread.currentThread();
  }

  /**
   * uvm_analloc: allocate an anon from the pool.
   *
   * <p>=> never sleeps (NOWAIT pool get). <br>
   * => returns the anon <b>locked</b> (NB5), with {@code ref == 1}, no page and no swap slot; or
   * null when the pool is empty.
   */
  // uvm_anon.c: uvm_analloc
  public static Anon alloc(UvmServices svc) {
    Anon anon = svc.allocator().anonStruct();
    if (anon == null) {
      return null;
    }
    anon.ref = 1;
    anon.lock();
    return anon;
  }

  /**
   * uvm_anfree: free this anon and its resources (page and swap slot).
   *
   * <p>=> {@code ref == 0}; the anon is unlocked and already removed from every amap. <br>
   * => a page that an object lends to the anon (O→A loan) loses its loan instead of being freed.
   * <br>
   * => if the page is busy (someone is doing I/O on it) it is marked {@code PG_RELEASED} and the
   * anon stays allocated: whoever unbusies the page calls {@link #release}, which finishes the job.
   */
  // uvm_anon.c: uvm_anfree
  public void free(UvmServices svc) {
    Kassert.check(ref == 0, "uvm_anfree: anon still referenced");
    Kassert.check(!isLocked(), "uvm_anfree: anon locked by the caller");
    Kassert.check(!freed, "uvm_anfree: anon already freed");

    VmPage pg = page;
    if (pg != null && pg.loanCount != 0) {
      lock();
      pg = lockLoanPg();
      unlock();
    }
    if (pg != null) {
      if (pg.object != null) {
        // the page belongs to an object that lent it to us: drop the loan, keep the page
        Kassert.check(pg.loanCount > 0, "uvm_anfree: object page without a loan");
        pg.loanCount--;
        pg.anon = null;
        page = null;
      } else {
        Kassert.check((pg.flags & VmPage.PG_RELEASED) == 0, "uvm_anfree: page already PG_RELEASED");
        lock();
        svc.pageProtect(pg, Prot.NONE);
        if ((pg.flags & VmPage.PG_BUSY) != 0) {
          // the I/O owner frees page and anon (uvm_anon_release) when it unbusies the page
          pg.flags |= VmPage.PG_RELEASED;
          unlock();
          return;
        }
        svc.pageFree(pg);
        page = null;
        unlock();
      }
    }
    if (pg == null && swslot > 0) {
      // this page is no longer only in swap
      svc.swapOnlyFreed();
    }
    dropSwap(svc);
    Kassert.check(page == null, "uvm_anfree: page still attached");
    Kassert.check(swslot == 0, "uvm_anfree: swap slot still attached");
    freed = true;
    svc.allocator().free(AmapAllocator.Kind.ANON, 1);
  }

  /**
   * uvm_anon_dropswap: release the anon's swap slot, if any.
   *
   * <p>=> anon locked, or no longer referenced. A {@link #SWSLOT_BAD} slot is forgotten without
   * being freed (bad slots stay allocated forever, as in {@code uvm_swap_free}).
   */
  // uvm_anon.c: uvm_anon_dropswap
  public void dropSwap(UvmServices svc) {
    Kassert.check(ref == 0 || isLocked(), "uvm_anon_dropswap: anon neither locked nor dead");
    if (swslot == 0) {
      return;
    }
    if (swslot > 0) {
      svc.swapFree(swslot);
    }
    swslot = 0;
  }

  /**
   * uvm_anon_release: finish freeing a dead anon whose page was busy when {@link #free} ran.
   *
   * <p>=> anon locked (unlocked on return); {@code ref == 0}; the page is busy, released, owned by
   * this anon and not loaned.
   */
  // uvm_anon.c: uvm_anon_release
  public void release(UvmServices svc) {
    VmPage pg = page;
    Kassert.check(isLocked(), "uvm_anon_release: anon not locked");
    Kassert.check(pg != null, "uvm_anon_release: no page");
    Kassert.check((pg.flags & VmPage.PG_RELEASED) != 0, "uvm_anon_release: page not released");
    Kassert.check((pg.flags & VmPage.PG_BUSY) != 0, "uvm_anon_release: page not busy");
    Kassert.check(pg.object == null, "uvm_anon_release: page owned by an object");
    Kassert.check(pg.anon == this, "uvm_anon_release: page not owned by this anon");
    Kassert.check(pg.loanCount == 0, "uvm_anon_release: page loaned");
    Kassert.check(ref == 0, "uvm_anon_release: anon still referenced");
    svc.pageFree(pg);
    page = null;
    unlock();
    free(svc);
  }

  /**
   * uvm_anon_lockloanpg: find the real owner of a loaned page. A page whose object gave it up (no
   * object, no {@code PQ_ANON}) is adopted by the anon. With one CPU thread the object needs no
   * try-lock loop.
   *
   * <p>=> anon locked. <br>
   * => returns the page (possibly null).
   */
  // uvm_anon.c: uvm_anon_lockloanpg
  private VmPage lockLoanPg() {
    Kassert.check(isLocked(), "uvm_anon_lockloanpg: anon not locked");
    VmPage pg = page;
    if (pg != null && pg.object == null && pg.loanCount > 0 && (pg.pqflags & VmPage.PQ_ANON) == 0) {
      // the object dropped ownership: the anon takes the page over
      pg.pqflags |= VmPage.PQ_ANON;
      pg.loanCount--;
    }
    return pg;
  }

  @Override
  public String toString() {
    return "anon#"
        + id
        + "(ref="
        + ref
        + (page != null ? ", page=" + page.frame : "")
        + ", slot="
        + swslot
        + ")";
  }
}
