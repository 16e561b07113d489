package org.uvm4j.kernel.fs;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.uvm4j.uvm.UvmException;

/**
 * The guest's file system policy and the mount table it makes.
 *
 * <ul>
 *   <li>Default ({@code root == null}): the host's {@code /} read-only at {@code /}, with a private
 *       tmpfs at {@code /tmp} for scratch, laid over the host's {@code /tmp} ({@link
 *       ScratchOverlay}: the host's entries stay readable, never writable).
 *   <li>{@code root} set ({@code --root DIR}): DIR read-write at {@code /} (its own {@code /tmp}).
 *   <li>Always: uvm4j's {@code /dev} ({@link DevFs}: null, zero, full, random, urandom, tty — never
 *       the host's), a tmpfs at {@code /dev/shm}, and the guest's {@code /proc} when the kernel
 *       supplies one (never the host's), and uvm4j's {@code /sys/kernel/mm} ({@link SysFs}: no
 *       transparent huge pages, no hugetlbfs) over the host's.
 *   <li>Then each {@link Bind} ({@code --bind HOST:GUEST[:ro]}) in order: a host directory at a
 *       guest path, read-write unless {@code :ro}; later binds cover earlier ones.
 * </ul>
 *
 * @param root the host directory that is the guest's {@code /} (read-write), or null for the host's
 *     {@code /} read-only
 * @param binds extra host directories
 */
public record FsLayout(Path root, List<Bind> binds) {
  /** st_dev of the scratch tmpfs at /tmp (and +1 for /dev/shm). */
  static final long TMPFS_DEV = 0x2a;

  /** A host directory mounted at a guest path. */
  public record Bind(Path host, String guest, boolean readOnly) {
    public Bind {
      Objects.requireNonNull(host, "host");
      guest = canonical(guest);
    }

    /**
     * Parses {@code HOST:GUEST[:ro]} (or {@code :rw}).
     *
     * @throws IllegalArgumentException with a message for the user when it is malformed
     */
    public static Bind parse(String spec) {
      String[] parts = spec.split(":", -1);
      if (parts.length < 2 || parts.length > 3 || parts[0].isEmpty() || parts[1].isEmpty()) {
        throw new IllegalArgumentException("--bind wants HOST:GUEST[:ro], got '" + spec + "'");
      }
      boolean ro = false;
      if (parts.length == 3) {
        if (parts[2].equals("ro")) {
          ro = true;
        } else if (!parts[2].equals("rw")) {
          throw new IllegalArgumentException(
              "--bind option must be ro or rw, got '" + parts[2] + "' in '" + spec + "'");
        }
      }
      if (!parts[1].startsWith("/")) {
        throw new IllegalArgumentException("--bind guest path must be absolute: '" + spec + "'");
      }
      return new Bind(Path.of(parts[0]), parts[1], ro);
    }
  }

  public FsLayout {
    binds = List.copyOf(binds);
  }

  /** The default: the host's / read-only, scratch tmpfs at /tmp. */
  public static FsLayout hostReadOnly() {
    return new FsLayout(null, List.of());
  }

  /** Removes "." segments, repeated and trailing slashes; ".." is refused. */
  static String canonical(String guest) {
    if (!guest.startsWith("/")) {
      throw new IllegalArgumentException("guest path must be absolute: " + guest);
    }
    StringBuilder b = new StringBuilder();
    for (String s : guest.split("/")) {
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        throw new IllegalArgumentException("guest path must not contain '..': " + guest);
      }
      b.append('/').append(s);
    }
    return b.length() == 0 ? "/" : b.toString();
  }

  /**
   * Builds the mount table.
   *
   * @param tty what /dev/tty opens (the guest's controlling terminal, or none)
   * @param randomSeed the seed of /dev/random and /dev/urandom
   * @param procs what the guest's /proc shows (its processes), or null for an empty /proc
   * @param tmpfs makes the tmpfs at a guest path (given its st_dev), e.g. a {@link MemFs}
   * @param hostIo the kernel's host I/O wakeups (host FIFOs are opened through it), or null: host
   *     FIFOs are ENXIO
   * @throws UvmException when the root or a bind's host directory is missing or is the host's
   *     procfs
   */
  public MountTable mountTable(
      ControllingTty tty, long randomSeed, ProcSource procs, TmpfsMaker tmpfs, HostIo hostIo)
      throws UvmException {
    return mountTable(tty, randomSeed, procs, tmpfs, hostIo, 1);
  }

  /**
   * Builds the mount table of a machine with {@code cpus} virtual CPUs (what {@code
   * /sys/devices/system/cpu} shows); otherwise as {@link #mountTable(ControllingTty, long,
   * ProcSource, TmpfsMaker, HostIo)}.
   */
  public MountTable mountTable(
      ControllingTty tty,
      long randomSeed,
      ProcSource procs,
      TmpfsMaker tmpfs,
      HostIo hostIo,
      int cpus)
      throws UvmException {
    MountTable t = new MountTable();
    SharedChannels channels = new SharedChannels(hostIo);
    if (root == null) {
      t.mount("/", HostVnode.root(Path.of("/"), channels), true, "host:/");
      Vnode hostTmp;
      try {
        hostTmp = HostVnode.root(Path.of("/tmp"), channels);
      } catch (UvmException e) {
        hostTmp = null; // no /tmp on the host: the scratch is only the tmpfs
      }
      t.mount("/tmp", new ScratchOverlay(tmpfs.make("/tmp", TMPFS_DEV), hostTmp), false, "tmpfs");
    } else {
      t.mount("/", HostVnode.root(root, channels), false, "host:" + root);
    }
    t.mount("/dev", DevFs.create(tty, randomSeed), false, "devfs");
    t.mount("/dev/shm", tmpfs.make("/dev/shm", TMPFS_DEV + 1), false, "tmpfs");
    t.mount(
        "/proc",
        procs != null ? ProcFs.create(procs, t) : new SyntheticDir(ProcFs.DEV, 1, 0555),
        false, // writable as Linux's: its files refuse writes themselves (EACCES)
        "proc");
    // uvm4j's memory-manager features over the host's (reached when the tree has /sys/kernel)
    t.mount(SysFs.KERNEL_MM, SysFs.kernelMm(), false, "sysfs");
    // the machine's CPUs, not the host's (reached when the tree has /sys/devices/system)
    t.mount(SysFs.SYSTEM_CPU, SysFs.systemCpu(cpus), false, "sysfs");
    for (Bind b : binds) {
      t.mount(b.guest(), HostVnode.root(b.host(), channels), b.readOnly(), "host:" + b.host());
    }
    return t;
  }

  /** Makes the tmpfs mounted at a guest path. */
  @FunctionalInterface
  public interface TmpfsMaker {
    Vnode make(String guestPath, long dev) throws UvmException;
  }

  /** The heap-backed tmpfs maker: {@link MemFs} of {@code bytes} with {@link HeapFileData}. */
  public static TmpfsMaker heapTmpfs(long bytes, LongSupplier clockNs) {
    return (path, dev) -> new MemFs(dev, bytes, HeapFileData::new, clockNs).root();
  }
}
