package org.uvm4j.uvm.obj;

import org.uvm4j.uvm.page.VmPage;

/**
 * A memory object ({@code struct uvm_object}): the lower layer of a mapping. Its pages are owned by
 * the object and mapped read-only into copy-on-write entries.
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
}
