package org.uvm4j.kernel.fs;

import java.util.Collection;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The guest's mount table: canonical absolute guest path → {@link Mount}. A path walk asks, for
 * each directory it enters, whether a mount covers that path; the deepest mount of a path wins
 * (longest prefix), and a later mount at the same point replaces the earlier one.
 *
 * <p>Invariant: there is always a mount at {@code /} once the table is in use.
 */
public final class MountTable {
  private final TreeMap<String, Mount> mounts = new TreeMap<>();

  /** Mounts {@code root} at guest path {@code path} (canonical, absolute). */
  public Mount mount(String path, Vnode root, boolean readOnly, String source) {
    Mount m = new Mount(path, root, readOnly, source);
    mounts.put(path, m);
    return m;
  }

  /** Installs an already built mount (e.g. a tmpfs made elsewhere), replacing any at its path. */
  public void mount(Mount m) {
    mounts.put(m.path(), m);
  }

  /** The mount whose root is exactly {@code path}, or null. */
  public Mount at(String path) {
    return mounts.get(path);
  }

  /** The mount at {@code /}. */
  public Mount root() {
    Mount m = mounts.get("/");
    if (m == null) {
      throw new IllegalStateException("nothing mounted at /");
    }
    return m;
  }

  /** The mount covering {@code path}: the longest mount point that is a prefix of it. */
  public Mount covering(String path) {
    for (Map.Entry<String, Mount> e = mounts.floorEntry(path);
        e != null;
        e = mounts.lowerEntry(e.getKey())) {
      String mp = e.getKey();
      if (mp.equals("/")
          || path.equals(mp)
          || (path.startsWith(mp) && path.charAt(mp.length()) == '/')) {
        return e.getValue();
      }
    }
    return root();
  }

  /** The names of mount points directly inside directory {@code dir} (for directory listings). */
  public java.util.List<String> childMountNames(String dir) {
    String prefix = dir.equals("/") ? "/" : dir + "/";
    java.util.List<String> names = new java.util.ArrayList<>();
    for (String mp : mounts.tailMap(prefix, false).keySet()) {
      if (!mp.startsWith(prefix)) {
        break;
      }
      String rest = mp.substring(prefix.length());
      if (!rest.isEmpty() && rest.indexOf('/') < 0) {
        names.add(rest);
      }
    }
    return names;
  }

  /** Every mount, by mount point. */
  public Collection<Mount> all() {
    return Collections.unmodifiableCollection(mounts.values());
  }
}
