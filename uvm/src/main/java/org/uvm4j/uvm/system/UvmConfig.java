package org.uvm4j.uvm.system;

import org.uvm4j.uvm.page.PhysMem;

/**
 * The size and tuning of one machine's VM system.
 *
 * @param ramBytes physical memory in bytes (rounded down to whole pages; at least two pages, at
 *     most {@link PhysMem#MAX_BYTES})
 * @param freeMin {@code uvmexp.freemin}: pages the page daemon keeps free; 0 picks NetBSD's default
 *     for the RAM size ({@code uvmpd_tune})
 * @param freeTarget {@code uvmexp.freetarg}: pages the page daemon frees up to; 0 picks the default
 * @param reservedBytes low physical memory never handed out (rounded up to whole pages; frame 0 is
 *     reserved anyway), e.g. to place every page a machine uses above 4 GiB; must leave a frame
 */
public record UvmConfig(long ramBytes, int freeMin, int freeTarget, long reservedBytes) {
  /** Default RAM: 64 MiB. */
  public static final long DEFAULT_RAM = 64L << 20;

  /** Checks the values; bad ones get an {@link IllegalArgumentException} saying what and why. */
  public UvmConfig {
    PhysMem.checkSize(ramBytes);
    if (freeMin < 0 || freeTarget < 0) {
      throw new IllegalArgumentException("freeMin and freeTarget must not be negative");
    }
    if (freeMin > 0 && freeTarget > 0 && freeTarget <= freeMin) {
      throw new IllegalArgumentException(
          "freeTarget (" + freeTarget + ") must be above freeMin (" + freeMin + ")");
    }
    if (reservedBytes < 0 || reservedBytes + PhysMem.PAGE_SIZE > (ramBytes & -PhysMem.PAGE_SIZE)) {
      throw new IllegalArgumentException(
          "reserved low memory of " + reservedBytes + " bytes leaves no frame of the RAM");
    }
  }

  /** {@code ramBytes} with the given free-page targets and no reserved low memory. */
  public UvmConfig(long ramBytes, int freeMin, int freeTarget) {
    this(ramBytes, freeMin, freeTarget, 0);
  }

  /** This configuration with the lowest {@code bytes} of physical memory never handed out. */
  public UvmConfig withReservedLow(long bytes) {
    return new UvmConfig(ramBytes, freeMin, freeTarget, bytes);
  }

  /** {@code bytes} of RAM with the default free-page targets. */
  public static UvmConfig ofRam(long bytes) {
    return new UvmConfig(bytes, 0, 0);
  }

  /** {@link #DEFAULT_RAM} with the default free-page targets. */
  public static UvmConfig defaults() {
    return ofRam(DEFAULT_RAM);
  }
}
