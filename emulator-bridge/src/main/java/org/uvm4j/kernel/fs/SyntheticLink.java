package org.uvm4j.kernel.fs;

import java.util.function.Supplier;

/** A symbolic link made by uvm4j ({@code /dev/fd}, {@code /proc/self}): its target is computed. */
public final class SyntheticLink implements Vnode {
  private final long dev;
  private final long ino;
  private final Supplier<String> target;

  public SyntheticLink(long dev, long ino, Supplier<String> target) {
    this.dev = dev;
    this.ino = ino;
    this.target = target;
  }

  @Override
  public Stat stat() {
    return new Stat(
        dev, ino, 1, Stat.S_IFLNK | 0777, 0, 0, 0, target.get().length(), 4096, 0, 0, 0);
  }

  @Override
  public String readlink() {
    return target.get();
  }
}
