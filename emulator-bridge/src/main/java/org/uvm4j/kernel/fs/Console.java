package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A console descriptor: the launcher's stdin (read side) or stdout/stderr (write side). Reads block
 * the host thread until the stream has data or ends (end of stream reads as 0, end of file); writes
 * are flushed at once so the guest's output interleaves with the host's as it was produced. It is
 * not a terminal: TIOCGWINSZ answers ENOTTY and musl's stdio then buffers fully, as with a pipe.
 */
public final class Console extends OpenFile {
  private final InputStream in;
  private final OutputStream out;
  private final String name;

  private Console(String name, InputStream in, OutputStream out, int flags) {
    super(flags);
    this.name = name;
    this.in = in;
    this.out = out;
  }

  /** The read side of the console (O_RDONLY). */
  public static Console input(String name, InputStream in) {
    return new Console(name, in, null, OpenFlags.O_RDONLY);
  }

  /**
   * {@code /dev/tty} opened with {@code flags}: reads {@code in}, writes {@code out} (whichever the
   * access mode allows).
   */
  public static Console tty(InputStream in, OutputStream out, int flags) {
    return new Console(
        "/dev/tty",
        OpenFlags.readable(flags) ? in : null,
        OpenFlags.writable(flags) ? out : null,
        flags);
  }

  /** A write side of the console (O_WRONLY). */
  public static Console output(String name, OutputStream out) {
    return new Console(name, null, out, OpenFlags.O_WRONLY);
  }

  @Override
  public long read(byte[] buf, int off, int len) throws UvmException {
    if (in == null) {
      throw new UvmException(Errno.EBADF);
    }
    if (len == 0) {
      return 0;
    }
    try {
      int n = in.read(buf, off, len);
      return n < 0 ? 0 : n;
    } catch (IOException e) {
      throw new UvmException(Errno.EIO);
    }
  }

  @Override
  public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
    if (out == null) {
      throw new UvmException(Errno.EBADF);
    }
    try {
      out.write(buf, off, len);
      out.flush();
      return len;
    } catch (IOException e) {
      throw new UvmException(Errno.EIO);
    }
  }

  @Override
  public Stat stat() {
    return new Stat(5, 3, 1, Stat.S_IFCHR | 0620, 0, 0, (5L << 8) | 1, 0, 1024, 0, 0, 0);
  }

  @Override
  protected void closed() {
    // The launcher's streams stay open: they belong to the host, not to the guest.
  }

  @Override
  public String toString() {
    return "console " + name;
  }
}
