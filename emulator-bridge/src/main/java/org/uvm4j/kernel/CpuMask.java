package org.uvm4j.kernel;

import java.util.Arrays;

/**
 * A set of CPU numbers (Linux's {@code struct cpumask}): what a task may run on ({@code cpus_mask})
 * and which CPUs the machine has online. Bit {@code n} of word {@code n / 64} is CPU {@code n}, as
 * in the {@code unsigned long} array sched_setaffinity and sched_getaffinity copy to and from user
 * space (little-endian bytes).
 *
 * <p>Immutable; every mask covers at most {@link VirtualCpus#MAX_CPUS} CPUs.
 */
public final class CpuMask {
  private final long[] words;

  private CpuMask(long[] words) {
    this.words = words;
  }

  private static long[] newWords() {
    return new long[(VirtualCpus.MAX_CPUS + 63) / 64];
  }

  /** CPUs 0 to {@code n - 1}. */
  public static CpuMask first(int n) {
    if (n < 0 || n > VirtualCpus.MAX_CPUS) {
      throw new IllegalArgumentException("no mask of " + n + " CPUs");
    }
    long[] w = newWords();
    for (int i = 0; i < n; i++) {
      w[i >>> 6] |= 1L << i;
    }
    return new CpuMask(w);
  }

  /** The empty set. */
  public static CpuMask none() {
    return new CpuMask(newWords());
  }

  /** This set with CPU {@code cpu} added. */
  public CpuMask with(int cpu) {
    if (cpu < 0 || cpu >= VirtualCpus.MAX_CPUS) {
      throw new IllegalArgumentException("no CPU " + cpu);
    }
    long[] w = words.clone();
    w[cpu >>> 6] |= 1L << cpu;
    return new CpuMask(w);
  }

  /**
   * The mask in the first {@code len} bytes of {@code bytes} (user space's {@code unsigned long}
   * array, little-endian); bits beyond {@link VirtualCpus#MAX_CPUS} are dropped.
   */
  public static CpuMask fromBytes(byte[] bytes, int len) {
    long[] w = newWords();
    int n = Math.min(Math.min(len, bytes.length), w.length * 8);
    for (int i = 0; i < n; i++) {
      w[i >>> 3] |= (bytes[i] & 0xffL) << ((i & 7) * 8);
    }
    return new CpuMask(w);
  }

  /** The first {@code len} bytes of the mask as user space reads it (little-endian words). */
  public byte[] toBytes(int len) {
    byte[] b = new byte[len];
    for (int i = 0; i < len && (i >>> 3) < words.length; i++) {
      b[i] = (byte) (words[i >>> 3] >>> ((i & 7) * 8));
    }
    return b;
  }

  /** True when CPU {@code cpu} is in the set. */
  public boolean contains(int cpu) {
    return cpu >= 0 && cpu < VirtualCpus.MAX_CPUS && (words[cpu >>> 6] & (1L << cpu)) != 0;
  }

  /** The CPUs in both sets ({@code cpumask_and}). */
  public CpuMask and(CpuMask o) {
    long[] w = newWords();
    for (int i = 0; i < w.length; i++) {
      w[i] = words[i] & o.words[i];
    }
    return new CpuMask(w);
  }

  /** True when the set is empty. */
  public boolean isEmpty() {
    for (long w : words) {
      if (w != 0) {
        return false;
      }
    }
    return true;
  }

  /** The lowest CPU of the set ({@code cpumask_first}), or -1 when it is empty. */
  public int lowest() {
    return nextFrom(0);
  }

  /** The lowest CPU of the set at or above {@code from}, or -1. */
  public int nextFrom(int from) {
    int start = Math.max(0, from);
    for (int w = start >>> 6; w < words.length; w++) {
      long m = words[w] & (w == start >>> 6 ? -1L << (start & 63) : -1L);
      if (m != 0) {
        return w * 64 + Long.numberOfTrailingZeros(m);
      }
    }
    return -1;
  }

  /** The number of CPUs in the set ({@code cpumask_weight}). */
  public int count() {
    int n = 0;
    for (long w : words) {
      n += Long.bitCount(w);
    }
    return n;
  }

  /**
   * The set as Linux's {@code %*pbl} prints it (sysfs {@code online}, {@code Cpus_allowed_list}):
   * ranges and single CPUs separated by commas, e.g. {@code 0-3,5}; empty for the empty set.
   */
  public String toList() {
    StringBuilder b = new StringBuilder();
    int c = lowest();
    while (c >= 0) {
      int end = c;
      while (contains(end + 1)) {
        end++;
      }
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(c);
      if (end > c) {
        b.append('-').append(end);
      }
      c = nextFrom(end + 1);
    }
    return b.toString();
  }

  /**
   * The set as Linux's {@code %*pb} prints a mask of {@code nbits} bits ({@code Cpus_allowed}):
   * hexadecimal in 32-bit groups from the highest, separated by commas, the first group as many
   * digits as its bits need ({@code bitmap_print_to_pagebuf}), e.g. {@code 3} for CPUs 0 and 1 of
   * 2, {@code 00000001,00000000} for CPU 32 of 64.
   */
  public String toHex(int nbits) {
    StringBuilder b = new StringBuilder();
    int groups = Math.max(1, (nbits + 31) / 32);
    for (int g = groups - 1; g >= 0; g--) {
      long v = 0;
      for (int i = 0; i < 32; i++) {
        int cpu = g * 32 + i;
        if (cpu < nbits && contains(cpu)) {
          v |= 1L << i;
        }
      }
      int bits = g == groups - 1 && nbits % 32 != 0 ? nbits % 32 : 32;
      int digits = Math.max(1, (bits + 3) / 4);
      if (b.length() > 0) {
        b.append(',');
      }
      String h = Long.toHexString(v);
      b.append("0".repeat(Math.max(0, digits - h.length()))).append(h);
    }
    return b.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CpuMask m && Arrays.equals(words, m.words);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(words);
  }

  @Override
  public String toString() {
    return "{" + toList() + "}";
  }
}
