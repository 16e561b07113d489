package org.uvm4j.kernel.fs;

import java.util.SplittableRandom;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * The character devices uvm4j implements itself — nothing of the host's {@code /dev} is ever
 * opened: {@code null} (reads end of file, swallows writes), {@code zero} (reads zeros), {@code
 * full} (reads zeros, writes ENOSPC), {@code urandom}/{@code random} (the kernel's seeded,
 * reproducible random bytes) and {@code tty} (the guest's {@link ControllingTty}: the console when
 * it is a terminal, else ENXIO).
 */
public final class Device implements Vnode {
  /** Which device. */
  public enum Kind {
    NULL(1, 3),
    ZERO(1, 5),
    FULL(1, 7),
    RANDOM(1, 8),
    URANDOM(1, 9),
    TTY(5, 0);

    final int major;
    final int minor;

    Kind(int major, int minor) {
      this.major = major;
      this.minor = minor;
    }
  }

  /** Linux ENODEV: fallocate on a character device. */
  private static final int ENODEV = 19;

  private final Kind kind;
  private final long dev;
  private final long ino;
  private final SplittableRandom random;
  private final ControllingTty tty;

  Device(Kind kind, long dev, long ino, SplittableRandom random, ControllingTty tty) {
    this.kind = kind;
    this.dev = dev;
    this.ino = ino;
    this.random = random;
    this.tty = tty;
  }

  @Override
  public Stat stat() {
    int perms = 0666;
    return new Stat(
        dev,
        ino,
        1,
        Stat.S_IFCHR | perms,
        0,
        kind == Kind.TTY ? 5 : 0,
        ((long) kind.major << 8) | kind.minor,
        0,
        4096,
        0,
        0,
        0);
  }

  @Override
  public OpenFile open(int flags) throws UvmException {
    if (kind == Kind.TTY) {
      return tty.open(flags);
    }
    return new Handle(flags);
  }

  /** An open description of one of the memory devices. */
  private final class Handle extends OpenFile {
    Handle(int flags) {
      super(flags);
    }

    @Override
    public long read(byte[] buf, int off, int len) throws UvmException {
      if (!readable()) {
        throw new UvmException(Errno.EBADF);
      }
      switch (kind) {
        case NULL:
          return 0;
        case RANDOM:
        case URANDOM:
          for (int i = 0; i < len; i++) {
            buf[off + i] = (byte) random.nextInt(256);
          }
          return len;
        default:
          java.util.Arrays.fill(buf, off, off + len, (byte) 0);
          return len;
      }
    }

    @Override
    public long pread(byte[] buf, int off, int len, long offset) throws UvmException {
      return read(buf, off, len);
    }

    @Override
    public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
      if (!writable()) {
        throw new UvmException(Errno.EBADF);
      }
      if (kind == Kind.FULL) {
        throw new UvmException(Errno.ENOSPC);
      }
      return len;
    }

    @Override
    public long pwrite(byte[] buf, int off, int len, long offset) throws UvmException {
      return write(buf, off, len, false);
    }

    @Override
    public boolean mapsAsAnonymous() {
      return kind == Kind.ZERO;
    }

    @Override
    public long lseek(long offset, int whence) {
      return 0; // the memory devices ignore seeks and stay at 0
    }

    @Override
    public void sync(boolean dataOnly) throws UvmException {
      throw new UvmException(Errno.EINVAL);
    }

    @Override
    public void allocate(long offset, long len) throws UvmException {
      throw new UvmException(ENODEV);
    }

    @Override
    public Stat stat() {
      return Device.this.stat();
    }

    @Override
    protected void closed() {
      // nothing is held
    }

    @Override
    public String toString() {
      return "/dev/" + kind.name().toLowerCase(java.util.Locale.ROOT);
    }
  }
}
