package org.uvm4j.kernel.fs;

/** The scheduler's {@code wakeup(chan)}: makes every process sleeping on the channel runnable. */
@FunctionalInterface
public interface Wakeup {
  void wakeup(WaitChannel chan);

  /** A wakeup that wakes nobody (for files used outside a kernel, e.g. in tests). */
  Wakeup NONE = chan -> {};
}
