package org.uvm4j.kernel.fs;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * An open directory: read is EISDIR, getdents64 lists it. The listing is taken when reading starts
 * (offset 0) — {@code .}, {@code ..}, the file system's entries and the mount points directly
 * inside — and the offset is the index of the next entry (what {@code d_off} reports), so lseek to
 * a {@code d_off} (or rewinddir's 0) continues from there.
 */
public final class DirectoryFile extends OpenFile {
  /** {@code offsetof(struct linux_dirent64, d_name)}. */
  static final int DIRENT_HEADER = 19;

  private final Location loc;
  private final MountTable mounts;
  private List<Vnode.Dirent> entries;
  private long pos;

  DirectoryFile(Location loc, MountTable mounts, int flags) {
    super(flags);
    this.loc = loc;
    this.mounts = mounts;
    setLocation(loc);
  }

  @Override
  public long read(byte[] buf, int off, int len) throws UvmException {
    throw new UvmException(Errno.EISDIR);
  }

  @Override
  public long pread(byte[] buf, int off, int len, long offset) throws UvmException {
    throw new UvmException(Errno.EISDIR);
  }

  @Override
  public long write(byte[] buf, int off, int len, boolean atomic) throws UvmException {
    throw new UvmException(Errno.EBADF);
  }

  @Override
  public long lseek(long offset, int whence) throws UvmException {
    long p =
        switch (whence) {
          case SeekableFile.SEEK_SET -> offset;
          case SeekableFile.SEEK_CUR -> pos + offset;
          default -> throw new UvmException(Errno.EINVAL);
        };
    if (p < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    pos = p;
    if (p == 0) {
      entries = null; // rewinddir sees a fresh listing
    }
    return p;
  }

  @Override
  public void sync(boolean dataOnly) {
    // a directory's entries are on the host (or in memory) already
  }

  @Override
  public void allocate(long offset, long len) throws UvmException {
    throw new UvmException(Errno.EISDIR);
  }

  @Override
  public Stat stat() {
    try {
      return loc.vnode().stat();
    } catch (UvmException e) {
      return new Stat(0, 0, 0, Stat.S_IFDIR, 0, 0, 0, 0, 4096, 0, 0, 0);
    }
  }

  private List<Vnode.Dirent> listing() throws UvmException {
    if (entries == null) {
      List<Vnode.Dirent> l = new ArrayList<>();
      l.add(new Vnode.Dirent(".", loc.vnode().stat().ino(), Vnode.Dirent.DT_DIR));
      long up;
      try {
        up = loc.parent().vnode().stat().ino();
      } catch (UvmException e) {
        up = 0;
      }
      l.add(new Vnode.Dirent("..", up, Vnode.Dirent.DT_DIR));
      Set<String> seen = new HashSet<>();
      for (Vnode.Dirent d : loc.vnode().readdir()) {
        seen.add(d.name());
        l.add(d);
      }
      for (String m : mounts.childMountNames(loc.path())) {
        if (!seen.contains(m)) {
          Mount mt = mounts.at(loc.childPath(m));
          l.add(new Vnode.Dirent(m, mt.root().stat().ino(), Vnode.Dirent.DT_DIR));
        }
      }
      entries = l;
    }
    return entries;
  }

  /**
   * getdents64: fills {@code buf} (at most {@code cap} bytes) with {@code struct linux_dirent64}
   * records from the current position.
   *
   * @return the bytes filled (0 at the end); EINVAL when even the next entry does not fit
   */
  public int getdents(ByteBuffer buf, int cap) throws UvmException {
    List<Vnode.Dirent> l = listing();
    buf.order(ByteOrder.LITTLE_ENDIAN);
    int used = 0;
    while (pos < l.size()) {
      Vnode.Dirent d = l.get((int) pos);
      byte[] name = d.name().getBytes(StandardCharsets.UTF_8);
      int reclen = (DIRENT_HEADER + name.length + 1 + 7) & ~7;
      if (used + reclen > cap) {
        if (used == 0) {
          throw new UvmException(Errno.EINVAL);
        }
        break;
      }
      buf.putLong(used, d.ino());
      buf.putLong(used + 8, pos + 1);
      buf.putShort(used + 16, (short) reclen);
      buf.put(used + 18, (byte) d.type());
      for (int i = 0; i < name.length; i++) {
        buf.put(used + DIRENT_HEADER + i, name[i]);
      }
      for (int i = DIRENT_HEADER + name.length; i < reclen; i++) {
        buf.put(used + i, (byte) 0);
      }
      used += reclen;
      pos++;
    }
    return used;
  }

  @Override
  protected void closed() {
    entries = null;
  }

  @Override
  public String toString() {
    return "directory " + loc.path();
  }
}
