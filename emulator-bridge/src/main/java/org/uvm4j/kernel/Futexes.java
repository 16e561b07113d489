package org.uvm4j.kernel;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.uvm4j.kernel.fs.WaitChannel;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.amap.Amap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;

/**
 * The futex hash table (Linux {@code kernel/futex}): FIFO queues of waiting tasks, one per key. A
 * key names the memory word, not the address: a private futex ({@code FUTEX_PRIVATE_FLAG}) is
 * (address space, address); a shared one on a {@code MAP_SHARED} mapping is the backing — (amap,
 * slot) for anonymous memory, (object, offset) for an object page — so that processes sharing the
 * memory at different addresses meet; a shared futex on private memory is (address space, address)
 * marked shared, which, as on Linux, does not meet a private waiter on the same word.
 *
 * <p>Invariants: a task is queued on at most one key, exactly while its {@link Proc#futexWait} is
 * queued and not woken; woken waiters left the queue; queues hold no exited task. Order is FIFO, so
 * wake-ups are deterministic.
 */
public final class Futexes {
  /** The key of a futex word. */
  public record Key(Object space, long index, boolean shared) {}

  /** A task waiting on a futex (one per FUTEX_WAIT in progress). */
  static final class Waiter {
    final Proc task;
    final long uaddr;
    final int bitset;
    final WaitChannel channel;
    Key key;
    boolean woken;

    Waiter(Proc task, Key key, long uaddr, int bitset) {
      this.task = task;
      this.key = key;
      this.uaddr = uaddr;
      this.bitset = bitset;
      this.channel = new WaitChannel("futex 0x" + Long.toHexString(uaddr));
    }
  }

  /** FUTEX_BITSET_MATCH_ANY. */
  public static final int MATCH_ANY = 0xffffffff;

  private final Map<Key, ArrayDeque<Waiter>> queues = new LinkedHashMap<>();
  private final Scheduler sched;

  Futexes(Scheduler sched) {
    this.sched = sched;
  }

  /**
   * get_futex_key: the key of the 32-bit word at {@code uaddr} (4-byte aligned, checked by the
   * caller) in {@code vm}; {@code priv} for FUTEX_PRIVATE_FLAG.
   *
   * @throws UvmException EFAULT when no mapping holds the address
   */
  // Linux kernel/futex/core.c: get_futex_key
  public static Key key(Vmspace vm, long uaddr, boolean priv) throws UvmException {
    if (priv) {
      return new Key(vm, uaddr, false);
    }
    VmMapEntry e = vm.map().lookup(uaddr);
    if (e == null) {
      throw new UvmException(Errno.EFAULT);
    }
    if (!e.isSharedMapping()) {
      return new Key(vm, uaddr, true);
    }
    long off = e.offsetOf(uaddr);
    Amap amap = e.aref.amap;
    if (amap != null) {
      long slot = e.aref.pageOffset + (off >>> 12);
      return new Key(amap, (slot << 12) | (uaddr & 0xfff), true);
    }
    if (e.object != null) {
      return new Key(e.object, e.offset + off, true);
    }
    return new Key(vm, uaddr, true);
  }

  /**
   * futex_wait_setup + queue: {@code t} waits on {@code key} for a wake-up whose bitset meets
   * {@code bitset}. The caller then puts it to sleep on {@link #channelOf}.
   */
  public void enqueue(Proc t, Key key, long uaddr, int bitset) {
    cancel(t);
    Waiter w = new Waiter(t, key, uaddr, bitset);
    t.futexWait = w;
    queues.computeIfAbsent(key, k -> new ArrayDeque<>()).addLast(w);
  }

  /** The channel the waiting task sleeps on (named after the address, for the deadlock report). */
  public static WaitChannel channelOf(Proc t) {
    return t.futexWait == null ? null : t.futexWait.channel;
  }

  /** Whether {@code t} is in a FUTEX_WAIT (queued or woken but not yet returned). */
  public static boolean waiting(Proc t) {
    return t.futexWait != null;
  }

  /** Whether a wake-up ended {@code t}'s FUTEX_WAIT (it left the queue). */
  public static boolean woken(Proc t) {
    return t.futexWait != null && t.futexWait.woken;
  }

  /** Whether {@code t}'s FUTEX_WAIT on {@code uaddr} is still in progress (a restart). */
  public static boolean waitingOn(Proc t, long uaddr) {
    return t.futexWait != null && t.futexWait.uaddr == uaddr;
  }

  /**
   * Ends {@code t}'s FUTEX_WAIT: true when a wake-up ended it (the call returns 0), false when it
   * was still queued (it is dequeued).
   */
  public boolean finish(Proc t) {
    Waiter w = t.futexWait;
    if (w == null) {
      return false;
    }
    t.futexWait = null;
    if (!w.woken) {
      dequeue(w);
    }
    return w.woken;
  }

  /** The task stops waiting (exit, interruption): leaves its queue. */
  public void cancel(Proc t) {
    Waiter w = t.futexWait;
    if (w != null) {
      t.futexWait = null;
      if (!w.woken) {
        dequeue(w);
      }
    }
  }

  private void dequeue(Waiter w) {
    ArrayDeque<Waiter> q = queues.get(w.key);
    if (q != null) {
      q.remove(w);
      if (q.isEmpty()) {
        queues.remove(w.key);
      }
    }
  }

  /**
   * futex_wake: wakes up to {@code n} waiters of {@code key} whose bitset meets {@code bitset},
   * oldest first.
   *
   * @return how many were woken
   */
  // Linux kernel/futex/waitwake.c: futex_wake
  public int wake(Key key, int n, int bitset) {
    ArrayDeque<Waiter> q = queues.get(key);
    if (q == null || n <= 0) {
      return 0;
    }
    int woken = 0;
    for (Iterator<Waiter> it = q.iterator(); it.hasNext() && woken < n; ) {
      Waiter w = it.next();
      if ((w.bitset & bitset) == 0) {
        continue;
      }
      it.remove();
      w.woken = true;
      woken++;
      if (w.task.state == ProcState.SLEEPING) {
        sched.setRunnable(w.task);
      }
    }
    if (q.isEmpty()) {
      queues.remove(key);
    }
    return woken;
  }

  /**
   * futex_requeue: wakes up to {@code nwake} waiters of {@code from}, then moves up to {@code
   * nrequeue} of the rest to {@code to}.
   *
   * @return woken plus requeued
   */
  // Linux kernel/futex/requeue.c: futex_requeue
  public int requeue(Key from, Key to, int nwake, int nrequeue) {
    int done = wake(from, nwake, MATCH_ANY);
    ArrayDeque<Waiter> q = queues.get(from);
    if (q == null || nrequeue <= 0 || from.equals(to)) {
      return done;
    }
    List<Waiter> moved = new ArrayList<>();
    while (!q.isEmpty() && moved.size() < nrequeue) {
      moved.add(q.pollFirst());
    }
    if (q.isEmpty()) {
      queues.remove(from);
    }
    ArrayDeque<Waiter> dst = queues.computeIfAbsent(to, k -> new ArrayDeque<>());
    for (Waiter w : moved) {
      w.key = to;
      dst.addLast(w);
    }
    return done + moved.size();
  }

  /** Number of tasks queued on {@code key} (for tests). */
  public int queued(Key key) {
    ArrayDeque<Waiter> q = queues.get(key);
    return q == null ? 0 : q.size();
  }

  /** Whether no task waits on any futex. */
  public boolean isEmpty() {
    return queues.isEmpty();
  }
}
