package org.uvm4j.kernel.fs;

import java.util.ArrayDeque;

/**
 * Bytes read ahead from a host stream by a reader thread and not yet read by the guest, as the
 * chunks the host returned: appended whole, taken from the front in any amounts. Not thread-safe:
 * its owner ({@link Console}, {@link HostFifo}) guards it with its lock.
 *
 * <p>Invariant: {@link #size()} is the sum of the chunks' lengths minus what was taken of the first
 * one ({@code headOff < first chunk's length}).
 */
final class ByteChunks {
  private final ArrayDeque<byte[]> chunks = new ArrayDeque<>();
  private int headOff;
  private int size;

  /** Appends {@code chunk} (kept, not copied; non-empty). */
  void add(byte[] chunk) {
    chunks.addLast(chunk);
    size += chunk.length;
  }

  /** Moves up to {@code len} bytes into {@code buf[off..]}; returns how many (0 when empty). */
  int take(byte[] buf, int off, int len) {
    int done = 0;
    while (done < len && !chunks.isEmpty()) {
      byte[] c = chunks.peekFirst();
      int n = Math.min(len - done, c.length - headOff);
      System.arraycopy(c, headOff, buf, off + done, n);
      done += n;
      headOff += n;
      if (headOff == c.length) {
        chunks.pollFirst();
        headOff = 0;
      }
    }
    size -= done;
    return done;
  }

  /** Bytes buffered. */
  int size() {
    return size;
  }
}
