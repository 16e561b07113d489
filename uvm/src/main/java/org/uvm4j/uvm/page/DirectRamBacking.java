package org.uvm4j.uvm.page;

import java.nio.ByteBuffer;

/**
 * The pure-Java {@link RamBacking}: each region is a {@link ByteBuffer#allocateDirect} block
 * (zeroed and committed by the JVM when handed out, freed by the garbage collector once
 * unreachable). Used by the VM system on its own (unit tests, benchmarks); the emulator bridge
 * backs RAM with anonymous {@code mmap} instead, which costs nothing until touched.
 *
 * <p>Invariant: every region handed out is page-aligned, exactly the size asked for, and zeroed.
 */
public final class DirectRamBacking implements RamBacking {
  private final int regionShift;

  /** Regions of 1 GiB. */
  public DirectRamBacking() {
    this(MAX_REGION_SHIFT);
  }

  /**
   * Regions of {@code 1 << regionShift} bytes (a smaller region means a smaller first allocation
   * for a machine that only touches the start of a large RAM).
   *
   * @throws IllegalArgumentException unless {@code PAGE_SHIFT <= regionShift <= 30}
   */
  public DirectRamBacking(int regionShift) {
    if (regionShift < PhysMem.PAGE_SHIFT || regionShift > MAX_REGION_SHIFT) {
      throw new IllegalArgumentException(
          "region shift " + regionShift + " is outside [12, " + MAX_REGION_SHIFT + "]");
    }
    this.regionShift = regionShift;
  }

  @Override
  public int regionShift() {
    return regionShift;
  }

  @Override
  public ByteBuffer allocateRegion(int bytes) {
    if (bytes <= 0
        || (bytes & (PhysMem.PAGE_SIZE - 1)) != 0
        || bytes > (1L << regionShift)
        || bytes > Integer.MAX_VALUE - PhysMem.PAGE_SIZE) {
      throw new IllegalArgumentException("bad region size " + bytes);
    }
    ByteBuffer raw;
    try {
      raw = ByteBuffer.allocateDirect(bytes + PhysMem.PAGE_SIZE - 1);
    } catch (OutOfMemoryError e) {
      throw new IllegalStateException(
          "cannot allocate " + bytes + " bytes of direct memory for RAM: " + e.getMessage(), e);
    }
    ByteBuffer aligned = raw.alignedSlice(PhysMem.PAGE_SIZE);
    aligned.limit(bytes);
    return aligned.slice();
  }

  /** Nothing to do: the regions are freed by the garbage collector once unreachable. */
  @Override
  public void close() {}
}
