package org.uvm4j.kernel.fs;

/**
 * A process's file system state ({@code struct cwdinfo}): its root directory, working directory and
 * file creation mask. fork copies it; a {@code CLONE_FS} thread would share the same object.
 *
 * <p>Invariant: {@code cwd} is at or below {@code root} in the guest's tree (both are {@link
 * Location}s of one walk), and the umask has only the 0777 bits.
 */
public final class FsContext {
  private final int pid;
  private Location root;
  private Location cwd;
  private int umask;

  /**
   * @param pid the process it belongs to (what {@code /proc/self} names for it)
   */
  public FsContext(int pid, Location root, Location cwd, int umask) {
    this.pid = pid;
    this.root = root;
    this.cwd = cwd;
    this.umask = umask & 0777;
  }

  /** A copy for the forked child {@code childPid}. */
  public FsContext copy(int childPid) {
    return new FsContext(childPid, root, cwd, umask);
  }

  /** The process this context belongs to. */
  public int pid() {
    return pid;
  }

  public Location root() {
    return root;
  }

  public Location cwd() {
    return cwd;
  }

  /** chdir/fchdir: the caller checked that it is a searchable directory. */
  public void setCwd(Location dir) {
    this.cwd = dir;
  }

  /** chroot (not exposed to guests yet). */
  void setRoot(Location dir) {
    this.root = dir;
  }

  public int umask() {
    return umask;
  }

  /** umask: sets the mask and returns the old one. */
  public int setUmask(int mask) {
    int old = umask;
    umask = mask & 0777;
    return old;
  }
}
