package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A pipe ({@code sys_pipe.c}): a ring buffer of {@link #CAPACITY} bytes with a count of open read
 * and write descriptions. Invariant: {@code 0 <= count <= CAPACITY}; the bytes readable are the
 * {@code count} bytes starting at {@code head} (modulo the capacity).
 *
 * <p>Semantics as Linux's: reading an empty pipe waits while a writer exists and reads end of file
 * (0) when none does; writing with no reader fails with EPIPE (the caller raises SIGPIPE); a write
 * of at most {@link #PIPE_BUF} bytes is atomic (waits until it fits whole), a larger one may be
 * split. O_NONBLOCK turns every wait into EAGAIN.
 */
public final class Pipe {
  /** Buffer size (Linux's default pipe capacity, 16 pages). */
  public static final int CAPACITY = 65536;

  /** Writes up to this size are never interleaved with other writers' data. */
  public static final int PIPE_BUF = 4096;

  /** Estimated heap bytes of a pipe: its ring and the objects around it. */
  public static final long BYTES = org.uvm4j.uvm.MetadataBudget.array(CAPACITY, 1) + 256;

  private final byte[] ring = new byte[CAPACITY];

  /** Where the ring is charged until both ends are closed (null: nowhere). */
  private org.uvm4j.uvm.MetadataBudget budget;

  private final Wakeup wakeup;
  private final WaitChannel readers = new WaitChannel("piperd");
  private final WaitChannel writers = new WaitChannel("pipewr");
  private final long ino;
  private int head;
  private int count;
  private int readEnds;
  private int writeEnds;

  private Pipe(Wakeup wakeup, long ino) {
    this.wakeup = wakeup;
    this.ino = ino;
  }

  /** The ends of a new pipe. */
  public record Ends(End read, End write) {}

  /**
   * pipe2: creates a pipe and its two open descriptions.
   *
   * @param flags O_NONBLOCK (O_CLOEXEC is the file table's business)
   */
  public static Ends create(Wakeup wakeup, long ino, int flags) {
    return create(wakeup, ino, flags, null);
  }

  /**
   * As {@link #create(Wakeup, long, int)}, charging {@link #BYTES} to {@code budget} (the machine's
   * metadata budget; null: none) until both ends are closed.
   */
  public static Ends create(
      Wakeup wakeup, long ino, int flags, org.uvm4j.uvm.MetadataBudget budget) {
    Pipe p = new Pipe(wakeup, ino);
    if (budget != null) {
      budget.chargeKernel(BYTES);
      p.budget = budget;
    }
    int nb = flags & OpenFlags.O_NONBLOCK;
    End r = p.new End(OpenFlags.O_RDONLY | nb);
    End w = p.new End(OpenFlags.O_WRONLY | nb);
    p.readEnds = 1;
    p.writeEnds = 1;
    return new Ends(r, w);
  }

  /** Bytes buffered. */
  public int count() {
    return count;
  }

  /** Open read descriptions. */
  public int readEnds() {
    return readEnds;
  }

  /** Open write descriptions. */
  public int writeEnds() {
    return writeEnds;
  }

  private long read(byte[] buf, int off, int len, boolean nonBlocking) throws UvmException {
    if (len == 0) {
      return 0;
    }
    if (count == 0) {
      if (writeEnds == 0) {
        return 0;
      }
      if (nonBlocking) {
        throw new UvmException(Errno.EAGAIN);
      }
      return OpenFile.WOULD_BLOCK;
    }
    int n = Math.min(len, count);
    int first = Math.min(n, CAPACITY - head);
    System.arraycopy(ring, head, buf, off, first);
    System.arraycopy(ring, 0, buf, off + first, n - first);
    head = (head + n) % CAPACITY;
    count -= n;
    if (count == 0) {
      head = 0;
    }
    wakeup.wakeup(writers);
    return n;
  }

  private long write(byte[] buf, int off, int len, boolean atomic, boolean nonBlocking)
      throws UvmException {
    if (readEnds == 0) {
      throw new UvmException(Errno.EPIPE);
    }
    if (len == 0) {
      return 0;
    }
    int room = CAPACITY - count;
    if (room == 0 || (atomic && len <= PIPE_BUF && room < len)) {
      if (nonBlocking) {
        throw new UvmException(Errno.EAGAIN);
      }
      return OpenFile.WOULD_BLOCK;
    }
    int n = Math.min(len, room);
    int tail = (head + count) % CAPACITY;
    int first = Math.min(n, CAPACITY - tail);
    System.arraycopy(buf, off, ring, tail, first);
    System.arraycopy(buf, off + first, ring, 0, n - first);
    count += n;
    wakeup.wakeup(readers);
    return n;
  }

  /** One end of the pipe: an open description that reads or writes it. */
  public final class End extends OpenFile {
    private final boolean reader;

    End(int flags) {
      super(flags);
      this.reader = OpenFlags.readable(flags);
    }

    /** The pipe this end belongs to. */
    public Pipe pipe() {
      return Pipe.this;
    }

    @Override
    public long read(byte[] buf, int off, int len) throws UvmException {
      if (!reader) {
        throw new UvmException(Errno.EBADF);
      }
      return Pipe.this.read(buf, off, len, nonBlocking());
    }

    @Override
    public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
      if (reader) {
        throw new UvmException(Errno.EBADF);
      }
      return Pipe.this.write(buf, off, len, atomic, nonBlocking());
    }

    @Override
    public Stat stat() {
      return new Stat(12, ino, 1, Stat.S_IFIFO | 0600, 0, 0, 0, 0, 4096, 0, 0, 0);
    }

    /** pipe_poll: readable with data or no writer left (POLLHUP); writable with room. */
    @Override
    public int poll() {
      int mask = 0;
      if (reader) {
        if (count > 0) {
          mask |= POLLIN | POLLRDNORM;
        }
        if (writeEnds == 0) {
          mask |= POLLHUP;
        }
      } else {
        if (count < CAPACITY) {
          mask |= POLLOUT | POLLWRNORM;
        }
        if (readEnds == 0) {
          mask |= POLLERR;
        }
      }
      return mask;
    }

    @Override
    public WaitChannel readChannel() {
      return readers;
    }

    @Override
    public WaitChannel writeChannel() {
      return writers;
    }

    @Override
    public boolean raisesSigpipe() {
      return true;
    }

    @Override
    protected void closed() {
      if (reader) {
        readEnds--;
        wakeup.wakeup(writers); // writers now see EPIPE
      } else {
        writeEnds--;
        wakeup.wakeup(readers); // readers now see end of file
      }
      if (readEnds == 0 && writeEnds == 0 && budget != null) {
        budget.releaseKernel(BYTES); // the last end: the ring is garbage
        budget = null;
      }
    }

    @Override
    public String toString() {
      return "pipe:[" + ino + "] " + (reader ? "read" : "write") + " end";
    }
  }
}
