package org.uvm4j.machine.unicorn;

import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import org.uvm4j.machine.ram.CodePage;
import org.uvm4j.machine.uc.PreemptHook;

/**
 * The {@link PreemptHook} on the JNA binding: the hook's code in a {@link CodePage} and its request
 * block in JNA-owned native memory. Any thread may {@link #request()}; the engine's thread {@link
 * #clear()}s. The page is released by {@link #close()}, after the engine that calls it was closed.
 */
final class JnaPreemption implements AutoCloseable {
  private final CodePage code;
  private final Memory request = new Memory(PreemptHook.REQUEST_SIZE);

  /** The hook and a request block whose stop function is {@code stopFunction}. */
  JnaPreemption(long stopFunction) {
    code = new CodePage(PreemptHook.code(), "the preemption hook");
    request.clear();
    request.setLong(PreemptHook.STOP_FUNCTION_OFFSET, stopFunction);
  }

  /** The hook's entry point, for {@code uc_hook_add(UC_HOOK_BLOCK)}. */
  long codeAddress() {
    return code.address();
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
    code.close();
  }
}
