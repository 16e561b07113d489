package org.uvm4j.uvm.amap;

import org.uvm4j.uvm.map.VmMapEntry;

/**
 * The map operations {@code amap_copy} needs from the map layer: clipping an entry (which calls
 * {@link Amap#splitref}) and merging it into a neighbour. Implemented by {@code VmMap}.
 */
public interface AmapMap {
  /** UVM_MAP_CLIP_START: split {@code entry} so that it starts at {@code va}. */
  void clipStart(VmMapEntry entry, long va);

  /** UVM_MAP_CLIP_END: split {@code entry} so that it ends at {@code va}. */
  void clipEnd(VmMapEntry entry, long va);

  /**
   * uvm_mapent_trymerge(map, entry, UVM_MERGE_COPYING): merge {@code entry} into an adjacent
   * compatible entry that has a private amap (growing it with {@code Amap.extend}).
   *
   * @return true if the entry was absorbed (it is then off the map)
   */
  boolean tryMergeCopying(VmMapEntry entry);
}
