package org.uvm4j.uvm.amap;

/**
 * The map operations {@code amap_copy} needs from the map layer: clipping an entry (which calls
 * {@link Amap#splitref}) and merging it into a neighbour, and the machine the map belongs to (for a
 * fresh amap). Implemented by {@code VmMap}; {@code E} is its entry type, seen by amap as an {@link
 * AmapEntry}.
 *
 * <p>=> the map is write-locked by the caller of {@code amap_copy} for the whole call.
 */
public interface AmapMap<E extends AmapEntry> {
  /**
   * UVM_MAP_CLIP_START: split {@code entry} so that it starts at {@code va}: the {@code entry}
   * object keeps {@code [va, end)} and a new entry takes {@code [start, va)} (the aref split with
   * {@link Amap#splitref} when there is an amap). Called only with {@code start < va < end}.
   */
  void clipStart(E entry, long va);

  /**
   * UVM_MAP_CLIP_END: split {@code entry} so that it ends at {@code va}: the {@code entry} object
   * keeps {@code [start, va)} and a new entry takes {@code [va, end)}. Called only with {@code
   * start < va < end}.
   */
  void clipEnd(E entry, long va);

  /**
   * uvm_mapent_trymerge(map, entry, UVM_MERGE_COPYING): merge {@code entry} into an adjacent
   * compatible entry that has a private amap (growing it with {@code Amap.extend}).
   *
   * @return true if the entry was absorbed (it is then off the map)
   */
  boolean tryMergeCopying(E entry);

  /** The VM system of the machine this map belongs to (allocates the fresh amap). */
  UvmServices services();
}
