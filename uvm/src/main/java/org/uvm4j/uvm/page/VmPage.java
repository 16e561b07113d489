package org.uvm4j.uvm.page;

import org.uvm4j.uvm.amap.Anon;

/**
 * One physical frame's record ({@code struct vm_page}). Owned either by an anon ({@link #anon},
 * {@link #PQ_ANON}) or by an object ({@link #object}, {@link #offset}), or free.
 *
 * <p>Fields are protected by the owner's lock (flags), or by the page-queue lock (queue state, wire
 * count), as in NetBSD; see the package documentation for the lock order.
 */
public final class VmPage {
  /** PG_BUSY: owned by someone doing I/O or set-up; others must wait. */
  public static final int PG_BUSY = 0x0001;

  /** PG_WANTED: someone waits for this page to be unbusied. */
  public static final int PG_WANTED = 0x0002;

  /** PG_CLEAN: contents equal the backing store (for an anon: its swap slot). */
  public static final int PG_CLEAN = 0x0008;

  /** PG_PAGEOUT: page-daemon I/O in progress; free on completion. */
  public static final int PG_PAGEOUT = 0x0010;

  /** PG_RELEASED: free when unbusied. */
  public static final int PG_RELEASED = 0x0020;

  /** PG_FAKE: contents not valid yet. */
  public static final int PG_FAKE = 0x0040;

  /** PG_RDONLY: must be mapped read-only. */
  public static final int PG_RDONLY = 0x0080;

  /** PG_ZERO: known to be zero-filled. */
  public static final int PG_ZERO = 0x0100;

  /** PQ_FREE: on the free list. */
  public static final int PQ_FREE = 0x0001;

  /** PQ_ANON: an anon owns the page. */
  public static final int PQ_ANON = 0x0002;

  /** PQ_ACTIVE: on the active queue (clock policy). */
  public static final int PQ_ACTIVE = 0x0100;

  /** PQ_INACTIVE: on the inactive queue (clock policy). */
  public static final int PQ_INACTIVE = 0x0200;

  /** Frame number: the page's physical address is {@code frame << PAGE_SHIFT}. */
  public final int frame;

  /** Owning anon, or null. */
  public Anon anon;

  /** Owning object, or null. */
  public Object object;

  /** Byte offset of the page in its object. */
  public long offset;

  /** PG_* flags (owner's lock). */
  public int flags;

  /** PQ_* flags (page-queue lock). */
  public int pqflags;

  /** Wired mappings; a wired page is on no paging queue. */
  public int wireCount;

  /** Outstanding loans. */
  public int loanCount;

  /** Creates the record of frame {@code frame}; only the physical-memory allocator does this. */
  public VmPage(int frame) {
    this.frame = frame;
  }

  /** Physical address of the frame. */
  public long physAddr() {
    return (long) frame << 12;
  }
}
