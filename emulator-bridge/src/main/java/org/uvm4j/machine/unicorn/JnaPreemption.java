package org.uvm4j.machine.unicorn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.ram.HostPages;
import org.uvm4j.machine.uc.PreemptHook;

/**
 * The {@link PreemptHook} on the JNA binding: the hook's code in an executable page of its own
 * (written while the page is writable, then made read-and-execute only) and its request block in
 * JNA-owned native memory. Any thread may {@link #request()}; the engine's thread {@link
 * #clear()}s. The page is released by {@link #close()}, after the engine that calls it was closed.
 */
final class JnaPreemption implements AutoCloseable {
  private static final int PAGE = 4096;

  private final long code;
  private final Memory request = new Memory(PreemptHook.REQUEST_SIZE);
  private boolean closed;

  /** The hook and a request block whose stop function is {@code stopFunction}. */
  JnaPreemption(long stopFunction) {
    HostPages.ensureRegistered();
    try {
      code =
          HostPages.mmap(
              0,
              PAGE,
              HostPages.PROT_READ | HostPages.PROT_WRITE,
              HostPages.MAP_PRIVATE | HostPages.MAP_ANONYMOUS,
              -1,
              0);
    } catch (LastErrorException e) {
      throw new MachineException("cannot map a page for the preemption hook: " + e.getMessage(), e);
    }
    try {
      byte[] bytes = PreemptHook.code();
      new Pointer(code).write(0, bytes, 0, bytes.length);
      HostPages.mprotect(code, PAGE, HostPages.PROT_READ | HostPages.PROT_EXEC);
    } catch (LastErrorException e) {
      HostPages.munmap(code, PAGE);
      throw new MachineException(
          "cannot make the preemption hook executable (mprotect): " + e.getMessage(), e);
    }
    request.clear();
    request.setLong(PreemptHook.STOP_FUNCTION_OFFSET, stopFunction);
  }

  /** The hook's entry point, for {@code uc_hook_add(UC_HOOK_BLOCK)}. */
  long codeAddress() {
    return code;
  }

  /** The request block, the hook's user data. */
  long requestAddress() {
    return Pointer.nativeValue(request);
  }

  /** Asks the run to end at the next block start (any thread). */
  void request() {
    request.setInt(PreemptHook.PENDING_OFFSET, 1);
  }

  /** Withdraws a request the run did not take (the engine's thread, outside a run). */
  void clear() {
    request.setInt(PreemptHook.PENDING_OFFSET, 0);
  }

  /** Whether a request is pending (not yet taken by the hook). */
  boolean pending() {
    return request.getInt(PreemptHook.PENDING_OFFSET) != 0;
  }

  @Override
  public void close() {
    if (!closed) {
      closed = true;
      HostPages.munmap(code, PAGE);
    }
  }
}
