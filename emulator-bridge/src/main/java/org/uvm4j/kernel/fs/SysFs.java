package org.uvm4j.kernel.fs;

/**
 * uvm4j's part of {@code /sys}: {@code /sys/kernel/mm}, the directory where Linux shows its memory
 * manager's features, made to show uvm4j's and laid over the host's (the rest of {@code /sys} is
 * the host's, read-only).
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

  private SysFs() {}

  /** A new {@code /sys/kernel/mm}. */
  public static Vnode kernelMm() {
    return new SyntheticDir(DEV, 1, 0755);
  }
}
