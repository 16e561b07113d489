package org.uvm4j.uvm.page;

import java.nio.ByteBuffer;

/**
 * Where the bytes of a machine's physical memory live. {@link PhysMem} cuts RAM into regions of
 * {@code 1 << regionShift()} bytes (the last one may be shorter) and asks the backing for each
 * region the first time a frame in it is used; region {@code i} holds the frames at physical
 * addresses {@code [i << regionShift(), (i + 1) << regionShift())}.
 *
 * <p>What memory costs before it is touched is the backing's business: {@link DirectRamBacking}
 * (pure Java, the default) commits and zeroes each region when it is handed out; the emulator
 * bridge's anonymous-{@code mmap} backing reserves address space only, so a frame costs host memory
 * once something writes it.
 *
 * <p>Contract: every region is a direct buffer of exactly the bytes asked for, whose first byte is
 * page-aligned, filled with zeroes; it stays valid until {@link #close()}, after which nobody may
 * touch it ({@link PhysMem#close()} drops its references first).
 */
public interface RamBacking extends AutoCloseable {
  /** Largest region: 1 GiB (a {@link ByteBuffer} is int-indexed). */
  int MAX_REGION_SHIFT = 30;

  /**
   * log2 of the region size, between {@link PhysMem#PAGE_SHIFT} and {@link #MAX_REGION_SHIFT}.
   * Fixed for the life of the backing.
   */
  default int regionShift() {
    return MAX_REGION_SHIFT;
  }

  /**
   * A region of {@code bytes}: a zero-filled direct buffer, page-aligned, capacity exactly {@code
   * bytes}.
   *
   * <p>=> {@code bytes} is a positive multiple of the page size, at most {@code 1 <<
   * regionShift()}.
   *
   * @throws IllegalStateException when the host cannot provide the memory (the message says how
   *     much was asked and why it failed)
   */
  ByteBuffer allocateRegion(int bytes);

  /** Releases every region handed out; idempotent. */
  @Override
  void close();
}
