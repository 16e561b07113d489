package org.uvm4j.uvm.obj;

import org.uvm4j.uvm.page.VmPage;

/**
 * A memory object ({@code struct uvm_object}): the lower layer of a mapping. Its pages are owned by
 * the object and mapped read-only into copy-on-write entries; a writable object ({@link Aobj}) also
 * maps them writable into shared entries.
 */
public interface UvmObject {
  /**
   * pgo_get: the resident page at byte offset {@code offset} (page aligned), reading it in if
   * needed.
   *
   * @return the page, or null when no frame could be allocated
   */
  VmPage getPage(long offset);

  /** Size of the object in bytes (pages past it read as zero). */
  long size();

  /** pgo_reference: one more map entry uses the object. */
  void reference();

  /** pgo_detach: one map entry stopped using it; the last detach frees its pages. */
  void detach();

  /**
   * Whether a shared mapping may write the object's pages (an anonymous object: yes; a file image:
   * no, it has no pager output, so a shared mapping of it loses WRITE from its maximum protection).
   */
  default boolean isWritable() {
    return false;
  }

  /** The page at {@code offset} if it is resident, without reading anything in (audits). */
  default VmPage residentPage(long offset) {
    return getPage(offset);
  }

  /**
   * Whether {@link #getPage} returned null at {@code offset} because the page cannot exist (beyond
   * the object's end, or its data lost to an I/O error) rather than for lack of memory: a fault
   * there gets SIGBUS instead of waiting for memory.
   */
  default boolean isBadPage(long offset) {
    return false;
  }
}
