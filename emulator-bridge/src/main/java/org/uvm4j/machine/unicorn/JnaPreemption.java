package org.uvm4j.machine.unicorn;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import org.uvm4j.machine.MachineException;
import org.uvm4j.machine.uc.PreemptHook;

/**
 * The {@link PreemptHook} on the JNA binding: the hook's code in an executable page of its own
 * (written while the page is writable, then made read-and-execute only) and its request block in
 * JNA-owned native memory. Any thread may {@link #request()}; the engine's thread {@link
 * #clear()}s. The page is released by {@link #close()}, after the engine that calls it was closed.
 */
final class JnaPreemption implements AutoCloseable {
  private static final int PAGE = 4096;
  private static final int PROT_READ = 1;
  private static final int PROT_WRITE = 2;
  private static final int PROT_EXEC = 4;
  private static final int MAP_PRIVATE = 0x02;
  private static final int MAP_ANONYMOUS = 0x20;

  private final long code;
  private final Memory request = new Memory(PreemptHook.REQUEST_SIZE);
  private boolean closed;

  /** The hook and a request block whose stop function is {@code stopFunction}. */
  JnaPreemption(long stopFunction) {
    Libc.ensureRegistered();
    try {
      code = Libc.mmap(0, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    } catch (LastErrorException e) {
      throw new MachineException("cannot map a page for the preemption hook: " + e.getMessage(), e);
    }
    try {
      byte[] bytes = PreemptHook.code();
      new Pointer(code).write(0, bytes, 0, bytes.length);
      Libc.mprotect(code, PAGE, PROT_READ | PROT_EXEC);
    } catch (LastErrorException e) {
      Libc.munmap(code, PAGE);
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
      Libc.munmap(code, PAGE);
    }
  }

  /** libc's mmap, mprotect and munmap through JNA direct mapping. */
  private static final class Libc {
    static {
      Native.register(Platform.C_LIBRARY_NAME);
    }

    private Libc() {}

    static void ensureRegistered() {}

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
        throws LastErrorException;

    static native int mprotect(long addr, long length, int prot) throws LastErrorException;

    static native int munmap(long addr, long length);
  }
}
