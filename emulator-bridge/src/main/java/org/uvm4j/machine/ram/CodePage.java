package org.uvm4j.machine.ram;

import com.sun.jna.LastErrorException;
import com.sun.jna.Pointer;
import org.uvm4j.machine.MachineException;

/**
 * One host page of native code (a binding's preemption hook): mapped writable, filled, then made
 * read-and-execute only, so it is never writable and executable at once. Both bindings use it
 * through {@link HostPages}, which the emulated RAM registers anyway. {@link #close()} unmaps it;
 * its owner calls it after nothing can run the code any more (after the engine was closed).
 */
public final class CodePage implements AutoCloseable {
  /** The page's size; the code must fit. */
  public static final int SIZE = 4096;

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
    HostPages.ensureRegistered();
    try {
      address =
          HostPages.mmap(
              0,
              SIZE,
              HostPages.PROT_READ | HostPages.PROT_WRITE,
              HostPages.MAP_PRIVATE | HostPages.MAP_ANONYMOUS,
              -1,
              0);
    } catch (LastErrorException e) {
      throw new MachineException("cannot map a page for " + what + ": " + e.getMessage(), e);
    }
    try {
      new Pointer(address).write(0, code, 0, code.length);
      HostPages.mprotect(address, SIZE, HostPages.PROT_READ | HostPages.PROT_EXEC);
    } catch (LastErrorException e) {
      HostPages.munmap(address, SIZE);
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
      HostPages.munmap(address, SIZE);
    }
  }
}
