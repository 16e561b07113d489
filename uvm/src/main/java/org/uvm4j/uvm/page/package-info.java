/**
 * Physical memory ({@code uvm_page.c}, {@code uvm_pdpolicy_clock.c}): the lazy frame store with its
 * free list and allocation frontier ({@link org.uvm4j.uvm.page.PhysMem}) over regions of host
 * memory from a {@link org.uvm4j.uvm.page.RamBacking} ({@link org.uvm4j.uvm.page.DirectRamBacking}
 * in pure Java; the bridge supplies an mmap one), one {@link org.uvm4j.uvm.page.VmPage} per frame
 * ever used, and the active/inactive paging queues ({@link org.uvm4j.uvm.page.PageQueues}).
 *
 * <p>Invariants: every frame below the allocation frontier is either on the free list ({@code
 * PQ_FREE}, no owner, no mapping) or owned; frames from the frontier up were never used and are
 * free without a record; a page is on at most one paging queue, and a wired page on none. A page's
 * {@code flags} and owner fields belong to its owner's lock (the anon's or the object's); queue
 * membership, {@code pqflags} and {@code wireCount} to the page-queue lock; the lock order is
 * stated in docs/design.md ("Locking"). A busy page ({@code PG_BUSY}) is owned by whoever set it;
 * others sleep on it with {@link org.uvm4j.uvm.page.VmPage#unlockAndWait} and are woken by {@link
 * org.uvm4j.uvm.page.VmPage#wakeup}.
 *
 * <p>Layer 2 of docs/design.md ("Layering"): may import only the vocabulary ({@code
 * org.uvm4j.uvm}). The layers above that a page points to are named by what this layer needs of
 * them: the owning anon through {@link org.uvm4j.uvm.page.PageAnon} ({@code vm_page.uanon}), the
 * owning object as an opaque reference, and the pmap's per-page data ({@code vm_page_md}) through
 * {@link org.uvm4j.uvm.page.VmPageMd}, whose contents the pmap keeps.
 */
package org.uvm4j.uvm.page;
