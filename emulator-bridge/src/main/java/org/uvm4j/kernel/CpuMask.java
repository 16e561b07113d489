package org.uvm4j.kernel;

import org.uvm4j.kernel.bitmap.Bitmap;

/**
 * A set of CPU numbers (Linux's {@code struct cpumask}): what a task may run on ({@code cpus_mask})
 * and which CPUs the machine has online. Bit {@code n} of word {@code n / 64} is CPU {@code n}, as
 * in the {@code unsigned long} array sched_setaffinity and sched_getaffinity copy to and from user
 * space (little-endian bytes): a {@link Bitmap} of {@link VirtualCpus#MAX_CPUS} bits, named for
 * CPUs.
 *
 * <p>Immutable; every mask covers at most {@link VirtualCpus#MAX_CPUS} CPUs; equal by the set.
 *
 * @param bits the CPUs, a bitmap of exactly {@link VirtualCpus#MAX_CPUS} bits
 */
public record CpuMask(Bitmap bits) {
  private static final CpuMask NONE = new CpuMask(Bitmap.empty(VirtualCpus.MAX_CPUS));

  public CpuMask {
    if (bits.size() != VirtualCpus.MAX_CPUS) {
      throw new IllegalArgumentException("a CPU mask has " + VirtualCpus.MAX_CPUS + " bits");
    }
  }

  /** CPUs 0 to {@code n - 1} ({@code n} at most {@link VirtualCpus#MAX_CPUS}). */
  public static CpuMask first(int n) {
    return new CpuMask(Bitmap.first(VirtualCpus.MAX_CPUS, n));
  }

  /** The empty set. */
  public static CpuMask none() {
    return NONE;
  }

  /** This set with CPU {@code cpu} (below {@link VirtualCpus#MAX_CPUS}) added. */
  public CpuMask with(int cpu) {
    return new CpuMask(bits.with(cpu));
  }

  /**
   * The mask in the first {@code len} bytes of {@code bytes} (user space's {@code unsigned long}
   * array, little-endian); bits beyond {@link VirtualCpus#MAX_CPUS} are dropped.
   */
  public static CpuMask fromBytes(byte[] bytes, int len) {
    return new CpuMask(Bitmap.fromBytes(VirtualCpus.MAX_CPUS, bytes, len));
  }

  /** The first {@code len} bytes of the mask as user space reads it (little-endian words). */
  public byte[] toBytes(int len) {
    return bits.toBytes(len);
  }

  /** True when CPU {@code cpu} is in the set ({@code cpumask_test_cpu}). */
  public boolean contains(int cpu) {
    return bits.get(cpu);
  }

  /** The CPUs in both sets ({@code cpumask_and}). */
  public CpuMask and(CpuMask o) {
    return new CpuMask(bits.and(o.bits));
  }

  /** True when the set is empty ({@code cpumask_empty}). */
  public boolean isEmpty() {
    return bits.isEmpty();
  }

  /** The lowest CPU of the set ({@code cpumask_first}), or -1 when it is empty. */
  public int lowest() {
    return bits.nextSetBit(0);
  }

  /** The lowest CPU of the set at or above {@code from}, or -1. */
  public int nextFrom(int from) {
    return bits.nextSetBit(from);
  }

  /** The number of CPUs in the set ({@code cpumask_weight}). */
  public int count() {
    return bits.weight();
  }

  /**
   * The set as Linux's {@code %*pbl} prints it (sysfs {@code online}, {@code Cpus_allowed_list}):
   * ranges and single CPUs separated by commas, e.g. {@code 0-3,5}; empty for the empty set.
   */
  public String toList() {
    return bits.toList();
  }

  /**
   * The set as Linux's {@code %*pb} prints a mask of {@code nbits} bits ({@code Cpus_allowed}):
   * hexadecimal in 32-bit groups from the highest, separated by commas, the first group as many
   * digits as its bits need ({@code bitmap_print_to_pagebuf}), e.g. {@code 3} for CPUs 0 and 1 of
   * 2, {@code 00000001,00000000} for CPU 32 of 64.
   */
  public String toHex(int nbits) {
    return bits.toHex(nbits);
  }

  /** The CPUs in the {@link #toList()} form, in braces, e.g. {@code {0-3,5}}. */
  @Override
  public String toString() {
    return bits.toString();
  }
}
