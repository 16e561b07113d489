package org.uvm4j.machine.host;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Objects;

/**
 * {@link HostLibc} through the JDK's FFM API (Java 22+): downcall handles of libc's functions from
 * {@link Linker#defaultLookup()}, errno captured by the linker right after each call ({@link
 * Linker.Option#captureCallState}), so no JVM activity in between can overwrite it. A process whose
 * libunicorn binding is FFM then never sets up JNA.
 *
 * <p>Every argument and result is a 64-bit word, as in the libunicorn binding's {@code Words}
 * (pointers as addresses, {@code int}s widened, {@code int} results narrowed with {@code (int)}),
 * and every call but the variadic {@code open} is linked as one shape, {@code word f(word × 6)}
 * with errno captured: the linker generates and loads classes per shape, the start-up cost this
 * binding exists to cut (three shapes, one per arity, cost a {@code hello} run as much CPU as JNA's
 * set-up did; docs/benchmarks.md, start-up). A function of fewer parameters gets zeros for the
 * rest, which it never reads: on x86-64 System V (and AArch64) the first six (eight) integer
 * arguments travel in registers, a callee reads only those of its own parameters, and the caller
 * owns the argument area, as when a C caller passes more arguments than an old-style declaration
 * names. The handles are linked in groups on first use ({@link Pages} for the RAM, {@link Stats}
 * for {@code st_blocks}, {@link Opens} for host FIFOs), so a run links only the shapes it calls.
 *
 * <p>Invariant: a call fails, with the errno captured, exactly when libc returns -1 ({@code
 * MAP_FAILED} for {@code mmap}); C strings and {@code struct stat} buffers live in a confined arena
 * freed when the call returns.
 */
final class FfmHostLibc implements HostLibc {
  private static final Linker LINKER = Linker.nativeLinker();
  private static final SymbolLookup LIBC = LINKER.defaultLookup();
  private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
  private static final long ERRNO_OFFSET =
      CALL_STATE.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
  private static final Linker.Option CAPTURE_ERRNO = Linker.Option.captureCallState("errno");

  /** The words of every capturing call but {@code open}: {@code mmap}'s six. */
  private static final int WORDS = 6;

  /** Constructed by {@link HostLibcs} by name (this class exists only on a JDK 22+). */
  FfmHostLibc() {
    Objects.requireNonNull(Pages.MMAP); // links the page calls now: the RAM needs them first
  }

  /** The RAM's and the code page's calls. */
  private static final class Pages {
    /** {@code mmap(addr, length, prot, flags, fd, offset)}. */
    static final MethodHandle MMAP = capturing("mmap");

    /** {@code mprotect(addr, length, prot)}. */
    static final MethodHandle MPROTECT = capturing("mprotect");

    /** {@code madvise(addr, length, advice)}. */
    static final MethodHandle MADVISE = capturing("madvise");

    /** {@code munmap(addr, length)}. */
    static final MethodHandle MUNMAP = capturing("munmap");
  }

  /** {@code st_blocks}' calls (a run that stats a host file: every exec does). */
  private static final class Stats {
    /** {@code stat(path, buf)}. */
    static final MethodHandle STAT = capturing("stat");

    /** {@code lstat(path, buf)}. */
    static final MethodHandle LSTAT = capturing("lstat");
  }

  /** The host FIFO probe's calls (only a run that opens a host FIFO). */
  private static final class Opens {
    /**
     * {@code open(path, flags, ...)}, variadic in C: declared with one variadic word, the mode,
     * which is 0 and unread without {@code O_CREAT} (as a C caller may pass it).
     */
    static final MethodHandle OPEN =
        LINKER.downcallHandle(
            find("open"), shape(3), CAPTURE_ERRNO, Linker.Option.firstVariadicArg(2));

    /** {@code close(fd)}. */
    static final MethodHandle CLOSE = capturing("close");
  }

  /** Only for failures. */
  private static final class Errors {
    /** {@code strerror(errnum)}: a pointer to a C string. */
    static final MethodHandle STRERROR = LINKER.downcallHandle(find("strerror"), shape(1));
  }

  private static MemorySegment find(String function) {
    return LIBC.find(function)
        .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + function + " (FFM lookup)"));
  }

  /** {@code word f(word × arity)}. */
  private static FunctionDescriptor shape(int arity) {
    MemoryLayout[] args = new MemoryLayout[arity];
    Arrays.fill(args, JAVA_LONG);
    return FunctionDescriptor.of(JAVA_LONG, args);
  }

  /**
   * {@code function} as {@code word f(word × 6)} with errno captured: one shape for every call but
   * {@code open}, a function of fewer parameters getting zeros for the rest (see the class
   * comment).
   */
  private static MethodHandle capturing(String function) {
    return LINKER.downcallHandle(find(function), shape(WORDS), CAPTURE_ERRNO);
  }

  @Override
  public String binding() {
    return "ffm";
  }

  /** The call {@code function} failed: its captured errno and libc's text for it. */
  private static HostCallException failed(String function, MemorySegment state) {
    int errno = state.get(JAVA_INT, ERRNO_OFFSET);
    String text;
    try {
      long p = (long) Errors.STRERROR.invokeExact((long) errno);
      text = MemorySegment.ofAddress(p).reinterpret(Long.MAX_VALUE).getString(0);
    } catch (Throwable t) {
      text = "errno " + errno + " (strerror failed: " + t + ")";
    }
    return new HostCallException(function, errno, text);
  }

  /** A throwable no downcall of these throws (an Error passes unchanged). */
  private static RuntimeException unexpected(String function, Throwable t) {
    if (t instanceof Error e) {
      throw e;
    }
    if (t instanceof RuntimeException e) {
      return e;
    }
    return new IllegalStateException(function + " through FFM: " + t, t);
  }

  /**
   * {@code handle(a, b, c, d, e, f)}, one of the six-word capturing calls, in a confined arena for
   * its call state. {@code intResult}: libc's result is a C {@code int}, whose upper 32 bits in the
   * returned word are not defined, so it is narrowed first.
   *
   * <p>=> the result; {@link HostCallException} with the captured errno when it is -1.
   */
  private static long call(
      String function,
      MethodHandle handle,
      boolean intResult,
      long a,
      long b,
      long c,
      long d,
      long e,
      long f) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      long r = (long) handle.invokeExact(state, a, b, c, d, e, f);
      if (intResult) {
        r = (int) r;
      }
      if (r == -1L) {
        throw failed(function, state);
      }
      return r;
    } catch (HostCallException x) {
      throw x;
    } catch (Throwable t) {
      throw unexpected(function, t);
    }
  }

  @Override
  public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
    return call("mmap", Pages.MMAP, false, addr, length, prot, flags, fd, offset);
  }

  @Override
  public void mprotect(long addr, long length, int prot) {
    call("mprotect", Pages.MPROTECT, true, addr, length, prot, 0L, 0L, 0L);
  }

  @Override
  public void madvise(long addr, long length, int advice) {
    call("madvise", Pages.MADVISE, true, addr, length, advice, 0L, 0L, 0L);
  }

  @Override
  public void munmap(long addr, long length) {
    call("munmap", Pages.MUNMAP, true, addr, length, 0L, 0L, 0L, 0L);
  }

  @Override
  public void stat(String path, byte[] buf) {
    statCall("stat", Stats.STAT, path, buf);
  }

  @Override
  public void lstat(String path, byte[] buf) {
    statCall("lstat", Stats.LSTAT, path, buf);
  }

  /** {@code stat} or {@code lstat} ({@code handle}) into a native buffer, then into {@code buf}. */
  private static void statCall(String function, MethodHandle handle, String path, byte[] buf) {
    if (buf.length < STAT_SIZE) {
      throw new IllegalArgumentException(
          "a struct stat needs " + STAT_SIZE + " bytes, not " + buf.length);
    }
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment name = arena.allocateFrom(JAVA_BYTE, HostLibc.cString(path));
      MemorySegment st = arena.allocate(STAT_SIZE, 8);
      if ((int) (long) handle.invokeExact(state, name.address(), st.address(), 0L, 0L, 0L, 0L)
          == -1) {
        throw failed(function, state);
      }
      MemorySegment.copy(st, JAVA_BYTE, 0, buf, 0, STAT_SIZE);
    } catch (HostCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected(function, t);
    }
  }

  @Override
  public int open(String path, int flags) {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(CALL_STATE);
      MemorySegment name = arena.allocateFrom(JAVA_BYTE, HostLibc.cString(path));
      int fd = (int) (long) Opens.OPEN.invokeExact(state, name.address(), (long) flags, 0L);
      if (fd == -1) {
        throw failed("open", state);
      }
      return fd;
    } catch (HostCallException e) {
      throw e;
    } catch (Throwable t) {
      throw unexpected("open", t);
    }
  }

  @Override
  public void close(int fd) {
    call("close", Opens.CLOSE, true, fd, 0L, 0L, 0L, 0L, 0L);
  }

  @Override
  public ByteBuffer memory(long address, int length) {
    // native order, as JNA's Pointer.getByteBuffer gives (a segment's buffer is big-endian)
    return MemorySegment.ofAddress(address)
        .reinterpret(length)
        .asByteBuffer()
        .order(ByteOrder.nativeOrder());
  }
}
