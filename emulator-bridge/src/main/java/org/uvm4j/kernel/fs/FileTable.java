package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;

/**
 * A process's descriptor table ({@code struct filedesc}): descriptor numbers 0..{@link #MAX_FDS}-1
 * mapping to shared {@link OpenFile open descriptions}, each with its own close-on-exec flag.
 * Invariant: every non-null slot holds one reference on its description; new descriptors take the
 * lowest free number.
 */
public final class FileTable {
  /** RLIMIT_NOFILE (soft and hard): descriptors are below this. */
  public static final int MAX_FDS = 1024;

  private final OpenFile[] files = new OpenFile[MAX_FDS];
  private final boolean[] cloexec = new boolean[MAX_FDS];

  /** The description at {@code fd}, or null when {@code fd} is not open. */
  public OpenFile get(long fd) {
    return fd >= 0 && fd < MAX_FDS ? files[(int) fd] : null;
  }

  /** True when the descriptor has FD_CLOEXEC. */
  public boolean closeOnExec(int fd) {
    return get(fd) != null && cloexec[fd];
  }

  /** F_SETFD. */
  public int setCloseOnExec(long fd, boolean on) {
    if (get(fd) == null) {
      return Errno.EBADF;
    }
    cloexec[(int) fd] = on;
    return 0;
  }

  /**
   * Installs a description (taking over the caller's reference) at the lowest free descriptor at or
   * above {@code min}.
   *
   * @return the descriptor, or -EMFILE (the caller keeps its reference then)
   */
  public int install(OpenFile f, boolean closeOnExec, int min) {
    for (int fd = Math.max(0, min); fd < MAX_FDS; fd++) {
      if (files[fd] == null) {
        files[fd] = f;
        cloexec[fd] = closeOnExec;
        return fd;
      }
    }
    return -Errno.EMFILE;
  }

  /** Installs at the lowest free descriptor. */
  public int install(OpenFile f, boolean closeOnExec) {
    return install(f, closeOnExec, 0);
  }

  /** close: 0 or EBADF. */
  public int close(long fd) {
    OpenFile f = get(fd);
    if (f == null) {
      return Errno.EBADF;
    }
    files[(int) fd] = null;
    cloexec[(int) fd] = false;
    f.release();
    return 0;
  }

  /** dup / F_DUPFD(_CLOEXEC): the new descriptor or -errno. */
  public int dup(long oldfd, int min, boolean closeOnExec) {
    OpenFile f = get(oldfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (min < 0 || min >= MAX_FDS) {
      return -Errno.EINVAL;
    }
    f.reference();
    int fd = install(f, closeOnExec, min);
    if (fd < 0) {
      f.release();
    }
    return fd;
  }

  /** dup2: {@code newfd} or -errno; same descriptors is a no-op returning newfd. */
  public int dup2(long oldfd, long newfd) {
    OpenFile f = get(oldfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (oldfd == newfd) {
      return (int) newfd;
    }
    return replace(f, newfd, false);
  }

  /** dup3: like dup2 but EINVAL when equal, and flags may only be O_CLOEXEC. */
  public int dup3(long oldfd, long newfd, int flags) {
    if ((flags & ~OpenFlags.O_CLOEXEC) != 0) {
      return -Errno.EINVAL;
    }
    OpenFile f = get(oldfd);
    if (f == null) {
      return -Errno.EBADF;
    }
    if (oldfd == newfd) {
      return -Errno.EINVAL;
    }
    return replace(f, newfd, (flags & OpenFlags.O_CLOEXEC) != 0);
  }

  private int replace(OpenFile f, long newfd, boolean closeOnExec) {
    if (newfd < 0 || newfd >= MAX_FDS) {
      return -Errno.EBADF;
    }
    int nfd = (int) newfd;
    f.reference();
    OpenFile old = files[nfd];
    files[nfd] = f;
    cloexec[nfd] = closeOnExec;
    if (old != null) {
      old.release();
    }
    return nfd;
  }

  /** fork: a copy sharing every description (close-on-exec flags copied). */
  public FileTable fork() {
    FileTable t = new FileTable();
    for (int fd = 0; fd < MAX_FDS; fd++) {
      if (files[fd] != null) {
        files[fd].reference();
        t.files[fd] = files[fd];
        t.cloexec[fd] = cloexec[fd];
      }
    }
    return t;
  }

  /** execve: closes every close-on-exec descriptor. */
  public void closeOnExec() {
    for (int fd = 0; fd < MAX_FDS; fd++) {
      if (files[fd] != null && cloexec[fd]) {
        close(fd);
      }
    }
  }

  /** exit: closes every descriptor. */
  public void closeAll() {
    for (int fd = 0; fd < MAX_FDS; fd++) {
      if (files[fd] != null) {
        close(fd);
      }
    }
  }

  /** Number of open descriptors. */
  public int openCount() {
    int n = 0;
    for (OpenFile f : files) {
      if (f != null) {
        n++;
      }
    }
    return n;
  }
}
