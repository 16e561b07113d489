package org.uvm4j.kernel.fs;

import java.util.ArrayDeque;
import java.util.Deque;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * The guest's file system name space ({@code vfs_lookup.c}: namei and the operations on names).
 * Paths are walked component by component from the caller's root or base directory: {@code .}
 * stays, {@code ..} goes to the parent {@link Location} and stops at the root, mount points
 * (longest prefix) are entered from the {@link MountTable}, and symbolic links are read and
 * resolved here — absolute targets from the caller's root — never by the host. A guest therefore
 * reaches only what is below its root and its mounts, whatever the links say.
 *
 * <p>Limits as Linux's: a path of {@link #PATH_MAX} bytes or more and a component of more than
 * {@link #NAME_MAX} bytes are ENAMETOOLONG; more than {@link #MAXSYMLINKS} links in one walk are
 * ELOOP; a non-directory in the middle is ENOTDIR. Mutations on a read-only mount are EROFS.
 */
public final class Vfs {
  public static final int PATH_MAX = 4096;
  public static final int NAME_MAX = 255;
  public static final int MAXSYMLINKS = 40;

  private final MountTable mounts;

  /** Names the O_TMPFILE files had for the moment of their creation. */
  private final java.util.concurrent.atomic.AtomicLong tmpfiles =
      new java.util.concurrent.atomic.AtomicLong();

  /** The process whose call is walking a path on this thread ({@code /proc/self}). */
  private static final ThreadLocal<FsContext> CALLER = new ThreadLocal<>();

  /** The pid of the process whose call runs on this thread (1 when none has yet). */
  public static int callerPid() {
    FsContext c = CALLER.get();
    return c == null ? 1 : c.pid();
  }

  /** Records {@code fs}'s process as the caller of what this thread does next. */
  private static void enter(FsContext fs) {
    CALLER.set(fs);
  }

  /** Symbolic links followed so far in one walk (ELOOP past {@link #MAXSYMLINKS}). */
  private static final class LinkCount {
    private int n;

    /** Counts one more link: true when that is one too many. */
    boolean exceeded() {
      return ++n > MAXSYMLINKS;
    }
  }

  public Vfs(MountTable mounts) {
    this.mounts = mounts;
  }

  public MountTable mounts() {
    return mounts;
  }

  /** A fresh root location of the mount at {@code /}. */
  public Location rootLocation() {
    return Location.root(mounts.root());
  }

  // ------------------------------------------------------------------ namei

  /** The last component and the directory that holds it (namei with LOCKPARENT). */
  public record Parent(Location dir, String name, Location existing, boolean trailingSlash) {}

  /**
   * namei: the location {@code path} names, from {@code base} (relative paths) or {@code root}.
   *
   * @param followLast follow a symbolic link in the last component (not lstat, not O_NOFOLLOW)
   */
  public Location lookup(Location root, Location base, String path, boolean followLast)
      throws UvmException {
    return lookup(root, base, path, followLast, new LinkCount());
  }

  /** namei for the process of {@code fs}: from its root, relative paths from {@code base}. */
  public Location lookup(FsContext fs, Location base, String path, boolean followLast)
      throws UvmException {
    enter(fs);
    return lookup(fs.root(), base, path, followLast, new LinkCount());
  }

  private Location lookup(
      Location root, Location base, String path, boolean followLast, LinkCount links)
      throws UvmException {
    checkPath(path);
    Deque<String> comps = split(path);
    boolean dirOnly = path.endsWith("/");
    Location cur = path.startsWith("/") ? root : base;
    while (!comps.isEmpty()) {
      String name = comps.pollFirst();
      if (!cur.vnode().isDirectory()) {
        throw new UvmException(Errno.ENOTDIR);
      }
      if (name.equals(".")) {
        continue;
      }
      if (name.equals("..")) {
        cur = cur == root || cur.isRoot() ? cur : cur.parent();
        continue;
      }
      Location next = child(cur, name);
      boolean last = comps.isEmpty();
      if (next.vnode().type() == Stat.S_IFLNK && (!last || followLast || dirOnly)) {
        if (links.exceeded()) {
          throw new UvmException(Errno.ELOOP);
        }
        String target = next.vnode().readlink();
        if (target.isEmpty()) {
          throw new UvmException(Errno.ENOENT);
        }
        Deque<String> t = split(target);
        while (!t.isEmpty()) {
          comps.addFirst(t.pollLast());
        }
        if (target.startsWith("/")) {
          cur = root;
        }
        continue;
      }
      cur = next;
    }
    if (dirOnly && !cur.vnode().isDirectory()) {
      throw new UvmException(Errno.ENOTDIR);
    }
    return cur;
  }

  /**
   * namei for calls that create or remove a name: the parent directory (fully resolved) and the
   * last component; {@code existing} is what the name refers to now, or null. With {@code
   * followLast} a symbolic link in the last place is followed (O_CREAT creates its target).
   */
  public Parent lookupParent(Location root, Location base, String path, boolean followLast)
      throws UvmException {
    return lookupParent(root, base, path, followLast, new LinkCount());
  }

  private Parent lookupParent(
      Location root, Location base, String path, boolean followLast, LinkCount links)
      throws UvmException {
    checkPath(path);
    String p = path;
    boolean trailing = false;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
      trailing = true;
    }
    int slash = p.lastIndexOf('/');
    String dirPart = slash < 0 ? "" : slash == 0 ? "/" : p.substring(0, slash);
    String name = slash < 0 ? p : p.substring(slash + 1);
    Location dir = dirPart.isEmpty() ? base : lookup(root, base, dirPart, true, links);
    if (!dir.vnode().isDirectory()) {
      throw new UvmException(Errno.ENOTDIR);
    }
    if (name.isEmpty() || name.equals(".") || name.equals("..")) {
      // "/" itself (named "/"), "." or "..": it exists; callers refuse to create or remove it
      Location self = name.equals("..") && dir != root && !dir.isRoot() ? dir.parent() : dir;
      return new Parent(dir, name.isEmpty() ? "/" : name, self, true);
    }
    Location existing;
    try {
      existing = child(dir, name);
    } catch (UvmException e) {
      if (e.errno() != Errno.ENOENT) {
        throw e;
      }
      existing = null;
    }
    if (existing != null && existing.vnode().type() == Stat.S_IFLNK && (followLast || trailing)) {
      if (links.exceeded()) {
        throw new UvmException(Errno.ELOOP);
      }
      String target = existing.vnode().readlink();
      if (target.isEmpty()) {
        throw new UvmException(Errno.ENOENT);
      }
      return lookupParent(root, target.startsWith("/") ? root : dir, target, true, links);
    }
    return new Parent(dir, name, existing, trailing);
  }

  /** The child {@code name} of directory {@code dir}: a mount's root when one is mounted there. */
  private Location child(Location dir, String name) throws UvmException {
    if (name.length() > NAME_MAX) {
      throw new UvmException(Errno.ENAMETOOLONG);
    }
    Mount m = mounts.at(dir.childPath(name));
    if (m != null) {
      return dir.child(name, m.root(), m);
    }
    return dir.child(name, dir.vnode().lookup(name), dir.mount());
  }

  private static void checkPath(String path) throws UvmException {
    if (path.isEmpty()) {
      throw new UvmException(Errno.ENOENT);
    }
    if (path.length() >= PATH_MAX) {
      throw new UvmException(Errno.ENAMETOOLONG);
    }
  }

  private static Deque<String> split(String path) throws UvmException {
    Deque<String> d = new ArrayDeque<>();
    for (String s : path.split("/")) {
      if (!s.isEmpty()) {
        if (s.length() > NAME_MAX) {
          throw new UvmException(Errno.ENAMETOOLONG);
        }
        d.addLast(s);
      }
    }
    return d;
  }

  // ------------------------------------------------------------------ operations

  /**
   * open/openat ({@code vn_open}): O_CREAT (with {@code mode & ~umask}), O_EXCL, O_TRUNC,
   * O_DIRECTORY, O_NOFOLLOW, O_APPEND; directories open read-only.
   *
   * @return the open description (the caller holds its one reference)
   */
  public OpenFile open(FsContext fs, Location base, String path, int flags, int mode)
      throws UvmException {
    enter(fs);
    boolean nofollow = (flags & OpenFlags.O_NOFOLLOW) != 0;
    if ((flags & OpenFlags.O_TMPFILE) == OpenFlags.O_TMPFILE) {
      return openTmpfile(fs, base, path, flags, mode);
    }
    Location loc;
    boolean created = false;
    if ((flags & OpenFlags.O_CREAT) != 0) {
      boolean excl = (flags & OpenFlags.O_EXCL) != 0;
      Parent pp = lookupParent(fs.root(), base, path, !nofollow && !excl);
      if (pp.existing() != null) {
        if (excl) {
          throw new UvmException(Errno.EEXIST);
        }
        loc = pp.existing();
        if (loc.vnode().isDirectory()) {
          throw new UvmException(Errno.EISDIR);
        }
      } else {
        if (pp.trailingSlash()) {
          throw new UvmException(Errno.EISDIR);
        }
        if (pp.dir().mount().readOnly()) {
          throw new UvmException(Errno.EROFS);
        }
        Vnode v = pp.dir().vnode().create(pp.name(), mode & ~fs.umask() & 07777);
        loc = pp.dir().child(pp.name(), v, pp.dir().mount());
        created = true;
      }
    } else {
      loc = lookup(fs.root(), base, path, !nofollow);
    }
    Vnode v = loc.vnode();
    int type = v.type();
    if (type == Stat.S_IFLNK) {
      throw new UvmException(Errno.ELOOP); // O_NOFOLLOW on a link
    }
    if ((flags & OpenFlags.O_DIRECTORY) != 0 && type != Stat.S_IFDIR) {
      throw new UvmException(Errno.ENOTDIR);
    }
    boolean write = OpenFlags.writable(flags);
    if (type == Stat.S_IFDIR) {
      if (write || (flags & OpenFlags.O_TRUNC) != 0) {
        throw new UvmException(Errno.EISDIR);
      }
      return new DirectoryFile(loc, mounts, flags);
    }
    if (type == Stat.S_IFREG && (write || (flags & OpenFlags.O_TRUNC) != 0)) {
      writable(loc);
    }
    OpenFile f = v.open(flags);
    if (type == Stat.S_IFREG && (flags & OpenFlags.O_TRUNC) != 0 && !created) {
      try {
        f.truncate(0);
      } catch (UvmException e) {
        if (write) {
          f.release();
          throw e;
        }
        v.truncate(0); // O_RDONLY|O_TRUNC truncates too on Linux
      }
    }
    f.setLocation(loc);
    return f;
  }

  /**
   * open(O_TMPFILE) (Linux's {@code vfs_tmpfile}): an unnamed regular file in the directory's file
   * system that lives while it is open. It is created under a name nobody can look up in between
   * (the kernel runs one call at a time) and unlinked before the call returns. Linux's errnos:
   * ENOTDIR, EINVAL without write access, EROFS on a read-only mount, EOPNOTSUPP where the file
   * system makes no regular files. Linking it a name afterwards (linkat AT_EMPTY_PATH) is not
   * supported.
   */
  // fs/namei.c: do_tmpfile
  private OpenFile openTmpfile(FsContext fs, Location base, String path, int flags, int mode)
      throws UvmException {
    Location d = lookup(fs.root(), base, path, true);
    if (!d.vnode().isDirectory()) {
      throw new UvmException(Errno.ENOTDIR);
    }
    if (!OpenFlags.writable(flags)) {
      throw new UvmException(Errno.EINVAL);
    }
    writable(d);
    Vnode dir = d.vnode();
    String name;
    do {
      name = ".uvm4j-tmpfile-" + tmpfiles.incrementAndGet();
    } while (exists(dir, name));
    Vnode v;
    try {
      v = dir.create(name, mode & ~fs.umask() & 07777);
    } catch (UvmException e) {
      throw e.errno() == Errno.EACCES ? new UvmException(Errno.EOPNOTSUPP) : e;
    }
    OpenFile f;
    try {
      f = v.open(flags & ~OpenFlags.O_TMPFILE & ~OpenFlags.O_CREAT);
    } finally {
      dir.unlink(name);
    }
    f.setLocation(d.child(name, v, d.mount()));
    return f;
  }

  private static boolean exists(Vnode dir, String name) throws UvmException {
    try {
      dir.lookup(name);
      return true;
    } catch (UvmException e) {
      if (e.errno() == Errno.ENOENT) {
        return false;
      }
      throw e;
    }
  }

  /** stat/lstat by name. */
  public Stat stat(FsContext fs, Location base, String path, boolean follow) throws UvmException {
    enter(fs);
    return lookup(fs.root(), base, path, follow).vnode().stat();
  }

  /** readlink: EINVAL for a non-link. */
  public String readlink(FsContext fs, Location base, String path) throws UvmException {
    enter(fs);
    return lookup(fs.root(), base, path, false).vnode().readlink();
  }

  /** mkdir: EEXIST (also for a dangling link), EROFS. */
  public void mkdir(FsContext fs, Location base, String path, int mode) throws UvmException {
    enter(fs);
    Parent pp = lookupParent(fs.root(), base, path, false);
    if (pp.existing() != null) {
      throw new UvmException(Errno.EEXIST);
    }
    writable(pp.dir());
    pp.dir().vnode().mkdir(pp.name(), mode & ~fs.umask() & 07777);
  }

  /** unlink: EISDIR for a directory, EROFS. */
  public void unlink(FsContext fs, Location base, String path) throws UvmException {
    enter(fs);
    Parent pp = lookupParent(fs.root(), base, path, false);
    if (pp.existing() == null) {
      throw new UvmException(Errno.ENOENT);
    }
    if (isDots(pp.name()) || isMountPoint(pp.existing())) {
      throw new UvmException(pp.existing().vnode().isDirectory() ? Errno.EISDIR : Errno.EBUSY);
    }
    if (pp.trailingSlash() && !pp.existing().vnode().isDirectory()) {
      throw new UvmException(Errno.ENOTDIR);
    }
    writable(pp.dir());
    pp.dir().vnode().unlink(pp.name());
  }

  /** rmdir: ENOTDIR, ENOTEMPTY, EINVAL for ".", EBUSY for a mount point or the root. */
  public void rmdir(FsContext fs, Location base, String path) throws UvmException {
    enter(fs);
    Parent pp = lookupParent(fs.root(), base, path, false);
    if (pp.existing() == null) {
      throw new UvmException(Errno.ENOENT);
    }
    if (pp.name().equals("/")) {
      throw new UvmException(Errno.EBUSY);
    }
    if (pp.name().equals(".")) {
      throw new UvmException(Errno.EINVAL);
    }
    if (pp.name().equals("..")) {
      throw new UvmException(Errno.ENOTEMPTY);
    }
    if (!pp.existing().vnode().isDirectory()) {
      throw new UvmException(Errno.ENOTDIR);
    }
    if (isMountPoint(pp.existing())) {
      throw new UvmException(Errno.EBUSY);
    }
    writable(pp.dir());
    pp.dir().vnode().rmdir(pp.name());
  }

  /** symlink: EEXIST, EROFS, ENOENT for an empty target. */
  public void symlink(FsContext fs, String target, Location base, String path) throws UvmException {
    enter(fs);
    if (target.isEmpty()) {
      throw new UvmException(Errno.ENOENT);
    }
    Parent pp = lookupParent(fs.root(), base, path, false);
    if (pp.existing() != null) {
      throw new UvmException(Errno.EEXIST);
    }
    if (pp.trailingSlash()) {
      throw new UvmException(Errno.ENOENT);
    }
    writable(pp.dir());
    pp.dir().vnode().symlink(pp.name(), target);
  }

  /** link: EXDEV across mounts, EPERM for directories, EEXIST. */
  public void link(
      FsContext fs,
      Location oldBase,
      String oldPath,
      Location newBase,
      String newPath,
      boolean follow)
      throws UvmException {
    enter(fs);
    Location src = lookup(fs.root(), oldBase, oldPath, follow);
    Parent pp = lookupParent(fs.root(), newBase, newPath, false);
    if (pp.existing() != null) {
      throw new UvmException(Errno.EEXIST);
    }
    if (src.vnode().isDirectory()) {
      throw new UvmException(Errno.EPERM);
    }
    if (src.mount() != pp.dir().mount()) {
      throw new UvmException(Errno.EXDEV);
    }
    writable(pp.dir());
    pp.dir().vnode().link(pp.name(), src.vnode());
  }

  /** rename: EXDEV across mounts, EBUSY for mount points, EINVAL into itself, ENOTEMPTY… */
  public void rename(
      FsContext fs, Location oldBase, String oldPath, Location newBase, String newPath)
      throws UvmException {
    enter(fs);
    Parent from = lookupParent(fs.root(), oldBase, oldPath, false);
    Parent to = lookupParent(fs.root(), newBase, newPath, false);
    if (from.existing() == null) {
      throw new UvmException(Errno.ENOENT);
    }
    if (isDots(from.name()) || isDots(to.name())) {
      throw new UvmException(Errno.EBUSY);
    }
    if (isMountPoint(from.existing()) || (to.existing() != null && isMountPoint(to.existing()))) {
      throw new UvmException(Errno.EBUSY);
    }
    if (from.dir().mount() != to.dir().mount()) {
      throw new UvmException(Errno.EXDEV);
    }
    boolean srcDir = from.existing().vnode().isDirectory();
    if ((from.trailingSlash() || to.trailingSlash()) && !srcDir) {
      throw new UvmException(Errno.ENOTDIR);
    }
    if (srcDir) {
      String sp = from.existing().path();
      String dp = to.dir().childPath(to.name());
      if (dp.startsWith(sp + "/")) {
        throw new UvmException(Errno.EINVAL);
      }
    }
    writable(from.dir());
    from.dir().vnode().rename(from.name(), to.dir().vnode(), to.name());
  }

  /** truncate by name: EISDIR, EROFS, EINVAL for a negative size. */
  public void truncate(FsContext fs, Location base, String path, long size) throws UvmException {
    enter(fs);
    if (size < 0) {
      throw new UvmException(Errno.EINVAL);
    }
    Location loc = lookup(fs.root(), base, path, true);
    if (loc.vnode().isDirectory()) {
      throw new UvmException(Errno.EISDIR);
    }
    writable(loc);
    loc.vnode().truncate(size);
  }

  /** chmod by name (follows links, as Linux's fchmodat). */
  public void chmod(FsContext fs, Location base, String path, int mode) throws UvmException {
    enter(fs);
    Location loc = lookup(fs.root(), base, path, true);
    writable(loc);
    loc.vnode().chmod(mode & 07777);
  }

  /** utimensat by name. */
  public void setTimes(
      FsContext fs, Location base, String path, boolean follow, long atimeNs, long mtimeNs)
      throws UvmException {
    enter(fs);
    Location loc = lookup(fs.root(), base, path, follow);
    writable(loc);
    loc.vnode().setTimes(atimeNs, mtimeNs);
  }

  /**
   * access(2) for the guest's user ({@code uid}): {@code mode} is R_OK 4, W_OK 2, X_OK 1 (0 only
   * checks existence). Writing is EROFS on a read-only mount for files and directories; host files
   * are checked by the host (the JVM's user stands for the guest's), others by their mode bits.
   *
   * @return 0 or the errno
   */
  public static int access(Location loc, int mode, int uid) throws UvmException {
    if (mode == 0) {
      return 0;
    }
    Stat st = loc.vnode().stat();
    int type = st.mode() & Stat.S_IFMT;
    if ((mode & 2) != 0
        && (loc.mount().readOnly() || loc.vnode().readOnly())
        && (type == Stat.S_IFREG || type == Stat.S_IFDIR || type == Stat.S_IFLNK)) {
      return Errno.EROFS;
    }
    java.nio.file.Path hp = loc.vnode().hostPath();
    if (hp != null) {
      boolean ok =
          ((mode & 4) == 0 || java.nio.file.Files.isReadable(hp))
              && ((mode & 2) == 0 || java.nio.file.Files.isWritable(hp))
              && ((mode & 1) == 0 || java.nio.file.Files.isExecutable(hp));
      return ok ? 0 : Errno.EACCES;
    }
    int bits = st.uid() == uid ? (st.mode() >> 6) & 7 : st.mode() & 7;
    return (bits & mode) == mode ? 0 : Errno.EACCES;
  }

  /** EROFS when {@code loc}'s mount is read-only. */
  public static void writable(Location loc) throws UvmException {
    if (loc.mount().readOnly() || loc.vnode().readOnly()) {
      throw new UvmException(Errno.EROFS);
    }
  }

  private boolean isMountPoint(Location loc) {
    return !loc.isRoot()
        && mounts.at(loc.path()) != null
        && loc.vnode() == mounts.at(loc.path()).root();
  }

  private static boolean isDots(String name) {
    return name.equals(".") || name.equals("..") || name.equals("/");
  }
}
