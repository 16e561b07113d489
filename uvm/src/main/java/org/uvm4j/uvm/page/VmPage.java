package org.uvm4j.uvm.page;

import java.util.concurrent.locks.ReentrantLock;
import org.uvm4j.uvm.Kassert;

/**
 * One physical frame's record ({@code struct vm_page}). Owned either by an anon ({@link #anon},
 * {@link #PQ_ANON}) or by an object ({@link #object}, {@link #offset}), or free ({@link #PQ_FREE}).
 *
 * <p>Fields are protected by the owner's lock ({@link #flags}, {@link #anon}, {@link #object},
 * {@link #offset}) or by the page-queue lock ({@link #pqflags}, queue links, {@link #wireCount}),
 * as in NetBSD; the lock order is in docs/design.md ("Locking"). The machine-dependent part ({@link
 * #mdpage}: pv list and referenced/modified attributes) belongs to the pmap.
 *
 * <p>Busy pages are the sleep primitive: whoever sets {@link #PG_BUSY} owns the page; others set
 * {@link #PG_WANTED} and call {@link #unlockAndWait} with the owner's lock held, which releases it
 * and sleeps atomically ({@code UVM_UNLOCK_AND_WAIT}); the owner wakes them with {@link #wakeup}
 * while holding the same lock. Sleepers wait on a per-page monitor (the {@code wakeup(pg)}
 * channel).
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

  /**
   * PQ_AOBJ: an anonymous object ({@code uvm_aobj}) owns the page; it is swap-backed like an anon
   * page (NetBSD's {@code PQ_SWAPBACKED = PQ_ANON | PQ_AOBJ}).
   */
  public static final int PQ_AOBJ = 0x0004;

  /** PQ_ACTIVE: on the active queue (clock policy). */
  public static final int PQ_ACTIVE = 0x0100;

  /** PQ_INACTIVE: on the inactive queue (clock policy). */
  public static final int PQ_INACTIVE = 0x0200;

  /** How often {@link #waitUnbusy} re-reads PG_BUSY if no wakeup came (milliseconds). */
  private static final long UNBUSY_RECHECK_MS = 10;

  /** PQ_ACTIVE or PQ_INACTIVE: the page is on a paging queue. */
  public static final int PQ_QUEUED = PQ_ACTIVE | PQ_INACTIVE;

  /** Frame number: the page's physical address is {@code frame << PAGE_SHIFT}. */
  public final int frame;

  /**
   * Owning anon ({@code vm_page.uanon}), or null. Always an amap-layer {@code Anon}, typed here by
   * what the page layer needs of it (see {@link PageAnon}).
   */
  public PageAnon anon;

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

  /**
   * The frame holds code the CPU has executed (set by the TLB-fill path on an EXEC access). Before
   * the host rewrites such a frame, {@link PhysMem} calls its {@link CodeListener} and clears this.
   */
  public boolean executed;

  /** vm_page_md: the pmap's part of the page (pv list, referenced/modified attributes). */
  public final VmPageMd mdpage = new VmPageMd();

  /** Paging-queue links (page-queue lock); null when on no queue. */
  VmPage pqPrev;

  VmPage pqNext;

  /** Monitor of the page's sleepers ({@code wakeup(pg)} channel); guards the two fields below. */
  private final Object waitChannel = new Object();

  /**
   * Number of {@link #wakeup} calls so far: an {@link #unlockAndWait} sleeper waits for a change.
   */
  private long wakeups;

  /** Threads sleeping on the page now. */
  private int sleepers;

  /** Creates the record of frame {@code frame}; only the physical-memory allocator does this. */
  public VmPage(int frame) {
    this.frame = frame;
  }

  /** Physical address of the frame. */
  public long physAddr() {
    return (long) frame << PhysMem.PAGE_SHIFT;
  }

  /** True if PG_BUSY is set. */
  public boolean isBusy() {
    return (flags & PG_BUSY) != 0;
  }

  /** True if the page is on the free list. */
  public boolean isFree() {
    return (pqflags & PQ_FREE) != 0;
  }

  /** True if the page is on the active or inactive queue. */
  public boolean isQueued() {
    return (pqflags & PQ_QUEUED) != 0;
  }

  /** The next page on the same paging queue, or null at its tail (page-queue lock held). */
  public VmPage queueNext() {
    return pqNext;
  }

  /**
   * UVM_UNLOCK_AND_WAIT(pg, lock, ...): sleeps until the page's owner calls {@link #wakeup},
   * releasing {@code ownerLock} atomically with going to sleep (a wakeup between the two cannot be
   * lost: the waker needs {@code ownerLock} to change the page, and the sleeper is registered on
   * the page's channel before it lets the lock go).
   *
   * <p>=> {@code ownerLock} (the lock of the page's owner, anon or object) held once by the caller;
   * the page busy. Sets {@link #PG_WANTED}. <br>
   * => returns with {@code ownerLock} released; the page may have been freed or changed meanwhile:
   * the caller must look it up again.
   */
  // uvm.h: UVM_UNLOCK_AND_WAIT
  public void unlockAndWait(ReentrantLock ownerLock, String wmsg) {
    Kassert.check(ownerLock.isHeldByCurrentThread(), "UVM_UNLOCK_AND_WAIT: owner lock not held");
    Kassert.check(ownerLock.getHoldCount() == 1, "UVM_UNLOCK_AND_WAIT: owner lock held twice");
    sleepReleasing(ownerLock::unlock);
  }

  /**
   * UVM_UNLOCK_AND_WAIT(pg, &anon->an_lock, ...): as {@link #unlockAndWait(ReentrantLock, String)}
   * with the owning anon's lock.
   *
   * <p>=> {@code owner} locked by the caller; the page busy. <br>
   * => returns with {@code owner} unlocked.
   */
  // uvm.h: UVM_UNLOCK_AND_WAIT
  public void unlockAndWait(PageAnon owner, String wmsg) {
    Kassert.check(owner.isLocked(), "UVM_UNLOCK_AND_WAIT: anon not locked");
    sleepReleasing(owner::unlock);
  }

  /** Registers as a sleeper, runs {@code unlock}, and sleeps until the next {@link #wakeup}. */
  private void sleepReleasing(Runnable unlock) {
    Kassert.check((flags & PG_BUSY) != 0, "UVM_UNLOCK_AND_WAIT: page not busy");
    flags |= PG_WANTED;
    boolean interrupted = false;
    synchronized (waitChannel) {
      long seen = wakeups;
      sleepers++;
      unlock.run();
      try {
        while (wakeups == seen) {
          try {
            waitChannel.wait();
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        sleepers--;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Sleeps until the page is not {@link #PG_BUSY}, holding no lock (the amap layer's {@code
   * pageWait}: the caller set {@link #PG_WANTED} and released everything, and restarts afterwards).
   * The owner may wake sleepers just before clearing PG_BUSY (NetBSD's order), so the sleeper also
   * re-reads the flag periodically.
   */
  public void waitUnbusy(String wmsg) {
    boolean interrupted = false;
    synchronized (waitChannel) {
      sleepers++;
      try {
        while ((flags & PG_BUSY) != 0) {
          try {
            waitChannel.wait(UNBUSY_RECHECK_MS);
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
      } finally {
        sleepers--;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** wakeup(pg): clears {@link #PG_WANTED} and wakes every thread sleeping on the page. */
  // kern_synch.c: wakeup
  public void wakeup() {
    flags &= ~PG_WANTED;
    synchronized (waitChannel) {
      wakeups++;
      if (sleepers > 0) {
        waitChannel.notifyAll();
      }
    }
  }

  /** Number of threads sleeping on the page now (for tests and the audit). */
  public int sleepers() {
    synchronized (waitChannel) {
      return sleepers;
    }
  }

  @Override
  public String toString() {
    return "VmPage[frame="
        + frame
        + " flags=0x"
        + Integer.toHexString(flags)
        + " pq=0x"
        + Integer.toHexString(pqflags)
        + " wire="
        + wireCount
        + "]";
  }
}
