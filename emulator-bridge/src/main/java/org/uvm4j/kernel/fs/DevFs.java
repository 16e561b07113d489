package org.uvm4j.kernel.fs;

import java.util.SplittableRandom;

/**
 * The guest's {@code /dev}: uvm4j's own devices ({@link Device}), {@code fd}, {@code stdin}, {@code
 * stdout}, {@code stderr} as links into {@code /proc/self/fd}, and the {@code shm} directory a
 * tmpfs is mounted on. The host's {@code /dev} is never visible.
 */
public final class DevFs {
  /** st_dev of /dev (devtmpfs is 0:5 on many systems). */
  public static final long DEV = 5;

  private DevFs() {}

  /** The root directory of a new /dev whose {@code tty} is {@code tty}. */
  public static SyntheticDir create(ControllingTty tty, long randomSeed) {
    SplittableRandom random = new SplittableRandom(randomSeed ^ 0x2f646576L);
    SyntheticDir d = new SyntheticDir(DEV, 1, 0755);
    long ino = 2;
    for (Device.Kind k : Device.Kind.values()) {
      String name = k.name().toLowerCase(java.util.Locale.ROOT);
      d.add(name, new Device(k, DEV, ino++, random, tty));
    }
    d.add("fd", new SyntheticLink(DEV, ino++, () -> "/proc/self/fd"));
    d.add("stdin", new SyntheticLink(DEV, ino++, () -> "/proc/self/fd/0"));
    d.add("stdout", new SyntheticLink(DEV, ino++, () -> "/proc/self/fd/1"));
    d.add("stderr", new SyntheticLink(DEV, ino++, () -> "/proc/self/fd/2"));
    d.add("shm", new SyntheticDir(DEV, ino++, 01777)); // covered by a tmpfs mount
    return d;
  }
}
