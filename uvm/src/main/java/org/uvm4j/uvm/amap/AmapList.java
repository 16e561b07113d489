package org.uvm4j.uvm.amap;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.uvm4j.uvm.Kassert;

/**
 * One machine's global list of amaps ({@code amap_list}, protected by {@code amap_list_lock}).
 *
 * <p>Every amap made by {@code amap_alloc} or {@code amap_copy} is on it from creation until {@code
 * amap_wipeout}; only {@code amap_swap_off} walks it, with two marker amaps so that the walk
 * survives insertions and removals while the list lock is dropped. A doubly linked list through
 * {@link Amap#listPrev}/{@link Amap#listNext} with a sentinel head, inserting at the head as {@code
 * LIST_INSERT_HEAD} does.
 *
 * <p>The list lock's place in the lock order is stated in docs/design.md ("Locking").
 */
public final class AmapList {
  private final ReentrantLock lock = new ReentrantLock();
  private final Amap head = Amap.marker();
  private int count;

  /** uvm_amap_init: an empty list. */
  // uvm_amap.c: uvm_amap_init
  public AmapList() {
    head.listNext = head;
    head.listPrev = head;
  }

  /** mutex_enter(&amap_list_lock). */
  public void lock() {
    Kassert.check(!lock.isHeldByCurrentThread(), "amap_list_lock: locking against myself");
    lock.lock();
  }

  /** mutex_exit(&amap_list_lock). */
  public void unlock() {
    Kassert.check(lock.isHeldByCurrentThread(), "amap_list_lock: unlocking a lock not held");
    lock.unlock();
  }

  /** mutex_owned(&amap_list_lock). */
  public boolean isLocked() {
    return lock.isHeldByCurrentThread();
  }

  /** amap_list_insert: put {@code amap} at the head of the list. */
  // uvm_amap.c: amap_list_insert
  void insert(Amap amap) {
    lock();
    try {
      insertAfter(head, amap);
    } finally {
      unlock();
    }
  }

  /** amap_list_remove: take {@code amap} off the list. */
  // uvm_amap.c: amap_list_remove
  void remove(Amap amap) {
    lock();
    try {
      unlink(amap);
    } finally {
      unlock();
    }
  }

  /** Number of amaps on the list (markers excluded). */
  public int size() {
    lock();
    try {
      return count;
    } finally {
      unlock();
    }
  }

  /** The amaps on the list, head first, markers excluded (for audits and tests). */
  public List<Amap> amaps() {
    lock();
    try {
      List<Amap> out = new ArrayList<>(count);
      for (Amap am = head.listNext; am != head; am = am.listNext) {
        if (!am.isMarker()) {
          out.add(am);
        }
      }
      return out;
    } finally {
      unlock();
    }
  }

  /** True if {@code amap} is on this list. */
  public boolean contains(Amap amap) {
    lock();
    try {
      for (Amap am = head.listNext; am != head; am = am.listNext) {
        if (am == amap) {
          return true;
        }
      }
      return false;
    } finally {
      unlock();
    }
  }

  // ---- primitives for amap_swap_off; list lock held --------------------------------------------

  /** LIST_FIRST, or null for an empty list. */
  Amap first() {
    Kassert.check(lock.isHeldByCurrentThread(), "amap_list: LIST_FIRST without the lock");
    return head.listNext == head ? null : head.listNext;
  }

  /** LIST_NEXT, or null at the end. */
  Amap next(Amap am) {
    Kassert.check(lock.isHeldByCurrentThread(), "amap_list: LIST_NEXT without the lock");
    Kassert.check(am.listNext != null, "amap_list: LIST_NEXT of an amap not on the list");
    return am.listNext == head ? null : am.listNext;
  }

  /** LIST_INSERT_BEFORE. */
  void insertBefore(Amap listed, Amap amap) {
    Kassert.check(lock.isHeldByCurrentThread(), "amap_list: insert without the lock");
    insertAfter(listed.listPrev, amap);
  }

  /** LIST_INSERT_AFTER (also the head insert). */
  void insertAfter(Amap listed, Amap amap) {
    Kassert.check(lock.isHeldByCurrentThread(), "amap_list: insert without the lock");
    Kassert.check(amap.listNext == null && amap.listPrev == null, "amap_list: already listed");
    amap.listPrev = listed;
    amap.listNext = listed.listNext;
    listed.listNext.listPrev = amap;
    listed.listNext = amap;
    if (!amap.isMarker()) {
      count++;
    }
  }

  /** LIST_REMOVE. */
  void unlink(Amap amap) {
    Kassert.check(lock.isHeldByCurrentThread(), "amap_list: remove without the lock");
    Kassert.check(amap.listNext != null && amap.listPrev != null, "amap_list: not listed");
    amap.listPrev.listNext = amap.listNext;
    amap.listNext.listPrev = amap.listPrev;
    amap.listNext = null;
    amap.listPrev = null;
    if (!amap.isMarker()) {
      count--;
    }
  }
}
