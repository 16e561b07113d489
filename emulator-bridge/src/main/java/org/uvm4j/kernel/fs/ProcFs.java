package org.uvm4j.kernel.fs;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * The guest's {@code /proc}: {@code self}, one directory per guest process ({@code maps}, {@code
 * exe}, {@code cmdline}, {@code environ}, {@code status}, {@code stat}, {@code statm}, {@code
 * comm}, {@code cwd}, {@code root}, {@code fd/}, {@code mounts}), {@code meminfo}, {@code cpuinfo},
 * {@code uptime}, {@code mounts}. Everything comes from the {@link ProcSource} the kernel supplies
 * — the JVM's own {@code /proc} is never consulted. {@code mem} ({@link MemFile}) reaches only
 * guest address spaces, under Linux's ptrace-access rule ({@link ProcSource#memSpace}); never the
 * JVM's memory.
 */
public final class ProcFs {
  /** st_dev of /proc. */
  public static final long DEV = 4;

  private final ProcSource src;
  private final MountTable mounts;

  private ProcFs(ProcSource src, MountTable mounts) {
    this.src = src;
    this.mounts = mounts;
  }

  /**
   * The root of a /proc showing {@code src}; {@code mounts} (filled later) is what {@code mounts}
   * lists.
   */
  public static Vnode create(ProcSource src, MountTable mounts) {
    return new ProcFs(src, mounts).new Root();
  }

  private static byte[] utf8(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  /** inode numbers: per pid a block of 64, fixed files below 64. */
  private static long ino(int pid, int n) {
    return ((long) pid << 6) + n + 64;
  }

  private String mountsText() {
    StringBuilder b = new StringBuilder();
    for (Mount m : mounts.all()) {
      String type =
          m.source().startsWith("host:") ? "hostfs" : m.source(); // tmpfs, devfs, proc, hostfs
      b.append(m.source().startsWith("host:") ? m.source().substring(5) : m.source())
          .append(' ')
          .append(m.path())
          .append(' ')
          .append(type)
          .append(' ')
          .append(m.readOnly() ? "ro" : "rw")
          .append(" 0 0\n");
    }
    return b.toString();
  }

  /**
   * {@code /proc/sys}: the {@code vm} tunables uvm4j enforces, read-only, with the values it
   * enforces ({@code mmap_min_addr}: the lowest address a mapping may have; {@code max_map_count}:
   * map entries per address space; {@code overcommit_memory} 0, the heuristic default: anonymous
   * mappings are not charged at mmap).
   */
  private static Vnode sys() {
    SyntheticDir vm = new SyntheticDir(DEV, 9, 0555);
    vm.add("mmap_min_addr", new SyntheticFile(DEV, 10, 0444, () -> utf8(Vmspace.USER_MIN + "\n")));
    vm.add(
        "max_map_count",
        new SyntheticFile(DEV, 11, 0444, () -> utf8(Vmspace.MAX_MAP_COUNT + "\n")));
    vm.add("overcommit_memory", new SyntheticFile(DEV, 12, 0444, () -> utf8("0\n")));
    return new SyntheticDir(DEV, 8, 0555).add("vm", vm);
  }

  private final class Root implements Vnode {
    private SyntheticDir fixed() {
      SyntheticDir d = new SyntheticDir(DEV, 1, 0555);
      d.add("self", new SyntheticLink(DEV, 2, () -> Integer.toString(Vfs.callerPid())));
      d.add(
          "thread-self",
          new SyntheticLink(DEV, 3, () -> Vfs.callerPid() + "/task/" + Vfs.callerPid()));
      d.add("meminfo", new SyntheticFile(DEV, 4, 0444, () -> utf8(src.meminfo())));
      d.add("cpuinfo", new SyntheticFile(DEV, 5, 0444, () -> utf8(src.cpuinfo())));
      d.add("uptime", new SyntheticFile(DEV, 6, 0444, () -> utf8(src.uptime())));
      d.add("mounts", new SyntheticLink(DEV, 7, () -> "self/mounts"));
      d.add("sys", ProcFs::sys);
      return d;
    }

    @Override
    public Stat stat() {
      return new Stat(DEV, 1, 2, Stat.S_IFDIR | 0555, 0, 0, 0, 0, 1024, 0, 0, 0);
    }

    @Override
    public Vnode lookup(String name) throws UvmException {
      int pid = pidOf(name);
      if (pid > 0 && src.exists(pid)) {
        return new PidDir(pid).dir();
      }
      return fixed().lookup(name);
    }

    @Override
    public List<Dirent> readdir() throws UvmException {
      List<Dirent> l = new ArrayList<>(fixed().readdir());
      for (int pid : src.pids()) {
        l.add(new Dirent(Integer.toString(pid), ino(pid, 0), Dirent.DT_DIR));
      }
      return l;
    }
  }

  private static int pidOf(String name) {
    if (name.isEmpty() || name.length() > 9) {
      return -1;
    }
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) < '0' || name.charAt(i) > '9') {
        return -1;
      }
    }
    return Integer.parseInt(name);
  }

  private final class PidDir {
    private final int pid;

    PidDir(int pid) {
      this.pid = pid;
    }

    private SyntheticFile file(int n, Supplier<byte[]> s) {
      return new SyntheticFile(DEV, ino(pid, n), 0444, s);
    }

    SyntheticDir dir() {
      SyntheticDir d = new SyntheticDir(DEV, ino(pid, 0), 0555);
      d.add("maps", file(1, () -> utf8(src.maps(pid))));
      d.add("cmdline", file(2, () -> src.cmdline(pid)));
      d.add("environ", new SyntheticFile(DEV, ino(pid, 3), 0400, () -> src.environ(pid)));
      d.add("status", file(4, () -> utf8(src.status(pid))));
      d.add("stat", file(5, () -> utf8(src.stat(pid))));
      d.add("statm", file(6, () -> utf8(src.statm(pid))));
      d.add("comm", file(7, () -> utf8(src.comm(pid) == null ? null : src.comm(pid) + "\n")));
      d.add("mounts", file(8, () -> utf8(mountsText())));
      d.add("exe", () -> link(9, src.exe(pid)));
      d.add("cwd", () -> link(10, src.cwd(pid)));
      d.add("root", new SyntheticLink(DEV, ino(pid, 11), () -> "/"));
      d.add("fd", new FdDir(pid));
      d.add("task", new TaskDir(pid));
      d.add("smaps", file(13, () -> utf8(src.smaps(pid))));
      d.add("pagemap", new PagemapFile(DEV, ino(pid, 14), pid, src));
      d.add("clear_refs", new ClearRefsFile(DEV, ino(pid, 15), pid, src));
      d.add("mem", new MemFile(DEV, ino(pid, 16), pid, src));
      return d;
    }

    private Vnode link(int n, String target) {
      return new SyntheticLink(DEV, ino(pid, n), () -> target == null ? "" : target);
    }
  }

  /** {@code /proc/PID/fd}: one link per open descriptor. */
  private final class FdDir implements Vnode {
    private final int pid;

    FdDir(int pid) {
      this.pid = pid;
    }

    @Override
    public Stat stat() {
      return new Stat(DEV, ino(pid, 12), 2, Stat.S_IFDIR | 0500, 0, 0, 0, 0, 1024, 0, 0, 0);
    }

    @Override
    public Vnode lookup(String name) throws UvmException {
      int fd = pidOf(name);
      String t = fd >= 0 ? src.fdTarget(pid, fd) : null;
      if (t == null) {
        throw new UvmException(Errno.ENOENT);
      }
      return new SyntheticLink(DEV, ino(pid, 13) + ((long) fd << 32), () -> t);
    }

    @Override
    public List<Dirent> readdir() {
      List<Dirent> l = new ArrayList<>();
      for (int fd : src.fds(pid)) {
        l.add(new Dirent(Integer.toString(fd), ino(pid, 13) + ((long) fd << 32), Dirent.DT_LNK));
      }
      return l;
    }
  }

  /** {@code /proc/PID/task}: one directory per live thread of the process, named by its tid. */
  private final class TaskDir implements Vnode {
    private final int pid;

    TaskDir(int pid) {
      this.pid = pid;
    }

    @Override
    public Stat stat() {
      return new Stat(DEV, ino(pid, 14), 2, Stat.S_IFDIR | 0555, 0, 0, 0, 0, 1024, 0, 0, 0);
    }

    @Override
    public Vnode lookup(String name) throws UvmException {
      int tid = pidOf(name);
      if (tid <= 0 || !src.tids(pid).contains(tid)) {
        throw new UvmException(Errno.ENOENT);
      }
      return new PidDir(tid).dir();
    }

    @Override
    public List<Dirent> readdir() {
      List<Dirent> l = new ArrayList<>();
      for (int tid : src.tids(pid)) {
        l.add(new Dirent(Integer.toString(tid), ino(tid, 0), Dirent.DT_DIR));
      }
      return l;
    }
  }
}
