package org.uvm4j.uvm.map;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.amap.AmapMap;
import org.uvm4j.uvm.amap.UvmServices;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.pmap.Pmap;

/**
 * An address map ({@code struct vm_map}): the ordered, non-overlapping entries of one address space
 * in an {@link EntryTree} (NetBSD's entry tree augmented with free space, threaded by the entry
 * list), plus NetBSD's one-entry lookup hint. Lookup, insertion, removal, clipping, merging and the
 * free-space search are O(log n); the range operations (unmap, protect, inherit, advice) are O(log
 * n + entries in the range).
 *
 * <p>Invariants (checked by {@link #check()}): entries are page aligned, non-empty, disjoint and
 * inside {@code [minOffset, maxOffset)}; the tree's own invariants hold ({@link EntryTree}); {@link
 * #size()} is the sum of their lengths; NEEDSCOPY implies COPYONWRITE.
 *
 * <p>Locking: the map lock ({@link #lock()}) is the first lock of UVM's order (docs/design.md,
 * "Locking"). Every write unlock bumps the {@link #timestamp()} (NetBSD's map version).
 */
public final class VmMap implements AmapMap<VmMapEntry> {
  private static final Logger log = LogManager.getLogger("uvm.map");

  /** Page size (bytes). */
  public static final long PAGE_SIZE = 4096;

  /** UVM_FLAG_COPYONW: private (copy-on-write) mapping. */
  public static final int FLAG_COPYONW = 0x01;

  /** UVM_FLAG_OVERLAY: allocate the amap now (shared anonymous memory, brk). */
  public static final int FLAG_OVERLAY = 0x02;

  /** UVM_FLAG_AMAPPAD: pad the new amap by UVM_AMAP_CHUNK pages so it can grow in place. */
  public static final int FLAG_AMAPPAD = 0x04;

  /** UVM_FLAG_NOMERGE: never merge the new entry with a neighbour. */
  public static final int FLAG_NOMERGE = 0x08;

  private final EntryTree entries;
  private final ReentrantLock lock = new ReentrantLock();
  private final Pmap pmap;
  private final UvmServices services;
  private final long minOffset;
  private final long maxOffset;
  private long size;
  private int timestamp;
  private VmMapEntry hint;
  private volatile boolean wireFuture;

  /**
   * Creates an empty map of the user range {@code [minOffset, maxOffset)}.
   *
   * @param pmap the physical map whose translations this map's operations remove and protect
   * @param services the VM system (amap allocation, pages)
   */
  public VmMap(Pmap pmap, UvmServices services, long minOffset, long maxOffset) {
    Kassert.check(pageAligned(minOffset) && pageAligned(maxOffset), "map bounds page aligned");
    Kassert.check(minOffset < maxOffset, "map bounds ordered");
    this.pmap = pmap;
    this.services = services;
    this.minOffset = minOffset;
    this.maxOffset = maxOffset;
    this.entries = new EntryTree(minOffset, maxOffset, services.allocator().budget());
  }

  public Pmap pmap() {
    return pmap;
  }

  @Override
  public UvmServices services() {
    return services;
  }

  public long minOffset() {
    return minOffset;
  }

  public long maxOffset() {
    return maxOffset;
  }

  /** Bytes mapped (sum of entry lengths). */
  public long size() {
    return size;
  }

  /** Number of entries. */
  public int entryCount() {
    return entries.size();
  }

  /** Map version: bumped by every write unlock (uvmfault_relock compares it). */
  public int timestamp() {
    return timestamp;
  }

  /**
   * VM_MAP_WIREFUTURE: whether mappings made from now on are wired ({@code mlockall(MCL_FUTURE)}).
   */
  public boolean isWireFuture() {
    return wireFuture;
  }

  /** Sets or clears VM_MAP_WIREFUTURE ({@code uvm_map_pageable_all}). */
  public void setWireFuture(boolean on) {
    wireFuture = on;
  }

  /** vm_map_lock. */
  public void lock() {
    lock.lock();
  }

  /** vm_map_unlock: also bumps the timestamp. */
  public void unlock() {
    Kassert.check(lock.isHeldByCurrentThread(), "map unlock by owner");
    timestamp++;
    lock.unlock();
  }

  public boolean isLockedByCurrentThread() {
    return lock.isHeldByCurrentThread();
  }

  /**
   * The entries in address order (a read-only live view; do not modify the map while iterating).
   */
  public Collection<VmMapEntry> entries() {
    return Collections.unmodifiableCollection(entries);
  }

  /** A snapshot of the entries overlapping {@code [start, end)}, in address order. */
  public List<VmMapEntry> entriesIn(long start, long end) {
    List<VmMapEntry> out = new ArrayList<>();
    VmMapEntry e = entries.floor(start);
    if (e == null || e.end <= start) {
      e = e == null ? entries.first() : e.nextEntry;
    }
    for (; e != null && e.start < end; e = e.nextEntry) {
      out.add(e);
    }
    return out;
  }

  /**
   * uvm_map.c: uvm_map_lookup_entry — the entry containing {@code va}, or null. Uses the map's hint
   * first, then the tree; allocation-free.
   */
  // uvm_map.c: uvm_map_lookup_entry
  public VmMapEntry lookup(long va) {
    VmMapEntry h = hint;
    if (h != null && va >= h.start && va < h.end) {
      return h;
    }
    VmMapEntry e = entries.containing(va);
    if (e != null) {
      hint = e;
    }
    return e;
  }

  /** The last entry starting at or below {@code va} (it may end before {@code va}), or null. */
  public VmMapEntry floor(long va) {
    return entries.floor(va);
  }

  /** The lowest entry, or null. */
  public VmMapEntry first() {
    return entries.first();
  }

  /** The entry after {@code e} in address order, or null. */
  public VmMapEntry next(VmMapEntry e) {
    return e.nextEntry;
  }

  /** The entry before {@code e} in address order, or null. */
  public VmMapEntry prev(VmMapEntry e) {
    return e.prevEntry;
  }

  /** True if no entry overlaps {@code [start, end)}. */
  public boolean isFree(long start, long end) {
    if (start < minOffset || end > maxOffset || start >= end) {
      return false;
    }
    VmMapEntry fe = entries.floor(end - 1);
    return fe == null || fe.end <= start;
  }

  /**
   * How many entries clipping the map at {@code start} and {@code end} would add: one for each end
   * that falls strictly inside an entry (a range inside one entry splits it into three).
   */
  public int clipsNeeded(long start, long end) {
    int n = 0;
    VmMapEntry s = lookup(start);
    if (s != null && s.start < start) {
      n++;
    }
    VmMapEntry e = lookup(end - 1);
    if (e != null && e.end > end) {
      n++;
    }
    return n;
  }

  /** Whether an entry overlapping {@code [start, end)} is sealed (mseal: can_modify_mm fails). */
  public boolean anySealed(long start, long end) {
    Kassert.check(lock.isHeldByCurrentThread(), "map anySealed: map locked");
    for (VmMapEntry e : entriesIn(start, end)) {
      if (e.isSealed()) {
        return true;
      }
    }
    return false;
  }

  /** True if every page of {@code [start, end)} lies in some entry. */
  public boolean isFullyMapped(long start, long end) {
    long va = start;
    VmMapEntry e = lookup(va);
    while (e != null) {
      if (e.end >= end) {
        return true;
      }
      VmMapEntry n = next(e);
      if (n == null || n.start != e.end) {
        return false;
      }
      e = n;
    }
    return false;
  }

  /**
   * uvm_map.c: uvm_map_findspace — a free range of {@code length} bytes.
   *
   * <p>Top-down: the highest free range that ends at or below {@code limit}; bottom-up: the lowest
   * that starts at or above {@code limit}. O(log n): the tree's gap augmentation skips subtrees
   * without room.
   *
   * @return the start address, or -1 if there is no such space
   */
  // uvm_map.c: uvm_map_findspace
  public long findSpace(long limit, long length, boolean topDown) {
    if (length <= 0 || length > maxOffset - minOffset) {
      return -1;
    }
    return topDown
        ? entries.findSpaceTopDown(limit, length)
        : entries.findSpaceBottomUp(limit, length);
  }

  /**
   * uvm_map.c: uvm_map_enter — maps {@code [start, start + size)}, which must be free, merging with
   * a compatible neighbour when possible (growing its amap with {@code Amap.extend}).
   *
   * <p>=> map locked; one reference to {@code obj} (if any) is handed over to the map: it is kept
   * by the new entry, or dropped when the range merged into an entry that already holds one.
   *
   * @param uvmFlags {@link #FLAG_COPYONW}, {@link #FLAG_OVERLAY}, {@link #FLAG_AMAPPAD}, {@link
   *     #FLAG_NOMERGE}
   * @return 0, or ENOMEM when an amap could not be allocated (nothing mapped)
   */
  // uvm_map.c: uvm_map_enter
  public int enter(
      long start,
      long size,
      UvmObject obj,
      long off,
      int prot,
      int maxProt,
      Inheritance inh,
      int advice,
      int uvmFlags) {
    Kassert.check(lock.isHeldByCurrentThread(), "uvm_map_enter: map locked");
    Kassert.check(pageAligned(start) && pageAligned(size) && size > 0, "uvm_map_enter: aligned");
    Kassert.check(isFree(start, start + size), "uvm_map_enter: range free");
    Kassert.check((prot & ~maxProt) == 0, "uvm_map_enter: prot within maxprot");
    final long end = start + size;
    final boolean overlay = (uvmFlags & FLAG_OVERLAY) != 0;
    int newEtype = obj != null ? VmMapEntry.OBJ : 0;
    if ((uvmFlags & FLAG_COPYONW) != 0) {
      newEtype |= VmMapEntry.COPYONWRITE;
      if (!overlay) {
        newEtype |= VmMapEntry.NEEDSCOPY;
      }
    }
    VmMapEntry proto = new VmMapEntry();
    proto.start = start;
    proto.end = end;
    proto.object = obj;
    proto.offset = off;
    proto.etype = newEtype;
    proto.protection = prot;
    proto.maxProtection = maxProt;
    proto.inheritance = inh;
    proto.advice = advice;
    proto.flags = (uvmFlags & FLAG_NOMERGE) != 0 ? VmMapEntry.NOMERGE : 0;

    boolean merged = false;
    VmMapEntry prev = null;
    if ((uvmFlags & FLAG_NOMERGE) == 0) {
      prev = entries.floor(start - 1);
      if (prev != null
          && prev.end == start
          && prev.isCompatible(proto)
          && (obj == null || prev.offset + (prev.end - prev.start) == off)
          && (prev.aref.amap != null || !overlay)
          && (prev.aref.amap == null || prev.aref.amap.ref() == 1)) {
        if (prev.aref.amap == null
            || Amap.extend(prev, size, Amap.AMAP_EXTEND_FORWARDS | Amap.AMAP_EXTEND_NOWAIT) == 0) {
          entries.setEnd(prev, end);
          this.size += size;
          if (obj != null) {
            obj.detach(); // prev already holds a reference
          }
          merged = true;
          if (log.isDebugEnabled()) {
            log.debug("uvm_map_enter: {}..{} merged back into {}", hex(start), hex(end), prev);
          }
        }
      }
      VmMapEntry next = entries.at(end);
      if (next != null
          && next.isCompatible(proto)
          && (obj == null || off + size == next.offset)
          && (next.aref.amap == null || next.aref.amap.ref() == 1)) {
        merged = forwardMerge(merged ? prev : null, next, start, size, obj, overlay) || merged;
      }
    }
    if (merged) {
      return 0;
    }
    if (overlay) {
      long pad = (uvmFlags & FLAG_AMAPPAD) != 0 ? (long) Amap.UVM_AMAP_CHUNK * PAGE_SIZE : 0;
      Amap amap = Amap.alloc(services, size, pad, true);
      if (amap == null) {
        return Errno.ENOMEM;
      }
      proto.aref.amap = amap;
      proto.aref.pageOffset = 0;
    }
    insert(proto);
    return 0;
  }

  /** The forward half of uvm_map_enter's merge: {@code prev} is non-null iff the back merge ran. */
  private boolean forwardMerge(
      VmMapEntry prev, VmMapEntry next, long start, long size, UvmObject obj, boolean overlay) {
    if (prev != null) {
      // bimerge: prev already absorbed the new range; now absorb next into prev.
      if (prev.aref.amap != null && next.aref.amap != null) {
        return false; // two amaps cannot be joined
      }
      if (prev.aref.amap != null) {
        if (Amap.extend(
                prev, next.end - next.start, Amap.AMAP_EXTEND_FORWARDS | Amap.AMAP_EXTEND_NOWAIT)
            != 0) {
          return false;
        }
      } else if (next.aref.amap != null) {
        if (Amap.extend(
                next, prev.end - prev.start, Amap.AMAP_EXTEND_BACKWARDS | Amap.AMAP_EXTEND_NOWAIT)
            != 0) {
          return false;
        }
        prev.aref.copyFrom(next.aref);
      }
      unlink(next);
      entries.setEnd(prev, next.end);
      this.size += next.end - next.start;
      if (next.object != null) {
        next.object.detach(); // prev holds the object reference for the whole range
      }
      return false; // the new range was already accounted for by the back merge
    }
    if (next.aref.amap == null && overlay) {
      return false;
    }
    if (next.aref.amap != null
        && Amap.extend(next, size, Amap.AMAP_EXTEND_BACKWARDS | Amap.AMAP_EXTEND_NOWAIT) != 0) {
      return false;
    }
    entries.setStart(next, start);
    if (obj != null) {
      next.offset -= size;
      obj.detach(); // next already holds a reference
    }
    this.size += size;
    if (log.isDebugEnabled()) {
      log.debug(
          "uvm_map_enter: {}..{} merged forward into {}", hex(start), hex(start + size), next);
    }
    return true;
  }

  /** Links a new entry (the range must be free). */
  public void insert(VmMapEntry e) {
    Kassert.check(lock.isHeldByCurrentThread(), "map insert: map locked");
    Kassert.check(isFree(e.start, e.end), "map insert: range free");
    entries.insert(e);
    size += e.end - e.start;
  }

  /** uvm_map.c: uvm_map_entry_unlink — takes {@code e} off the map (its references are kept). */
  // uvm_map.c: uvm_map_entry_unlink
  public void unlink(VmMapEntry e) {
    Kassert.check(lock.isHeldByCurrentThread(), "map unlink: map locked");
    Kassert.check(entries.at(e.start) == e, "map unlink: entry on map");
    entries.remove(e);
    size -= e.end - e.start;
    if (hint == e) {
      hint = null;
    }
  }

  /**
   * uvm_map.c: uvm_map_clip_start — splits {@code entry} so that it starts at {@code va}; the part
   * before {@code va} becomes a new entry. The amap reference is split with {@code Amap.splitref},
   * the object gains a reference.
   */
  // uvm_map.c: uvm_map_clip_start
  @Override
  public void clipStart(VmMapEntry entry, long va) {
    if (va <= entry.start) {
      return;
    }
    Kassert.check(lock.isHeldByCurrentThread(), "clip: map locked");
    Kassert.check(pageAligned(va) && va < entry.end, "clip_start: va inside entry");
    VmMapEntry left = entry.duplicate();
    // entry keeps its place in the tree (its new start keeps the order); inserting left refreshes
    // the gap of the entry before it
    splitAdjust(left, entry, va);
    entries.insert(left);
  }

  /**
   * uvm_map.c: uvm_map_clip_end — splits {@code entry} so that it ends at {@code va}; the part from
   * {@code va} on becomes a new entry.
   */
  // uvm_map.c: uvm_map_clip_end
  @Override
  public void clipEnd(VmMapEntry entry, long va) {
    if (va >= entry.end) {
      return;
    }
    Kassert.check(lock.isHeldByCurrentThread(), "clip: map locked");
    Kassert.check(pageAligned(va) && va > entry.start, "clip_end: va inside entry");
    VmMapEntry right = entry.duplicate();
    // inserting right refreshes entry's gap (now 0)
    splitAdjust(entry, right, va);
    entries.insert(right);
  }

  /**
   * uvm_map.c: uvm_mapent_splitadj — {@code left} and {@code right} are copies of one entry; make
   * them meet at {@code split}.
   */
  // uvm_map.c: uvm_mapent_splitadj
  private void splitAdjust(VmMapEntry left, VmMapEntry right, long split) {
    long adj = split - left.start;
    left.end = split;
    right.start = split;
    if (left.aref.amap != null) {
      Amap.splitref(left.aref, right.aref, adj);
    }
    if (right.object != null) {
      right.object.reference();
      right.offset += adj;
    }
    if (hint == left || hint == right) {
      hint = null;
    }
  }

  /**
   * uvm_map.c: uvm_mapent_trymerge(map, entry, UVM_MERGE_COPYING) — called by {@code amap_copy} for
   * an entry without an amap: if an adjacent compatible neighbour has a private amap, grow it over
   * {@code entry} and drop {@code entry}.
   *
   * <p>=> map locked; {@code entry} has no amap. On success the entry is off the map and its range
   * belongs to the neighbour (with NEEDSCOPY clear).
   */
  // uvm_map.c: uvm_mapent_trymerge
  @Override
  public boolean tryMergeCopying(VmMapEntry entry) {
    Kassert.check(lock.isHeldByCurrentThread(), "trymerge: map locked");
    if (entry.aref.amap != null || (entry.flags & VmMapEntry.NOMERGE) != 0) {
      return false;
    }
    // Compare as if entry's NEEDSCOPY were already cleared.
    VmMapEntry as = entry.duplicate();
    as.etype &= ~VmMapEntry.NEEDSCOPY;
    long size = entry.end - entry.start;
    VmMapEntry next = entries.at(entry.end);
    if (next != null
        && next.isCompatible(as)
        && next.aref.amap != null
        && next.aref.amap.ref() == 1
        && (entry.object == null || entry.offset + size == next.offset)) {
      if (Amap.extend(next, size, Amap.AMAP_EXTEND_BACKWARDS | Amap.AMAP_EXTEND_NOWAIT) == 0) {
        unlink(entry);
        entries.setStart(next, entry.start);
        next.offset = entry.offset;
        this.size += size;
        if (entry.object != null) {
          entry.object.detach();
        }
        return true;
      }
    }
    VmMapEntry prev = prev(entry);
    if (prev != null
        && prev.end == entry.start
        && prev.isCompatible(as)
        && prev.aref.amap != null
        && prev.aref.amap.ref() == 1
        && (entry.object == null || prev.offset + (prev.end - prev.start) == entry.offset)) {
      if (Amap.extend(prev, size, Amap.AMAP_EXTEND_FORWARDS | Amap.AMAP_EXTEND_NOWAIT) == 0) {
        unlink(entry);
        entries.setEnd(prev, entry.end);
        this.size += size;
        if (entry.object != null) {
          entry.object.detach();
        }
        return true;
      }
    }
    return false;
  }

  /**
   * uvm_map.c: uvm_mapent_trymerge, applied after an attribute change as Linux's {@code vma_merge}
   * does after mprotect, madvise, minherit, mlock, munlock and mseal — joins every two adjacent
   * entries whose shared boundary lies in {@code [start, end]} and that are one mapping again: the
   * same attributes ({@link VmMapEntry#isCompatible} but for NEEDSCOPY, see below), the object at
   * contiguous offsets, and anonymous layers that can be one:
   *
   * <ul>
   *   <li>neither has an amap (NetBSD's merge: nothing to join);
   *   <li>both use one amap through contiguous windows (what a clip made of one entry): the two
   *       references become one again ({@link Amap#joinref}, the inverse of {@code amap_splitref});
   *   <li>anonymous memory only: one has a private amap ({@code ref == 1}, NEEDSCOPY clear) and the
   *       other none yet (NEEDSCOPY): the amap grows over the other's range with {@code
   *       amap_extend}, as {@code uvm_mapent_trymerge(UVM_MERGE_COPYING)} does (Linux merges a VMA
   *       without anon_vma into one with). Not for object mappings, whose written (amap) part Linux
   *       keeps apart from an unwritten neighbour (its VM_ACCOUNT differs: a RELRO segment stays
   *       its own mapping).
   * </ul>
   *
   * Two amaps are never joined (Linux does not merge VMAs with different anon_vmas either).
   * Translations, wiring and reference counts of pages are unchanged.
   *
   * <p>=> map locked.
   *
   * @return the number of entries joined away
   */
  // uvm_map.c: uvm_mapent_trymerge
  public int mergeRange(long start, long end) {
    Kassert.check(lock.isHeldByCurrentThread(), "map merge: map locked");
    VmMapEntry e = entries.floor(start - 1);
    if (e == null) {
      e = entries.first();
    }
    int joined = 0;
    while (e != null && e.end <= end) {
      VmMapEntry n = e.nextEntry;
      if (n != null && n.start == e.end && e.end >= start && join(e, n)) {
        joined++;
      } else {
        e = n;
      }
    }
    if (joined > 0 && log.isDebugEnabled()) {
      log.debug("trymerge: {} entries joined in {}..{}", joined, hex(start), hex(end));
    }
    return joined;
  }

  /** Joins {@code right} into {@code left} (adjacent) when they are one mapping again. */
  private boolean join(VmMapEntry left, VmMapEntry right) {
    if (left.object != right.object
        || (left.flags & VmMapEntry.NOMERGE) != 0
        || (right.flags & VmMapEntry.NOMERGE) != 0
        || (left.flags & VmMapEntry.ATTRIBUTE_FLAGS) != (right.flags & VmMapEntry.ATTRIBUTE_FLAGS)
        || !left.samePolicy(right)
        || left.protection != right.protection
        || left.maxProtection != right.maxProtection
        || left.inheritance != right.inheritance
        || left.advice != right.advice
        || left.wiredCount != right.wiredCount
        || (left.object != null && left.offset + (left.end - left.start) != right.offset)) {
      return false;
    }
    Amap la = left.aref.amap;
    Amap ra = right.aref.amap;
    long rightSize = right.end - right.start;
    if (left.etype == right.etype) {
      if (la != ra
          || (la != null && left.aref.pageOffset + left.pages() != right.aref.pageOffset)) {
        return false;
      }
      if (la != null) {
        Amap.joinref(left.aref, right.aref);
      }
    } else if ((left.etype | VmMapEntry.NEEDSCOPY) != (right.etype | VmMapEntry.NEEDSCOPY)
        || left.object != null) {
      return false;
    } else if (la != null && ra == null && !left.needsCopy()) {
      if (la.ref() == 1
          ? Amap.extend(left, rightSize, Amap.AMAP_EXTEND_FORWARDS | Amap.AMAP_EXTEND_NOWAIT) != 0
          : !Amap.extendUnreferenced(left, rightSize, true)) {
        return false;
      }
    } else if (ra != null && la == null && !right.needsCopy()) {
      long leftSize = left.end - left.start;
      if (ra.ref() == 1
          ? Amap.extend(right, leftSize, Amap.AMAP_EXTEND_BACKWARDS | Amap.AMAP_EXTEND_NOWAIT) != 0
          : !Amap.extendUnreferenced(right, leftSize, false)) {
        return false;
      }
      left.aref.copyFrom(right.aref);
      left.etype = right.etype;
    } else {
      return false;
    }
    right.aref.amap = null;
    unlink(right);
    entries.setEnd(left, right.end);
    this.size += rightSize;
    if (right.object != null) {
      right.object.detach(); // left holds the object reference for the whole range
    }
    if (hint == left) {
      hint = null;
    }
    return true;
  }

  /**
   * uvm_map.c: uvm_unmap_remove — clips the map at {@code start} and {@code end}, removes the pmap
   * translations and takes every entry in between off the map. The entries keep their amap and
   * object references; the caller releases them with {@link #unmapDetach} after unlocking.
   *
   * <p>=> map locked; wired entries must have been unwired by the caller (their pages' wire counts
   * depend on the amap layer still being reachable).
   *
   * @return the removed entries, in address order
   */
  // uvm_map.c: uvm_unmap_remove
  public List<VmMapEntry> unmapRemove(long start, long end) {
    Kassert.check(lock.isHeldByCurrentThread(), "unmap_remove: map locked");
    List<VmMapEntry> dead = new ArrayList<>();
    for (VmMapEntry e : entriesIn(start, end)) {
      clipStart(e, start);
      clipEnd(e, end);
      Kassert.check(!e.isWired(), "unmap_remove: entry unwired");
      pmap.remove(e.start, e.end);
      unlink(e);
      dead.add(e);
    }
    return dead;
  }

  /**
   * uvm_map.c: uvm_map_extract (UVM_EXTRACT_REMOVE) as uvm_mremap uses it — moves the mapping of
   * {@code [start, end)} to {@code dst}: the map is clipped at both ends and the entries themselves
   * move, with their amap references (the window stays the entry's), object references and offsets,
   * protections, inheritance, advice and wiring; their pmap translations move with them. Nothing is
   * copied, nothing is allocated, no reference count changes.
   *
   * <p>=> map locked; {@code [start, end)} fully mapped; {@code [dst, dst + (end - start))} free.
   *
   * @return the moved entries, in address order, at their new place
   */
  // uvm_map.c: uvm_map_extract
  public List<VmMapEntry> moveRange(long start, long end, long dst) {
    Kassert.check(lock.isHeldByCurrentThread(), "map_extract: map locked");
    Kassert.check(isFullyMapped(start, end), "map_extract: source fully mapped");
    Kassert.check(isFree(dst, dst + (end - start)), "map_extract: destination free");
    List<VmMapEntry> moved = entriesIn(start, end);
    clipStart(moved.get(0), start);
    clipEnd(moved.get(moved.size() - 1), end);
    long delta = dst - start;
    for (VmMapEntry e : moved) {
      unlink(e);
    }
    for (VmMapEntry e : moved) {
      pmap.move(e.start, e.end, e.start + delta);
      e.start += delta;
      e.end += delta;
      insert(e);
    }
    if (log.isDebugEnabled()) {
      log.debug("map_extract: {}..{} moved to {}", hex(start), hex(end), hex(dst));
    }
    return moved;
  }

  /**
   * uvm_map.c: uvm_unmap_detach — drops the amap and object references of entries removed by {@link
   * #unmapRemove}. Called with the map unlocked (amap_unref may free pages).
   */
  // uvm_map.c: uvm_unmap_detach
  public static void unmapDetach(List<VmMapEntry> dead) {
    for (VmMapEntry e : dead) {
      if (e.aref.amap != null) {
        e.aref.amap.unref(e.aref.pageOffset, e.pages(), false);
        e.aref.amap = null;
      }
      if (e.object != null) {
        e.object.detach();
        e.object = null;
      }
    }
  }

  /**
   * uvm_map.c: uvm_map_protect — sets the protection (or, with {@code setMax}, the maximum
   * protection) of {@code [start, end)}. Fails with EACCES, changing nothing, when {@code newProt}
   * exceeds some entry's maximum. Lowered translations are lowered in the pmap at once, with WRITE
   * stripped from copy-on-write entries' object pages and from NEEDSCOPY entries.
   *
   * <p>=> map locked; the range is fully mapped (checked by the caller).
   */
  // uvm_map.c: uvm_map_protect
  public int protect(long start, long end, int newProt, boolean setMax) {
    Kassert.check(lock.isHeldByCurrentThread(), "map_protect: map locked");
    List<VmMapEntry> range = entriesIn(start, end);
    for (VmMapEntry e : range) {
      if ((newProt & ~e.maxProtection) != 0) {
        return Errno.EACCES;
      }
    }
    for (VmMapEntry e : range) {
      clipStart(e, start);
      clipEnd(e, end);
      int old = e.protection;
      if (setMax) {
        e.maxProtection = newProt;
        e.protection &= newProt;
      } else {
        e.protection = newProt;
      }
      if ((old & ~e.protection) != 0) {
        pmap.protect(e.start, e.end, e.protection);
      }
    }
    return 0;
  }

  /** uvm_map.c: uvm_map_inherit — sets the inheritance of {@code [start, end)}. */
  // uvm_map.c: uvm_map_inherit
  public void inherit(long start, long end, Inheritance inh) {
    Kassert.check(lock.isHeldByCurrentThread(), "map_inherit: map locked");
    for (VmMapEntry e : entriesIn(start, end)) {
      clipStart(e, start);
      clipEnd(e, end);
      e.inheritance = inh;
    }
  }

  /** uvm_map.c: uvm_map_advice — sets the paging advice of {@code [start, end)}. */
  // uvm_map.c: uvm_map_advice
  public void advise(long start, long end, int advice) {
    Kassert.check(lock.isHeldByCurrentThread(), "map_advice: map locked");
    Kassert.check(Advice.isValid(advice), "map_advice: valid advice");
    for (VmMapEntry e : entriesIn(start, end)) {
      clipStart(e, start);
      clipEnd(e, end);
      e.advice = advice;
    }
  }

  /**
   * Checks the map's structural invariants (see the class comment).
   *
   * @throws UvmPanic naming the first violation
   */
  public void check() {
    entries.check();
    long prevEnd = minOffset;
    long total = 0;
    for (VmMapEntry e : entries) {
      if (!pageAligned(e.start) || !pageAligned(e.end) || e.start >= e.end) {
        throw new UvmPanic("map entry not page aligned or empty: " + e);
      }
      if (e.start < prevEnd || e.end > maxOffset) {
        throw new UvmPanic("map entry overlaps or leaves the map: " + e);
      }
      if (e.needsCopy() && !e.copyOnWrite()) {
        throw new UvmPanic("NEEDSCOPY without COPYONWRITE: " + e);
      }
      if ((e.object != null) != ((e.etype & VmMapEntry.OBJ) != 0)) {
        throw new UvmPanic("UVM_ET_OBJ disagrees with object: " + e);
      }
      if ((e.protection & ~e.maxProtection) != 0) {
        throw new UvmPanic("protection exceeds max protection: " + e);
      }
      if (e.aref.amap != null && e.aref.pageOffset + e.pages() > e.aref.amap.nslot()) {
        throw new UvmPanic("aref window beyond amap nslot: " + e);
      }
      prevEnd = e.end;
      total += e.end - e.start;
    }
    if (total != size) {
      throw new UvmPanic("map size " + size + " but entries cover " + total);
    }
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("VmMap[");
    for (VmMapEntry e : entries) {
      sb.append("\n  ").append(e);
    }
    return sb.append("\n]").toString();
  }

  static boolean pageAligned(long v) {
    return (v & (PAGE_SIZE - 1)) == 0;
  }

  static String hex(long v) {
    return "0x" + Long.toHexString(v);
  }
}
