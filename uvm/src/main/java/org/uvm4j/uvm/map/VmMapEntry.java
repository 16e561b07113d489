package org.uvm4j.uvm.map;

import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.amap.AmapEntry;
import org.uvm4j.uvm.amap.Aref;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * One mapping of a {@code VmMap} ({@code struct vm_map_entry}): the half-open page-aligned range
 * {@code [start, end)}, its anonymous layer ({@link #aref}) and optional object layer.
 *
 * <p>Invariant: {@link #NEEDSCOPY} implies {@link #COPYONWRITE}; the aref's window {@code
 * [pageOffset, pageOffset + pages)} lies within the amap's {@code nslot}; {@link #OBJ} is set iff
 * {@link #object} is non-null; {@code protection ⊆ maxProtection}.
 */
public final class VmMapEntry implements AmapEntry {
  /** UVM_ET_OBJ: the entry maps an object. */
  public static final int OBJ = 0x01;

  /** UVM_ET_COPYONWRITE: private mapping; writes go to the entry's own amap. */
  public static final int COPYONWRITE = 0x04;

  /** UVM_ET_NEEDSCOPY: the amap is not private yet; amap_copy before writing. */
  public static final int NEEDSCOPY = 0x08;

  /** UVM_MAP_NOMERGE (in {@link #flags}): never merge this entry with a neighbour. */
  public static final int NOMERGE = 0x10;

  /**
   * Sealed (Linux's {@code VM_SEALED}, mseal): the entry cannot be unmapped, moved, resized,
   * reprotected or discarded; kept by clipping, moving and fork.
   */
  public static final int SEALED = 0x20;

  /**
   * Locked on fault (Linux's {@code VM_LOCKONFAULT}, mlock2 MLOCK_ONFAULT): the range counts as
   * locked but nothing is faulted in or wired by the lock; not inherited by fork.
   */
  public static final int LOCKONFAULT = 0x40;

  /**
   * Grows down (Linux's {@code VM_GROWSDOWN}): the process's stack; a fault in the free space just
   * below it extends it ({@link Vmspace#grow}).
   */
  public static final int GROWSDOWN = 0x80;

  /** The flags two entries must share to be one mapping. */
  static final int ATTRIBUTE_FLAGS = SEALED | LOCKONFAULT | GROWSDOWN;

  /**
   * Estimated heap bytes of an entry on a map (the object and its aref), charged to the machine's
   * metadata budget while it is on a map's tree.
   */
  public static final long BYTES =
      org.uvm4j.uvm.MetadataBudget.object(96) + org.uvm4j.uvm.MetadataBudget.object(8);

  public long start;
  public long end;
  public final Aref aref = new Aref();
  public UvmObject object;
  public long offset;
  public int etype;
  public int protection;
  public int maxProtection;
  public Inheritance inheritance = Inheritance.COPY;

  /** UVM_ADV_* value ({@link Advice}). */
  public int advice;

  public int wiredCount;

  /** UVM_MAP_* flags ({@link #NOMERGE}). */
  public int flags;

  /**
   * The entry's memory policy (Linux's {@code vm_policy}, set by mbind), or null for the default
   * policy; an immutable value the map only carries ({@link EntryPolicy}).
   */
  public EntryPolicy policy;

  // The map's tree and list links (EntryTree's; never copied by duplicate()).
  VmMapEntry left;
  VmMapEntry right;
  VmMapEntry prevEntry;
  VmMapEntry nextEntry;
  int height;

  /** uvm_rb_gap: free bytes after this entry (to the next entry or the map's end). */
  long gap;

  /** uvm_rb_maxgap: the largest {@link #gap} in this entry's subtree. */
  long maxGap;

  @Override
  public long start() {
    return start;
  }

  @Override
  public long end() {
    return end;
  }

  @Override
  public Aref aref() {
    return aref;
  }

  /** Clears {@link #NEEDSCOPY} (amap_copy gave the entry an amap of its own). */
  @Override
  public void clearNeedsCopy() {
    etype &= ~NEEDSCOPY;
  }

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

  /** Grows down ({@link #GROWSDOWN}). */
  public boolean growsDown() {
    return (flags & GROWSDOWN) != 0;
  }

  /** Sealed by mseal ({@link #SEALED}). */
  public boolean isSealed() {
    return (flags & SEALED) != 0;
  }

  /** Wired, or locked on fault ({@link #LOCKONFAULT}): what Linux counts as locked memory. */
  public boolean isLocked() {
    return wiredCount != 0 || (flags & LOCKONFAULT) != 0;
  }

  /** True for a MAP_SHARED mapping (writes reach the amap or object every sharer sees). */
  public boolean isSharedMapping() {
    return (etype & COPYONWRITE) == 0;
  }

  /**
   * The protection the pmap may grant for a page of the object layer: {@code MASK(entry)} strips
   * WRITE from copy-on-write entries, whose writes must land in their amap.
   */
  public int objectMask() {
    return copyOnWrite() ? protection & ~Prot.WRITE : protection;
  }

  /** Byte offset of {@code va} from the entry start (the amap and object lookup offset). */
  public long offsetOf(long va) {
    return va - start;
  }

  /** A field-by-field copy (the C structure assignment {@code *new = *old}). */
  public VmMapEntry duplicate() {
    VmMapEntry e = new VmMapEntry();
    e.start = start;
    e.end = end;
    e.aref.copyFrom(aref);
    e.object = object;
    e.offset = offset;
    e.etype = etype;
    e.protection = protection;
    e.maxProtection = maxProtection;
    e.inheritance = inheritance;
    e.advice = advice;
    e.wiredCount = wiredCount;
    e.flags = flags;
    e.policy = policy;
    return e;
  }

  /**
   * UVM_ET_ISCOMPATIBLE: whether {@code other} may be merged with this entry as far as the
   * attributes go (same type, object, protections, inheritance, advice, wiring, merge flags, and
   * memory policy: Linux's vma_merge requires {@code mpol_equal}). Adjacency, object-offset
   * continuity and the amaps are the caller's business.
   */
  public boolean isCompatible(VmMapEntry other) {
    return etype == other.etype
        && object == other.object
        && protection == other.protection
        && maxProtection == other.maxProtection
        && inheritance == other.inheritance
        && advice == other.advice
        && wiredCount == other.wiredCount
        && (flags & ATTRIBUTE_FLAGS) == (other.flags & ATTRIBUTE_FLAGS)
        && samePolicy(other)
        && (flags & NOMERGE) == 0
        && (other.flags & NOMERGE) == 0;
  }

  /** Whether {@code other} has this entry's memory policy ({@code mpol_equal}; null is default). */
  public boolean samePolicy(VmMapEntry other) {
    return java.util.Objects.equals(policy, other.policy);
  }

  @Override
  public String toString() {
    return String.format(
        "%x-%x %s%s%s%s amap=%s+%d obj=%s+%x %s wired=%d",
        start,
        end,
        Prot.toString(protection),
        copyOnWrite() ? "p" : "s",
        needsCopy() ? "N" : "",
        "/" + Prot.toString(maxProtection),
        aref.amap == null ? "-" : Integer.toHexString(System.identityHashCode(aref.amap)),
        aref.pageOffset,
        object == null ? "-" : object.getClass().getSimpleName(),
        offset,
        inheritance,
        wiredCount);
  }
}
