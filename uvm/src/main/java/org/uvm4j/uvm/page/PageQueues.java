package org.uvm4j.uvm.page;

import java.util.concurrent.locks.ReentrantLock;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;

/**
 * The paging queues of the clock policy ({@code uvm_pdpolicy_clock.c}): an active and an inactive
 * queue of pages, intrusive doubly-linked lists through {@link VmPage} (O(1) insert and removal),
 * and the wiring of pages ({@code uvm_pagewire}), under the page-queue lock ({@code
 * uvm_pageqlock}).
 *
 * <p>Invariants: a page is on at most one queue, and {@link VmPage#PQ_ACTIVE}/{@link
 * VmPage#PQ_INACTIVE} say which; a wired page ({@code wireCount > 0}) and a free page are on none;
 * {@code uvmexp.active}, {@code inactive} and {@code wired} equal the queue lengths and the number
 * of wired pages. Every method takes the page-queue lock itself (it is reentrant, so callers that
 * batch may hold it already).
 */
public final class PageQueues {
  private final ReentrantLock lock = new ReentrantLock();
  private final UvmExp exp;

  private VmPage activeHead;
  private VmPage activeTail;
  private VmPage inactiveHead;
  private VmPage inactiveTail;

  /** Empty queues whose lengths are kept in {@code exp.active}, {@code inactive}, {@code wired}. */
  public PageQueues(UvmExp exp) {
    this.exp = exp;
  }

  /** uvm_pageqlock. */
  public ReentrantLock lock() {
    return lock;
  }

  /** Pages on the active queue. */
  public long activeCount() {
    return exp.active;
  }

  /** Pages on the inactive queue. */
  public long inactiveCount() {
    return exp.inactive;
  }

  /** Wired pages. */
  public long wiredCount() {
    return exp.wired;
  }

  /** The least recently activated page on the active queue, or null (page-queue lock held). */
  public VmPage activeHead() {
    Kassert.check(lock.isHeldByCurrentThread(), "PageQueues.activeHead: pageq lock not held");
    return activeHead;
  }

  /** The least recently deactivated page on the inactive queue, or null (lock held). */
  public VmPage inactiveHead() {
    Kassert.check(lock.isHeldByCurrentThread(), "PageQueues.inactiveHead: pageq lock not held");
    return inactiveHead;
  }

  /**
   * uvm_pageactivate: puts {@code pg} at the tail of the active queue (moving it from wherever it
   * was); a wired page is left alone.
   */
  // uvm_page.c: uvm_pageactivate
  public void activate(VmPage pg) {
    lock.lock();
    try {
      checkUsable(pg, "uvm_pageactivate");
      if (pg.wireCount != 0) {
        return;
      }
      // uvm_pdpolicy_clock.c: uvmpdpol_pageactivate
      unlink(pg);
      appendActive(pg);
    } finally {
      lock.unlock();
    }
  }

  /**
   * uvm_pagedeactivate: moves {@code pg} to the tail of the inactive queue (the caller has cleared
   * its reference bit: {@code Uvm.pageDeactivate} does both).
   *
   * <p>=> page not wired.
   */
  // uvm_page.c: uvm_pagedeactivate
  public void deactivate(VmPage pg) {
    lock.lock();
    try {
      checkUsable(pg, "uvm_pagedeactivate");
      Kassert.check(pg.wireCount == 0, "uvm_pagedeactivate: page is wired");
      // uvm_pdpolicy_clock.c: uvmpdpol_pagedeactivate
      if ((pg.pqflags & VmPage.PQ_ACTIVE) != 0) {
        unlink(pg);
      }
      if ((pg.pqflags & VmPage.PQ_INACTIVE) == 0) {
        appendInactive(pg);
      }
    } finally {
      lock.unlock();
    }
  }

  /** uvm_pageenqueue: queue {@code pg} without demanding it (clock: activate) unless wired. */
  // uvm_page.c: uvm_pageenqueue
  public void enqueue(VmPage pg) {
    lock.lock();
    try {
      checkUsable(pg, "uvm_pageenqueue");
      if (pg.wireCount != 0 || (pg.pqflags & VmPage.PQ_QUEUED) != 0) {
        return;
      }
      appendActive(pg);
    } finally {
      lock.unlock();
    }
  }

  /** uvm_pagedequeue: removes {@code pg} from whichever paging queue it is on (if any). */
  // uvm_page.c: uvm_pagedequeue
  public void dequeue(VmPage pg) {
    lock.lock();
    try {
      unlink(pg);
    } finally {
      lock.unlock();
    }
  }

  /** uvm_pagewire: one more wiring; the first takes the page off the paging queues. */
  // uvm_page.c: uvm_pagewire
  public void wire(VmPage pg) {
    lock.lock();
    try {
      checkUsable(pg, "uvm_pagewire");
      if (pg.wireCount == 0) {
        unlink(pg);
        exp.wired++;
      }
      pg.wireCount++;
    } finally {
      lock.unlock();
    }
  }

  /** uvm_pageunwire: one wiring less; the last puts the page on the active queue. */
  // uvm_page.c: uvm_pageunwire
  public void unwire(VmPage pg) {
    lock.lock();
    try {
      checkUsable(pg, "uvm_pageunwire");
      Kassert.check(pg.wireCount > 0, "uvm_pageunwire: page not wired");
      pg.wireCount--;
      if (pg.wireCount == 0) {
        appendActive(pg);
        exp.wired--;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Forgets the wiring of a page being freed ({@code uvm_pagefree}: "if the page was wired, unwire
   * it now") without queueing it.
   */
  public void dropWiring(VmPage pg) {
    lock.lock();
    try {
      if (pg.wireCount != 0) {
        pg.wireCount = 0;
        exp.wired--;
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Walks both queues and checks links, flags and counts.
   *
   * @throws UvmPanic naming the first inconsistency
   */
  public void check() {
    lock.lock();
    try {
      long n = walk(activeHead, activeTail, VmPage.PQ_ACTIVE, "active");
      Kassert.check(n == exp.active, "PageQueues.check: active count " + exp.active + " != " + n);
      n = walk(inactiveHead, inactiveTail, VmPage.PQ_INACTIVE, "inactive");
      Kassert.check(
          n == exp.inactive, "PageQueues.check: inactive count " + exp.inactive + " != " + n);
    } finally {
      lock.unlock();
    }
  }

  private long walk(VmPage head, VmPage tail, int flag, String name) {
    long n = 0;
    VmPage prev = null;
    for (VmPage pg = head; pg != null; pg = pg.pqNext) {
      Kassert.check(pg.pqPrev == prev, "PageQueues.check: broken back link on " + name);
      Kassert.check(
          (pg.pqflags & VmPage.PQ_QUEUED) == flag,
          "PageQueues.check: page on the " + name + " queue has pqflags " + pg.pqflags);
      Kassert.check(pg.wireCount == 0, "PageQueues.check: wired page on the " + name + " queue");
      prev = pg;
      n++;
      Kassert.check(n <= Integer.MAX_VALUE, "PageQueues.check: cycle on " + name);
    }
    Kassert.check(prev == tail, "PageQueues.check: tail of " + name + " is wrong");
    return n;
  }

  /** KASSERT that {@code pg} is not free; the message is built only when it fails (fault path). */
  private static void checkUsable(VmPage pg, String what) {
    if ((pg.pqflags & VmPage.PQ_FREE) != 0) {
      Kassert.check(false, what + ": page is free");
    }
  }

  private void appendActive(VmPage pg) {
    pg.pqPrev = activeTail;
    pg.pqNext = null;
    if (activeTail == null) {
      activeHead = pg;
    } else {
      activeTail.pqNext = pg;
    }
    activeTail = pg;
    pg.pqflags |= VmPage.PQ_ACTIVE;
    exp.active++;
  }

  private void appendInactive(VmPage pg) {
    pg.pqPrev = inactiveTail;
    pg.pqNext = null;
    if (inactiveTail == null) {
      inactiveHead = pg;
    } else {
      inactiveTail.pqNext = pg;
    }
    inactiveTail = pg;
    pg.pqflags |= VmPage.PQ_INACTIVE;
    exp.inactive++;
  }

  /** Removes {@code pg} from its queue, if any (page-queue lock held). */
  private void unlink(VmPage pg) {
    int q = pg.pqflags & VmPage.PQ_QUEUED;
    if (q == 0) {
      return;
    }
    VmPage prev = pg.pqPrev;
    VmPage next = pg.pqNext;
    if (q == VmPage.PQ_ACTIVE) {
      if (prev == null) {
        activeHead = next;
      } else {
        prev.pqNext = next;
      }
      if (next == null) {
        activeTail = prev;
      } else {
        next.pqPrev = prev;
      }
      exp.active--;
    } else {
      Kassert.check(q == VmPage.PQ_INACTIVE, "PageQueues: page on both queues");
      if (prev == null) {
        inactiveHead = next;
      } else {
        prev.pqNext = next;
      }
      if (next == null) {
        inactiveTail = prev;
      } else {
        next.pqPrev = prev;
      }
      exp.inactive--;
    }
    pg.pqPrev = null;
    pg.pqNext = null;
    pg.pqflags &= ~VmPage.PQ_QUEUED;
  }
}
