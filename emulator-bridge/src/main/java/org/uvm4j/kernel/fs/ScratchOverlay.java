package org.uvm4j.kernel.fs;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * The default {@code /tmp}: a private writable tmpfs ({@code upper}) over the host's {@code /tmp}
 * ({@code lower}, read-only). Names in the tmpfs hide the host's; new names are always made in the
 * tmpfs; the host's entries can be read (programs and data the user put there) but not changed
 * (EROFS), and a name the host already has cannot be created again (EEXIST). Only this top
 * directory is merged: below it a directory is wholly the tmpfs's or wholly the host's.
 */
public final class ScratchOverlay implements Vnode {
  private final Vnode upper;
  private final Vnode lower;

  /**
   * @param upper the writable tmpfs root
   * @param lower the host directory shown under it, or null for none
   */
  public ScratchOverlay(Vnode upper, Vnode lower) {
    this.upper = upper;
    this.lower = lower;
  }

  /** The writable tmpfs root. */
  public Vnode upper() {
    return upper;
  }

  @Override
  public Stat stat() throws UvmException {
    return upper.stat();
  }

  @Override
  public Vnode lookup(String name) throws UvmException {
    try {
      return upper.lookup(name);
    } catch (UvmException e) {
      if (e.errno() != Errno.ENOENT || lower == null) {
        throw e;
      }
    }
    return new ReadOnlyVnode(lower.lookup(name));
  }

  private boolean inLower(String name) throws UvmException {
    if (lower == null) {
      return false;
    }
    try {
      lower.lookup(name);
      return true;
    } catch (UvmException e) {
      if (e.errno() == Errno.ENOENT) {
        return false;
      }
      throw e;
    }
  }

  private boolean inUpper(String name) throws UvmException {
    try {
      upper.lookup(name);
      return true;
    } catch (UvmException e) {
      if (e.errno() == Errno.ENOENT) {
        return false;
      }
      throw e;
    }
  }

  private void checkNew(String name) throws UvmException {
    if (!inUpper(name) && inLower(name)) {
      throw new UvmException(Errno.EEXIST);
    }
  }

  /** EROFS when {@code name} is only the host's. */
  private void checkOwn(String name) throws UvmException {
    if (!inUpper(name) && inLower(name)) {
      throw new UvmException(Errno.EROFS);
    }
  }

  @Override
  public List<Dirent> readdir() throws UvmException {
    List<Dirent> l = new ArrayList<>(upper.readdir());
    if (lower != null) {
      Set<String> seen = new HashSet<>();
      for (Dirent d : l) {
        seen.add(d.name());
      }
      for (Dirent d : lower.readdir()) {
        if (!seen.contains(d.name())) {
          l.add(d);
        }
      }
    }
    return l;
  }

  @Override
  public Vnode create(String name, int mode) throws UvmException {
    checkNew(name);
    return upper.create(name, mode);
  }

  @Override
  public Vnode mkdir(String name, int mode) throws UvmException {
    checkNew(name);
    return upper.mkdir(name, mode);
  }

  @Override
  public void symlink(String name, String target) throws UvmException {
    checkNew(name);
    upper.symlink(name, target);
  }

  @Override
  public void link(String name, Vnode target) throws UvmException {
    checkNew(name);
    upper.link(name, target);
  }

  @Override
  public void unlink(String name) throws UvmException {
    checkOwn(name);
    upper.unlink(name);
  }

  @Override
  public void rmdir(String name) throws UvmException {
    checkOwn(name);
    upper.rmdir(name);
  }

  @Override
  public void rename(String from, Vnode toDir, String to) throws UvmException {
    checkOwn(from);
    Vnode dest = toDir;
    if (toDir instanceof ScratchOverlay o) {
      if (o == this) {
        checkNew(to);
      }
      dest = o.upper;
    }
    upper.rename(from, dest, to);
  }

  @Override
  public void chmod(int mode) throws UvmException {
    upper.chmod(mode);
  }

  @Override
  public void setTimes(long atimeNs, long mtimeNs) throws UvmException {
    upper.setTimes(atimeNs, mtimeNs);
  }
}
