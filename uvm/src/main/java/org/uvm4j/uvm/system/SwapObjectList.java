package org.uvm4j.uvm.system;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmExp;

/**
 * The machine's list of live anonymous objects ({@code uao_list} with {@code uao_list_lock}):
 * swap-off walks it to page object data back in, the audits walk it to account for every object
 * page and slot.
 *
 * <p>Invariant: an object is on the list from {@code uao_create} until its {@code uao_free}, and
 * {@code uvmexp.aobjs} is the list's length. The list lock is a leaf: no object lock is taken while
 * it is held (the walk copies the list first).
 */
public final class SwapObjectList {
  private final ReentrantLock lock = new ReentrantLock();
  private final Set<SwapObject> objects = Collections.newSetFromMap(new IdentityHashMap<>());
  private final UvmExp exp;

  SwapObjectList(UvmExp exp) {
    this.exp = exp;
  }

  /** uao_create's {@code LIST_INSERT_HEAD(&uao_list, ...)}. */
  public void insert(SwapObject o) {
    lock.lock();
    try {
      Kassert.check(objects.add(o), "uao_list: object inserted twice");
      exp.aobjs++;
    } finally {
      lock.unlock();
    }
  }

  /** uao_free's {@code LIST_REMOVE}. */
  public void remove(SwapObject o) {
    lock.lock();
    try {
      Kassert.check(objects.remove(o), "uao_list: removing an object not on the list");
      exp.aobjs--;
    } finally {
      lock.unlock();
    }
  }

  /** A copy of the list (for walks that take object locks). */
  public List<SwapObject> objects() {
    lock.lock();
    try {
      return new ArrayList<>(objects);
    } finally {
      lock.unlock();
    }
  }

  /**
   * uao_swap_off: pages in every object page whose slot lies in {@code [startSlot, endSlot)}.
   *
   * @return true if it failed (no memory for a page-in)
   */
  // uvm_aobj.c: uao_swap_off
  public boolean swapOff(int startSlot, int endSlot) {
    for (SwapObject o : objects()) {
      if (o.pagein(startSlot, endSlot)) {
        return true;
      }
    }
    return false;
  }
}
