package org.uvm4j.uvm.pmap;

import org.uvm4j.uvm.page.VmPage;

/** Receives the mappings of a pmap in ascending address order ({@link Pmap#forEach}). */
@FunctionalInterface
public interface MappingVisitor {
  /** One translation: the page at {@code va} is {@code pg}, with {@code prot}, maybe wired. */
  void mapping(long va, VmPage pg, int prot, boolean wired);
}
