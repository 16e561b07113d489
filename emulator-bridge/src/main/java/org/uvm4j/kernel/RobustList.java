package org.uvm4j.kernel;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * The robust futex list a thread registered with {@code set_robust_list}, walked when the thread
 * exits or execs, as Linux's {@code exit_robust_list} does: every robust mutex the thread still
 * holds gets {@link #OWNER_DIED} set in its futex word and one waiter woken, so that the next
 * {@code pthread_mutex_lock} returns {@code EOWNERDEAD} instead of blocking for ever — in the same
 * process and across processes sharing the mutex through {@code MAP_SHARED} memory.
 *
 * <p>The list lives in guest memory and is untrusted: every read may fail (the walk then stops, as
 * Linux's does), the walk is bounded by {@link #LIST_LIMIT} entries (a circular list cannot hang
 * the kernel), and only words whose owner field is the dying thread's tid are changed.
 *
 * <pre>
 * struct robust_list      { struct robust_list *next; };
 * struct robust_list_head { struct robust_list list;       // +0
 *                           long futex_offset;             // +8: entry + offset = the futex word
 *                           struct robust_list *list_op_pending; }  // +16
 * </pre>
 *
 * Bit 0 of each pointer marks a PI futex (its waiters are not woken here: uvm4j has no PI futexes,
 * so their words only get OWNER_DIED).
 */
final class RobustList {
  /** ROBUST_LIST_LIMIT: at most this many entries are walked. */
  static final int LIST_LIMIT = 2048;

  /** FUTEX_WAITERS: someone sleeps on the word. */
  static final int WAITERS = 0x80000000;

  /** FUTEX_OWNER_DIED: the owner ended while holding the lock. */
  static final int OWNER_DIED = 0x40000000;

  /** FUTEX_TID_MASK: the owner's tid. */
  static final int TID_MASK = 0x3fffffff;

  private RobustList() {}

  /**
   * exit_robust_list: walks {@code t}'s robust list in {@code vm} (its address space, still mapped)
   * and marks every futex {@code t} owns as OWNER_DIED, waking one waiter of each.
   *
   * <p>=> the pending entry ({@code list_op_pending}) is handled last, as Linux does, and a pending
   * unlocked word (0) still gets one waiter woken.
   */
  // Linux kernel/futex/core.c: exit_robust_list
  static void exit(Proc t, Vmspace vm, Futexes futexes) {
    long head = t.robustListHead;
    if (head == 0 || vm == null) {
      return;
    }
    long entryRaw;
    long offset;
    long pendingRaw;
    try {
      entryRaw = readLong(vm, head);
      offset = readLong(vm, head + 8);
      pendingRaw = readLong(vm, head + 16);
    } catch (UvmException e) {
      return;
    }
    long pending = pendingRaw & ~1L;
    boolean pendingPi = (pendingRaw & 1) != 0;
    long entry = entryRaw & ~1L;
    boolean pi = (entryRaw & 1) != 0;
    int limit = LIST_LIMIT;
    while (entry != head) {
      long nextRaw;
      boolean nextFaulted = false;
      try {
        nextRaw = readLong(vm, entry); // fetched before the entry is handled, as Linux does
      } catch (UvmException e) {
        nextRaw = 0;
        nextFaulted = true;
      }
      if (entry != pending && !handleDeath(vm, futexes, entry + offset, t.tid(), pi, false)) {
        return;
      }
      if (nextFaulted) {
        return;
      }
      entry = nextRaw & ~1L;
      pi = (nextRaw & 1) != 0;
      if (--limit == 0) {
        break;
      }
    }
    if (pending != 0) {
      handleDeath(vm, futexes, pending + offset, t.tid(), pendingPi, true);
    }
  }

  /**
   * handle_futex_death: the futex word at {@code uaddr}, if {@code tid} owns it, becomes {@code
   * (waiters bit) | OWNER_DIED} and one waiter is woken.
   *
   * @return false when the word is misaligned or cannot be read (the walk then stops)
   */
  // Linux kernel/futex/core.c: handle_futex_death
  private static boolean handleDeath(
      Vmspace vm, Futexes futexes, long uaddr, int tid, boolean pi, boolean pendingOp) {
    if ((uaddr & 3) != 0) {
      return false;
    }
    byte[] b = new byte[4];
    if (vm.copyin(uaddr, b, 0, 4) != 0) {
      return false;
    }
    int uval = (b[0] & 0xff) | (b[1] & 0xff) << 8 | (b[2] & 0xff) << 16 | (b[3] & 0xff) << 24;
    if (pendingOp && !pi && uval == 0) {
      // the thread died between taking the lock and recording it: a waiter may wait for ever
      wake(vm, futexes, uaddr);
      return true;
    }
    if ((uval & TID_MASK) != tid) {
      return true;
    }
    int mval = (uval & WAITERS) | OWNER_DIED;
    // the kernel runs one guest thread at a time, so this store is the cmpxchg's only writer
    if (!ProcLifecycle.putTid(vm, uaddr, mval)) {
      return false;
    }
    if (!pi && (uval & WAITERS) != 0) {
      wake(vm, futexes, uaddr);
    }
    return true;
  }

  /**
   * futex_wake(uaddr, FLAGS_SHARED, 1, FUTEX_BITSET_MATCH_ANY): robust mutexes are keyed shared.
   */
  private static void wake(Vmspace vm, Futexes futexes, long uaddr) {
    try {
      futexes.wake(Futexes.key(vm, uaddr, false), 1, Futexes.MATCH_ANY);
    } catch (UvmException e) {
      // the word was just read, so it is mapped; nothing to wake otherwise
    }
  }

  private static long readLong(Vmspace vm, long va) throws UvmException {
    byte[] b = new byte[8];
    if (vm.copyin(va, b, 0, 8) != 0) {
      throw new UvmException(Errno.EFAULT);
    }
    long v = 0;
    for (int i = 7; i >= 0; i--) {
      v = v << 8 | (b[i] & 0xff);
    }
    return v;
  }
}
