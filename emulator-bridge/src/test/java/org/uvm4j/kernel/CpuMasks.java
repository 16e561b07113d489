package org.uvm4j.kernel;

/** CPU masks for tests, written as the list of their CPUs. */
public final class CpuMasks {
  private CpuMasks() {}

  /** The mask of exactly {@code cpus}. */
  public static CpuMask mask(int... cpus) {
    CpuMask m = CpuMask.none();
    for (int c : cpus) {
      m = m.with(c);
    }
    return m;
  }
}
