package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A console descriptor: the launcher's stdin (read side) or stdout/stderr (write side). With {@link
 * HostEvents} (as the kernel makes it), the read side is fed by a host reader thread, started at
 * the first read or poll: a read with nothing buffered sleeps on {@link #readChannel()} (EAGAIN
 * with O_NONBLOCK) and the reader's wakeup arrives through {@link HostEvents}, so only the reading
 * guest waits for the host; poll reports POLLIN when bytes are buffered. Without it (tests), reads
 * block the calling thread until the stream has data or ends. End of stream reads as 0; writes are
 * flushed at once so the guest's output interleaves with the host's as it was produced. It is a
 * terminal exactly when the host's descriptor behind it is one ({@link HostTerminal}): then
 * TCGETS/TCSETS* keep a {@code struct termios} (Linux's defaults at first) and TIOCGWINSZ reports
 * the size from {@code COLUMNS}/{@code LINES} or 80x24; otherwise those answer ENOTTY and musl's
 * stdio buffers fully, as with a pipe. A {@code /dev/tty} description ({@link ControllingTty}) has
 * no stream of its own to read: it reads through the console's input description (its buffer, host
 * reader, wait channel and terminal settings), with its own O_NONBLOCK.
 */
public final class Console extends OpenFile {
  private final InputStream in;
  private final OutputStream out;
  private final String name;
  private final boolean terminal;
  private final HostEvents hostEvents;
  private final WaitChannel readable;
  private final boolean hostPipe;

  /** For /dev/tty: the console input description it reads through; else null. */
  private final Console source;

  /** Bytes the host reader keeps ahead of the guest at most. */
  static final int READ_AHEAD = 65536;

  private final java.util.concurrent.locks.ReentrantLock lock =
      new java.util.concurrent.locks.ReentrantLock();
  private final java.util.concurrent.locks.Condition drained = lock.newCondition();
  private final ByteChunks buffered = new ByteChunks();
  private boolean eof;
  private boolean ioError;
  private Thread reader;

  /** sizeof(struct termios) of the TCGETS/TCSETS ioctls (NCCS = 19). */
  public static final int TERMIOS_SIZE = 36;

  /** The terminal's settings (TCSETS stores, TCGETS reads); Linux's defaults for a new tty. */
  private final byte[] termios = defaultTermios();

  private Console(String name, InputStream in, OutputStream out, int flags, HostEvents events) {
    super(flags);
    this.name = name;
    this.in = in;
    this.out = out;
    int fd = HostTerminal.hostFd(in != null ? in : out);
    this.terminal = HostTerminal.isTerminal(fd);
    this.hostPipe = HostTerminal.isPipe(fd);
    this.hostEvents = events;
    this.readable = new WaitChannel("console:" + name);
    this.source = null;
  }

  /** /dev/tty: reads through {@code source} (when the access mode reads), writes {@code out}. */
  private Console(Console source, OutputStream out, int flags) {
    super(flags);
    this.name = "/dev/tty";
    this.in = null;
    this.out = OpenFlags.writable(flags) ? out : null;
    this.terminal = true; // it exists only for a controlling terminal
    this.hostPipe = false;
    this.hostEvents = null;
    this.readable = null;
    this.source = OpenFlags.readable(flags) ? source : null;
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
    return source != null ? source.termios() : termios.clone();
  }

  /** TCSETS, TCSETSW, TCSETSF: new settings (only when {@link #isTerminal()}). */
  public void setTermios(byte[] t) {
    if (source != null) {
      source.setTermios(t);
    } else {
      System.arraycopy(t, 0, termios, 0, TERMIOS_SIZE);
    }
  }

  /** The read side of the console (O_RDONLY). */
  public static Console input(String name, InputStream in) {
    return new Console(name, in, null, OpenFlags.O_RDONLY, null);
  }

  /**
   * The read side of the console fed by a host reader thread whose wakeups go through {@code
   * events} (O_RDONLY).
   */
  public static Console input(String name, InputStream in, HostEvents events) {
    return new Console(name, in, null, OpenFlags.O_RDONLY, events);
  }

  /**
   * {@code /dev/tty} opened with {@code flags}: reads through the console input description {@code
   * input}, writes {@code out} (whichever the access mode allows).
   */
  static Console tty(Console input, OutputStream out, int flags) {
    return new Console(input, out, flags);
  }

  /** A write side of the console (O_WRONLY). */
  public static Console output(String name, OutputStream out) {
    return new Console(name, null, out, OpenFlags.O_WRONLY, null);
  }

  @Override
  public long read(byte[] buf, int off, int len) throws UvmException {
    if (source != null) {
      return source.readAs(buf, off, len, nonBlocking());
    }
    return readAs(buf, off, len, nonBlocking());
  }

  /** A read of this input description by a description whose O_NONBLOCK is {@code nonBlock}. */
  private long readAs(byte[] buf, int off, int len, boolean nonBlock) throws UvmException {
    if (in == null) {
      throw new UvmException(Errno.EBADF);
    }
    if (len == 0) {
      return 0;
    }
    if (hostEvents != null) {
      return readBuffered(buf, off, len, nonBlock);
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

  /** A read from what the host reader buffered: bytes, 0 at end, or WOULD_BLOCK/EAGAIN. */
  private long readBuffered(byte[] buf, int off, int len, boolean nonBlock) throws UvmException {
    startReader();
    lock.lock();
    try {
      if (buffered.size() == 0) {
        if (ioError) {
          throw new UvmException(Errno.EIO);
        }
        if (eof) {
          return 0;
        }
        if (nonBlock) {
          throw new UvmException(Errno.EAGAIN);
        }
        return WOULD_BLOCK;
      }
      int done = buffered.take(buf, off, len);
      drained.signalAll();
      return done;
    } finally {
      lock.unlock();
    }
  }

  /** Starts the host reader thread once (a console nobody reads never touches the host stream). */
  private void startReader() {
    if (reader != null) {
      return;
    }
    reader = new Thread(this::readerLoop, "uvm4j-console-" + name);
    reader.setDaemon(true);
    reader.start();
  }

  /** The host reader: blocks in the host stream, buffers what comes, posts the wakeup. */
  private void readerLoop() {
    byte[] b = new byte[READ_AHEAD];
    while (true) {
      int n;
      try {
        n = in.read(b, 0, b.length);
      } catch (IOException e) {
        n = -2;
      }
      lock.lock();
      try {
        if (n == -1) {
          eof = true;
        } else if (n == -2) {
          ioError = true;
        } else if (n > 0) {
          buffered.add(java.util.Arrays.copyOf(b, n));
        }
      } finally {
        lock.unlock();
      }
      hostEvents.post(readable);
      if (n < 0) {
        return;
      }
      lock.lock();
      try {
        while (buffered.size() >= READ_AHEAD) {
          drained.awaitUninterruptibly();
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Input: POLLIN with bytes buffered; at the end, POLLHUP when the host's stdin is a pipe (as
   * pipe_poll says with no writer left), else POLLIN (a file reads end of file at once). Output:
   * always writable.
   */
  @Override
  public int poll() {
    if (source != null) {
      return source.poll() | (out != null ? POLLOUT | POLLWRNORM : 0);
    }
    if (out != null) {
      return POLLOUT | POLLWRNORM;
    }
    if (hostEvents == null) {
      return POLLIN | POLLRDNORM;
    }
    startReader();
    lock.lock();
    try {
      if (buffered.size() > 0) {
        return POLLIN | POLLRDNORM;
      }
      if (ioError) {
        return POLLERR;
      }
      if (eof) {
        return hostPipe ? POLLHUP : POLLIN | POLLRDNORM;
      }
      return 0;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public WaitChannel readChannel() {
    if (source != null) {
      return source.readChannel();
    }
    return in != null ? readable : null;
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
