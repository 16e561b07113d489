package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * An open host FIFO (named pipe), with Linux's {@code fifo_open} semantics and without ever
 * blocking the kernel's thread in the host: the blocking host calls (the open that waits for the
 * other end, reads, writes of a full FIFO) run on helper threads of this description, which post
 * its {@link #channel()} to the kernel's {@link HostEvents} when something changed; a guest that
 * must wait sleeps on that channel like a reader of a pipe.
 *
 * <ul>
 *   <li>O_RDONLY waits for a writer, O_WRONLY for a reader ({@link #openWait()}: openat sleeps
 *       until the helper's host open returned); O_RDWR never waits; O_RDONLY|O_NONBLOCK returns at
 *       once (reads 0 while there is no writer, as {@code pipe_read} does); O_WRONLY|O_NONBLOCK is
 *       ENXIO while the FIFO has no reader ({@link HostFifoProbe}).
 *   <li>Reads come from a reader thread started at the first read or poll (so a description that is
 *       only written never takes bytes meant for another reader), buffering at most {@link #AHEAD}
 *       bytes; end of file is final for the description.
 *   <li>Writes are queued (at most {@link #AHEAD} bytes; a write of at most PIPE_BUF bytes whole or
 *       not at all) and written by a writer thread; a reader that went away is EPIPE (and SIGPIPE)
 *       at the next write. Bytes queued when the guest closes are still written.
 * </ul>
 *
 * <p>Invariant: {@code state} only moves CONNECTING → OPEN → CLOSED or CONNECTING → FAILED/CLOSED,
 * under {@code lock}; the channel is closed exactly once, by whoever moves it to CLOSED last (the
 * guest's close with nothing queued, else the writer thread when the queue is empty).
 */
final class HostFifo extends OpenFile {
  /** Bytes read ahead of the guest, and bytes queued for the host, at most (a pipe's capacity). */
  static final int AHEAD = 65536;

  /**
   * How long a non-blocking open waits for a host open that should not block (a partner exists).
   */
  static final long NONBLOCK_OPEN_WAIT_MS = 200;

  private enum State {
    CONNECTING,
    OPEN,
    FAILED,
    CLOSED
  }

  private final Path path;
  private final Stat st;
  private final HostIo io;
  private final WaitChannel chan;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();

  private State state = State.CONNECTING;
  private int failure;
  private FileChannel ch;

  /**
   * The channel writes go to: {@code ch}, or for O_RDWR a second read-write channel (a JDK channel
   * serializes its reads and writes, so a reader blocked in the host would hold up the writer).
   */
  private FileChannel wch;

  private boolean guestClosed;

  /** The descriptor that ends an abandoned helper's host open ({@link HostFifoProbe}), or -1. */
  private int partnerFd = -1;

  private final ByteChunks in = new ByteChunks();
  private boolean eof;
  private boolean readError;
  private Thread reader;

  private final ArrayDeque<byte[]> out = new ArrayDeque<>();
  private int outBytes;
  private boolean broken;
  private Thread writer;

  private HostFifo(Path path, Stat st, int flags, HostIo io) {
    super(flags);
    this.path = path;
    this.st = st;
    this.io = io;
    this.chan = new WaitChannel("fifo:" + path);
  }

  /**
   * Opens the host FIFO at {@code path} (stat {@code st}) with the guest's {@code flags}; {@code
   * io} null: ENXIO (no kernel to post wakeups to).
   */
  // fifo.c: fifo_open
  static HostFifo open(Path path, Stat st, int flags, HostIo io) throws UvmException {
    if (io == null) {
      throw new UvmException(Errno.ENXIO, path + ": FIFOs need the kernel's host I/O");
    }
    boolean r = OpenFlags.readable(flags);
    boolean w = OpenFlags.writable(flags);
    boolean nonBlock = (flags & OpenFlags.O_NONBLOCK) != 0;
    if (w && !r && nonBlock && !HostFifoProbe.hasReader(path)) {
      throw new UvmException(Errno.ENXIO);
    }
    HostFifo f = new HostFifo(path, st, flags, io);
    io.registerHostChannel(f.chan);
    if (r && w) {
      f.connect(); // O_RDWR is reader and writer itself: the host open does not wait
      if (f.state == State.FAILED) {
        io.unregisterHostChannel(f.chan);
        throw new UvmException(f.failure, path.toString());
      }
      return f;
    }
    Thread t = new Thread(f::connect, "uvm4j-fifo-open " + path);
    t.setDaemon(true);
    t.start();
    if (nonBlock) {
      // with a partner present the host open returns at once: let it, so a first read sees data
      f.awaitConnected(NONBLOCK_OPEN_WAIT_MS);
    }
    return f;
  }

  /** The helper's host open: blocks until the other end is there (or fails). */
  private void connect() {
    FileChannel c = null;
    FileChannel wc = null;
    int err = 0;
    try {
      if (readable() && writable()) {
        c = openRw();
        wc = openRw();
      } else {
        c =
            writable()
                ? FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)
                : FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        wc = c;
      }
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      err = HostErrors.errnoOf(e);
      if (c != null) {
        closeQuietly(c);
        c = null;
      }
    }
    boolean abandoned;
    int partner;
    lock.lock();
    try {
      abandoned = state == State.CLOSED;
      partner = partnerFd;
      partnerFd = -1;
      if (!abandoned) {
        if (c != null) {
          ch = c;
          wch = wc;
          state = State.OPEN;
        } else {
          failure = err;
          state = State.FAILED;
        }
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
    if (abandoned && c != null) {
      closeQuietly(c); // the guest closed it while the host open waited
      closeQuietly(wc);
    }
    HostFifoProbe.closePartner(partner);
    io.hostEvents().post(chan);
  }

  private FileChannel openRw() throws IOException {
    return FileChannel.open(
        path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
  }

  private void awaitConnected(long ms) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ms);
    lock.lock();
    try {
      while (state == State.CONNECTING) {
        long left = deadline - System.nanoTime();
        if (left <= 0 || !changed.await(left, TimeUnit.NANOSECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      lock.unlock();
    }
  }

  /**
   * For openat of a blocking O_RDONLY or O_WRONLY: the channel to sleep on while the host open
   * waits for the other end, null once it is done; the failure of the host open as an exception.
   */
  @Override
  public WaitChannel openWait() throws UvmException {
    lock.lock();
    try {
      if (state == State.FAILED) {
        throw new UvmException(failure, path.toString());
      }
      return state == State.CONNECTING && !nonBlocking() ? chan : null;
    } finally {
      lock.unlock();
    }
  }

  /** The channel this description's sleepers wait on (opens, reads and writes). */
  WaitChannel channel() {
    return chan;
  }

  @Override
  // fifo.c / pipe.c: pipe_read
  public long read(byte[] buf, int off, int len) throws UvmException {
    if (!readable()) {
      throw new UvmException(Errno.EBADF);
    }
    lock.lock();
    try {
      if (state == State.FAILED) {
        throw new UvmException(failure);
      }
      if (state == State.CONNECTING) {
        // only a non-blocking reader gets here: no writer yet reads as end of file
        return nonBlocking() ? 0 : WOULD_BLOCK;
      }
      startReader();
      if (in.size() == 0) {
        if (readError) {
          throw new UvmException(Errno.EIO);
        }
        if (eof || len == 0) {
          return 0;
        }
        if (nonBlocking()) {
          throw new UvmException(Errno.EAGAIN);
        }
        return WOULD_BLOCK;
      }
      int done = in.take(buf, off, len);
      changed.signalAll();
      return done;
    } finally {
      lock.unlock();
    }
  }

  /** Starts the reader thread once (lock held, state OPEN). */
  private void startReader() {
    if (reader != null) {
      return;
    }
    reader = new Thread(this::readerLoop, "uvm4j-fifo-read " + path);
    reader.setDaemon(true);
    reader.start();
  }

  private void readerLoop() {
    ByteBuffer b = ByteBuffer.allocate(AHEAD);
    while (true) {
      int n;
      try {
        b.clear();
        n = ch.read(b);
      } catch (IOException e) {
        n = -2; // an error, or the channel was closed under us
      }
      lock.lock();
      try {
        if (n == -1) {
          eof = true;
        } else if (n == -2) {
          readError = state != State.CLOSED;
        } else if (n > 0) {
          in.add(java.util.Arrays.copyOf(b.array(), n));
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      io.hostEvents().post(chan);
      if (n < 0) {
        return;
      }
      lock.lock();
      try {
        while (in.size() >= AHEAD && state == State.OPEN) {
          changed.awaitUninterruptibly();
        }
        if (state != State.OPEN) {
          return;
        }
      } finally {
        lock.unlock();
      }
    }
  }

  @Override
  // pipe.c: pipe_write
  public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
    if (!writable()) {
      throw new UvmException(Errno.EBADF);
    }
    lock.lock();
    try {
      if (state == State.FAILED) {
        throw new UvmException(failure);
      }
      if (broken) {
        throw new UvmException(Errno.EPIPE);
      }
      int room = AHEAD - outBytes;
      if (state == State.CONNECTING || room == 0 || (atomic && room < len)) {
        if (nonBlocking()) {
          throw new UvmException(Errno.EAGAIN);
        }
        return WOULD_BLOCK;
      }
      int n = Math.min(room, len);
      out.addLast(java.util.Arrays.copyOfRange(buf, off, off + n));
      outBytes += n;
      if (writer == null) {
        writer = new Thread(this::writerLoop, "uvm4j-fifo-write " + path);
        writer.setDaemon(true);
        writer.start();
      }
      changed.signalAll();
      return n;
    } finally {
      lock.unlock();
    }
  }

  private void writerLoop() {
    while (true) {
      byte[] chunk;
      lock.lock();
      try {
        while (out.isEmpty() && !guestClosed) {
          changed.awaitUninterruptibly();
        }
        if (out.isEmpty()) {
          finishClose(); // the guest closed and everything queued was written
          return;
        }
        chunk = out.peekFirst();
      } finally {
        lock.unlock();
      }
      boolean failed = false;
      try {
        ByteBuffer b = ByteBuffer.wrap(chunk);
        while (b.hasRemaining()) {
          wch.write(b);
        }
      } catch (IOException e) {
        failed = true; // EPIPE: no reader left (or the channel is gone)
      }
      lock.lock();
      try {
        out.pollFirst();
        outBytes -= chunk.length;
        if (failed) {
          broken = true;
          out.clear();
          outBytes = 0;
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      io.hostEvents().post(chan);
    }
  }

  /** Closes the host channel (lock held): the description is gone for good. */
  private void finishClose() {
    state = State.CLOSED;
    changed.signalAll();
    if (ch != null) {
      closeQuietly(ch);
      closeQuietly(wch);
    }
  }

  private static void closeQuietly(FileChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // nothing to do: the host descriptor is released either way
    }
  }

  /**
   * Input: POLLIN with bytes buffered (or at the end of file, with POLLHUP); output: POLLOUT while
   * the queue has room, POLLERR once the reader went away; nothing while the host open waits.
   */
  @Override
  public int poll() {
    lock.lock();
    try {
      if (state == State.FAILED) {
        return POLLERR;
      }
      if (state != State.OPEN) {
        return 0;
      }
      int ev = 0;
      if (readable()) {
        startReader();
        if (in.size() > 0) {
          ev |= POLLIN | POLLRDNORM;
        } else if (eof || readError) {
          ev |= POLLHUP;
        }
      }
      if (writable()) {
        if (broken) {
          ev |= POLLERR;
        } else if (outBytes < AHEAD) {
          ev |= POLLOUT | POLLWRNORM;
        }
      }
      return ev;
    } finally {
      lock.unlock();
    }
  }

  @Override
  public WaitChannel readChannel() {
    return chan;
  }

  @Override
  public WaitChannel writeChannel() {
    return chan;
  }

  @Override
  public boolean raisesSigpipe() {
    return true;
  }

  @Override
  public Stat stat() {
    return st;
  }

  @Override
  protected void closed() {
    io.unregisterHostChannel(chan);
    lock.lock();
    try {
      guestClosed = true;
      if (state == State.CONNECTING) {
        state = State.CLOSED;
        // the helper waits (or is about to wait) in the host's open for a partner: be one, held
        // until its open returned (it closes this descriptor then)
        partnerFd = HostFifoProbe.openPartner(path);
      } else if (state == State.OPEN && (writer == null || out.isEmpty())) {
        finishClose(); // else the writer thread closes once the queue is written
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public String toString() {
    return "fifo " + path;
  }
}
