package org.uvm4j.uvm.map;

import org.uvm4j.uvm.amap.Aref;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * One mapping of a {@code VmMap} ({@code struct vm_map_entry}): the half-open page-aligned range
 * {@code [start, end)}, its anonymous layer ({@link #aref}) and optional object layer.
 *
 * <p>Invariant: {@link #NEEDSCOPY} implies {@link #COPYONWRITE}; the aref's window {@code
 * [pageOffset, pageOffset + pages)} lies within the amap's {@code nslot}.
 */
public final class VmMapEntry {
  /** UVM_ET_OBJ: the entry maps an object. */
  public static final int OBJ = 0x01;

  /** UVM_ET_COPYONWRITE: private mapping; writes go to the entry's own amap. */
  public static final int COPYONWRITE = 0x04;

  /** UVM_ET_NEEDSCOPY: the amap is not private yet; amap_copy before writing. */
  public static final int NEEDSCOPY = 0x08;

  public long start;
  public long end;
  public final Aref aref = new Aref();
  public UvmObject object;
  public long offset;
  public int etype;
  public int protection;
  public int maxProtection;
  public Inheritance inheritance = Inheritance.COPY;
  public int advice;
  public int wiredCount;

  /** Number of pages in the entry. */
  public int pages() {
    return (int) ((end - start) >>> 12);
  }

  public boolean needsCopy() {
    return (etype & NEEDSCOPY) != 0;
  }

  public boolean copyOnWrite() {
    return (etype & COPYONWRITE) != 0;
  }

  public boolean isWired() {
    return wiredCount != 0;
  }
}
