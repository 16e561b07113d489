package org.uvm4j.machine.ram;

import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.host.HostCallException;
import org.uvm4j.machine.host.HostLibc;
import org.uvm4j.machine.host.HostLibcs;

/**
 * One host page of native code (a binding's preemption hook): mapped writable, filled, then made
 * read-and-execute only, so it is never writable and executable at once. Both bindings use it
 * through the process's {@link HostLibc} (the one the emulated RAM uses). {@link #close()} unmaps
 * it; its owner calls it after nothing can run the code any more (after the engine was closed).
 */
public final class CodePage implements AutoCloseable {
  /** The page's size; the code must fit. */
  public static final int SIZE = 4096;

  private final HostLibc libc;
  private final long address;
  private boolean closed;

  /**
   * Maps a page holding {@code code}.
   *
   * @param what what the code is, for the error message
   * @throws MachineException if the host refuses the page or its protection
   * @throws IllegalArgumentException if the code does not fit in a page
   */
  public CodePage(byte[] code, String what) {
    if (code.length > SIZE) {
      throw new IllegalArgumentException(what + ": " + code.length + " bytes, more than a page");
    }
    try {
      libc = HostLibcs.host();
    } catch (IllegalStateException e) {
      throw new MachineException("cannot map a page for " + what + ": " + e.getMessage(), e);
    }
    try {
      address =
          libc.mmap(
              0,
              SIZE,
              HostLibc.PROT_READ | HostLibc.PROT_WRITE,
              HostLibc.MAP_PRIVATE | HostLibc.MAP_ANONYMOUS,
              -1,
              0);
    } catch (HostCallException e) {
      throw new MachineException("cannot map a page for " + what + ": " + e.getMessage(), e);
    }
    try {
      libc.memory(address, SIZE).put(0, code);
      libc.mprotect(address, SIZE, HostLibc.PROT_READ | HostLibc.PROT_EXEC);
    } catch (HostCallException e) {
      libc.munmap(address, SIZE);
      throw new MachineException(
          "cannot make " + what + " executable (mprotect): " + e.getMessage(), e);
    }
  }

  /** The code's first byte. */
  public long address() {
    return address;
  }

  /** Unmaps the page, once. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      libc.munmap(address, SIZE);
    }
  }
}
