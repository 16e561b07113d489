package org.uvm4j.uvm.amap;

/**
 * The amap layer's view of one map entry ({@code struct vm_map_entry} as uvm_amap.c uses it): its
 * virtual range, its {@link Aref} and the one entry flag the amap layer changes, {@code
 * UVM_ET_NEEDSCOPY}. Implemented by {@code VmMapEntry}; {@link AmapMap} is the matching view of the
 * map.
 *
 * <p>Invariant kept by the implementation: {@code start() < end()}, both page aligned; the aref's
 * window {@code [pageOffset, pageOffset + (end - start) / PAGE_SIZE)} lies within its amap's {@code
 * nslot} whenever the aref has an amap.
 */
public interface AmapEntry {
  /** First virtual address of the entry ({@code entry->start}). */
  long start();

  /** End of the entry, exclusive ({@code entry->end}). */
  long end();

  /** The entry's anonymous layer ({@code entry->aref}), mutated in place by amap operations. */
  Aref aref();

  /**
   * {@code entry->etype &= ~UVM_ET_NEEDSCOPY}: the entry now has an amap of its own (amap_copy made
   * or took it over).
   */
  void clearNeedsCopy();
}
