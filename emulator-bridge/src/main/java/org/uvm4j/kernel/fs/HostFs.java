package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * The host file system as guests see it: mounted read-only. Paths are host paths; relative ones
 * resolve against a working directory (the launcher's). Opening for writing, creating or truncating
 * fails as on a read-only mount (EROFS; EEXIST first for O_CREAT|O_EXCL on an existing file).
 */
public final class HostFs {
  /** {@code AT_FDCWD}. */
  public static final int AT_FDCWD = -100;

  private final Path cwd;

  /** One host descriptor per open host file, shared by every guest descriptor of it. */
  private final SharedChannels channels = new SharedChannels();

  public HostFs(Path cwd) {
    this.cwd = cwd.toAbsolutePath().normalize();
  }

  /** The working directory as an absolute host path. */
  public Path cwd() {
    return cwd;
  }

  /** Resolves a guest path against {@code base} (the cwd or a directory descriptor's path). */
  public static Path resolve(Path base, String path) {
    return base.resolve(path);
  }

  /**
   * open/openat on a host path.
   *
   * @param base the directory relative paths start from
   * @return the open file (the caller holds its one reference)
   * @throws UvmException with ENOENT, ENOTDIR, EROFS, EEXIST, EISDIR, EACCES… as Linux would
   */
  public OpenFile open(Path base, String path, int flags) throws UvmException {
    if (path.isEmpty()) {
      throw new UvmException(Errno.ENOENT, "open " + path);
    }
    Path p;
    try {
      p = resolve(base, path);
    } catch (InvalidPathException e) {
      throw new UvmException(Errno.ENOENT, "open " + path);
    }
    boolean follow = (flags & OpenFlags.O_NOFOLLOW) == 0;
    LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    boolean exists = Files.exists(p, opts);
    if ((flags & OpenFlags.O_TMPFILE) == OpenFlags.O_TMPFILE) {
      throw new UvmException(
          exists && !Files.isDirectory(p) ? Errno.ENOTDIR : Errno.EROFS, "open " + path);
    }
    if ((flags & OpenFlags.O_CREAT) != 0) {
      if (exists && (flags & OpenFlags.O_EXCL) != 0) {
        throw new UvmException(Errno.EEXIST, "open " + path);
      }
      if (!exists) {
        stat(p.getParent() == null ? p : p.getParent(), true); // ENOENT/ENOTDIR before EROFS
        throw new UvmException(Errno.EROFS, "open " + path);
      }
    }
    Stat st = stat(p, follow);
    boolean dir = (st.mode() & Stat.S_IFMT) == Stat.S_IFDIR;
    if (dir && OpenFlags.writable(flags)) {
      throw new UvmException(Errno.EISDIR, "open " + path);
    }
    if (OpenFlags.writable(flags) || (flags & OpenFlags.O_TRUNC) != 0) {
      throw new UvmException(Errno.EROFS, "open " + path);
    }
    if ((flags & OpenFlags.O_DIRECTORY) != 0 && !dir) {
      throw new UvmException(Errno.ENOTDIR, "open " + path);
    }
    if (dir) {
      if (!Files.isReadable(p)) {
        throw new UvmException(Errno.EACCES, "open " + path);
      }
      return new HostDirectory(p, st, flags);
    }
    try {
      FileChannel ch = channels.acquire(p, st);
      return new HostFile(p, ch, st, flags, channels);
    } catch (IOException | SecurityException e) {
      throw new UvmException(errnoOf(e), "open " + path);
    }
  }

  /** Host descriptors this file system holds now (one per distinct open host file). */
  public int hostChannels() {
    return channels.openCount();
  }

  /**
   * stat/lstat of a host path.
   *
   * @throws UvmException with the errno Linux gives (ENOENT, ENOTDIR, EACCES, ELOOP…)
   */
  public Stat stat(Path p, boolean follow) throws UvmException {
    LinkOption[] opts = follow ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    try {
      try {
        Map<String, Object> a = Files.readAttributes(p, "unix:*", opts);
        FileTime mtime = (FileTime) a.get("lastModifiedTime");
        long nanos = mtime.to(java.util.concurrent.TimeUnit.NANOSECONDS);
        long size = (Long) a.get("size");
        return new Stat(
            ((Number) a.get("dev")).longValue(),
            ((Number) a.get("ino")).longValue(),
            ((Number) a.get("nlink")).longValue(),
            (Integer) a.get("mode"),
            (Integer) a.get("uid"),
            (Integer) a.get("gid"),
            ((Number) a.get("rdev")).longValue(),
            size,
            4096,
            (size + 511) / 512,
            Math.floorDiv(nanos, 1_000_000_000L),
            Math.floorMod(nanos, 1_000_000_000L));
      } catch (UnsupportedOperationException | IllegalArgumentException e) {
        // a file system without the "unix:" attribute view (readAttributes reports that with
        // these two exceptions): stat from the basic attributes, read-only mode bits
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, opts);
        int type = a.isDirectory() ? Stat.S_IFDIR : a.isRegularFile() ? Stat.S_IFREG : Stat.S_IFCHR;
        long secs = a.lastModifiedTime().toMillis() / 1000;
        return new Stat(
            0, 0, 1, type | 0444, 0, 0, 0, a.size(), 4096, (a.size() + 511) / 512, secs, 0);
      }
    } catch (IOException | SecurityException e) {
      throw new UvmException(errnoOf(e), "stat " + p);
    }
  }

  /** True when an ancestor of {@code p} exists and is not a directory (Linux: ENOTDIR). */
  private static boolean underANonDirectory(Path p) {
    for (Path a = p.getParent(); a != null; a = a.getParent()) {
      if (Files.exists(a)) {
        return !Files.isDirectory(a);
      }
    }
    return false;
  }

  /** The errno Linux would give for a host I/O failure. */
  static int errnoOf(Exception e) {
    if (e instanceof NoSuchFileException nsf) {
      // Java 24+ reports ENOTDIR from stat as NoSuchFileException: tell them apart as Linux does
      return nsf.getFile() != null && underANonDirectory(Path.of(nsf.getFile()))
          ? Errno.ENOTDIR
          : Errno.ENOENT;
    }
    if (e instanceof AccessDeniedException || e instanceof SecurityException) {
      return Errno.EACCES;
    }
    if (e instanceof NotDirectoryException) {
      return Errno.ENOTDIR;
    }
    if (e instanceof FileSystemLoopException) {
      return Errno.ELOOP;
    }
    if (e instanceof FileSystemException fse && fse.getReason() != null) {
      String r = fse.getReason();
      if (r.contains("Not a directory")) {
        return Errno.ENOTDIR;
      }
      if (r.contains("symbolic links")) {
        return Errno.ELOOP;
      }
      if (r.contains("name too long")) {
        return Errno.ENAMETOOLONG;
      }
      if (r.contains("Is a directory")) {
        return Errno.EISDIR;
      }
    }
    return Errno.EIO;
  }
}
