package org.uvm4j.kernel.fs;

import java.util.List;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A file system node ({@code struct vnode}): a directory, regular file, symbolic link or device of
 * one mounted file system. Names passed in are single components (never empty, never {@code .} or
 * {@code ..}, no {@code /}); the {@link Vfs} walks paths, follows symbolic links and crosses mounts
 * — a vnode never does, so no lookup can leave the file system it started in.
 *
 * <p>Errors are {@link UvmException}s with a positive errno. The defaults answer as a file system
 * that does not allow the operation (EACCES, or ENOTDIR/EINVAL where the node type decides); the
 * VFS checks read-only mounts (EROFS) before calling any mutating method.
 *
 * <p>A tmpfs (or any other file system) plugs in by implementing this interface for its nodes and
 * handing its root to {@link MountTable#mount}.
 */
public interface Vnode {
  /** A directory entry as getdents64 reports it ({@code d_type} is one of the DT_ values). */
  record Dirent(String name, long ino, int type) {
    public static final int DT_UNKNOWN = 0;
    public static final int DT_FIFO = 1;
    public static final int DT_CHR = 2;
    public static final int DT_DIR = 4;
    public static final int DT_REG = 8;
    public static final int DT_LNK = 10;
    public static final int DT_SOCK = 12;

    /** The DT_ value of a {@code st_mode}. */
    public static int typeOf(int mode) {
      return (mode & Stat.S_IFMT) >>> 12;
    }
  }

  /** stat/lstat of this node (never follows it). */
  Stat stat() throws UvmException;

  /**
   * The host file behind this node when there is one (host mounts), for the exec cache and file
   * mappings; null for nodes uvm4j keeps itself.
   */
  default java.nio.file.Path hostPath() {
    return null;
  }

  /**
   * True when this node cannot be changed whatever its mount says (the host's entries under the
   * scratch /tmp): writes and attribute changes are EROFS.
   */
  default boolean readOnly() {
    return false;
  }

  /** The node's type bits ({@code st_mode & S_IFMT}). */
  default int type() throws UvmException {
    return stat().mode() & Stat.S_IFMT;
  }

  /** True when this is a directory. */
  default boolean isDirectory() throws UvmException {
    return type() == Stat.S_IFDIR;
  }

  /** The child called {@code name} of this directory: ENOENT, ENOTDIR, EACCES. */
  default Vnode lookup(String name) throws UvmException {
    throw new UvmException(isDirectory() ? Errno.ENOENT : Errno.ENOTDIR);
  }

  /** The target of this symbolic link: EINVAL when it is not one. */
  default String readlink() throws UvmException {
    throw new UvmException(Errno.EINVAL);
  }

  /**
   * Opens this non-directory node (the VFS opens directories itself) with {@code flags}; O_TRUNC
   * was already applied through {@link #truncate}.
   */
  default OpenFile open(int flags) throws UvmException {
    throw new UvmException(Errno.EACCES);
  }

  /** The entries of this directory, without {@code .} and {@code ..}. */
  default List<Dirent> readdir() throws UvmException {
    throw new UvmException(Errno.ENOTDIR);
  }

  /** Creates a regular file {@code name} with permission bits {@code mode}: EEXIST, EACCES. */
  default Vnode create(String name, int mode) throws UvmException {
    throw new UvmException(Errno.EACCES);
  }

  /** Creates directory {@code name}: EEXIST, EACCES. */
  default Vnode mkdir(String name, int mode) throws UvmException {
    throw new UvmException(Errno.EACCES);
  }

  /** Creates symbolic link {@code name} pointing at {@code target}: EEXIST, EACCES. */
  default void symlink(String name, String target) throws UvmException {
    throw new UvmException(Errno.EACCES);
  }

  /** Hard link {@code name} to {@code target} (same file system, else EXDEV): EEXIST, EPERM. */
  default void link(String name, Vnode target) throws UvmException {
    throw new UvmException(Errno.EXDEV);
  }

  /** Removes the non-directory {@code name}: ENOENT, EISDIR, EACCES. */
  default void unlink(String name) throws UvmException {
    throw new UvmException(Errno.EACCES);
  }

  /** Removes the empty directory {@code name}: ENOENT, ENOTDIR, ENOTEMPTY, EACCES. */
  default void rmdir(String name) throws UvmException {
    throw new UvmException(Errno.EACCES);
  }

  /**
   * Renames {@code from} in this directory to {@code to} in {@code toDir} (same file system, else
   * EXDEV), replacing what is there as rename(2) does.
   */
  default void rename(String from, Vnode toDir, String to) throws UvmException {
    throw new UvmException(Errno.EXDEV);
  }

  /** truncate/ftruncate: EISDIR, EINVAL, EACCES. */
  default void truncate(long size) throws UvmException {
    throw new UvmException(isDirectory() ? Errno.EISDIR : Errno.EINVAL);
  }

  /** chmod: sets the permission bits (07777). */
  default void chmod(int mode) throws UvmException {
    throw new UvmException(Errno.EPERM);
  }

  /**
   * utimensat: new access and modification times in ns since the epoch, or -1 to leave one as it
   * is.
   */
  default void setTimes(long atimeNs, long mtimeNs) throws UvmException {
    throw new UvmException(Errno.EPERM);
  }
}
