package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * An open file description ({@code struct file}): what descriptors point to. {@code dup} and {@code
 * fork} share one description (its offset and status flags); it is closed when its last descriptor
 * goes.
 *
 * <p>I/O methods return a byte count (0 or more) or {@link #WOULD_BLOCK} when a blocking descriptor
 * must wait (the caller then sleeps on {@link #readChannel()} or {@link #writeChannel()} and
 * retries), and throw {@link UvmException} with a positive errno when they fail.
 */
public abstract class OpenFile {
  /** Returned by {@link #read}/{@link #write} when the caller must sleep and retry. */
  public static final long WOULD_BLOCK = Long.MIN_VALUE;

  private int refs = 1;
  private int statusFlags;
  private Location location;

  protected OpenFile(int flags) {
    this.statusFlags =
        flags
            & ~(OpenFlags.O_CLOEXEC
                | OpenFlags.O_CREAT
                | OpenFlags.O_EXCL
                | OpenFlags.O_TRUNC
                | OpenFlags.O_NOCTTY);
  }

  /** The status flags (access mode, O_APPEND, O_NONBLOCK…) as F_GETFL reports them. */
  public int statusFlags() {
    return statusFlags;
  }

  /** F_SETFL: only O_APPEND and O_NONBLOCK can change. */
  public void setStatusFlags(int flags) {
    int changeable = OpenFlags.O_APPEND | OpenFlags.O_NONBLOCK;
    statusFlags = (statusFlags & ~changeable) | (flags & changeable);
  }

  public boolean nonBlocking() {
    return (statusFlags & OpenFlags.O_NONBLOCK) != 0;
  }

  public boolean readable() {
    return OpenFlags.readable(statusFlags);
  }

  public boolean writable() {
    return OpenFlags.writable(statusFlags);
  }

  /** One more descriptor refers to this description (dup, fork). */
  public final void reference() {
    if (refs <= 0) {
      throw new IllegalStateException("reference to a closed file " + this);
    }
    refs++;
  }

  /** One descriptor stopped referring to it; the last one closes it. */
  public final void release() {
    if (refs <= 0) {
      throw new IllegalStateException("release of a closed file " + this);
    }
    if (--refs == 0) {
      closed();
    }
  }

  /** Number of descriptors referring to this description. */
  public final int refs() {
    return refs;
  }

  /** Reads up to {@code len} bytes at the current offset. */
  public abstract long read(byte[] buf, int off, int len) throws UvmException;

  /**
   * Writes up to {@code len} bytes at the current offset (or the end with O_APPEND).
   *
   * @param atomic the whole request is at most PIPE_BUF bytes and must not be split (pipes)
   */
  public abstract long write(byte[] buf, int off, int len, boolean atomic) throws UvmException;

  /** pread64: reads at {@code offset} without moving the file offset; ESPIPE if not seekable. */
  public long pread(byte[] buf, int off, int len, long offset) throws UvmException {
    throw new UvmException(Errno.ESPIPE);
  }

  /** pwrite64: writes at {@code offset} without moving the file offset; ESPIPE if not seekable. */
  public long pwrite(byte[] buf, int off, int len, long offset) throws UvmException {
    throw new UvmException(Errno.ESPIPE);
  }

  /** ftruncate: EINVAL unless this is a regular file open for writing. */
  public void truncate(long size) throws UvmException {
    throw new UvmException(Errno.EINVAL);
  }

  /** fsync/fdatasync: EINVAL for descriptors that cannot be synced (pipes, the console). */
  public void sync(boolean dataOnly) throws UvmException {
    throw new UvmException(Errno.EINVAL);
  }

  /** fallocate (mode 0 only: reserve, growing the size): ESPIPE on pipes, ENODEV on devices. */
  public void allocate(long offset, long len) throws UvmException {
    throw new UvmException(Errno.ESPIPE);
  }

  /**
   * Where in the guest's tree this description was opened (directories, files opened by path), or
   * null (pipes, the console).
   */
  public Location location() {
    return location;
  }

  /** Records where the VFS opened it. */
  void setLocation(Location loc) {
    this.location = loc;
  }

  /**
   * For openat: the channel to sleep on while opening must still wait (a FIFO's other end, see
   * {@link HostFifo}), or null when the description is ready; a failure of that wait as an
   * exception.
   */
  public WaitChannel openWait() throws UvmException {
    return null;
  }

  /** lseek; ESPIPE if not seekable. */
  public long lseek(long offset, int whence) throws UvmException {
    throw new UvmException(Errno.ESPIPE);
  }

  /**
   * The memory object mmap maps for this description (a tmpfs file's or a memfd's anonymous
   * object), or null when it is mapped some other way or not at all.
   */
  public UvmObject mmapObject() {
    return null;
  }

  /** What fstat reports. */
  public abstract Stat stat();

  /** True when mmap of it is anonymous memory ({@code /dev/zero}). */
  public boolean mapsAsAnonymous() {
    return false;
  }

  /** poll(2) event bits (asm-generic/poll.h). */
  public static final int POLLIN = 0x1;

  public static final int POLLPRI = 0x2;
  public static final int POLLOUT = 0x4;
  public static final int POLLERR = 0x8;
  public static final int POLLHUP = 0x10;
  public static final int POLLNVAL = 0x20;
  public static final int POLLRDNORM = 0x40;
  public static final int POLLRDBAND = 0x80;
  public static final int POLLWRNORM = 0x100;
  public static final int POLLWRBAND = 0x200;

  /**
   * What poll/select report for this description now (its {@code f_op->poll}): by default, as for a
   * regular file or directory, always readable and writable (DEFAULT_POLLMASK). A description whose
   * state can change wakes its {@link #readChannel()}/{@link #writeChannel()} when it does.
   */
  public int poll() {
    return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
  }

  /** True when this is a terminal (ioctl TCGETS would succeed on Linux). */
  public boolean isTerminal() {
    return false;
  }

  /** What a reader sleeps on. */
  public WaitChannel readChannel() {
    return null;
  }

  /** What a writer sleeps on. */
  public WaitChannel writeChannel() {
    return null;
  }

  /** True when a failed write with EPIPE must also raise SIGPIPE at the writer. */
  public boolean raisesSigpipe() {
    return false;
  }

  /** Called once, when the last descriptor is gone. */
  protected abstract void closed();
}
