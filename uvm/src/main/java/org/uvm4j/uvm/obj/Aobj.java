package org.uvm4j.uvm.obj;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.ObjectSwap;
import org.uvm4j.uvm.system.SwapObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * An anonymous memory object ({@code struct uvm_aobj}, {@code uvm_aobj.c}): the other half of UVM's
 * anonymous memory. Its pages are anonymous pages of the VM system that belong to an object rather
 * than to anons — the backing of tmpfs files, {@code memfd_create} and {@code shm_open} — so a
 * shared mapping, a {@code read} and a {@code write} of the same file all see the same frames. The
 * page daemon pages them out to swap like anon pages ({@code PQ_AOBJ}); the object records each
 * page's swap slot ({@code uao_set_swslot}) and pages it back in on the next {@code uao_get}.
 *
 * <p>Invariants (checked by {@link #problems()}, called by the system audit), all under the object
 * lock ({@code vmobjlock}):
 *
 * <ul>
 *   <li>{@code ref > 0} while the object lives; the last {@code uao_detach} frees every page and
 *       slot and takes the object off {@code uao_list};
 *   <li>every resident page is owned by this object ({@code pg.object == this}, {@code PQ_AOBJ},
 *       {@code pg.offset == index << PAGE_SHIFT}), is not free, and lies below the object's size;
 *   <li>a page index has a page, a slot, both (the slot holds a copy of a clean page), or neither
 *       (a hole: reads as zeroes); {@code SWSLOT_BAD} (-1) — data lost to a read error — never goes
 *       with a page;
 *   <li>no slot or page lies at or beyond {@code roundup(size)}.
 * </ul>
 *
 * <p>Size: unlike NetBSD's fixed-size aobj, the size can change ({@link #truncate}, a {@link
 * #write} past the end), as tmpfs needs; a page at or past {@code roundup(size)} is not part of the
 * object and a fault there fails ({@link #isBadPage}: SIGBUS, as Linux for a shared mapping beyond
 * the end of a file).
 */
public final class Aobj implements UvmObject, SwapObject {
  private static final Logger log = LogManager.getLogger("uvm.aobj");

  /** Largest size: page indexes fit an {@code int}. */
  public static final long MAX_SIZE = (long) Integer.MAX_VALUE << PhysMem.PAGE_SHIFT;

  /** uao_put flag: free the pages (and swap slots) in the range. */
  public static final int PGO_FREE = 0x1;

  /** uao_put flag: move the resident pages in the range to the inactive queue. */
  public static final int PGO_DEACTIVATE = 0x2;

  /** The swap layer's mark of a slot whose data was lost (SwapManager.SWSLOT_BAD). */
  public static final int SWSLOT_BAD = -1;

  /** How often host I/O retries after uvm_wait before answering ENOMEM. */
  private static final int IO_RETRIES = 4;

  private final Uvm uvm;
  private final String name;
  private final ReentrantLock lock = new ReentrantLock();
  private final AobjTable table;
  private long size;
  private int ref = 1;
  private boolean dead;

  private Aobj(Uvm uvm, String name, long size) {
    this.uvm = uvm;
    this.table = new AobjTable(uvm.metadataBudget());
    this.name = name;
    this.size = size;
  }

  /**
   * uao_create: a new anonymous object of {@code size} bytes (all holes: zero), with one reference
   * (the creator's), on the machine's {@code uao_list}.
   *
   * @param name what to call it in logs and audits (e.g. {@code "memfd:foo"})
   * @throws IllegalArgumentException if {@code size} is negative or above {@link #MAX_SIZE}
   */
  // uvm_aobj.c: uao_create
  public static Aobj create(Uvm uvm, String name, long size) {
    if (size < 0 || size > MAX_SIZE) {
      throw new IllegalArgumentException("uao_create: bad size " + size + " for " + name);
    }
    Aobj aobj = new Aobj(uvm, name, size);
    uvm.swapObjects().insert(aobj);
    if (log.isDebugEnabled()) {
      log.debug("uao_create {} size {}", name, size);
    }
    return aobj;
  }

  /** The object's name. */
  public String name() {
    return name;
  }

  @Override
  public ReentrantLock lock() {
    return lock;
  }

  @Override
  public long size() {
    lock.lock();
    try {
      return size;
    } finally {
      lock.unlock();
    }
  }

  /** Whether a shared mapping may write the object's pages (always: it is anonymous memory). */
  @Override
  public boolean isWritable() {
    return true;
  }

  /** The reference count. */
  public int refs() {
    lock.lock();
    try {
      return ref;
    } finally {
      lock.unlock();
    }
  }

  /** Pages resident in RAM. */
  public int residentPages() {
    lock.lock();
    try {
      return table.residentCount();
    } finally {
      lock.unlock();
    }
  }

  /** Page indexes that hold a swap slot (bad ones included). */
  public int swapSlots() {
    lock.lock();
    try {
      return table.slotCount();
    } finally {
      lock.unlock();
    }
  }

  /** Whether the last reference is gone. */
  public boolean isDead() {
    lock.lock();
    try {
      return dead;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // references

  /** uao_reference: one more user (a map entry, an open file, the tmpfs node). */
  // uvm_aobj.c: uao_reference
  @Override
  public void reference() {
    lock.lock();
    try {
      Kassert.check(ref > 0 && !dead, "uao_reference: object already dead");
      ref++;
    } finally {
      lock.unlock();
    }
  }

  /** uao_detach: one user less; the last one frees the object ({@code uao_free}). */
  // uvm_aobj.c: uao_detach
  @Override
  public void detach() {
    lock.lock();
    try {
      Kassert.check(ref > 0 && !dead, "uao_detach: reference count already zero");
      if (--ref > 0) {
        return;
      }
      free();
    } finally {
      lock.unlock();
    }
    uvm.swapObjects().remove(this);
  }

  /**
   * uao_free: frees every page (removing its mappings) and every swap slot.
   *
   * <p>=> object locked, last reference gone.
   */
  // uvm_aobj.c: uao_free
  private void free() {
    dead = true;
    table.forEach((idx, pg, slot) -> freeIndex(idx, pg, slot));
    Kassert.check(
        table.residentCount() == 0 && table.slotCount() == 0, "uao_free: pages or slots left");
    table.release();
    if (log.isDebugEnabled()) {
      log.debug("uao_free {}", name);
    }
  }

  /** Frees the page and the slot of one index (uao_put PGO_FREE + uao_dropswap). */
  private void freeIndex(int idx, VmPage pg, int slot) {
    if (pg != null) {
      Kassert.check(!pg.isBusy(), "uao_put: freeing a busy page");
      table.setPage(idx, null);
      Pmap.pageProtect(pg, Prot.NONE);
      uvm.pageFree(pg);
    }
    if (slot != 0) {
      table.setSlot(idx, 0);
      if (slot > 0) {
        objectSwap().swapFree(slot, pg == null);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // pages

  /**
   * uao_get (one page, {@code PGO_SYNCIO}): the resident page at {@code offset}: found, paged in
   * from its swap slot (the slot is kept: the page is clean and can be dropped again without I/O),
   * or zero-filled for a hole. New pages go on the active queue.
   *
   * <p>=> {@code offset} page aligned; the object referenced. <br>
   * => the page unbusy, or null: no free frame, or the page is bad ({@link #isBadPage}: lost to a
   * read error, or beyond the end of the object).
   */
  // uvm_aobj.c: uao_get
  @Override
  public VmPage getPage(long offset) {
    Kassert.check(offset >= 0 && (offset & (PhysMem.PAGE_SIZE - 1)) == 0, "uao_get: bad offset");
    lock.lock();
    try {
      Kassert.check(ref > 0 && !dead, "uao_get: object has no references");
      if (offset >= roundUp(size)) {
        return null;
      }
      return getLocked((int) (offset >>> PhysMem.PAGE_SHIFT));
    } finally {
      lock.unlock();
    }
  }

  /** uao_get's body. => object locked, idx inside the object. */
  private VmPage getLocked(int idx) {
    for (; ; ) {
      VmPage pg = table.page(idx);
      if (pg != null) {
        if (pg.isBusy()) {
          pg.flags |= VmPage.PG_WANTED;
          uvm.exp().fltpgwait++;
          pg.unlockAndWait(lock, "uao_get");
          lock.lock();
          continue;
        }
        uvm.exp().fltlget++;
        return pg;
      }
      int slot = table.slot(idx);
      if (slot == SWSLOT_BAD) {
        return null;
      }
      long off = (long) idx << PhysMem.PAGE_SHIFT;
      // the table's chunk (and directory) for a new page: refused like a frame past the budget
      long more = table.bytesToAdd(idx);
      if (more != 0 && !uvm.metadataBudget().allows(more, 0)) {
        uvm.metadataBudget().noteRefused();
        return null;
      }
      pg = uvm.pageAllocObject(this, off);
      if (pg == null) {
        return null;
      }
      if (slot == 0) {
        uvm.pageZero(pg); // a new page of anonymous memory: dirty, no copy anywhere
      } else {
        int error = objectSwap().swapGet(slot, pg);
        if (error != 0) {
          // the data is gone (the swap layer marked the slot bad): SIGBUS from now on
          table.setSlot(idx, SWSLOT_BAD);
          pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
          uvm.pageFree(pg);
          log.warn("uao_get {}: page {} lost: swap slot {} unreadable", name, idx, slot);
          return null;
        }
        pg.flags |= VmPage.PG_CLEAN; // the slot keeps a current copy
      }
      table.setPage(idx, pg);
      pg.flags &= ~VmPage.PG_FAKE;
      uvm.pageUnbusy(pg);
      uvm.pageActivate(pg);
      uvm.exp().fltget++;
      if (log.isTraceEnabled()) {
        log.trace("uao_get {} page {} slot {} -> frame {}", name, idx, slot, pg.frame);
      }
      return pg;
    }
  }

  /** The resident page at {@code offset}, without paging anything in (null if none). */
  @Override
  public VmPage residentPage(long offset) {
    lock.lock();
    try {
      return offset < 0 || offset >= MAX_SIZE
          ? null
          : table.page((int) (offset >>> PhysMem.PAGE_SHIFT));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the page at {@code offset} cannot be had: beyond the end of the object, or its data
   * lost to a swap read error ({@code SWSLOT_BAD}). A fault there gets SIGBUS.
   */
  @Override
  public boolean isBadPage(long offset) {
    lock.lock();
    try {
      return offset >= roundUp(size)
          || table.slot((int) (offset >>> PhysMem.PAGE_SHIFT)) == SWSLOT_BAD;
    } finally {
      lock.unlock();
    }
  }

  /**
   * uao_put: flushes the pages of {@code [start, end)} (byte offsets, page aligned): with {@link
   * #PGO_FREE} frees them and their swap slots (their mappings removed: the next touch reads a
   * hole), with {@link #PGO_DEACTIVATE} moves the resident unwired ones to the inactive queue.
   *
   * @return 0, or EINVAL for a bad range or flags
   */
  // uvm_aobj.c: uao_put
  public int put(long start, long end, int flags) {
    if (start < 0
        || end < start
        || ((start | end) & (PhysMem.PAGE_SIZE - 1)) != 0
        || (flags & ~(PGO_FREE | PGO_DEACTIVATE)) != 0) {
      return Errno.EINVAL;
    }
    lock.lock();
    try {
      Kassert.check(!dead, "uao_put: dead object");
      int from = (int) Math.min(start >>> PhysMem.PAGE_SHIFT, Integer.MAX_VALUE);
      int to = (int) Math.min(end >>> PhysMem.PAGE_SHIFT, Integer.MAX_VALUE);
      if ((flags & PGO_FREE) != 0) {
        table.forEach(from, to, this::freeIndex);
      } else if ((flags & PGO_DEACTIVATE) != 0) {
        table.forEach(
            from,
            to,
            (idx, pg, slot) -> {
              if (pg != null && !pg.isBusy() && pg.wireCount == 0) {
                uvm.pageDeactivate(pg);
              }
            });
      }
      return 0;
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // swap slots (SwapObject)

  /** uao_find_swslot: the swap slot of page {@code pageIdx}, 0 if none. */
  // uvm_aobj.c: uao_find_swslot
  @Override
  public int findSwslot(int pageIdx) {
    Kassert.check(lock.isHeldByCurrentThread(), "uao_find_swslot: object locked");
    return table.slot(pageIdx);
  }

  /** uao_set_swslot: sets the slot of page {@code pageIdx}; returns the old one. */
  // uvm_aobj.c: uao_set_swslot
  @Override
  public int setSwslot(int pageIdx, int slot) {
    Kassert.check(lock.isHeldByCurrentThread(), "uao_set_swslot: object locked");
    Kassert.check(!dead, "uao_set_swslot: dead object");
    Kassert.check(slot >= SWSLOT_BAD, "uao_set_swslot: bad slot number");
    return table.setSlot(pageIdx, slot);
  }

  /** uao_dropswap: frees the swap slot of page {@code pageIdx}, if any. */
  // uvm_aobj.c: uao_dropswap
  @Override
  public void dropSwap(int pageIdx) {
    Kassert.check(lock.isHeldByCurrentThread(), "uao_dropswap: object locked");
    int slot = table.setSlot(pageIdx, 0);
    if (slot > 0) {
      objectSwap().swapFree(slot, table.page(pageIdx) == null);
    }
  }

  @Override
  // uvm_page.c: uvm_pageremove
  public void pageRemove(VmPage pg) {
    Kassert.check(lock.isHeldByCurrentThread(), "uvm_pageremove: object locked");
    Kassert.check(pg.object == this, "uvm_pageremove: page of another object");
    int idx = (int) (pg.offset >>> PhysMem.PAGE_SHIFT);
    Kassert.check(table.page(idx) == pg, "uvm_pageremove: page not in the table");
    table.setPage(idx, null);
  }

  /**
   * uao_pagein: pages in every page whose slot lies in {@code [startSlot, endSlot)} and frees the
   * slot (uao_pagein_page: the page becomes dirty and is deactivated) — swap-off.
   *
   * @return true if it failed for lack of memory
   */
  // uvm_aobj.c: uao_pagein
  @Override
  public boolean pagein(int startSlot, int endSlot) {
    lock.lock();
    try {
      if (dead) {
        return false;
      }
      List<Integer> todo = new ArrayList<>();
      table.forEach(
          (idx, pg, slot) -> {
            if (slot >= startSlot && slot < endSlot) {
              todo.add(idx);
            }
          });
      for (int idx : todo) {
        if (pageinPage(idx)) {
          return true;
        }
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /** uao_pagein_page: one page. => object locked. Returns true on failure (no memory). */
  // uvm_aobj.c: uao_pagein_page
  private boolean pageinPage(int idx) {
    VmPage pg = null;
    for (int attempt = 0; attempt < IO_RETRIES && pg == null; attempt++) {
      if (table.slot(idx) == SWSLOT_BAD) {
        return false; // nothing left to read: the slot was lost
      }
      pg = getLocked(idx);
      if (pg == null && table.slot(idx) != SWSLOT_BAD) {
        lock.unlock();
        try {
          uvm.waitForMemory("uao_pagein");
        } finally {
          lock.lock();
        }
      }
    }
    if (pg == null) {
      return table.slot(idx) != SWSLOT_BAD;
    }
    // RAM now holds the only copy: the page is dirty, the slot goes
    dropSwap(idx);
    pg.flags &= ~VmPage.PG_CLEAN;
    if (pg.wireCount == 0) {
      uvm.pageDeactivate(pg);
    }
    return false;
  }

  @Override
  public void forEachSwslot(SlotVisitor v) {
    lock.lock();
    try {
      table.forEach(
          (idx, pg, slot) -> {
            if (slot != 0) {
              v.slot(idx, slot, pg != null);
            }
          });
    } finally {
      lock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // host-side I/O (read/write of a tmpfs file or memfd)

  /**
   * Copies {@code len} bytes at {@code offset} into {@code dst}: resident pages are read, swapped
   * ones paged in, holes read as zeroes without allocating. The range must lie within the object.
   *
   * @return 0, or ENOMEM (no frame even after running the page daemon), EIO (data lost)
   */
  public int read(long offset, byte[] dst, int dstOff, int len) {
    checkRange(offset, len, dst.length, dstOff);
    int done = 0;
    while (done < len) {
      long off = offset + done;
      int pageOff = (int) (off & (PhysMem.PAGE_SIZE - 1));
      int n = Math.min(len - done, PhysMem.PAGE_SIZE - pageOff);
      int error = copyPage(off - pageOff, pageOff, dst, dstOff + done, n, false);
      if (error != 0) {
        return error;
      }
      done += n;
    }
    return 0;
  }

  /**
   * Copies {@code len} bytes of {@code src} into the object at {@code offset}, growing it if the
   * range ends past its size. Written pages are dirty and lose their swap copy.
   *
   * @return 0, or EFBIG (past {@link #MAX_SIZE}), ENOMEM, EIO
   */
  public int write(long offset, byte[] src, int srcOff, int len) {
    checkRange(offset, len, src.length, srcOff);
    if (offset + len > MAX_SIZE) {
      return Errno.EFBIG;
    }
    long old = size();
    if (offset > old) {
      // the gap between the old end and the write reads as zeroes, even where a store through a
      // mapping left bytes past the old end in its last page
      int error = zeroGap(old, offset);
      if (error != 0) {
        return error;
      }
    }
    lock.lock();
    try {
      if (offset + len > size) {
        size = offset + len;
      }
    } finally {
      lock.unlock();
    }
    int done = 0;
    while (done < len) {
      long off = offset + done;
      int pageOff = (int) (off & (PhysMem.PAGE_SIZE - 1));
      int n = Math.min(len - done, PhysMem.PAGE_SIZE - pageOff);
      int error = copyPage(off - pageOff, pageOff, src, srcOff + done, n, true);
      if (error != 0) {
        return error;
      }
      done += n;
    }
    return 0;
  }

  private static void checkRange(long offset, int len, int bufLen, int bufOff) {
    if (offset < 0 || len < 0 || bufOff < 0 || bufOff > bufLen - len) {
      throw new IllegalArgumentException("aobj I/O: bad range " + offset + "+" + len);
    }
  }

  private int copyPage(long pageStart, int pageOff, byte[] buf, int bufOff, int n, boolean write) {
    int idx = (int) (pageStart >>> PhysMem.PAGE_SHIFT);
    for (int attempt = 0; ; attempt++) {
      lock.lock();
      try {
        Kassert.check(ref > 0 && !dead, "aobj I/O on a dead object");
        if (!write && table.page(idx) == null && table.slot(idx) == 0) {
          java.util.Arrays.fill(buf, bufOff, bufOff + n, (byte) 0); // a hole
          return 0;
        }
        if (table.slot(idx) == SWSLOT_BAD) {
          return Errno.EIO;
        }
        VmPage pg = pageStart < roundUp(size) ? getLocked(idx) : null;
        if (pg != null) {
          PhysMem phys = uvm.physMem();
          if (write) {
            phys.write(pg, pageOff, buf, bufOff, n);
            pg.flags &= ~VmPage.PG_CLEAN;
            dropSwap(idx); // the copy in swap is stale
          } else {
            phys.read(pg, pageOff, buf, bufOff, n);
          }
          return 0;
        }
        if (table.slot(idx) == SWSLOT_BAD) {
          return Errno.EIO;
        }
      } finally {
        lock.unlock();
      }
      if (attempt + 1 >= IO_RETRIES) {
        return Errno.ENOMEM;
      }
      uvm.waitForMemory("aobj_io");
    }
  }

  /**
   * Sets the size (ftruncate): shrinking frees the pages and slots past the new end ({@code
   * uao_put(PGO_FREE)} + {@code uao_dropswap_range}) and zeroes the tail of the new last page;
   * growing adds holes.
   *
   * @return 0, or EINVAL (negative), EFBIG (too large), ENOMEM/EIO (the last page could not be read
   *     to zero its tail)
   */
  public int truncate(long newSize) {
    if (newSize < 0) {
      return Errno.EINVAL;
    }
    if (newSize > MAX_SIZE) {
      return Errno.EFBIG;
    }
    long old = size();
    if (newSize < old) {
      int error = zeroGap(newSize, Long.MAX_VALUE); // the new last page's tail
      if (error != 0) {
        return error;
      }
      lock.lock();
      try {
        int from = (int) (roundUp(newSize) >>> PhysMem.PAGE_SHIFT);
        table.forEach(from, Integer.MAX_VALUE, this::freeIndex);
        size = newSize;
      } finally {
        lock.unlock();
      }
      return 0;
    }
    int error = zeroGap(old, newSize);
    if (error != 0) {
      return error;
    }
    lock.lock();
    try {
      size = newSize;
    } finally {
      lock.unlock();
    }
    return 0;
  }

  /**
   * Zeroes {@code [from, min(to, roundup(from)))}: the part of the page holding offset {@code from}
   * that lies past it (nothing if {@code from} is page aligned or the page is a hole).
   */
  private int zeroGap(long from, long to) {
    int pageOff = (int) (from & (PhysMem.PAGE_SIZE - 1));
    if (pageOff == 0) {
      return 0;
    }
    long pageStart = from - pageOff;
    int idx = (int) (pageStart >>> PhysMem.PAGE_SHIFT);
    lock.lock();
    try {
      if (table.page(idx) == null && table.slot(idx) == 0) {
        return 0;
      }
    } finally {
      lock.unlock();
    }
    int n = (int) Math.min(PhysMem.PAGE_SIZE - pageOff, to - from);
    return copyPage(pageStart, pageOff, new byte[n], 0, n, true);
  }

  private static long roundUp(long bytes) {
    return (bytes + PhysMem.PAGE_SIZE - 1) & ~((long) PhysMem.PAGE_SIZE - 1);
  }

  private ObjectSwap objectSwap() {
    ObjectSwap s = uvm.objectSwap();
    if (s == null) {
      throw new UvmPanic("aobj " + name + ": a swap slot exists but no swap layer is attached");
    }
    return s;
  }

  // ---------------------------------------------------------------------------------------------
  // audit

  /**
   * Estimated heap bytes of the page/slot table (charged to the machine's metadata budget); 0 once
   * freed.
   */
  public long tableBytes() {
    lock.lock();
    try {
      return table.bytes();
    } finally {
      lock.unlock();
    }
  }

  /** Every violation of the class invariants (empty: consistent). */
  public List<String> problems() {
    List<String> out = new ArrayList<>();
    lock.lock();
    try {
      if (dead || ref <= 0) {
        out.add(this + " is on uao_list but dead (ref " + ref + ")");
      }
      long end = roundUp(size);
      int[] counts = new int[2];
      table.forEach(
          (idx, pg, slot) -> {
            long off = (long) idx << PhysMem.PAGE_SHIFT;
            if (off >= end) {
              out.add(this + " page " + idx + " lies beyond the end (size " + size + ")");
            }
            if (pg != null) {
              counts[0]++;
              if (pg.isFree() || pg.object != this || pg.offset != off) {
                out.add(this + " page " + idx + " frame " + pg.frame + " is not owned by it");
              }
              if ((pg.pqflags & VmPage.PQ_AOBJ) == 0) {
                out.add(this + " page " + idx + " frame " + pg.frame + " lacks PQ_AOBJ");
              }
              if (pg.isBusy()) {
                out.add(this + " page " + idx + " frame " + pg.frame + " left busy");
              }
              if (slot == SWSLOT_BAD) {
                out.add(this + " page " + idx + " is resident with SWSLOT_BAD");
              }
            }
            if (slot != 0) {
              counts[1]++;
              if (slot < SWSLOT_BAD) {
                out.add(this + " page " + idx + " has slot " + slot);
              }
            }
          });
      if (counts[0] != table.residentCount() || counts[1] != table.slotCount()) {
        out.add(this + " counts disagree with its table");
      }
    } finally {
      lock.unlock();
    }
    return out;
  }

  @Override
  public String toString() {
    return "Aobj[" + name + "]";
  }
}
