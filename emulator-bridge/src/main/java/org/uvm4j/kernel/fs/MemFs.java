package org.uvm4j.kernel.fs;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.function.LongSupplier;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * An in-memory file system (tmpfs): directories, regular files, symbolic links and hard links,
 * private to one kernel and gone with it. File contents are {@link FileData} from the factory given
 * at creation (heap arrays by default; UVM anonymous objects can replace them). The total size of
 * all files is capped ({@code capacity}: ENOSPC beyond).
 *
 * <p>Invariants: a directory's {@code nlink} is 2 plus its subdirectories; a file's data is freed
 * once it has neither a name nor an open description; {@code used} is the sum of the files' sizes.
 */
public final class MemFs {
  private final long dev;
  private final long capacity;
  private final FileData.Factory factory;
  private final LongSupplier clock;
  private final Dir root;
  private long nextIno = 1;
  private long used;

  /**
   * @param dev its st_dev
   * @param capacity most bytes all files may hold together
   * @param factory makes each file's storage
   * @param clock wall-clock time in ns for timestamps
   */
  public MemFs(long dev, long capacity, FileData.Factory factory, LongSupplier clock) {
    this.dev = dev;
    this.capacity = capacity;
    this.factory = factory;
    this.clock = clock;
    this.root = new Dir(null, 01777);
  }

  /** The root directory (sticky and world-writable, as /tmp is). */
  public Vnode root() {
    return root;
  }

  /** Bytes held by all files. */
  public long used() {
    return used;
  }

  private abstract class Node implements Vnode {
    final long ino = nextIno++;
    int mode;
    int nlink = 1;
    long mtimeNs = clock.getAsLong();
    long atimeNs = mtimeNs;

    Node(int mode) {
      this.mode = mode;
    }

    long size() {
      return 0;
    }

    MemFs owner() {
      return MemFs.this;
    }

    @Override
    public Stat stat() {
      long size = size();
      return new Stat(
          dev,
          ino,
          nlink,
          mode,
          1000,
          1000,
          0,
          size,
          4096,
          (size + 511) / 512,
          Math.floorDiv(mtimeNs, 1_000_000_000L),
          Math.floorMod(mtimeNs, 1_000_000_000L));
    }

    @Override
    public void chmod(int m) {
      mode = (mode & Stat.S_IFMT) | (m & 07777);
    }

    @Override
    public void setTimes(long atime, long mtime) {
      if (atime >= 0) {
        atimeNs = atime;
      }
      if (mtime >= 0) {
        mtimeNs = mtime;
      }
    }

    void unlinked() {
      nlink--;
    }
  }

  private final class Dir extends Node {
    final TreeMap<String, Node> entries = new TreeMap<>();
    Dir parent;

    Dir(Dir parent, int perms) {
      super(Stat.S_IFDIR | perms);
      this.parent = parent;
      this.nlink = 2;
    }

    @Override
    long size() {
      return 4096;
    }

    @Override
    public Vnode lookup(String name) throws UvmException {
      Node n = entries.get(name);
      if (n == null) {
        throw new UvmException(Errno.ENOENT);
      }
      return n;
    }

    @Override
    public List<Dirent> readdir() {
      List<Dirent> l = new ArrayList<>();
      for (var e : entries.entrySet()) {
        l.add(new Dirent(e.getKey(), e.getValue().ino, Dirent.typeOf(e.getValue().mode)));
      }
      return l;
    }

    private void checkFree(String name) throws UvmException {
      if (entries.containsKey(name)) {
        throw new UvmException(Errno.EEXIST);
      }
    }

    private void touch() {
      mtimeNs = clock.getAsLong();
    }

    @Override
    public Vnode create(String name, int perms) throws UvmException {
      checkFree(name);
      File f = new File(perms, factory.create());
      entries.put(name, f);
      touch();
      return f;
    }

    @Override
    public Vnode mkdir(String name, int perms) throws UvmException {
      checkFree(name);
      Dir d = new Dir(this, perms);
      entries.put(name, d);
      nlink++;
      touch();
      return d;
    }

    @Override
    public void symlink(String name, String target) throws UvmException {
      checkFree(name);
      entries.put(name, new Link(target));
      touch();
    }

    @Override
    public void link(String name, Vnode target) throws UvmException {
      if (!(target instanceof Node n) || n.owner() != MemFs.this) {
        throw new UvmException(Errno.EXDEV);
      }
      if (n instanceof Dir) {
        throw new UvmException(Errno.EPERM);
      }
      checkFree(name);
      entries.put(name, n);
      n.nlink++;
      touch();
    }

    @Override
    public void unlink(String name) throws UvmException {
      Node n = entries.get(name);
      if (n == null) {
        throw new UvmException(Errno.ENOENT);
      }
      if (n instanceof Dir) {
        throw new UvmException(Errno.EISDIR);
      }
      entries.remove(name);
      n.unlinked();
      touch();
    }

    @Override
    public void rmdir(String name) throws UvmException {
      Node n = entries.get(name);
      if (n == null) {
        throw new UvmException(Errno.ENOENT);
      }
      if (!(n instanceof Dir d)) {
        throw new UvmException(Errno.ENOTDIR);
      }
      if (!d.entries.isEmpty()) {
        throw new UvmException(Errno.ENOTEMPTY);
      }
      entries.remove(name);
      nlink--;
      d.nlink = 0;
      touch();
    }

    @Override
    public void rename(String from, Vnode toDir, String to) throws UvmException {
      if (!(toDir instanceof Dir td) || td.owner() != MemFs.this) {
        throw new UvmException(Errno.EXDEV);
      }
      Node n = entries.get(from);
      if (n == null) {
        throw new UvmException(Errno.ENOENT);
      }
      Node old = td.entries.get(to);
      if (old == n) {
        return;
      }
      if (n instanceof Dir nd) {
        for (Dir a = td; a != null; a = a.parent) {
          if (a == nd) {
            throw new UvmException(Errno.EINVAL);
          }
        }
      }
      if (old != null) {
        if (n instanceof Dir && !(old instanceof Dir)) {
          throw new UvmException(Errno.ENOTDIR);
        }
        if (!(n instanceof Dir) && old instanceof Dir) {
          throw new UvmException(Errno.EISDIR);
        }
        if (old instanceof Dir od) {
          if (!od.entries.isEmpty()) {
            throw new UvmException(Errno.ENOTEMPTY);
          }
          td.nlink--;
          od.nlink = 0;
        } else {
          old.unlinked();
        }
      }
      entries.remove(from);
      td.entries.put(to, n);
      if (n instanceof Dir nd) {
        nd.parent = td;
        nlink--;
        td.nlink++;
      }
      touch();
      td.touch();
    }
  }

  private final class Link extends Node {
    final String target;

    Link(String target) {
      super(Stat.S_IFLNK | 0777);
      this.target = target;
    }

    @Override
    long size() {
      return target.length();
    }

    @Override
    public String readlink() {
      return target;
    }
  }

  private final class File extends Node {
    final FileData data;
    int opens;
    boolean freed;

    File(int perms, FileData data) {
      super(Stat.S_IFREG | perms);
      this.data = data;
    }

    @Override
    long size() {
      return data.size();
    }

    @Override
    void unlinked() {
      super.unlinked();
      maybeFree();
    }

    void maybeFree() {
      if (nlink == 0 && opens == 0 && !freed) {
        freed = true;
        used -= data.size();
        data.free();
      }
    }

    void write(long pos, byte[] buf, int off, int len) throws UvmException {
      long before = data.size();
      long grow = Math.max(0, pos + len - before);
      if (grow > 0 && used + grow > capacity) {
        throw new UvmException(Errno.ENOSPC);
      }
      data.write(pos, buf, off, len);
      used += data.size() - before;
      mtimeNs = clock.getAsLong();
    }

    @Override
    public void truncate(long size) throws UvmException {
      if (size < 0) {
        throw new UvmException(Errno.EINVAL);
      }
      long before = data.size();
      if (size > before && used + (size - before) > capacity) {
        throw new UvmException(Errno.ENOSPC);
      }
      data.truncate(size);
      used += data.size() - before;
      mtimeNs = clock.getAsLong();
    }

    @Override
    public OpenFile open(int flags) {
      opens++;
      return new Handle(this, flags);
    }
  }

  /** An open description of a tmpfs file. */
  private final class Handle extends SeekableFile {
    private final File file;

    Handle(File file, int flags) {
      super(flags);
      this.file = file;
    }

    @Override
    protected int readAt(byte[] buf, int off, int len, long at) throws UvmException {
      return file.data.read(at, buf, off, len);
    }

    @Override
    protected void writeAt(byte[] buf, int off, int len, long at) throws UvmException {
      file.write(at, buf, off, len);
    }

    @Override
    protected long size() {
      return file.data.size();
    }

    @Override
    public void truncate(long size) throws UvmException {
      if (!writable()) {
        throw new UvmException(Errno.EINVAL);
      }
      file.truncate(size);
    }

    @Override
    public void sync(boolean dataOnly) {
      // memory is as synced as it gets
    }

    @Override
    public void allocate(long offset, long len) throws UvmException {
      if (!writable()) {
        throw new UvmException(Errno.EBADF);
      }
      long end = offset + len;
      if (end < 0) {
        throw new UvmException(Errno.EFBIG);
      }
      if (end > file.data.size()) {
        file.truncate(end);
      }
    }

    @Override
    public Stat stat() {
      return file.stat();
    }

    @Override
    public UvmObject mmapObject() {
      return file.data.object();
    }

    @Override
    protected void closed() {
      file.opens--;
      file.maybeFree();
    }

    @Override
    public String toString() {
      return "tmpfs file " + file.ino;
    }
  }
}
