package org.uvm4j.machine.ffm;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.uc.PreemptHook;

/**
 * The {@link PreemptHook} on the FFM binding: the hook's code in an executable page of its own
 * (written while the page is writable, then made read-and-execute only; libc's {@code mmap} and
 * {@code mprotect} through the native linker) and its request block in the engine's arena. Any
 * thread may {@link #request()}; the engine's thread {@link #clear()}s. The page is released by
 * {@link #close()}, after the engine that calls it was closed.
 */
final class FfmPreemption implements AutoCloseable {
  private static final long PAGE = 4096;
  private static final int PROT_READ = 1;
  private static final int PROT_WRITE = 2;
  private static final int PROT_EXEC = 4;
  private static final int MAP_PRIVATE = 0x02;
  private static final int MAP_ANONYMOUS = 0x20;
  private static final long MAP_FAILED = -1;

  private static final MethodHandle MMAP = libc("mmap", 6);
  private static final MethodHandle MPROTECT = libc("mprotect", 3);
  private static final MethodHandle MUNMAP = libc("munmap", 2);
  private static final VarHandle PENDING = JAVA_INT.varHandle();

  private final long code;
  private final MemorySegment request;
  private boolean closed;

  /** The hook, and a request block in {@code arena} whose stop function is {@code stopFunction}. */
  FfmPreemption(Arena arena, long stopFunction) {
    try {
      code =
          (long)
              MMAP.invokeExact(
                  0L,
                  PAGE,
                  (long) (PROT_READ | PROT_WRITE),
                  (long) (MAP_PRIVATE | MAP_ANONYMOUS),
                  -1L,
                  0L);
      if (code == MAP_FAILED) {
        throw new MachineException("cannot map a page for the preemption hook (mmap failed)");
      }
      byte[] bytes = PreemptHook.code();
      MemorySegment.ofAddress(code).reinterpret(PAGE).copyFrom(MemorySegment.ofArray(bytes));
      if ((int) (long) MPROTECT.invokeExact(code, PAGE, (long) (PROT_READ | PROT_EXEC)) != 0) {
        int ignored = (int) (long) MUNMAP.invokeExact(code, PAGE);
        throw new MachineException("cannot make the preemption hook executable (mprotect failed)");
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new MachineException("cannot install the preemption hook: " + t, t);
    }
    request = arena.allocate(PreemptHook.REQUEST_SIZE, 8);
    request.fill((byte) 0);
    request.set(JAVA_LONG, PreemptHook.STOP_FUNCTION_OFFSET, stopFunction);
  }

  private static MethodHandle libc(String name, int arity) {
    return Words.downcall(Linker.nativeLinker().defaultLookup().find(name).orElseThrow(), arity);
  }

  /** The hook's entry point, for {@code uc_hook_add(UC_HOOK_BLOCK)}. */
  long codeAddress() {
    return code;
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
    if (!closed) {
      closed = true;
      try {
        int ignored = (int) (long) MUNMAP.invokeExact(code, PAGE);
      } catch (Throwable t) {
        // munmap of a page we mapped cannot fail; nothing to undo if it did
      }
    }
  }
}
