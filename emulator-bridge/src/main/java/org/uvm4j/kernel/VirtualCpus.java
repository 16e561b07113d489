package org.uvm4j.kernel;

/**
 * The machine's virtual CPUs (Linux's {@code cpu_possible_mask}, {@code cpu_present_mask}, {@code
 * cpu_online_mask} and {@code cpu_active_mask}, all equal here: no hotplug): CPUs 0 to {@link
 * #count()} - 1, all on NUMA node 0. They are what a guest can observe — affinity masks, getcpu,
 * /proc, /sys — not host threads: one host thread runs one task at a time, as QEMU's
 * single-threaded TCG runs its vCPUs in turn ({@link Scheduler} decides which CPU each task is on
 * and runs the CPUs round-robin).
 *
 * <p>Invariant: {@code 1 <= count() <= MAX_CPUS}.
 */
public final class VirtualCpus {
  /** The most CPUs a machine may have (Linux's NR_CPUS, the build-time limit). */
  public static final int MAX_CPUS = org.uvm4j.kernel.fs.SysFs.KERNEL_MAX + 1;

  private final int count;
  private final CpuMask online;

  /** A machine of {@code count} CPUs. */
  public VirtualCpus(int count) {
    if (count < 1 || count > MAX_CPUS) {
      throw new IllegalArgumentException(
          "the machine needs 1 to " + MAX_CPUS + " CPUs, got " + count);
    }
    this.count = count;
    this.online = CpuMask.first(count);
  }

  /** The number of CPUs ({@code nr_cpu_ids}: the highest CPU number + 1, all online). */
  public int count() {
    return count;
  }

  /** The online (and active, present, possible) CPUs: 0 to {@code count() - 1}. */
  public CpuMask online() {
    return online;
  }

  /**
   * {@code cpumask_size()}: the bytes of the kernel's masks, whole {@code unsigned long}s covering
   * {@code nr_cpu_ids} bits (what sched_getaffinity returns at most, and the least it accepts).
   */
  public int cpumaskSize() {
    return (count + 63) / 64 * 8;
  }
}
