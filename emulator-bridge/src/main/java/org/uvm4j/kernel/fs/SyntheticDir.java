package org.uvm4j.kernel.fs;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * A directory made by uvm4j (of {@code /dev}, {@code /proc}): a fixed set of named children, each
 * made on lookup by a supplier (so their contents can be computed when asked). Nothing can be
 * created or removed in it (EACCES, as for an unprivileged user on Linux).
 */
public final class SyntheticDir implements Vnode {
  private final long dev;
  private final long ino;
  private final int perms;
  private final Map<String, Supplier<Vnode>> children = new LinkedHashMap<>();

  public SyntheticDir(long dev, long ino, int perms) {
    this.dev = dev;
    this.ino = ino;
    this.perms = perms;
  }

  /** Adds child {@code name}, made by {@code make} on every lookup. */
  public SyntheticDir add(String name, Supplier<Vnode> make) {
    children.put(name, make);
    return this;
  }

  /** Adds the fixed child {@code node}. */
  public SyntheticDir add(String name, Vnode node) {
    return add(name, () -> node);
  }

  @Override
  public Stat stat() {
    return new Stat(dev, ino, 2, Stat.S_IFDIR | perms, 0, 0, 0, 0, 4096, 0, 0, 0);
  }

  @Override
  public Vnode lookup(String name) throws UvmException {
    Supplier<Vnode> s = children.get(name);
    if (s == null) {
      throw new UvmException(Errno.ENOENT);
    }
    return s.get();
  }

  @Override
  public List<Dirent> readdir() throws UvmException {
    List<Dirent> l = new ArrayList<>();
    for (Map.Entry<String, Supplier<Vnode>> e : children.entrySet()) {
      Stat st = e.getValue().get().stat();
      l.add(new Dirent(e.getKey(), st.ino(), Dirent.typeOf(st.mode())));
    }
    return l;
  }
}
