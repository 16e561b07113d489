package org.uvm4j.uvm.page;

/**
 * The anon that owns a page ({@code vm_page.uanon}) as the page layer sees it: something with a
 * lock. The page layer sits beneath the amap layer, so it names the owner through this interface;
 * the amap layer's {@code Anon} is its only implementation, and code above the amap layer gets the
 * typed owner of a page with {@code Anon.owner(pg)}.
 */
public interface PageAnon {
  /** mutex_owned(&anon->an_lock): held by the calling thread. */
  boolean isLocked();

  /** mutex_exit(&anon->an_lock). */
  void unlock();
}
