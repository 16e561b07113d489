package org.uvm4j.uvm.swap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.BitSet;

/**
 * A {@link SwapDevice} decorator that fails chosen transfers, for testing the swap layer's error
 * paths: reads or writes touching a "bad" slot, or the next {@code n} writes, throw an {@link
 * IOException} without touching the underlying device.
 *
 * <p>Counts the transfers that reach the underlying device, so tests can check clustering.
 */
public final class FaultInjectingSwapDevice implements SwapDevice {
  private final SwapDevice inner;
  private final BitSet badReads = new BitSet();
  private final BitSet badWrites = new BitSet();
  private int failNextWrites;
  private int failNextReads;
  private long reads;
  private long writes;
  private long pagesWritten;

  /** Wraps {@code inner}; no failure is armed. */
  public FaultInjectingSwapDevice(SwapDevice inner) {
    this.inner = inner;
  }

  /** Every later read of slot {@code page} fails. */
  public synchronized void failReadsOf(int page) {
    badReads.set(page);
  }

  /** Every later write covering slot {@code page} fails. */
  public synchronized void failWritesOf(int page) {
    badWrites.set(page);
  }

  /** The next {@code n} reads fail, whatever their slot. */
  public synchronized void failNextReads(int n) {
    failNextReads = n;
  }

  /** The next {@code n} writes fail, whatever their slots. */
  public synchronized void failNextWrites(int n) {
    failNextWrites = n;
  }

  /** Disarms every injected failure. */
  public synchronized void heal() {
    badReads.clear();
    badWrites.clear();
    failNextReads = 0;
    failNextWrites = 0;
  }

  /** Reads that reached the underlying device. */
  public synchronized long reads() {
    return reads;
  }

  /** Write calls (clusters) that reached the underlying device. */
  public synchronized long writes() {
    return writes;
  }

  /** Pages written to the underlying device. */
  public synchronized long pagesWritten() {
    return pagesWritten;
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public int pages() {
    return inner.pages();
  }

  @Override
  public void readPage(int page, ByteBuffer dst) throws IOException {
    synchronized (this) {
      if (failNextReads > 0) {
        failNextReads--;
        throw new IOException("injected read error at slot " + page);
      }
      if (badReads.get(page)) {
        throw new IOException("injected read error at slot " + page);
      }
      reads++;
    }
    inner.readPage(page, dst);
  }

  @Override
  public void writePages(int page, ByteBuffer src) throws IOException {
    int n = src.remaining() / PAGE_SIZE;
    synchronized (this) {
      if (failNextWrites > 0) {
        failNextWrites--;
        throw new IOException("injected write error at slots [" + page + ", " + (page + n) + ")");
      }
      int bad = badWrites.nextSetBit(page);
      if (bad >= 0 && bad < page + n) {
        throw new IOException("injected write error at slot " + bad);
      }
      writes++;
      pagesWritten += n;
    }
    inner.writePages(page, src);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
