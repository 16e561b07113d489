package org.uvm4j.kernel.fs;

import java.nio.file.Path;
import java.util.List;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A node seen read-only whatever its mount says (the host's entries under the scratch {@link
 * ScratchOverlay}): lookups return read-only children, opening for writing and every change is
 * EROFS — except opening a FIFO for writing, which a read-only file system allows on Linux ({@code
 * sb_permission} refuses writes to regular files, directories and links only).
 */
final class ReadOnlyVnode implements Vnode {
  private final Vnode inner;

  ReadOnlyVnode(Vnode inner) {
    this.inner = inner;
  }

  @Override
  public Stat stat() throws UvmException {
    return inner.stat();
  }

  @Override
  public boolean readOnly() {
    return true;
  }

  @Override
  public Path hostPath() {
    return inner.hostPath();
  }

  @Override
  public Vnode lookup(String name) throws UvmException {
    return new ReadOnlyVnode(inner.lookup(name));
  }

  @Override
  public String readlink() throws UvmException {
    return inner.readlink();
  }

  @Override
  // namei.c: may_open, sb_permission
  public OpenFile open(int flags) throws UvmException {
    if ((OpenFlags.writable(flags) || (flags & OpenFlags.O_TRUNC) != 0)
        && inner.type() != Stat.S_IFIFO) {
      throw new UvmException(Errno.EROFS);
    }
    return inner.open(flags);
  }

  @Override
  public List<Dirent> readdir() throws UvmException {
    return inner.readdir();
  }

  @Override
  public Vnode create(String name, int mode) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public Vnode mkdir(String name, int mode) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public void symlink(String name, String target) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public void link(String name, Vnode target) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public void unlink(String name) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public void rmdir(String name) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public void rename(String from, Vnode toDir, String to) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public void truncate(long size) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public void chmod(int mode) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public void setTimes(long atimeNs, long mtimeNs) throws UvmException {
    throw new UvmException(Errno.EROFS);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReadOnlyVnode r && r.inner.equals(inner);
  }

  @Override
  public int hashCode() {
    return inner.hashCode() * 31;
  }
}
