package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A node of a host directory tree mounted into the guest (the host's {@code /} read-only, {@code
 * --root DIR}, a {@code --bind}): a host path built from the mount's host directory and the names
 * the guest's walk looked up one by one. It never follows a symbolic link itself (stat is lstat,
 * opens use O_NOFOLLOW): the {@link Vfs} reads links and resolves them inside the guest's root, so
 * a host path is only ever {@code mountDir/name/name/...} of real directories.
 *
 * <p>Policy kept here: host device nodes are never opened (EACCES, like a {@code nodev} mount), nor
 * sockets (ENXIO); FIFOs are opened as {@link HostFifo}s (Linux's fifo_open semantics, the host's
 * blocking calls on helper threads); the host's procfs is never entered (EACCES), so a guest cannot
 * see the JVM's {@code /proc} through any host mount.
 */
public final class HostVnode implements Vnode {
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final Path path;
  private final long dev;
  private final SharedChannels channels;

  private HostVnode(Path path, long dev, SharedChannels channels) {
    this.path = path;
    this.dev = dev;
    this.channels = channels;
  }

  /** The root of a host directory mount with its own table of shared read-only channels. */
  public static HostVnode root(Path dir) throws UvmException {
    return root(dir, new SharedChannels());
  }

  /** Host channels open for read-only descriptions (one per file, shared by all its opens). */
  public int hostChannels() {
    return channels.openCount();
  }

  /**
   * The root of a host directory mount.
   *
   * @throws UvmException ENOENT/ENOTDIR when {@code dir} is not a directory, EACCES for procfs
   */
  static HostVnode root(Path dir, SharedChannels channels) throws UvmException {
    Path abs = dir.toAbsolutePath().normalize();
    Stat st = statOf(abs, true);
    if ((st.mode() & Stat.S_IFMT) != Stat.S_IFDIR) {
      throw new UvmException(Errno.ENOTDIR, dir + ": not a directory");
    }
    try {
      if (isProcfs(abs.toRealPath())) {
        throw new UvmException(Errno.EACCES, dir + ": the host's /proc is never mounted");
      }
      return new HostVnode(abs.toRealPath(), st.dev(), channels);
    } catch (IOException e) {
      throw new UvmException(HostErrors.errnoOf(e), dir.toString());
    }
  }

  /** The host path of this node. */
  public Path path() {
    return path;
  }

  @Override
  public Path hostPath() {
    return path;
  }

  @Override
  public Stat stat() throws UvmException {
    return statOf(path, false);
  }

  @Override
  public Vnode lookup(String name) throws UvmException {
    Path child = child(name);
    Stat st = statOf(child, false);
    if ((st.mode() & Stat.S_IFMT) == Stat.S_IFDIR && st.dev() != dev && isProcfs(child)) {
      throw new UvmException(Errno.EACCES, child + ": the host's procfs");
    }
    return new HostVnode(child, st.dev(), channels);
  }

  private Path child(String name) throws UvmException {
    try {
      return path.resolve(name);
    } catch (InvalidPathException e) {
      throw new UvmException(Errno.ENOENT, name);
    }
  }

  private static boolean isProcfs(Path p) {
    try {
      String type = Files.getFileStore(p).type();
      return "proc".equals(type);
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  @Override
  public String readlink() throws UvmException {
    try {
      return Files.readSymbolicLink(path).toString();
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      throw new UvmException(
          e instanceof java.nio.file.NotLinkException ? Errno.EINVAL : errno(e), path.toString());
    }
  }

  @Override
  public OpenFile open(int flags) throws UvmException {
    Stat st = stat();
    switch (st.mode() & Stat.S_IFMT) {
      case Stat.S_IFREG -> {}
      case Stat.S_IFCHR, Stat.S_IFBLK ->
          throw new UvmException(Errno.EACCES, path + ": host device nodes are not opened");
      case Stat.S_IFIFO -> {
        return HostFifo.open(path, st, flags, channels.hostIo());
      }
      default -> throw new UvmException(Errno.ENXIO, path + ": not a regular file");
    }
    Set<OpenOption> opts = new HashSet<>();
    opts.add(LinkOption.NOFOLLOW_LINKS);
    if (OpenFlags.readable(flags)) {
      opts.add(StandardOpenOption.READ);
    }
    if (OpenFlags.writable(flags)) {
      opts.add(StandardOpenOption.WRITE);
    }
    if (!opts.contains(StandardOpenOption.READ) && !opts.contains(StandardOpenOption.WRITE)) {
      opts.add(StandardOpenOption.READ);
    }
    try {
      if (!OpenFlags.writable(flags)) {
        // read-only opens of one file share one host channel (one JVM descriptor for many)
        return new HostFile(path, channels.acquire(path, st), st, flags, channels);
      }
      try {
        // opens for writing share one read-write host channel per file too
        return new HostFile(path, channels.acquire(path, st, true), st, flags, channels);
      } catch (java.nio.file.AccessDeniedException e) {
        // writable but not readable on the host: a channel of its own, as asked
        FileChannel ch = FileChannel.open(path, opts);
        return new HostFile(path, ch, st, flags, null);
      }
    } catch (IOException | SecurityException | UnsupportedOperationException e) {
      throw new UvmException(errno(e), path.toString());
    }
  }

  @Override
  public List<Dirent> readdir() throws UvmException {
    List<Dirent> out = new ArrayList<>();
    try (DirectoryStream<Path> ds = Files.newDirectoryStream(path)) {
      for (Path p : ds) {
        String name = p.getFileName().toString();
        try {
          Stat st = statOf(p, false);
          out.add(new Dirent(name, st.ino(), Dirent.typeOf(st.mode())));
        } catch (UvmException e) {
          out.add(new Dirent(name, 0, Dirent.DT_UNKNOWN)); // vanished while listing
        }
      }
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), path.toString());
    }
    return out;
  }

  @Override
  public Vnode create(String name, int mode) throws UvmException {
    Path p = child(name);
    try {
      Files.newByteChannel(p, EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
          .close();
      setMode(p, mode);
      return new HostVnode(p, dev, channels);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), p.toString());
    }
  }

  @Override
  public Vnode mkdir(String name, int mode) throws UvmException {
    Path p = child(name);
    try {
      Files.createDirectory(p);
      setMode(p, mode);
      return new HostVnode(p, dev, channels);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), p.toString());
    }
  }

  @Override
  public void symlink(String name, String target) throws UvmException {
    Path p = child(name);
    try {
      Files.createSymbolicLink(p, Path.of(target));
    } catch (IOException | SecurityException | InvalidPathException e) {
      throw new UvmException(e instanceof InvalidPathException ? Errno.ENOENT : errno(e));
    }
  }

  @Override
  public void link(String name, Vnode target) throws UvmException {
    if (!(target instanceof HostVnode t) || t.dev != dev) {
      throw new UvmException(Errno.EXDEV);
    }
    Path p = child(name);
    try {
      Files.createLink(p, t.path);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), p.toString());
    }
  }

  @Override
  public void unlink(String name) throws UvmException {
    Path p = child(name);
    if ((statOf(p, false).mode() & Stat.S_IFMT) == Stat.S_IFDIR) {
      throw new UvmException(Errno.EISDIR);
    }
    try {
      Files.delete(p);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), p.toString());
    }
  }

  @Override
  public void rmdir(String name) throws UvmException {
    Path p = child(name);
    if ((statOf(p, false).mode() & Stat.S_IFMT) != Stat.S_IFDIR) {
      throw new UvmException(Errno.ENOTDIR);
    }
    try {
      Files.delete(p);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), p.toString());
    }
  }

  @Override
  public void rename(String from, Vnode toDir, String to) throws UvmException {
    if (!(toDir instanceof HostVnode t) || t.dev != dev) {
      throw new UvmException(Errno.EXDEV);
    }
    Path src = child(from);
    Path dst = t.child(to);
    Stat s = statOf(src, false);
    boolean srcDir = (s.mode() & Stat.S_IFMT) == Stat.S_IFDIR;
    Stat d = null;
    try {
      d = statOf(dst, false);
    } catch (UvmException e) {
      if (e.errno() != Errno.ENOENT) {
        throw e;
      }
    }
    if (d != null) {
      if (d.ino() == s.ino() && d.dev() == s.dev()) {
        return; // same file: rename does nothing
      }
      boolean dstDir = (d.mode() & Stat.S_IFMT) == Stat.S_IFDIR;
      if (srcDir && !dstDir) {
        throw new UvmException(Errno.ENOTDIR);
      }
      if (!srcDir && dstDir) {
        throw new UvmException(Errno.EISDIR);
      }
    }
    if (srcDir && dst.toAbsolutePath().startsWith(src.toAbsolutePath())) {
      throw new UvmException(Errno.EINVAL); // into its own subtree
    }
    try {
      // ATOMIC_MOVE is rename(2): replaces the target (an empty directory for a directory)
      Files.move(src, dst, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), src + " -> " + dst);
    }
  }

  @Override
  public void truncate(long size) throws UvmException {
    if (size < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    if (isDirectory()) {
      throw new UvmException(Errno.EISDIR);
    }
    try (FileChannel ch =
        FileChannel.open(path, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
      truncate(ch, size);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), path.toString());
    }
  }

  /** Sets a channel's size, growing it with zeros (FileChannel.truncate only shrinks). */
  static void truncate(FileChannel ch, long size) throws UvmException {
    if (size < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    try {
      long cur = ch.size();
      if (size < cur) {
        ch.truncate(size);
      } else if (size > cur) {
        ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
      }
    } catch (IOException e) {
      throw new UvmException(HostErrors.errnoOf(e));
    }
  }

  @Override
  public void chmod(int mode) throws UvmException {
    try {
      setMode(path, mode);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), path.toString());
    }
  }

  /** Sets the rwx bits (the host's setuid/setgid/sticky bits are not changed by a guest). */
  private static void setMode(Path p, int mode) throws IOException {
    Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
    PosixFilePermission[] order = {
      PosixFilePermission.OTHERS_EXECUTE,
      PosixFilePermission.OTHERS_WRITE,
      PosixFilePermission.OTHERS_READ,
      PosixFilePermission.GROUP_EXECUTE,
      PosixFilePermission.GROUP_WRITE,
      PosixFilePermission.GROUP_READ,
      PosixFilePermission.OWNER_EXECUTE,
      PosixFilePermission.OWNER_WRITE,
      PosixFilePermission.OWNER_READ
    };
    for (int i = 0; i < order.length; i++) {
      if ((mode & (1 << i)) != 0) {
        perms.add(order[i]);
      }
    }
    Files.setPosixFilePermissions(p, perms);
  }

  @Override
  public void setTimes(long atimeNs, long mtimeNs) throws UvmException {
    try {
      BasicFileAttributeView v =
          Files.getFileAttributeView(path, BasicFileAttributeView.class, NOFOLLOW);
      v.setTimes(
          mtimeNs < 0 ? null : FileTime.from(mtimeNs, TimeUnit.NANOSECONDS),
          atimeNs < 0 ? null : FileTime.from(atimeNs, TimeUnit.NANOSECONDS),
          null);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), path.toString());
    }
  }

  private static int errno(Exception e) {
    return HostErrors.errnoOf(e);
  }

  /**
   * stat/lstat of a host path.
   *
   * @throws UvmException with the errno Linux gives (ENOENT, ENOTDIR, EACCES, ELOOP…)
   */
  static Stat statOf(Path p, boolean follow) throws UvmException {
    LinkOption[] opts = follow ? new LinkOption[0] : NOFOLLOW;
    try {
      try {
        Map<String, Object> a = Files.readAttributes(p, "unix:*", opts);
        FileTime mtime = (FileTime) a.get("lastModifiedTime");
        long nanos = mtime.to(TimeUnit.NANOSECONDS);
        long size = (Long) a.get("size");
        long dev = ((Number) a.get("dev")).longValue();
        long ino = ((Number) a.get("ino")).longValue();
        // st_blocks/st_blksize from libc's stat (the JDK has neither); when libc cannot say, or
        // says it of another file (renamed in between), an estimate from the size
        long blksize = 4096;
        long blocks = (size + 511) / 512;
        HostStatBlocks.Blocks nb = HostStatBlocks.of(p, follow);
        if (nb != null && nb.dev() == dev && nb.ino() == ino) {
          blksize = nb.blksize();
          blocks = nb.blocks();
        }
        return new Stat(
            dev,
            ino,
            ((Number) a.get("nlink")).longValue(),
            (Integer) a.get("mode"),
            (Integer) a.get("uid"),
            (Integer) a.get("gid"),
            ((Number) a.get("rdev")).longValue(),
            size,
            blksize,
            blocks,
            Math.floorDiv(nanos, 1_000_000_000L),
            Math.floorMod(nanos, 1_000_000_000L));
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        // a file system without the "unix:" attribute view (readAttributes reports that with
        // these two exceptions): stat from the basic attributes, read-only mode bits
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, opts);
        int type =
            a.isDirectory()
                ? Stat.S_IFDIR
                : a.isRegularFile()
                    ? Stat.S_IFREG
                    : a.isSymbolicLink() ? Stat.S_IFLNK : Stat.S_IFCHR;
        long secs = a.lastModifiedTime().toMillis() / 1000;
        return new Stat(
            0, 0, 1, type | 0444, 0, 0, 0, a.size(), 4096, (a.size() + 511) / 512, secs, 0);
      }
    } catch (IOException | SecurityException e) {
      throw new UvmException(errno(e), "stat " + p);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostVnode h && h.path.equals(path);
  }

  @Override
  public int hashCode() {
    return path.hashCode();
  }

  @Override
  public String toString() {
    return "host:" + path;
  }
}
