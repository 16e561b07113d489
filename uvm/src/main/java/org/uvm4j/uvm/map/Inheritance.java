package org.uvm4j.uvm.map;

/** What a child gets of a map entry at fork ({@code MAP_INHERIT_*}). */
public enum Inheritance {
  /** MAP_INHERIT_SHARE: parent and child share the same anons (amap_ref with AMAP_SHARED). */
  SHARE,
  /** MAP_INHERIT_COPY: copy-on-write copy (the default). */
  COPY,
  /** MAP_INHERIT_NONE: the child has nothing there (MADV_DONTFORK). */
  NONE,
  /** MAP_INHERIT_ZERO: the child gets fresh zero-fill memory (MADV_WIPEONFORK). */
  ZERO
}
