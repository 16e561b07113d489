package org.uvm4j.kernel.fs;

/**
 * uvm4j's parts of {@code /sys}, laid over the host's (the rest of {@code /sys} is the host's,
 * read-only): {@code /sys/kernel/mm}, the directory where Linux shows its memory manager's
 * features, made to show uvm4j's, and {@code /sys/devices/system/cpu}, the machine's virtual CPUs
 * ({@link #systemCpu}).
 *
 * <p>It is empty, as Linux's is when built without the features that add to it: no {@code
 * transparent_hugepage} (uvm4j has no transparent huge pages: MADV_HUGEPAGE is EINVAL), no {@code
 * hugepages} (no hugetlbfs: MAP_HUGETLB and MFD_HUGETLB are refused), no {@code ksm}
 * (MADV_MERGEABLE is EINVAL). A program such as Linux's {@code cow} selftest reads {@code
 * transparent_hugepage/hpage_pmd_size}, finds it missing (ENOENT) and runs without THP, as on such
 * a kernel, instead of finding the host's THP settings and failing to change them. Nothing can be
 * created in it (EACCES, as in sysfs).
 */
public final class SysFs {
  /** st_dev of uvm4j's sysfs. */
  public static final long DEV = 6;

  /** The guest path this directory is mounted at. */
  public static final String KERNEL_MM = "/sys/kernel/mm";

  /** The guest path of the CPU directory. */
  public static final String SYSTEM_CPU = "/sys/devices/system/cpu";

  /** The highest CPU number the kernel was built for ({@code kernel_max}: NR_CPUS - 1). */
  public static final int KERNEL_MAX = 1023;

  private SysFs() {}

  /**
   * A new {@code /sys/devices/system/cpu} of a machine with CPUs 0 to {@code cpus - 1}, all present
   * and online (drivers/base/cpu.c): {@code online}, {@code possible}, {@code present} ({@code
   * 0-N}, as {@code %*pbl} prints them), {@code offline} and {@code isolated} (empty), {@code
   * kernel_max}, and one {@code cpuN} directory per CPU, each but {@code cpu0} (which x86 cannot
   * take offline) with its {@code online} file ({@code 1}). glibc's {@code get_nprocs} and {@code
   * get_nprocs_conf} (sysconf's {@code _SC_NPROCESSORS_ONLN} and {@code _CONF}) read {@code online}
   * and {@code possible}; without this directory a guest would see the host's CPUs.
   */
  public static Vnode systemCpu(int cpus) {
    if (cpus < 1 || cpus > KERNEL_MAX + 1) {
      throw new IllegalArgumentException("no machine of " + cpus + " CPUs");
    }
    String all = (cpus == 1 ? "0" : "0-" + (cpus - 1)) + "\n";
    SyntheticDir d = new SyntheticDir(DEV, 100, 0755);
    d.add("isolated", file(101, "\n"));
    d.add("kernel_max", file(102, KERNEL_MAX + "\n"));
    d.add("offline", file(103, "\n"));
    d.add("online", file(104, all));
    d.add("possible", file(105, all));
    d.add("present", file(106, all));
    for (int cpu = 0; cpu < cpus; cpu++) {
      SyntheticDir c = new SyntheticDir(DEV, 1000 + 2L * cpu, 0755);
      if (cpu > 0) {
        c.add("online", new SyntheticFile(DEV, 1001 + 2L * cpu, 0644, () -> utf8("1\n")));
      }
      d.add("cpu" + cpu, c);
    }
    return d;
  }

  private static Vnode file(long ino, String text) {
    return new SyntheticFile(DEV, ino, 0444, () -> utf8(text));
  }

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  /** A new {@code /sys/kernel/mm}. */
  public static Vnode kernelMm() {
    return new SyntheticDir(DEV, 1, 0755);
  }
}
