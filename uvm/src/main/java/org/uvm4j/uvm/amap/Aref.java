package org.uvm4j.uvm.amap;

/**
 * An anonymous-memory reference ({@code struct vm_aref}), embedded in each map entry: entry page
 * {@code i} lives in slot {@code pageOffset + i} of {@link #amap}. Protected by the owning map's
 * lock.
 */
public final class Aref {
  /** ar_pageoff: first slot of the amap used by the entry. */
  public int pageOffset;

  /** ar_amap: the amap, or null while the entry has no anonymous layer yet. */
  public Amap amap;

  /** Copies {@code other} into this aref (the C code's structure assignment). */
  public void copyFrom(Aref other) {
    this.pageOffset = other.pageOffset;
    this.amap = other.amap;
  }
}
