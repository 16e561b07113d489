/**
 * Physical memory ({@code uvm_page.c}, {@code uvm_pdpolicy_clock.c}): the lazy frame store with its
 * free list and allocation frontier ({@link org.uvm4j.uvm.page.PhysMem}) over regions of host
 * memory from a {@link org.uvm4j.uvm.page.RamBacking} ({@link org.uvm4j.uvm.page.DirectRamBacking}
 * in pure Java; the bridge supplies an mmap one), one {@link org.uvm4j.uvm.page.VmPage} per frame
 * ever used, and the active/inactive paging queues ({@link org.uvm4j.uvm.page.PageQueues}).
 *
 * <p>Locking, as in NetBSD: a page's {@code flags} and owner fields belong to its owner's lock (the
 * anon lock or the object lock); queue membership, {@code pqflags} and {@code wireCount} to the
 * page-queue lock; the free list to the page-queue lock too (NetBSD's separate {@code
 * uvm_fpageqlock} is not needed with one CPU thread). Lock order: map, amap, object, anon, page
 * queues. A busy page ({@code PG_BUSY}) is owned by whoever set it; others sleep on it with {@link
 * org.uvm4j.uvm.page.VmPage#unlockAndWait} and are woken by {@link
 * org.uvm4j.uvm.page.VmPage#wakeup}.
 */
package org.uvm4j.uvm.page;
