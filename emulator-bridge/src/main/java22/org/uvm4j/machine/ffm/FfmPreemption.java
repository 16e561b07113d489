package org.uvm4j.machine.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import org.uvm4j.machine.ram.CodePage;
import org.uvm4j.machine.uc.PreemptHook;

/**
 * The {@link PreemptHook} on the FFM binding: the hook's code in a {@link CodePage} and its request
 * block in the engine's arena. Any thread may {@link #request()}; the engine's thread {@link
 * #clear()}s. The page is released by {@link #close()}, after the engine that calls it was closed.
 */
final class FfmPreemption implements AutoCloseable {
  private static final VarHandle PENDING = JAVA_INT.varHandle();

  private final CodePage code;
  private final MemorySegment request;

  /** The hook, and a request block in {@code arena} whose stop function is {@code stopFunction}. */
  FfmPreemption(Arena arena, long stopFunction) {
    code = new CodePage(PreemptHook.code(), "the preemption hook");
    request = arena.allocate(PreemptHook.REQUEST_SIZE, 8);
    request.fill((byte) 0);
    request.set(JAVA_LONG, PreemptHook.STOP_FUNCTION_OFFSET, stopFunction);
  }

  /** The hook's entry point, for {@code uc_hook_add(UC_HOOK_BLOCK)}. */
  long codeAddress() {
    return code.address();
  }

  /** The request block, the hook's user data. */
  long requestAddress() {
    return request.address();
  }

  /** Asks the run to end at the next block start (any thread). */
  void request() {
    PENDING.setVolatile(request, (long) PreemptHook.PENDING_OFFSET, 1);
  }

  /** Withdraws a request the run did not take (the engine's thread, outside a run). */
  void clear() {
    PENDING.setVolatile(request, (long) PreemptHook.PENDING_OFFSET, 0);
  }

  @Override
  public void close() {
    code.close();
  }
}
