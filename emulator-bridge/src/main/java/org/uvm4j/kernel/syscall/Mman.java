package org.uvm4j.kernel.syscall;

/**
 * Linux x86-64 {@code <sys/mman.h>} constants of the memory system calls: {@code MAP_*} flags of
 * mmap and {@code MADV_*} advice of madvise. They exist only at the syscall edge: {@link MmapFlags}
 * and {@link MadviseAdvice} decode them into the UVM terms of {@code org.uvm4j.uvm.map}.
 */
public final class Mman {
  public static final int MAP_SHARED = 0x01;
  public static final int MAP_PRIVATE = 0x02;
  public static final int MAP_SHARED_VALIDATE = 0x03;
  public static final int MAP_TYPE = 0x0f;
  public static final int MAP_FIXED = 0x10;
  public static final int MAP_ANONYMOUS = 0x20;
  public static final int MAP_GROWSDOWN = 0x0100;
  public static final int MAP_DENYWRITE = 0x0800;
  public static final int MAP_EXECUTABLE = 0x1000;
  public static final int MAP_LOCKED = 0x2000;
  public static final int MAP_NORESERVE = 0x4000;
  public static final int MAP_POPULATE = 0x8000;
  public static final int MAP_NONBLOCK = 0x10000;
  public static final int MAP_STACK = 0x20000;
  public static final int MAP_HUGETLB = 0x40000;
  public static final int MAP_SYNC = 0x80000;
  public static final int MAP_FIXED_NOREPLACE = 0x100000;

  /**
   * The MAP_* bits {@code MAP_SHARED_VALIDATE} accepts (Linux's {@code LEGACY_MAP_MASK} plus
   * MAP_FIXED_NOREPLACE); any other bit fails with EOPNOTSUPP. Plain MAP_SHARED and MAP_PRIVATE
   * ignore unknown bits, as Linux does.
   */
  public static final int MAP_KNOWN =
      MAP_TYPE
          | MAP_FIXED
          | MAP_ANONYMOUS
          | MAP_GROWSDOWN
          | MAP_DENYWRITE
          | MAP_EXECUTABLE
          | MAP_LOCKED
          | MAP_NORESERVE
          | MAP_POPULATE
          | MAP_NONBLOCK
          | MAP_STACK
          | MAP_FIXED_NOREPLACE;

  public static final int MADV_NORMAL = 0;
  public static final int MADV_RANDOM = 1;
  public static final int MADV_SEQUENTIAL = 2;
  public static final int MADV_WILLNEED = 3;
  public static final int MADV_DONTNEED = 4;
  public static final int MADV_FREE = 8;
  public static final int MADV_REMOVE = 9;
  public static final int MADV_DONTFORK = 10;
  public static final int MADV_DOFORK = 11;
  public static final int MADV_MERGEABLE = 12;
  public static final int MADV_UNMERGEABLE = 13;
  public static final int MADV_HUGEPAGE = 14;
  public static final int MADV_NOHUGEPAGE = 15;
  public static final int MADV_DONTDUMP = 16;
  public static final int MADV_DODUMP = 17;
  public static final int MADV_WIPEONFORK = 18;
  public static final int MADV_KEEPONFORK = 19;
  public static final int MADV_COLD = 20;
  public static final int MADV_PAGEOUT = 21;
  public static final int MADV_POPULATE_READ = 22;
  public static final int MADV_POPULATE_WRITE = 23;
  public static final int MADV_DONTNEED_LOCKED = 24;
  public static final int MADV_COLLAPSE = 25;
  public static final int MADV_HWPOISON = 100;
  public static final int MADV_SOFT_OFFLINE = 101;

  public static final int MLOCK_ONFAULT = 0x01;

  private Mman() {}
}
