package org.uvm4j.kernel.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Wakeups that come from host threads: a thread blocked in host I/O for a guest (the console's
 * reader) posts the channel its sleepers wait on, and the kernel's one CPU thread turns posted
 * channels into {@link Wakeup#wakeup} calls between time slices. So blocking host I/O blocks only
 * the guest process that waits for it: the others keep running, and when every process waits for
 * the host the kernel thread waits here instead of declaring a deadlock.
 *
 * <p>Invariant: {@link #post} is the only method other threads call; the channels are handed to the
 * kernel thread in the order they were posted, each post at most once.
 */
public final class HostEvents {
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition posted = lock.newCondition();
  private List<WaitChannel> pending = new ArrayList<>();
  private volatile boolean any;

  /** From any thread: the sleepers on {@code chan} should look again. */
  public void post(WaitChannel chan) {
    lock.lock();
    try {
      pending.add(chan);
      any = true;
      posted.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** True when something was posted and not yet drained (cheap: one volatile read). */
  public boolean hasPending() {
    return any;
  }

  /** Kernel thread: wakes the sleepers of every posted channel; true if there was any. */
  public boolean drain(Wakeup wakeup) {
    if (!any) {
      return false;
    }
    List<WaitChannel> got;
    lock.lock();
    try {
      got = pending;
      pending = new ArrayList<>();
      any = false;
    } finally {
      lock.unlock();
    }
    for (WaitChannel c : got) {
      wakeup.wakeup(c);
    }
    return !got.isEmpty();
  }

  /**
   * Kernel thread, nothing runnable: waits until something is posted (or {@code maxNanos} pass).
   *
   * @return true if something was posted
   */
  public boolean await(long maxNanos) throws InterruptedException {
    lock.lock();
    try {
      long left = maxNanos;
      while (!any && left > 0) {
        left = posted.awaitNanos(left);
      }
      return any;
    } finally {
      lock.unlock();
    }
  }

  /** Waits without a limit (until something is posted). */
  public void await() throws InterruptedException {
    while (!await(TimeUnit.SECONDS.toNanos(60))) {
      // keep waiting: a guest reading an idle terminal may wait for a long time
    }
  }
}
