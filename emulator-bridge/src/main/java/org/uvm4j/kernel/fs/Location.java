package org.uvm4j.kernel.fs;

/**
 * Where a walk stands: a vnode together with the chain of directories that led to it from the
 * guest's root (NetBSD's namei keeps the same thing implicitly in its vnode parent links). {@code
 * ..} is the parent location — never a host path operation — so a walk cannot climb above the root
 * it started from. Immutable; shared by working directories, root directories and open directory
 * descriptors.
 *
 * <p>Invariant: {@code parent == null} exactly for a root location, whose {@code name} is empty and
 * whose {@link #path()} is {@code "/"}.
 */
public final class Location {
  private final Location parent;
  private final String name;
  private final Vnode vnode;
  private final Mount mount;
  private final String path;

  private Location(Location parent, String name, Vnode vnode, Mount mount) {
    this.parent = parent;
    this.name = name;
    this.vnode = vnode;
    this.mount = mount;
    this.path =
        parent == null ? "/" : (parent.parent == null ? "/" + name : parent.path + "/" + name);
  }

  /** The root location of mount {@code m} (which is mounted at {@code /}). */
  public static Location root(Mount m) {
    return new Location(null, "", m.root(), m);
  }

  /** The child {@code name} of this location, found as {@code vnode} on mount {@code m}. */
  public Location child(String name, Vnode vnode, Mount m) {
    return new Location(this, name, vnode, m);
  }

  /** The directory this one was entered from, or this one at the root. */
  public Location parent() {
    return parent == null ? this : parent;
  }

  /** True for the root. */
  public boolean isRoot() {
    return parent == null;
  }

  /** The last component (empty at the root). */
  public String name() {
    return name;
  }

  public Vnode vnode() {
    return vnode;
  }

  /** The file system this node belongs to. */
  public Mount mount() {
    return mount;
  }

  /** The canonical absolute guest path (what getcwd reports). */
  public String path() {
    return path;
  }

  /** The path of child {@code name}. */
  public String childPath(String child) {
    return parent == null ? "/" + child : path + "/" + child;
  }

  @Override
  public String toString() {
    return path;
  }
}
