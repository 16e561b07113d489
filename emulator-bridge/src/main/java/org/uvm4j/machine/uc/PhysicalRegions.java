package org.uvm4j.machine.uc;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The RAM regions an engine has mapped with {@code uc_mem_map_ptr}, for either binding: checks a
 * region before it is mapped and keeps it reachable while the engine may use it.
 *
 * <p>Invariant: the recorded ranges are page aligned and pairwise disjoint; each recorded buffer is
 * direct, a whole number of 4 KiB pages long, and stays referenced until {@link #clear()} (after
 * {@code uc_close}), so the memory the engine points into is never freed under it.
 */
public final class PhysicalRegions {
  private final List<ByteBuffer> regions = new ArrayList<>();
  private final List<long[]> ranges = new ArrayList<>();

  /**
   * Checks that {@code region} may be mapped at {@code physAddr}; nothing is recorded yet ({@link
   * #add} after the map). Call before taking the region's host address, then {@link
   * #checkHostAddress}.
   *
   * @throws IllegalArgumentException a region that is not direct whole pages, or an address that is
   *     not a page boundary
   * @throws IllegalStateException the range overlaps one already mapped
   */
  public void check(long physAddr, ByteBuffer region) {
    if (!region.isDirect() || region.capacity() == 0 || (region.capacity() & 0xfff) != 0) {
      throw new IllegalArgumentException(
          "physical memory must be a direct buffer of whole 4 KiB pages, got capacity "
              + region.capacity());
    }
    if (physAddr < 0 || (physAddr & 0xfff) != 0) {
      throw new IllegalArgumentException(
          "physical address 0x" + Long.toHexString(physAddr) + " is not a page boundary");
    }
    long end = physAddr + region.capacity();
    for (long[] r : ranges) {
      if (physAddr < r[1] && r[0] < end) {
        throw new IllegalStateException(
            "physical range [0x"
                + Long.toHexString(physAddr)
                + ", 0x"
                + Long.toHexString(end)
                + ") overlaps one already mapped");
      }
    }
  }

  /** The engine maps host memory by whole pages: {@code hostAddr} must be page aligned. */
  public static void checkHostAddress(long hostAddr) {
    if ((hostAddr & 0xfff) != 0) {
      throw new IllegalArgumentException(
          "physical memory is not page-aligned: 0x" + Long.toHexString(hostAddr));
    }
  }

  /** Records a region the engine now maps (after a successful {@code uc_mem_map_ptr}). */
  public void add(long physAddr, ByteBuffer region) {
    ranges.add(new long[] {physAddr, physAddr + region.capacity()});
    regions.add(region);
  }

  /** Forgets every region (the engine is closed and no longer points into them). */
  public void clear() {
    regions.clear();
    ranges.clear();
  }
}
