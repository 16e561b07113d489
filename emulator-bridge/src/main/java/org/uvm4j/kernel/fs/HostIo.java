package org.uvm4j.kernel.fs;

/**
 * What host I/O done on helper threads needs from the kernel (the {@code Scheduler} implements it):
 * where those threads post wakeups, and which wait channels are fed by the host, so that processes
 * sleeping on them are waiting for the host, not deadlocked. Only the kernel's thread calls {@link
 * #registerHostChannel} and {@link #unregisterHostChannel}.
 */
public interface HostIo {
  /** Where host threads post the channels whose sleepers should look again. */
  HostEvents hostEvents();

  /** {@code chan} is fed by host I/O from now on. */
  void registerHostChannel(WaitChannel chan);

  /** {@code chan} is no longer fed by host I/O (its description was closed). */
  void unregisterHostChannel(WaitChannel chan);
}
