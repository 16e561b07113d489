package org.uvm4j.uvm.page;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;

/**
 * The machine's physical memory: 4 KiB frames in regions of page-aligned memory from a {@link
 * RamBacking}, a {@link VmPage} per frame ever used, and the free list ({@code uvm.page_free}).
 *
 * <p><b>Lazy.</b> A frame that was never handed out costs nothing here: frames are handed out from
 * the free list first, and otherwise from the <em>frontier</em>, the lowest frame never used, which
 * only moves up. The frontier's move gives the frame its {@code VmPage} (records are kept in chunks
 * of {@value #CHUNK_FRAMES} references, and made a chunk at a time when the frontier enters the
 * chunk, so that neighbouring frames' records lie together on the heap) and, the first time it
 * enters a region, asks the backing for that region. So the free frames are the free list plus
 * every frame from the frontier up, and start-up time and host memory grow with what the machine
 * uses, not with its size.
 *
 * <p><b>Addresses.</b> Frame {@code f} is at physical address {@code (long) f << 12}; region {@code
 * i} of {@link #regionCount()} holds physical addresses {@code [i << regionShift(), (i + 1) <<
 * regionShift())}, so the bridge maps the regions at consecutive physical addresses from 0. Frame
 * numbers are {@code int} (up to {@link #MAX_BYTES} of RAM), physical addresses {@code long}.
 * {@link #pageAt} (the TLB-fill path) is two array loads: O(1), no allocation.
 *
 * <p><b>Closing.</b> {@link #close()} releases the backing; frame contents, regions and {@link
 * #alloc} then fail with a clear error, while records and counters stay readable for audits.
 *
 * <p><b>Reserved frames.</b> Frame 0 is never handed out, so physical address 0 never names a
 * mapped page (a TLB lookup answer of 0 can mean "no mapping"); its record exists and is never
 * free. A machine may also reserve the low end of RAM ({@code reservedBytes}): frames {@code [1,
 * firstFrame())} are never handed out and have no record (as firmware-reserved memory).
 *
 * <p>Invariants: a frame below the frontier is on the free list exactly when its page has {@link
 * VmPage#PQ_FREE}; a free page has no owner, no flags, no queue, no wiring and no mappings; {@link
 * #freeCount()} = free-list length + frames from the frontier up = {@code uvmexp.free}. The free
 * list is an int stack (LIFO): alloc and free are O(1) (amortised: the stack grows with the
 * frontier, never beyond it).
 *
 * <p>Locking: the free list, the frontier and the counters are protected by the free-page lock
 * ({@code uvm_fpageqlock}), taken inside {@link #alloc} and {@link #free}; it is a leaf lock
 * (nothing is taken while holding it). Frame contents belong to whoever owns the page.
 */
public final class PhysMem implements AutoCloseable {
  /** log2 of the page size. */
  public static final int PAGE_SHIFT = 12;

  /** Page size in bytes. */
  public static final int PAGE_SIZE = 1 << PAGE_SHIFT;

  /**
   * Largest RAM size: 1 TiB (2^28 frames, so frame numbers stay well inside an {@code int}; 1024
   * regions of 1 GiB, well below the emulator's limit on mapped regions).
   */
  public static final long MAX_BYTES = 1L << 40;

  /** Frames per chunk of page records. */
  static final int CHUNK_FRAMES = 4096;

  private static final int CHUNK_SHIFT = 12;

  private static final Logger log = LogManager.getLogger("uvm.page");

  private static final byte[] ZEROES = new byte[PAGE_SIZE];

  private final RamBacking backing;
  private final int regionShift;
  private final int regionFrameShift;
  private final int regionFrameMask;
  private final ByteBuffer[] regions;
  private final VmPage[][] chunks;
  private final int frames;
  private final int firstFrame;
  private int frontier;

  /**
   * Records made ahead for the rest of the frontier's chunk ({@code madeAheadChunk}, -1: none),
   * indexed like the chunk; an entry is moved into the chunk when the frontier reaches its frame.
   * Made together, the records of neighbouring frames lie next to each other on the heap in frame
   * order, as the TLB fill ({@link #pageAt}) likes them; made one at a time on the fault path, each
   * would lie among that path's other allocations (page tables, anons, pv entries), a cache line
   * and often a page of its own.
   */
  private VmPage[] madeAhead;

  private int madeAheadChunk = -1;

  private int[] freeStack = new int[64];
  private int freeTop;
  private int regionsAllocated;
  private boolean closed;
  private final ReentrantLock fpageqLock = new ReentrantLock();
  private final UvmExp exp;
  private CodeListener codeListener;

  /** A frame store of {@code bytes} (rounded down to whole pages) with its own counters. */
  public PhysMem(long bytes) {
    this(bytes, new UvmExp());
  }

  /**
   * A frame store of {@code bytes} rounded down to whole pages in direct memory ({@link
   * DirectRamBacking}), keeping {@code exp.npages}, {@code exp.free} and {@code exp.zeropages} up
   * to date.
   *
   * @throws IllegalArgumentException if fewer than two frames fit (frame 0 is reserved) or more
   *     than {@link #MAX_BYTES} are asked for
   */
  public PhysMem(long bytes, UvmExp exp) {
    this(bytes, exp, new DirectRamBacking(), 0);
  }

  /**
   * A frame store of {@code bytes} rounded down to whole pages, backed by {@code backing} (which
   * this store closes at {@link #close()}), whose lowest {@code reservedBytes} (rounded up to whole
   * pages; frame 0 is always reserved) are never handed out.
   *
   * @throws IllegalArgumentException if the size is out of range, or the reservation leaves no
   *     frame to hand out
   */
  public PhysMem(long bytes, UvmExp exp, RamBacking backing, long reservedBytes) {
    checkSize(bytes);
    int frames = (int) (bytes >>> PAGE_SHIFT);
    long reservedFrames = (reservedBytes + PAGE_SIZE - 1) >>> PAGE_SHIFT;
    if (reservedBytes < 0 || reservedFrames >= frames) {
      throw new IllegalArgumentException(
          "reserved low memory of "
              + reservedBytes
              + " bytes leaves no frame of the "
              + frames
              + " to hand out");
    }
    int shift = backing.regionShift();
    if (shift < PAGE_SHIFT || shift > RamBacking.MAX_REGION_SHIFT) {
      throw new IllegalArgumentException("RAM backing region shift " + shift + " out of range");
    }
    this.exp = exp;
    this.backing = backing;
    this.frames = frames;
    this.firstFrame = (int) Math.max(1, reservedFrames);
    this.frontier = firstFrame;
    this.regionShift = shift;
    this.regionFrameShift = shift - PAGE_SHIFT;
    this.regionFrameMask = (1 << regionFrameShift) - 1;
    this.regions = new ByteBuffer[(int) ((frames + (long) regionFrameMask) >>> regionFrameShift)];
    this.chunks = new VmPage[(frames + CHUNK_FRAMES - 1) >>> CHUNK_SHIFT][];
    chunks[0] = new VmPage[CHUNK_FRAMES];
    chunks[0][0] = new VmPage(0); // reserved: never free, never handed out
    exp.npages = frames - firstFrame;
    exp.free = exp.npages;
    if (log.isDebugEnabled()) {
      log.debug(
          "physical memory: {} frames of {} bytes ({} usable) in {} regions of {} bytes",
          frames,
          PAGE_SIZE,
          exp.npages,
          regions.length,
          1L << shift);
    }
  }

  /**
   * Checks a RAM size for {@link PhysMem}.
   *
   * @throws IllegalArgumentException naming the size and the accepted range
   */
  public static void checkSize(long bytes) {
    if (bytes < 2L * PAGE_SIZE || bytes > MAX_BYTES) {
      throw new IllegalArgumentException(
          "RAM size "
              + bytes
              + " bytes is out of range: need at least 2 pages (8192 bytes) and at most "
              + MAX_BYTES
              + " bytes (1 TiB)");
    }
  }

  /** Number of frames, including the reserved ones (frame 0 and the reserved low memory). */
  public int frameCount() {
    return frames;
  }

  /** The lowest frame that can be handed out (1 unless low memory is reserved). */
  public int firstFrame() {
    return firstFrame;
  }

  /**
   * The allocation frontier: the lowest frame never handed out. Frames in {@code [firstFrame(),
   * frontier())} have a {@link VmPage} record; frames from the frontier up have none and are free.
   */
  public int frontier() {
    fpageqLock.lock();
    try {
      return frontier;
    } finally {
      fpageqLock.unlock();
    }
  }

  /** Number of free frames: the free list plus every frame from the frontier up. */
  public int freeCount() {
    fpageqLock.lock();
    try {
      return freeTop + (frames - frontier);
    } finally {
      fpageqLock.unlock();
    }
  }

  /**
   * The page record of frame {@code frame}.
   *
   * @throws UvmPanic if the frame has no record: never used (at or above the frontier), reserved
   *     low memory, or out of range
   */
  public VmPage page(int frame) {
    VmPage pg = null;
    if (frame >= 0 && frame < frames) {
      VmPage[] chunk = chunks[frame >>> CHUNK_SHIFT];
      pg = chunk == null ? null : chunk[frame & (CHUNK_FRAMES - 1)];
    }
    if (pg == null) {
      throw new UvmPanic("PhysMem.page: frame " + frame + " has no page record (never used)");
    }
    return pg;
  }

  /**
   * The page record of the frame at physical address {@code pa} (TLB-fill path: two array loads).
   *
   * <p>=> {@code pa} is the address of a frame that was handed out (e.g. from a valid PTE).
   */
  public VmPage pageAt(long pa) {
    int f = (int) (pa >>> PAGE_SHIFT);
    return chunks[f >>> CHUNK_SHIFT][f & (CHUNK_FRAMES - 1)];
  }

  /** Registers the listener told before an executed frame is rewritten (null: none). */
  public void setCodeListener(CodeListener l) {
    this.codeListener = l;
  }

  // ------------------------------------------------------------------------------------ regions

  /** log2 of the region size: region {@code i} starts at physical address {@code i << shift}. */
  public int regionShift() {
    return regionShift;
  }

  /** Number of regions covering the RAM (the last one may be shorter than the others). */
  public int regionCount() {
    return regions.length;
  }

  /** Physical address of region {@code i}. */
  public long regionAddress(int i) {
    return (long) i << regionShift;
  }

  /** Regions obtained from the backing so far. */
  public int regionsAllocated() {
    fpageqLock.lock();
    try {
      return regionsAllocated;
    } finally {
      fpageqLock.unlock();
    }
  }

  /**
   * Region {@code i}, obtained from the backing now if it was not yet: a little-endian view (its
   * position and limit are the caller's, the bytes are shared) of a direct, page-aligned buffer
   * holding the frames at physical addresses {@code [regionAddress(i), regionAddress(i) +
   * capacity)}. The bridge maps every region into the emulator this way before the first run.
   *
   * @throws IllegalStateException after {@link #close()}, or when the backing cannot provide it
   */
  public ByteBuffer region(int i) {
    fpageqLock.lock();
    try {
      return regionLocked(i).duplicate().order(ByteOrder.LITTLE_ENDIAN);
    } finally {
      fpageqLock.unlock();
    }
  }

  private ByteBuffer regionLocked(int i) {
    ensureOpen();
    ByteBuffer r = regions[i];
    if (r == null) {
      long start = (long) i << regionFrameShift;
      int bytes =
          (int) ((Math.min(frames, start + (1L << regionFrameShift)) - start) << PAGE_SHIFT);
      r = backing.allocateRegion(bytes);
      Kassert.check(
          r.isDirect() && r.capacity() == bytes && r.alignmentOffset(0, PAGE_SIZE) == 0,
          "PhysMem: the RAM backing returned a bad region");
      regions[i] = r.order(ByteOrder.LITTLE_ENDIAN);
      regionsAllocated++;
    }
    return r;
  }

  // ------------------------------------------------------------------------- free list, frontier

  /**
   * Takes a frame off the free list, or from the frontier (the free-list half of {@code
   * uvm_pagealloc}).
   *
   * <p>=> returns a page with no owner, no flags and {@code pqflags == 0}, contents undefined; the
   * caller sets owner and flags. <br>
   * => returns null when no frame is free.
   */
  // uvm_page.c: uvm_pagealloc_pgfl
  public VmPage alloc() {
    fpageqLock.lock();
    try {
      ensureOpen();
      VmPage pg;
      if (freeTop > 0) {
        pg = pageAt((long) freeStack[--freeTop] << PAGE_SHIFT);
        Kassert.check(pg.pqflags == VmPage.PQ_FREE, "PhysMem.alloc: free-list page not PQ_FREE");
      } else if (frontier < frames) {
        pg = advanceFrontier();
      } else {
        return null;
      }
      pg.pqflags = 0;
      exp.free = freeTop + (frames - frontier);
      return pg;
    } finally {
      fpageqLock.unlock();
    }
  }

  /**
   * Gives the frontier frame its record (and its chunk and region if new) and moves on. The record
   * comes from {@link #madeAhead}, made with the rest of its chunk when the frontier entered it.
   */
  private VmPage advanceFrontier() {
    int f = frontier;
    regionLocked(f >>> regionFrameShift);
    int c = f >>> CHUNK_SHIFT;
    int i = f & (CHUNK_FRAMES - 1);
    VmPage[] chunk = chunks[c];
    if (chunk == null) {
      chunk = new VmPage[CHUNK_FRAMES];
      chunks[c] = chunk;
    }
    if (madeAheadChunk != c) {
      makeAhead(c, f);
    }
    VmPage pg = madeAhead[i];
    madeAhead[i] = null;
    chunk[i] = pg;
    frontier = f + 1;
    if (i == CHUNK_FRAMES - 1 || frontier == frames) {
      madeAhead = null; // the chunk is used up
      madeAheadChunk = -1;
    }
    return pg;
  }

  /**
   * Makes the records of chunk {@code c}'s frames from {@code from} up, one after the other, so
   * that the allocator places them next to each other in frame order.
   */
  private void makeAhead(int c, int from) {
    int end = (int) Math.min(frames, ((long) c + 1) << CHUNK_SHIFT);
    VmPage[] made = new VmPage[CHUNK_FRAMES];
    for (int g = from; g < end; g++) {
      made[g & (CHUNK_FRAMES - 1)] = new VmPage(g);
    }
    madeAhead = made;
    madeAheadChunk = c;
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
    Kassert.check(
        pg.frame >= firstFrame && pg.frame < frames && page(pg.frame) == pg,
        "PhysMem.free: page of another PhysMem");
    Kassert.check((pg.pqflags & VmPage.PQ_FREE) == 0, "uvm_pagefree: freeing free page");
    Kassert.check((pg.pqflags & VmPage.PQ_QUEUED) == 0, "PhysMem.free: page still queued");
    Kassert.check(pg.wireCount == 0, "PhysMem.free: page still wired");
    Kassert.check(pg.loanCount == 0, "PhysMem.free: page still loaned");
    Kassert.check(!pg.mdpage.isMapped(), "PhysMem.free: page still mapped");
    rewriting(pg);
    pg.anon = null;
    pg.object = null;
    pg.offset = 0;
    pg.flags = 0;
    pg.mdpage.clearAttributes();
    fpageqLock.lock();
    try {
      if (freeTop == freeStack.length) {
        freeStack = Arrays.copyOf(freeStack, (int) Math.min(2L * freeTop, frames));
      }
      pg.pqflags = VmPage.PQ_FREE;
      freeStack[freeTop++] = pg.frame;
      exp.free = freeTop + (frames - frontier);
    } finally {
      fpageqLock.unlock();
    }
  }

  // ----------------------------------------------------------------------------- frame contents

  /** pmap_zero_page: fills the frame with zeroes (one bulk copy, no per-byte loop). */
  // pmap.c: pmap_zero_page
  public void zero(VmPage pg) {
    rewriting(pg);
    regionOf(pg.frame).put(offsetOf(pg.frame), ZEROES, 0, PAGE_SIZE);
    exp.zeropages++;
  }

  /** pmap_copy_page: copies the frame of {@code src} into the frame of {@code dst}. */
  // pmap.c: pmap_copy_page
  public void copy(VmPage src, VmPage dst) {
    Kassert.check(src != dst, "PhysMem.copy: source and destination are the same frame");
    rewriting(dst);
    regionOf(dst.frame)
        .put(offsetOf(dst.frame), regionOf(src.frame), offsetOf(src.frame), PAGE_SIZE);
  }

  /**
   * Copies {@code len} bytes at {@code pageOff} of the frame of {@code pg} into {@code dst}.
   *
   * <p>=> {@code 0 <= pageOff}, {@code pageOff + len <= PAGE_SIZE}.
   */
  public void read(VmPage pg, int pageOff, byte[] dst, int dstOff, int len) {
    checkRange(pageOff, len);
    regionOf(pg.frame).get(offsetOf(pg.frame) + pageOff, dst, dstOff, len);
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
    regionOf(pg.frame).put(offsetOf(pg.frame) + pageOff, src, srcOff, len);
  }

  /** A view of the frame of {@code pg} (position 0, limit 4096, little-endian) for bulk I/O. */
  public ByteBuffer frameBuffer(VmPage pg) {
    return regionOf(pg.frame).slice(offsetOf(pg.frame), PAGE_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  }

  private ByteBuffer regionOf(int frame) {
    ByteBuffer r = regions[frame >>> regionFrameShift];
    if (r == null) {
      throw new UvmPanic(
          closed
              ? "PhysMem: physical memory is closed"
              : "PhysMem: frame " + frame + " was never handed out");
    }
    return r;
  }

  private int offsetOf(int frame) {
    return (frame & regionFrameMask) << PAGE_SHIFT;
  }

  /**
   * Tells the code listener that the host is about to rewrite the frame of {@code pg} (if it held
   * executed code) and clears {@link VmPage#executed}. Anyone who writes a frame through {@link
   * #frameBuffer} or {@link #region} (e.g. a swap-in) calls this first.
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
   * Releases the memory: drops every region and closes the backing (an mmap backing unmaps it). The
   * page records and counters stay readable (for audits after a run); reading or writing a frame,
   * {@link #region} and {@link #alloc} fail afterwards with a clear error. Whoever mapped the
   * regions elsewhere (the emulator) must have let go of them first. Idempotent.
   */
  @Override
  public void close() {
    fpageqLock.lock();
    try {
      if (closed) {
        return;
      }
      closed = true;
      Arrays.fill(regions, null);
    } finally {
      fpageqLock.unlock();
    }
    backing.close();
  }

  /** True after {@link #close()}. */
  public boolean isClosed() {
    return closed;
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("physical memory is closed");
    }
  }

  // --------------------------------------------------------------------------------------- audit

  /**
   * Checks the free list against the page records: every listed frame has a record, is PQ_FREE and
   * clean of owner, flags and mappings, no frame is listed twice, every PQ_FREE page below the
   * frontier is listed, the reserved frame 0 is not free, and {@code uvmexp.free} is the free
   * count. Visits only frames ever used.
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
    Kassert.check(
        frontier >= firstFrame && frontier <= frames, "PhysMem.check: frontier out of range");
    Kassert.check(freeTop <= frontier - firstFrame, "PhysMem.check: free list longer than used");
    Kassert.check(!chunks[0][0].isFree(), "PhysMem.check: reserved frame 0 is free");
    boolean[] listed = new boolean[frontier];
    for (int i = 0; i < freeTop; i++) {
      int f = freeStack[i];
      Kassert.check(
          f >= firstFrame && f < frontier, "PhysMem.check: bad frame on the free list: " + f);
      Kassert.check(!listed[f], "PhysMem.check: frame listed twice on the free list: " + f);
      listed[f] = true;
      VmPage pg = page(f);
      Kassert.check(pg.pqflags == VmPage.PQ_FREE, "PhysMem.check: free frame not PQ_FREE: " + f);
      Kassert.check(
          pg.anon == null && pg.object == null && pg.flags == 0 && pg.wireCount == 0,
          "PhysMem.check: free frame has an owner, flags or wiring: " + f);
      Kassert.check(!pg.mdpage.isMapped(), "PhysMem.check: free frame is mapped: " + f);
    }
    for (int f = firstFrame; f < frontier; f++) {
      VmPage pg = page(f);
      Kassert.check(pg.frame == f, "PhysMem.check: record of frame " + f + " names another");
      Kassert.check(
          listed[f] == ((pg.pqflags & VmPage.PQ_FREE) != 0),
          "PhysMem.check: PQ_FREE disagrees with the free list for frame " + f);
    }
    Kassert.check(
        exp.free == freeTop + (frames - frontier),
        "PhysMem.check: uvmexp.free disagrees with the free list and the frontier");
  }

  private static void checkRange(int pageOff, int len) {
    if (pageOff < 0 || len < 0 || pageOff + len > PAGE_SIZE) {
      throw new UvmPanic("PhysMem: range [" + pageOff + ", +" + len + ") outside a page");
    }
  }
}
