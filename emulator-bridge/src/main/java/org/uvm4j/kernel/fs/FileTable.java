package org.uvm4j.kernel.fs;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

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

  /** RLIMIT_NOFILE: new descriptors are below it (existing ones above it stay open). */
  private int limit = MAX_FDS;

  /** Sets RLIMIT_NOFILE's soft value (clamped to {@link #MAX_FDS}). */
  public void setLimit(long nofile) {
    limit = (int) Math.min(Math.max(nofile, 0), MAX_FDS);
  }

  /** The description at {@code fd}, or null when {@code fd} is not open. */
  public OpenFile get(int fd) {
    return fd >= 0 && fd < MAX_FDS ? files[fd] : null;
  }

  /** True when the descriptor has FD_CLOEXEC. */
  public boolean closeOnExec(int fd) {
    return get(fd) != null && cloexec[fd];
  }

  /** F_SETFD: 0 or EBADF. */
  public int setCloseOnExec(int fd, boolean on) {
    if (get(fd) == null) {
      return Errno.EBADF;
    }
    cloexec[fd] = on;
    return 0;
  }

  /**
   * Installs a description (taking over the caller's reference) at the lowest free descriptor at or
   * above {@code min}.
   *
   * @return the descriptor
   * @throws UvmException EMFILE when no descriptor is free (the caller keeps its reference then)
   */
  public int install(OpenFile f, boolean closeOnExec, int min) throws UvmException {
    for (int fd = Math.max(0, min); fd < limit; fd++) {
      if (files[fd] == null) {
        files[fd] = f;
        cloexec[fd] = closeOnExec;
        return fd;
      }
    }
    throw new UvmException(Errno.EMFILE);
  }

  /** Installs at the lowest free descriptor. */
  public int install(OpenFile f, boolean closeOnExec) throws UvmException {
    return install(f, closeOnExec, 0);
  }

  /** close: 0 or EBADF. */
  public int close(int fd) {
    OpenFile f = get(fd);
    if (f == null) {
      return Errno.EBADF;
    }
    files[fd] = null;
    cloexec[fd] = false;
    f.release();
    return 0;
  }

  /** dup / F_DUPFD(_CLOEXEC): the new descriptor; EBADF, EINVAL, EMFILE. */
  public int dup(int oldfd, int min, boolean closeOnExec) throws UvmException {
    OpenFile f = get(oldfd);
    if (f == null) {
      throw new UvmException(Errno.EBADF);
    }
    if (min < 0 || min >= limit) {
      throw new UvmException(Errno.EINVAL);
    }
    f.reference();
    try {
      return install(f, closeOnExec, min);
    } catch (UvmException e) {
      f.release();
      throw e;
    }
  }

  /** dup2: {@code newfd} (EBADF); same descriptors is a no-op returning newfd. */
  public int dup2(int oldfd, int newfd) throws UvmException {
    OpenFile f = get(oldfd);
    if (f == null) {
      throw new UvmException(Errno.EBADF);
    }
    if (oldfd == newfd) {
      return newfd;
    }
    return replace(f, newfd, false);
  }

  /** dup3: like dup2 but EINVAL when equal, and flags may only be O_CLOEXEC. */
  public int dup3(int oldfd, int newfd, int flags) throws UvmException {
    if ((flags & ~OpenFlags.O_CLOEXEC) != 0) {
      throw new UvmException(Errno.EINVAL);
    }
    OpenFile f = get(oldfd);
    if (f == null) {
      throw new UvmException(Errno.EBADF);
    }
    if (oldfd == newfd) {
      throw new UvmException(Errno.EINVAL);
    }
    return replace(f, newfd, (flags & OpenFlags.O_CLOEXEC) != 0);
  }

  private int replace(OpenFile f, int newfd, boolean closeOnExec) throws UvmException {
    if (newfd < 0 || newfd >= limit) {
      throw new UvmException(Errno.EBADF);
    }
    int nfd = newfd;
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
    t.limit = limit;
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
