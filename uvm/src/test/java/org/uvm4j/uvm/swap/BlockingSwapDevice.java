package org.uvm4j.uvm.swap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** A test device whose reads wait until {@link #release()} (to hold a page-in in flight). */
final class BlockingSwapDevice implements SwapDevice {
  private final SwapDevice inner;
  final CountDownLatch readStarted = new CountDownLatch(1);
  private final CountDownLatch release = new CountDownLatch(1);

  BlockingSwapDevice(SwapDevice inner) {
    this.inner = inner;
  }

  void release() {
    release.countDown();
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
    readStarted.countDown();
    try {
      if (!release.await(30, TimeUnit.SECONDS)) {
        throw new IOException("test device never released");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    inner.readPage(page, dst);
  }

  @Override
  public void writePages(int page, ByteBuffer src) throws IOException {
    inner.writePages(page, src);
  }

  @Override
  public void close() throws IOException {
    inner.close();
  }
}
