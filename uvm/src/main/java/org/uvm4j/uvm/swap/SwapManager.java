package org.uvm4j.uvm.swap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmExp;
import org.uvm4j.uvm.UvmPanic;

/**
 * The swap layer ({@code uvm_swap.c}): every configured {@link SwapArea} mapped into one slot space
 * (the "drum", whose slot 0 is never handed out), slot allocation with clustering, freeing, bad
 * slots, synchronous page I/O and {@code swap_off}.
 *
 * <p>Invariants (under the data lock): {@code swpginuse} is the number of allocated slots over all
 * devices (bad ones included), {@code swpgonly} the number of allocated slots whose data has no
 * copy in RAM, {@code swpages} the slots of all devices and {@code swpgavail} the good slots of
 * enabled devices. A slot is allocated until it is freed, unless it is bad: bad slots stay
 * allocated until their device is removed.
 */
public final class SwapManager {
  private static final Logger log = LogManager.getLogger("uvm.swap");

  /** SWSLOT_BAD: the anon's swap copy was destroyed by an I/O error. */
  public static final int SWSLOT_BAD = -1;

  /** Largest drum: slot numbers are positive ints. */
  public static final int MAX_DRUM_PAGES = Integer.MAX_VALUE - 1;

  /** Percentage of swap holding swap-only pages above which swap counts as full. */
  public static final int SWAP_FULL_PERCENT = 99;

  /** swap_syscall_lock: serialises swapon/swapoff. */
  private final ReentrantLock syscallLock = new ReentrantLock();

  /** uvm_swap_data_lock: protects the device list, the slot bitmaps and the counters. */
  private final ReentrantLock dataLock = new ReentrantLock();

  /** swap_priority: devices, highest priority first, round-robin within a priority. */
  private final List<SwapArea> devices = new ArrayList<>();

  private SwapOffWalker walker;

  /** The thread running swap_off's page-in walk, or null. */
  private volatile Thread swappingOff;

  private long nextDrumOffset = 1;

  /** uvmexp: swpages, swpgavail, swpginuse, swpgonly, swpgbad are kept here. */
  private final UvmExp exp;

  /** Set by {@link #swapOnlyFreed}: this thread's next {@link #free} releases a swap-only slot. */
  private final ThreadLocal<boolean[]> freeingSwapOnly =
      ThreadLocal.withInitial(() -> new boolean[1]);

  /**
   * An empty swap layer keeping its counters in {@code exp}; {@code walker} pages anons back in for
   * {@link #swapOff} (null: set later with {@link #setSwapOffWalker}).
   */
  public SwapManager(UvmExp exp, SwapOffWalker walker) {
    this.exp = exp;
    this.walker = walker;
  }

  /** Sets what {@link #swapOff} uses to page anons back in (the amap list). */
  public void setSwapOffWalker(SwapOffWalker walker) {
    this.walker = walker;
  }

  // ---------------------------------------------------------------------------------------------
  // Configuration

  /**
   * swap_on: adds {@code device} at {@code priority} (higher is used first).
   *
   * @return the device's record
   * @throws IllegalArgumentException if the drum has no room left for it
   */
  // uvm_swap.c: swap_on
  public SwapArea swapOn(SwapDevice device, int priority) {
    syscallLock.lock();
    dataLock.lock();
    try {
      if (nextDrumOffset + device.pages() > MAX_DRUM_PAGES + 1L) {
        throw new IllegalArgumentException(
            "no room in the swap slot space for " + device.name() + " (" + device.pages() + ")");
      }
      SwapArea sdp = new SwapArea(device, priority, (int) nextDrumOffset);
      nextDrumOffset += device.pages();
      int at = 0;
      while (at < devices.size() && devices.get(at).priority >= priority) {
        at++;
      }
      devices.add(at, sdp);
      exp.swpages += sdp.npages;
      exp.swpgavail += sdp.npages;
      log.info("swap on {}", sdp);
      return sdp;
    } finally {
      dataLock.unlock();
      syscallLock.unlock();
    }
  }

  /**
   * swap_off: disables {@code sdp}, pages every anon with a slot on it back into RAM, and removes
   * it (closing its device).
   *
   * @return 0; {@link Errno#ENOMEM} if RAM could not hold the pages (the device stays in use);
   *     {@link Errno#EBUSY} if slots on it are still in use afterwards (the device stays in use);
   *     {@link Errno#EINVAL} if it is not configured
   */
  // uvm_swap.c: swap_off
  public int swapOff(SwapArea sdp) {
    syscallLock.lock();
    try {
      dataLock.lock();
      try {
        if (sdp.removed || !devices.contains(sdp)) {
          return Errno.EINVAL;
        }
        if (!sdp.enabled) {
          return Errno.EBUSY;
        }
        sdp.enabled = false;
        exp.swpgavail -= sdp.npages - sdp.npgbad;
      } finally {
        dataLock.unlock();
      }
      int start = sdp.drumOffset;
      int end = sdp.drumOffset + sdp.npages;
      boolean failed;
      swappingOff = Thread.currentThread();
      try {
        failed = walker != null && walker.swapOff(start, end);
      } finally {
        swappingOff = null;
      }
      if (failed) {
        reenable(sdp);
        log.warn("swap off {} failed: not enough memory", sdp.device.name());
        return Errno.ENOMEM;
      }
      dataLock.lock();
      try {
        if (sdp.npginuse > sdp.npgbad) {
          sdp.enabled = true;
          exp.swpgavail += sdp.npages - sdp.npgbad;
          log.warn("swap off {} failed: {} slots still in use", sdp.device.name(), sdp.npginuse);
          return Errno.EBUSY;
        }
        Kassert.check(sdp.only.isEmpty(), "swap_off: swap-only slot left on device");
        devices.remove(sdp);
        sdp.removed = true;
        exp.swpages -= sdp.npages;
        exp.swpginuse -= sdp.npgbad;
        exp.swpgbad -= sdp.npgbad;
      } finally {
        dataLock.unlock();
      }
      try {
        sdp.device.close();
      } catch (IOException e) {
        log.warn("closing swap device {}: {}", sdp.device.name(), e.toString());
      }
      log.info("swap off {}", sdp.device.name());
      return 0;
    } finally {
      syscallLock.unlock();
    }
  }

  private void reenable(SwapArea sdp) {
    dataLock.lock();
    try {
      sdp.enabled = true;
      exp.swpgavail += sdp.npages - sdp.npgbad;
    } finally {
      dataLock.unlock();
    }
  }

  /**
   * Closes every device (at machine shutdown); slots are forgotten and no slot can be allocated any
   * more. The counters keep their last values, so that statistics printed after the run show the
   * configured swap and what was left in it (normally only bad slots).
   */
  public void close() {
    syscallLock.lock();
    try {
      List<SwapArea> all;
      dataLock.lock();
      try {
        all = new ArrayList<>(devices);
        devices.clear();
      } finally {
        dataLock.unlock();
      }
      for (SwapArea sdp : all) {
        sdp.removed = true;
        try {
          sdp.device.close();
        } catch (IOException e) {
          log.warn("closing swap device {}: {}", sdp.device.name(), e.toString());
        }
      }
    } finally {
      syscallLock.unlock();
    }
  }

  /** The configured devices, highest priority first. */
  public List<SwapArea> devices() {
    dataLock.lock();
    try {
      return List.copyOf(devices);
    } finally {
      dataLock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Slots

  /**
   * uvm_swap_alloc: {@code n} contiguous slots on one enabled device, trying priorities from high
   * to low and devices of one priority round-robin.
   *
   * <p>The {@code lessok} retry with one slot is the caller's (see {@link SwapCluster}).
   *
   * @return the first drum slot, or 0 when no device has {@code n} free contiguous slots
   */
  // uvm_swap.c: uvm_swap_alloc
  public int alloc(int n) {
    Kassert.check(n > 0, "uvm_swap_alloc: n > 0");
    dataLock.lock();
    try {
      for (int i = 0; i < devices.size(); i++) {
        SwapArea sdp = devices.get(i);
        if (!sdp.enabled || sdp.npginuse + n > sdp.npages) {
          continue;
        }
        int start = sdp.allocRun(n);
        if (start < 0) {
          continue;
        }
        rotate(i);
        exp.swpginuse += n;
        return sdp.drumOffset + start;
      }
      return 0;
    } finally {
      dataLock.unlock();
    }
  }

  /** Moves devices[i] behind the other devices of its priority (round-robin). */
  private void rotate(int i) {
    SwapArea sdp = devices.get(i);
    int j = i;
    while (j + 1 < devices.size() && devices.get(j + 1).priority == sdp.priority) {
      j++;
    }
    if (j != i) {
      devices.remove(i);
      devices.add(j, sdp);
    }
  }

  /**
   * uvm_swap_free: releases {@code n} slots from {@code start}; {@link #SWSLOT_BAD} is ignored.
   *
   * <p>=> every slot in the range is allocated and not bad.
   */
  // uvm_swap.c: uvm_swap_free
  public void free(int start, int n) {
    if (start == SWSLOT_BAD) {
      return;
    }
    Kassert.check(start > 0 && n > 0, "uvm_swap_free: start > 0 && n > 0");
    dataLock.lock();
    try {
      SwapArea sdp = find(start, n);
      int off = start - sdp.drumOffset;
      boolean[] pending = freeingSwapOnly.get();
      boolean onlyExpected = pending[0];
      pending[0] = false;
      for (int s = off; s < off + n; s++) {
        Kassert.check(sdp.inUse.get(s), "uvm_swap_free: slot allocated");
        Kassert.check(!sdp.bad.get(s), "uvm_swap_free: slot not bad");
        Kassert.check(
            sdp.only.get(s) == onlyExpected,
            onlyExpected
                ? "uvm_swap_free: swap-only anon freed but its slot has a RAM copy"
                : "uvm_swap_free: freeing the only copy of a page");
        if (onlyExpected) {
          sdp.only.clear(s);
          exp.swpgonly--;
        }
      }
      sdp.inUse.clear(off, off + n);
      sdp.sums.forget(off, n);
      sdp.npginuse -= n;
      exp.swpginuse -= n;
    } finally {
      dataLock.unlock();
    }
  }

  /**
   * uvmexp.swpgonly-- of {@code uvm_anfree}: the anon being freed lived only in swap, and the next
   * {@link #free} (its {@code uvm_anon_dropswap}) releases that only copy. The count itself follows
   * the slot: {@link #free} checks that the slot is swap-only and decrements swpgonly.
   */
  public void swapOnlyFreed() {
    boolean[] pending = freeingSwapOnly.get();
    Kassert.check(!pending[0], "swpgonly--: previous swap-only free still pending");
    pending[0] = true;
  }

  /**
   * uvm_swap_markbad: the slots failed I/O; they stay allocated and are never handed out again.
   * Their data no longer counts as swap-only.
   */
  // uvm_swap.c: uvm_swap_markbad
  public void markBad(int start, int n) {
    Kassert.check(start > 0 && n > 0, "uvm_swap_markbad: start > 0 && n > 0");
    dataLock.lock();
    try {
      SwapArea sdp = find(start, n);
      int off = start - sdp.drumOffset;
      for (int s = off; s < off + n; s++) {
        Kassert.check(sdp.inUse.get(s), "uvm_swap_markbad: slot allocated");
        if (sdp.only.get(s)) {
          sdp.only.clear(s);
          exp.swpgonly--;
        }
        if (!sdp.bad.get(s)) {
          sdp.bad.set(s);
          sdp.npgbad++;
          exp.swpgbad++;
          if (sdp.enabled) {
            exp.swpgavail--;
          }
        }
      }
      log.warn("swap slots [{}, {}) on {} marked bad", start, start + n, sdp.device.name());
    } finally {
      dataLock.unlock();
    }
  }

  /**
   * The RAM copy of the data in {@code slot} was dropped (page-out completed or a clean page was
   * reclaimed): the slot now holds the only copy (swpgonly++).
   */
  public void setSwapOnly(int slot) {
    dataLock.lock();
    try {
      SwapArea sdp = find(slot, 1);
      int off = slot - sdp.drumOffset;
      Kassert.check(sdp.inUse.get(off) && !sdp.bad.get(off), "swap-only slot is allocated, good");
      Kassert.check(!sdp.only.get(off), "slot not already swap-only");
      sdp.only.set(off);
      exp.swpgonly++;
    } finally {
      dataLock.unlock();
    }
  }

  /** The slot's data has a RAM copy again (after a page-in): swpgonly--. */
  private void clearSwapOnly(SwapArea sdp, int off) {
    dataLock.lock();
    try {
      if (sdp.only.get(off)) {
        sdp.only.clear(off);
        exp.swpgonly--;
      }
    } finally {
      dataLock.unlock();
    }
  }

  private SwapArea find(int start, int n) {
    Kassert.check(dataLock.isHeldByCurrentThread(), "swap data lock held");
    for (SwapArea sdp : devices) {
      if (sdp.contains(start)) {
        Kassert.check(sdp.contains(start + n - 1), "swap slot range within one device");
        return sdp;
      }
    }
    throw new UvmPanic("swap slot " + start + " is on no configured device");
  }

  private SwapArea lookup(int slot, int n) {
    dataLock.lock();
    try {
      return find(slot, n);
    } finally {
      dataLock.unlock();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // I/O

  /**
   * uvm_swap_get: reads {@code slot} into {@code dst} (one page, synchronously).
   *
   * @return 0, or {@link Errno#EIO} for a bad slot or a failed read (the caller marks it bad)
   */
  // uvm_swap.c: uvm_swap_get
  public int get(int slot, ByteBuffer dst) {
    if (slot == SWSLOT_BAD) {
      return Errno.EIO;
    }
    Kassert.check(slot > 0, "uvm_swap_get: slot > 0");
    SwapArea sdp = lookup(slot, 1);
    int off = slot - sdp.drumOffset;
    int pos = dst.position();
    try {
      sdp.device.readPage(off, dst);
    } catch (IOException e) {
      log.warn("swap read of slot {} on {} failed: {}", slot, sdp.device.name(), e.toString());
      return Errno.EIO;
    }
    String corrupt = sdp.sums.verify(off, dst, pos);
    if (corrupt != null) {
      dataLock.lock();
      try {
        exp.swpgcorrupt++;
      } finally {
        dataLock.unlock();
      }
      log.error(
          "swap slot {} on {} does not hold what was written ({}): the page is lost",
          slot,
          sdp.device.name(),
          corrupt);
      return Errno.EIO;
    }
    clearSwapOnly(sdp, off);
    return 0;
  }

  /**
   * uvm_swap_put: writes the pages in {@code src} to the contiguous slots from {@code slot}
   * (synchronously, one transfer).
   *
   * @return 0, or {@link Errno#EIO} if the write failed
   */
  // uvm_swap.c: uvm_swap_put
  public int put(int slot, ByteBuffer src) {
    Kassert.check(slot > 0, "uvm_swap_put: slot > 0");
    int n = src.remaining() / SwapDevice.PAGE_SIZE;
    SwapArea sdp = lookup(slot, n);
    int off = slot - sdp.drumOffset;
    int pos = src.position();
    try {
      sdp.device.writePages(off, src);
      sdp.sums.record(off, n, src, pos);
    } catch (IOException e) {
      sdp.sums.forget(off, n);
      log.warn(
          "swap write of slots [{}, {}) on {} failed: {}",
          slot,
          slot + n,
          sdp.device.name(),
          e.toString());
      return Errno.EIO;
    }
    return 0;
  }

  // ---------------------------------------------------------------------------------------------
  // State

  /** uvm_swapisfull: swap-only pages fill {@link #SWAP_FULL_PERCENT}% of the usable slots. */
  // uvm_swap.c: uvm_swapisfull
  public boolean isFull() {
    dataLock.lock();
    try {
      return exp.swpgonly * 100 >= exp.swpgavail * SWAP_FULL_PERCENT;
    } finally {
      dataLock.unlock();
    }
  }

  /** Whether the calling thread is inside {@link #swapOff}'s page-in walk. */
  public boolean isSwappingOff() {
    return swappingOff == Thread.currentThread();
  }

  /** Whether any device is configured and enabled. */
  public boolean hasSwap() {
    dataLock.lock();
    try {
      return !devices.isEmpty() && exp.swpgavail > 0;
    } finally {
      dataLock.unlock();
    }
  }

  /** swpages: slots on all devices. */
  public long swpages() {
    return exp.swpages;
  }

  /** swpginuse: allocated slots (bad ones included). */
  public long swpginuse() {
    return exp.swpginuse;
  }

  /** swpgonly: allocated slots holding the only copy of their data. */
  public long swpgonly() {
    return exp.swpgonly;
  }

  /** swpgavail: good slots on enabled devices. */
  public long swpgavail() {
    return exp.swpgavail;
  }

  /** Whether {@code slot} is allocated. */
  public boolean isAllocated(int slot) {
    dataLock.lock();
    try {
      for (SwapArea sdp : devices) {
        if (sdp.contains(slot)) {
          return sdp.inUse.get(slot - sdp.drumOffset);
        }
      }
      return false;
    } finally {
      dataLock.unlock();
    }
  }

  /** Whether {@code slot} is marked bad. */
  public boolean isBad(int slot) {
    dataLock.lock();
    try {
      for (SwapArea sdp : devices) {
        if (sdp.contains(slot)) {
          return sdp.bad.get(slot - sdp.drumOffset);
        }
      }
      return false;
    } finally {
      dataLock.unlock();
    }
  }

  /** Whether {@code slot} holds the only copy of its data (counted in swpgonly). */
  public boolean isSwapOnly(int slot) {
    dataLock.lock();
    try {
      for (SwapArea sdp : devices) {
        if (sdp.contains(slot)) {
          return sdp.only.get(slot - sdp.drumOffset);
        }
      }
      return false;
    } finally {
      dataLock.unlock();
    }
  }

  /** Calls {@code action} with every allocated slot that is not bad (for audits). */
  public void forEachGoodSlot(IntConsumer action) {
    dataLock.lock();
    try {
      for (SwapArea sdp : devices) {
        for (int s = sdp.inUse.nextSetBit(0); s >= 0; s = sdp.inUse.nextSetBit(s + 1)) {
          if (!sdp.bad.get(s)) {
            action.accept(sdp.drumOffset + s);
          }
        }
      }
    } finally {
      dataLock.unlock();
    }
  }
}
