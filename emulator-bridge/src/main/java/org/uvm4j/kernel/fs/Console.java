package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A console descriptor: the launcher's stdin (read side) or stdout/stderr (write side). Reads block
 * the host thread until the stream has data or ends (end of stream reads as 0, end of file); writes
 * are flushed at once so the guest's output interleaves with the host's as it was produced. It is a
 * terminal exactly when the host's descriptor behind it is one ({@link HostTerminal}): then
 * TCGETS/TCSETS* keep a {@code struct termios} (Linux's defaults at first) and TIOCGWINSZ reports
 * the size from {@code COLUMNS}/{@code LINES} or 80x24; otherwise those answer ENOTTY and musl's
 * stdio buffers fully, as with a pipe.
 */
public final class Console extends OpenFile {
  private final InputStream in;
  private final OutputStream out;
  private final String name;
  private final boolean terminal;

  /** sizeof(struct termios) of the TCGETS/TCSETS ioctls (NCCS = 19). */
  public static final int TERMIOS_SIZE = 36;

  /** The terminal's settings (TCSETS stores, TCGETS reads); Linux's defaults for a new tty. */
  private final byte[] termios = defaultTermios();

  private Console(String name, InputStream in, OutputStream out, int flags) {
    super(flags);
    this.name = name;
    this.in = in;
    this.out = out;
    this.terminal = HostTerminal.isTerminal(HostTerminal.hostFd(in != null ? in : out));
  }

  /** tty_std_termios: ICRNL|IXON, OPOST|ONLCR, B38400|CS8|CREAD|HUPCL, ISIG|ICANON|ECHO... */
  static byte[] defaultTermios() {
    java.nio.ByteBuffer b =
        java.nio.ByteBuffer.allocate(TERMIOS_SIZE).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, 0x0100 | 0x0400); // c_iflag: ICRNL | IXON
    b.putInt(4, 0x0001 | 0x0004); // c_oflag: OPOST | ONLCR
    b.putInt(8, 0x000f | 0x0030 | 0x0080 | 0x0400); // c_cflag: B38400 | CS8 | CREAD | HUPCL
    b.putInt(12, 0x0001 | 0x0002 | 0x0008 | 0x0010 | 0x0020 | 0x0200 | 0x0800 | 0x8000);
    // c_lflag: ISIG ICANON ECHO ECHOE ECHOK ECHOCTL ECHOKE IEXTEN; c_line 0; c_cc (INIT_C_CC):
    byte[] cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0};
    for (int i = 0; i < cc.length; i++) {
      b.put(17 + i, cc[i]);
    }
    return b.array();
  }

  @Override
  public boolean isTerminal() {
    return terminal;
  }

  /** TCGETS: the terminal's settings (only when {@link #isTerminal()}). */
  public byte[] termios() {
    return termios.clone();
  }

  /** TCSETS, TCSETSW, TCSETSF: new settings (only when {@link #isTerminal()}). */
  public void setTermios(byte[] t) {
    System.arraycopy(t, 0, termios, 0, TERMIOS_SIZE);
  }

  /** The read side of the console (O_RDONLY). */
  public static Console input(String name, InputStream in) {
    return new Console(name, in, null, OpenFlags.O_RDONLY);
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
