package org.uvm4j.kernel.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What {@code fstat} reports about an open file, laid out by {@link #toBytes()} as the x86-64
 * {@code struct stat} (144 bytes).
 */
public record Stat(
    long dev,
    long ino,
    long nlink,
    int mode,
    int uid,
    int gid,
    long rdev,
    long size,
    long blksize,
    long blocks,
    long mtimeSec,
    long mtimeNsec) {
  public static final int S_IFMT = 0170000;
  public static final int S_IFIFO = 0010000;
  public static final int S_IFCHR = 0020000;
  public static final int S_IFDIR = 0040000;
  public static final int S_IFBLK = 0060000;
  public static final int S_IFREG = 0100000;
  public static final int S_IFLNK = 0120000;
  public static final int S_IFSOCK = 0140000;

  /** The same attributes with {@code size} (and the blocks it takes). */
  public Stat withSize(long newSize) {
    return new Stat(
        dev,
        ino,
        nlink,
        mode,
        uid,
        gid,
        rdev,
        newSize,
        blksize,
        (newSize + 511) / 512,
        mtimeSec,
        mtimeNsec);
  }

  /** {@code sizeof(struct stat)} on x86-64. */
  public static final int SIZE = 144;

  /** The x86-64 {@code struct stat} bytes. */
  public byte[] toBytes() {
    ByteBuffer b = ByteBuffer.allocate(SIZE).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(0, dev);
    b.putLong(8, ino);
    b.putLong(16, nlink);
    b.putInt(24, mode);
    b.putInt(28, uid);
    b.putInt(32, gid);
    b.putLong(40, rdev);
    b.putLong(48, size);
    b.putLong(56, blksize);
    b.putLong(64, blocks);
    for (int t = 72; t < 120; t += 16) { // atime, mtime, ctime
      b.putLong(t, mtimeSec);
      b.putLong(t + 8, mtimeNsec);
    }
    return b.array();
  }
}
