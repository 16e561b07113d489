package org.uvm4j.kernel.fs;

import java.util.ArrayDeque;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A connected pair of AF_UNIX sockets ({@code socketpair}, {@code net/unix/af_unix.c}): what one
 * end writes the other reads, through one buffer per direction of at most {@link #CAPACITY} bytes.
 * A stream pair ({@code SOCK_STREAM}) moves bytes as a pipe does; a message pair ({@code
 * SOCK_DGRAM}, {@code SOCK_SEQPACKET}) keeps each write as one message, and a read takes one whole
 * message (the part beyond the reader's buffer is discarded).
 *
 * <p>Invariant: each direction's {@code bytes} is the sum of its queued messages' unread lengths
 * and stays within {@link #CAPACITY}. Reading an empty direction waits while the writing end is
 * open and reads end of file (0) once it is closed; writing to a closed peer fails with EPIPE
 * (stream and seqpacket: the caller raises SIGPIPE) or ECONNREFUSED (datagram); O_NONBLOCK turns
 * every wait into EAGAIN.
 */
public final class UnixSocketPair {
  /** Bytes one direction buffers (Linux's default net.core.wmem_default). */
  public static final int CAPACITY = 212_992;

  /**
   * The heap a pair may hold (both directions full, plus the queues), charged to the metadata
   * budget from creation until both ends are closed, as a pipe's ring is.
   */
  public static final long BYTES = 2 * org.uvm4j.uvm.MetadataBudget.array(CAPACITY, 1) + 1024;

  /** SOCK_STREAM. */
  public static final int SOCK_STREAM = 1;

  /** SOCK_DGRAM. */
  public static final int SOCK_DGRAM = 2;

  /** SOCK_SEQPACKET. */
  public static final int SOCK_SEQPACKET = 5;

  private final Wakeup wakeup;
  private final int type;
  private final long ino;
  private org.uvm4j.uvm.MetadataBudget budget;
  private int openEnds = 2;

  private UnixSocketPair(Wakeup wakeup, int type, long ino) {
    this.wakeup = wakeup;
    this.type = type;
    this.ino = ino;
  }

  /** The two ends of a new pair. */
  public record Ends(End first, End second) {}

  /**
   * socketpair(AF_UNIX, type, 0): a connected pair.
   *
   * @param type {@link #SOCK_STREAM}, {@link #SOCK_DGRAM} or {@link #SOCK_SEQPACKET}
   * @param flags O_NONBLOCK (O_CLOEXEC is the file table's business)
   */
  public static Ends create(Wakeup wakeup, int type, long ino, int flags) {
    return create(wakeup, type, ino, flags, null);
  }

  /**
   * As {@link #create(Wakeup, int, long, int)}, charging {@link #BYTES} to {@code budget} (the
   * machine's metadata budget; null: none) until both ends are closed.
   */
  public static Ends create(
      Wakeup wakeup, int type, long ino, int flags, org.uvm4j.uvm.MetadataBudget budget) {
    if (type != SOCK_STREAM && type != SOCK_DGRAM && type != SOCK_SEQPACKET) {
      throw new IllegalArgumentException("socket type " + type);
    }
    UnixSocketPair pair = new UnixSocketPair(wakeup, type, ino);
    if (budget != null) {
      budget.chargeKernel(BYTES);
      pair.budget = budget;
    }
    Direction ab = new Direction("unixab");
    Direction ba = new Direction("unixba");
    int f = OpenFlags.O_RDWR | (flags & OpenFlags.O_NONBLOCK);
    return new Ends(pair.new End(f, ba, ab), pair.new End(f, ab, ba));
  }

  /** One direction: the messages written and not read yet. */
  private static final class Direction {
    final ArrayDeque<byte[]> messages = new ArrayDeque<>();
    final WaitChannel channel;
    int headRead; // bytes of the first message already read (stream)
    int bytes;
    boolean writerClosed;
    boolean readerClosed;

    Direction(String name) {
      channel = new WaitChannel(name);
    }
  }

  private boolean messages() {
    return type != SOCK_STREAM;
  }

  /** One socket of the pair: reads {@code in}, writes {@code out}. */
  public final class End extends OpenFile {
    private final Direction in;
    private final Direction out;

    End(int flags, Direction in, Direction out) {
      super(flags);
      this.in = in;
      this.out = out;
    }

    /** The socket type ({@link #SOCK_STREAM}, ...). */
    public int type() {
      return type;
    }

    // net/unix/af_unix.c: unix_stream_read_generic / unix_dgram_recvmsg
    @Override
    public long read(byte[] buf, int off, int len) throws UvmException {
      if (len == 0 && !messages()) {
        return 0;
      }
      if (in.messages.isEmpty()) {
        if (in.writerClosed) {
          return 0;
        }
        if (nonBlocking()) {
          throw new UvmException(Errno.EAGAIN);
        }
        return WOULD_BLOCK;
      }
      int n = 0;
      if (messages()) {
        byte[] m = in.messages.poll();
        n = Math.min(len, m.length);
        System.arraycopy(m, 0, buf, off, n);
        in.bytes -= m.length;
      } else {
        while (n < len && !in.messages.isEmpty()) {
          byte[] m = in.messages.peek();
          int k = Math.min(len - n, m.length - in.headRead);
          System.arraycopy(m, in.headRead, buf, off + n, k);
          n += k;
          in.headRead += k;
          in.bytes -= k;
          if (in.headRead == m.length) {
            in.messages.poll();
            in.headRead = 0;
          }
        }
      }
      wakeup.wakeup(in.channel);
      return n;
    }

    // net/unix/af_unix.c: unix_stream_sendmsg / unix_dgram_sendmsg
    @Override
    public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
      if (out.readerClosed) {
        throw new UvmException(type == SOCK_DGRAM ? Errno.ECONNREFUSED : Errno.EPIPE);
      }
      if (messages() && len > CAPACITY) {
        throw new UvmException(Errno.EMSGSIZE);
      }
      if (len == 0 && !messages()) {
        return 0;
      }
      int room = CAPACITY - out.bytes;
      int n = messages() ? (room >= len ? len : 0) : Math.min(len, room);
      if (n == 0 && (len > 0 || room == 0)) {
        if (nonBlocking()) {
          throw new UvmException(Errno.EAGAIN);
        }
        return WOULD_BLOCK;
      }
      byte[] m = new byte[n];
      System.arraycopy(buf, off, m, 0, n);
      out.messages.add(m);
      out.bytes += n;
      wakeup.wakeup(out.channel);
      return n;
    }

    @Override
    public Stat stat() {
      return new Stat(8, ino, 1, Stat.S_IFSOCK | 0777, 0, 0, 0, 0, 4096, 0, 0, 0);
    }

    /**
     * unix_poll / unix_dgram_poll: readable with a message queued or the peer gone (POLLHUP: both
     * directions shut), writable while the peer's direction has room.
     */
    @Override
    public int poll() {
      int mask = 0;
      if (!in.messages.isEmpty() || in.writerClosed) {
        mask |= POLLIN | POLLRDNORM;
      }
      if (in.writerClosed && out.readerClosed) {
        mask |= POLLHUP;
      }
      if (!out.readerClosed && out.bytes < CAPACITY) {
        mask |= POLLOUT | POLLWRNORM;
      }
      return mask;
    }

    @Override
    public WaitChannel readChannel() {
      return in.channel;
    }

    @Override
    public WaitChannel writeChannel() {
      return out.channel;
    }

    @Override
    public boolean raisesSigpipe() {
      return type != SOCK_DGRAM;
    }

    @Override
    protected void closed() {
      out.writerClosed = true;
      in.readerClosed = true;
      wakeup.wakeup(out.channel); // the peer's readers see end of file
      wakeup.wakeup(in.channel); // the peer's writers see EPIPE
      if (--openEnds == 0 && budget != null) {
        in.messages.clear();
        out.messages.clear();
        budget.releaseKernel(BYTES); // the last end: the buffers are garbage
        budget = null;
      }
    }

    @Override
    public String toString() {
      return "socket:[" + ino + "]";
    }
  }
}
