package org.uvm4j.uvm.page;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;

/**
 * The machine's physical memory: one page-aligned block of direct (off-heap) memory, a {@link
 * VmPage} per 4 KiB frame, and the free list ({@code uvm.page_free}).
 *
 * <p>Frame {@code f} lives at byte offset {@code f << 12} of {@link #buffer()}; the bridge maps the
 * whole block at guest-physical address 0. Frame 0 is never handed out, so physical address 0 never
 * names a mapped page (a TLB lookup answer of 0 can mean "no mapping").
 *
 * <p>Invariants: a frame is on the free list exactly when its page has {@link VmPage#PQ_FREE}; a
 * free page has no owner, no flags, no queue, no wiring and no mappings; {@link #freeCount()}
 * equals the length of the free list. The free list is an int stack: alloc and free are O(1).
 *
 * <p>Locking: the free list and its counter are protected by the free-page lock ({@code
 * uvm_fpageqlock}), taken inside {@link #alloc} and {@link #free}; it is a leaf lock (nothing is
 * taken while holding it). Frame contents belong to whoever owns the page.
 */
public final class PhysMem {
  /** log2 of the page size. */
  public static final int PAGE_SHIFT = 12;

  /** Page size in bytes. */
  public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

  /** Largest RAM size: the frame store is one ByteBuffer (int-indexed). */
  public static final long MAX_BYTES = (long) (Integer.MAX_VALUE - PAGE_SIZE) & -PAGE_SIZE;

  private static final Logger log = LogManager.getLogger("uvm.page");

  private static final byte[] ZEROES = new byte[PAGE_SIZE];

  private final ByteBuffer ram;
  private final VmPage[] pages;
  private final int[] freeStack;
  private int freeTop;
  private final ReentrantLock fpageqLock = new ReentrantLock();
  private final UvmExp exp;
  private CodeListener codeListener;

  /** A frame store of {@code bytes} (rounded down to whole pages) with its own counters. */
  public PhysMem(long bytes) {
    this(bytes, new UvmExp());
  }

  /**
   * A frame store of {@code bytes} rounded down to whole pages, keeping {@code exp.npages}, {@code
   * exp.free} and {@code exp.zeropages} up to date.
   *
   * @throws IllegalArgumentException if fewer than two frames fit (frame 0 is reserved) or more
   *     than {@link #MAX_BYTES} are asked for
   */
  public PhysMem(long bytes, UvmExp exp) {
    if (bytes < 2L * PAGE_SIZE || bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "RAM size "
              + bytes
              + " bytes is out of range: need at least 2 pages (8192 bytes) and at most "
              + MAX_BYTES
              + " bytes");
    }
    int frames = (int) (bytes >>> PAGE_SHIFT);
    this.exp = exp;
    this.ram =
        ByteBuffer.allocateDirect(frames * PAGE_SIZE + PAGE_SIZE - 1)
            .alignedSlice(PAGE_SIZE)
            .order(ByteOrder.LITTLE_ENDIAN);
    UvmPanic.check(ram.capacity() >= frames * PAGE_SIZE, "PhysMem: aligned slice too small");
    this.pages = new VmPage[frames];
    this.freeStack = new int[frames];
    for (int f = 0; f < frames; f++) {
      pages[f] = new VmPage(f);
    }
    // Push in descending order so that low frames are handed out first; frame 0 stays reserved.
    for (int f = frames - 1; f >= 1; f--) {
      pages[f].pqflags = VmPage.PQ_FREE;
      freeStack[freeTop++] = f;
    }
    exp.npages = frames - 1;
    exp.free = freeTop;
    if (log.isDebugEnabled()) {
      log.debug("physical memory: {} frames of {} bytes ({} usable)", frames, PAGE_SIZE, freeTop);
    }
  }

  /**
   * The whole RAM, little-endian; frame {@code f} at byte offset {@code f << 12}. A view: its
   * position and limit are the caller's, the bytes are shared.
   */
  public ByteBuffer buffer() {
    return ram.duplicate().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Number of frames, including the reserved frame 0. */
  public int frameCount() {
    return pages.length;
  }

  /** Number of frames on the free list. */
  public int freeCount() {
    fpageqLock.lock();
    try {
      return freeTop;
    } finally {
      fpageqLock.unlock();
    }
  }

  /** The page record of frame {@code frame}. */
  public VmPage page(int frame) {
    return pages[frame];
  }

  /** The page record of the frame at physical address {@code pa}. */
  public VmPage pageAt(long pa) {
    return pages[(int) (pa >>> PAGE_SHIFT)];
  }

  /** Registers the listener told before an executed frame is rewritten (null: none). */
  public void setCodeListener(CodeListener l) {
    this.codeListener = l;
  }

  /**
   * Takes a frame off the free list (the free-list half of {@code uvm_pagealloc}).
   *
   * <p>=> returns a page with no owner, no flags and {@code pqflags == 0}, contents undefined; the
   * caller sets owner and flags. <br>
   * => returns null when no frame is free.
   */
  // uvm_page.c: uvm_pagealloc_pgfl
  public VmPage alloc() {
    fpageqLock.lock();
    try {
      if (freeTop == 0) {
        return null;
      }
      VmPage pg = pages[freeStack[--freeTop]];
      UvmPanic.check(pg.pqflags == VmPage.PQ_FREE, "PhysMem.alloc: free-list page not PQ_FREE");
      pg.pqflags = 0;
      exp.free = freeTop;
      return pg;
    } finally {
      fpageqLock.unlock();
    }
  }

  /**
   * Puts a frame back on the free list (the free-list half of {@code uvm_pagefree}).
   *
   * <p>=> the caller has detached the page from its owner, dequeued and unwired it and removed all
   * its mappings; panics otherwise (a use-after-free in the making). <br>
   * => an executed frame is reported to the code listener: it will be reused for other contents.
   */
  // uvm_page.c: uvm_pagefree
  public void free(VmPage pg) {
    UvmPanic.check(pages[pg.frame] == pg, "PhysMem.free: page of another PhysMem");
    UvmPanic.check((pg.pqflags & VmPage.PQ_FREE) == 0, "uvm_pagefree: freeing free page");
    UvmPanic.check((pg.pqflags & VmPage.PQ_QUEUED) == 0, "PhysMem.free: page still queued");
    UvmPanic.check(pg.wireCount == 0, "PhysMem.free: page still wired");
    UvmPanic.check(pg.loanCount == 0, "PhysMem.free: page still loaned");
    UvmPanic.check(!pg.mdpage.isMapped(), "PhysMem.free: page still mapped");
    rewriting(pg);
    pg.anon = null;
    pg.object = null;
    pg.offset = 0;
    pg.flags = 0;
    pg.mdpage.clearAttributes();
    fpageqLock.lock();
    try {
      pg.pqflags = VmPage.PQ_FREE;
      freeStack[freeTop++] = pg.frame;
      exp.free = freeTop;
    } finally {
      fpageqLock.unlock();
    }
  }

  /** pmap_zero_page: fills the frame with zeroes (one bulk copy, no per-byte loop). */
  // pmap.c: pmap_zero_page
  public void zero(VmPage pg) {
    rewriting(pg);
    ram.put(pg.frame << PAGE_SHIFT, ZEROES, 0, PAGE_SIZE);
    exp.zeropages++;
  }

  /** pmap_copy_page: copies the frame of {@code src} into the frame of {@code dst}. */
  // pmap.c: pmap_copy_page
  public void copy(VmPage src, VmPage dst) {
    UvmPanic.check(src != dst, "PhysMem.copy: source and destination are the same frame");
    rewriting(dst);
    ram.put(dst.frame << PAGE_SHIFT, ram, src.frame << PAGE_SHIFT, PAGE_SIZE);
  }

  /**
   * Copies {@code len} bytes at {@code pageOff} of the frame of {@code pg} into {@code dst}.
   *
   * <p>=> {@code 0 <= pageOff}, {@code pageOff + len <= PAGE_SIZE}.
   */
  public void read(VmPage pg, int pageOff, byte[] dst, int dstOff, int len) {
    checkRange(pageOff, len);
    ram.get((pg.frame << PAGE_SHIFT) + pageOff, dst, dstOff, len);
  }

  /**
   * Copies {@code len} bytes from {@code src} to {@code pageOff} of the frame of {@code pg} (a host
   * write: reported to the code listener if the frame held executed code).
   *
   * <p>=> {@code 0 <= pageOff}, {@code pageOff + len <= PAGE_SIZE}.
   */
  public void write(VmPage pg, int pageOff, byte[] src, int srcOff, int len) {
    checkRange(pageOff, len);
    rewriting(pg);
    ram.put((pg.frame << PAGE_SHIFT) + pageOff, src, srcOff, len);
  }

  /** A view of the frame of {@code pg} (position 0, limit 4096, little-endian) for bulk I/O. */
  public ByteBuffer frameBuffer(VmPage pg) {
    return ram.slice(pg.frame << PAGE_SHIFT, PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  }

  /**
   * Tells the code listener that the host is about to rewrite the frame of {@code pg} (if it held
   * executed code) and clears {@link VmPage#executed}. Anyone who writes a frame through {@link
   * #frameBuffer} or {@link #buffer} (e.g. a swap-in) calls this first.
   */
  public void rewriting(VmPage pg) {
    if (pg.executed) {
      CodeListener l = codeListener;
      if (l != null) {
        l.frameRewritten(pg);
      }
      pg.executed = false;
      // its mappings drop their cached EXEC translations, so the next fetch marks it again
      pg.mdpage.executedCleared();
    }
  }

  /**
   * Checks the free list against the page records: every listed frame is PQ_FREE and clean of
   * owner, flags and mappings, no frame is listed twice, and every PQ_FREE page is listed.
   *
   * @throws UvmPanic naming the first inconsistency
   */
  public void check() {
    fpageqLock.lock();
    try {
      checkLocked();
    } finally {
      fpageqLock.unlock();
    }
  }

  private void checkLocked() {
    boolean[] listed = new boolean[pages.length];
    for (int i = 0; i < freeTop; i++) {
      int f = freeStack[i];
      UvmPanic.check(f > 0 && f < pages.length, "PhysMem.check: bad frame on the free list");
      UvmPanic.check(!listed[f], "PhysMem.check: frame listed twice on the free list: " + f);
      listed[f] = true;
      VmPage pg = pages[f];
      UvmPanic.check(pg.pqflags == VmPage.PQ_FREE, "PhysMem.check: free frame not PQ_FREE: " + f);
      UvmPanic.check(
          pg.anon == null && pg.object == null && pg.flags == 0 && pg.wireCount == 0,
          "PhysMem.check: free frame has an owner, flags or wiring: " + f);
      UvmPanic.check(!pg.mdpage.isMapped(), "PhysMem.check: free frame is mapped: " + f);
    }
    for (int f = 0; f < pages.length; f++) {
      UvmPanic.check(
          listed[f] == ((pages[f].pqflags & VmPage.PQ_FREE) != 0),
          "PhysMem.check: PQ_FREE disagrees with the free list for frame " + f);
    }
    UvmPanic.check(exp.free == freeTop, "PhysMem.check: uvmexp.free disagrees with the free list");
  }

  private static void checkRange(int pageOff, int len) {
    if (pageOff < 0 || len < 0 || pageOff + len > PAGE_SIZE) {
      throw new UvmPanic("PhysMem: range [" + pageOff + ", +" + len + ") outside a page");
    }
  }
}
