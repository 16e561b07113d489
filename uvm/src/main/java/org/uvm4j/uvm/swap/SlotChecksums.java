package org.uvm4j.uvm.swap;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * The CRC32C of every page written to one swap device, kept in memory so that a page read back can
 * be verified: a slot whose bytes changed behind uvm4j's back (the file was truncated and regrown,
 * overwritten, or the disk returned garbage) reads as an I/O error, never as silently wrong or
 * zeroed data.
 *
 * <p>Invariant: a slot has a recorded sum exactly when its last write succeeded and it has not been
 * freed since; {@link #verify} of a slot without one fails. Sums live in chunks of {@value #CHUNK}
 * slots allocated on the first write into them, so a large, mostly unused device costs memory only
 * for the slots it used (8 bytes per slot in a touched chunk). Thread-safe: page-in and page-out of
 * different slots run concurrently.
 */
final class SlotChecksums {
  /** Slots per lazily allocated chunk. */
  static final int CHUNK = 4096;

  private static final long PRESENT = 1L << 32;

  private final int pages;
  private final long[][] chunks;

  SlotChecksums(int pages) {
    this.pages = pages;
    this.chunks = new long[(int) (((long) pages + CHUNK - 1) / CHUNK)][];
  }

  /** CRC32C of {@code buf[pos, pos + len)}, leaving {@code buf}'s position and limit alone. */
  static int crc(ByteBuffer buf, int pos, int len) {
    CRC32C c = new CRC32C();
    c.update(buf.duplicate().limit(pos + len).position(pos));
    return (int) c.getValue();
  }

  /**
   * Records the sums of the {@code n} pages in {@code buf} from {@code pos}, for slots {@code
   * slot…}.
   */
  synchronized void record(int slot, int n, ByteBuffer buf, int pos) {
    for (int i = 0; i < n; i++) {
      int s = slot + i;
      long[] chunk = chunks[s / CHUNK];
      if (chunk == null) {
        chunk = chunks[s / CHUNK] = new long[CHUNK];
      }
      int sum = crc(buf, pos + i * SwapDevice.PAGE_SIZE, SwapDevice.PAGE_SIZE);
      chunk[s % CHUNK] = PRESENT | (sum & 0xffffffffL);
    }
  }

  /** Forgets the sums of slots {@code [slot, slot + n)} (freed, or their write failed). */
  synchronized void forget(int slot, int n) {
    for (int s = slot; s < slot + n; s++) {
      long[] chunk = chunks[s / CHUNK];
      if (chunk != null) {
        chunk[s % CHUNK] = 0;
      }
    }
  }

  /**
   * Checks the page just read into {@code buf[pos, pos + PAGE_SIZE)} for {@code slot}.
   *
   * @return null when it matches, else what is wrong (for the log)
   */
  String verify(int slot, ByteBuffer buf, int pos) {
    long rec;
    synchronized (this) {
      Objects.checkIndex(slot, pages);
      long[] chunk = chunks[slot / CHUNK];
      rec = chunk == null ? 0 : chunk[slot % CHUNK];
    }
    if ((rec & PRESENT) == 0) {
      return "no page was written to it";
    }
    int expected = (int) rec;
    int got = crc(buf, pos, SwapDevice.PAGE_SIZE);
    if (got != expected) {
      return String.format("CRC32C %08x, written as %08x", got, expected);
    }
    return null;
  }
}
