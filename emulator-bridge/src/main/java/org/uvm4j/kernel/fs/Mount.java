package org.uvm4j.kernel.fs;

/**
 * One mounted file system: where it is in the guest's tree (a canonical absolute guest path), its
 * root vnode, whether it is read-only, and what it is (for diagnostics, e.g. {@code host:/srv} or
 * {@code tmpfs}). A mount with a device number different from the others keeps {@code st_dev}
 * distinct, as Linux's does.
 */
public record Mount(String path, Vnode root, boolean readOnly, String source) {
  public Mount {
    if (!path.startsWith("/") || (path.length() > 1 && path.endsWith("/"))) {
      throw new IllegalArgumentException("mount point must be canonical and absolute: " + path);
    }
  }
}
