package org.uvm4j.machine.host;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * {@link HostLibc} through JNA's direct mapping (registered natives, no interface proxy): the
 * binding for a JVM without FFM, and for a process whose libunicorn binding is JNA (JNA is loaded
 * anyway). Each native declares {@link LastErrorException}, so JNA reads errno right after the
 * call; it becomes a {@link HostCallException} with the same number and {@code strerror} text.
 *
 * <p>Invariant: the natives are registered once, when {@link #INSTANCE} is first used; a host where
 * JNA or libc cannot be loaded fails that first use with a {@link LinkageError}.
 */
final class JnaHostLibc implements HostLibc {
  static final JnaHostLibc INSTANCE = new JnaHostLibc();

  /** libc's functions as registered natives (JNA's direct mapping). */
  private static final class C {
    static {
      // the class named, not found by a stack walk (Native.register(String)), which generated a
      // dozen classes at every start (docs/benchmarks.md, start-up)
      Native.register(C.class, Platform.C_LIBRARY_NAME);
    }

    private C() {}

    static native long mmap(long addr, long length, int prot, int flags, int fd, long offset)
        throws LastErrorException;

    static native int mprotect(long addr, long length, int prot) throws LastErrorException;

    static native int madvise(long addr, long length, int advice) throws LastErrorException;

    static native int munmap(long addr, long length) throws LastErrorException;

    static native int stat(byte[] path, byte[] buf) throws LastErrorException;

    static native int lstat(byte[] path, byte[] buf) throws LastErrorException;

    static native int open(byte[] path, int flags) throws LastErrorException;

    static native int close(int fd) throws LastErrorException;

    static native String strerror(int errno);
  }

  private JnaHostLibc() {
    C.strerror(0); // registers the natives now, so that a failure shows at the first use
  }

  @Override
  public String binding() {
    return "jna";
  }

  /** JNA's exception as the seam's, with libc's text for its errno. */
  private static HostCallException failed(String function, LastErrorException e) {
    int errno = e.getErrorCode();
    return new HostCallException(function, errno, C.strerror(errno));
  }

  @Override
  public long mmap(long addr, long length, int prot, int flags, int fd, long offset) {
    try {
      return C.mmap(addr, length, prot, flags, fd, offset);
    } catch (LastErrorException e) {
      throw failed("mmap", e);
    }
  }

  @Override
  public void mprotect(long addr, long length, int prot) {
    try {
      C.mprotect(addr, length, prot);
    } catch (LastErrorException e) {
      throw failed("mprotect", e);
    }
  }

  @Override
  public void madvise(long addr, long length, int advice) {
    try {
      C.madvise(addr, length, advice);
    } catch (LastErrorException e) {
      throw failed("madvise", e);
    }
  }

  @Override
  public void munmap(long addr, long length) {
    try {
      C.munmap(addr, length);
    } catch (LastErrorException e) {
      throw failed("munmap", e);
    }
  }

  @Override
  public void stat(String path, byte[] buf) {
    checkStatBuffer(buf);
    try {
      C.stat(HostLibc.cString(path), buf);
    } catch (LastErrorException e) {
      throw failed("stat", e);
    }
  }

  @Override
  public void lstat(String path, byte[] buf) {
    checkStatBuffer(buf);
    try {
      C.lstat(HostLibc.cString(path), buf);
    } catch (LastErrorException e) {
      throw failed("lstat", e);
    }
  }

  static void checkStatBuffer(byte[] buf) {
    if (buf.length < STAT_SIZE) {
      throw new IllegalArgumentException(
          "a struct stat needs " + STAT_SIZE + " bytes, not " + buf.length);
    }
  }

  @Override
  public int open(String path, int flags) {
    try {
      return C.open(HostLibc.cString(path), flags);
    } catch (LastErrorException e) {
      throw failed("open", e);
    }
  }

  @Override
  public void close(int fd) {
    try {
      C.close(fd);
    } catch (LastErrorException e) {
      throw failed("close", e);
    }
  }

  @Override
  public ByteBuffer memory(long address, int length) {
    return new Pointer(address).getByteBuffer(0, length);
  }
}
