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
 */
public record UvmConfig(long ramBytes, int freeMin, int freeTarget) {
  /** Default RAM: 64 MiB. */
  public static final long DEFAULT_RAM = 64L << 20;

  /** Checks the values; bad ones get an {@link IllegalArgumentException} saying what and why. */
  public UvmConfig {
    if (ramBytes < 2L * PhysMem.PAGE_SIZE || ramBytes > PhysMem.MAX_BYTES) {
      throw new IllegalArgumentException(
          "RAM size "
              + ramBytes
              + " bytes is out of range: need at least 8192 bytes and at most "
              + PhysMem.MAX_BYTES);
    }
    if (freeMin < 0 || freeTarget < 0) {
      throw new IllegalArgumentException("freeMin and freeTarget must not be negative");
    }
    if (freeMin > 0 && freeTarget > 0 && freeTarget <= freeMin) {
      throw new IllegalArgumentException(
          "freeTarget (" + freeTarget + ") must be above freeMin (" + freeMin + ")");
    }
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
