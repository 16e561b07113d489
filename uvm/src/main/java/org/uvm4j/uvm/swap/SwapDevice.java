package org.uvm4j.uvm.swap;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A page-granular backing store for anonymous memory (one {@code struct swapdev}'s I/O side): a run
 * of {@link #pages()} page-sized slots, numbered from 0, read one page at a time and written in
 * contiguous clusters. Its slot allocation state lives in the {@link SwapArea} that {@code
 * SwapManager.swapOn} makes for it.
 *
 * <p>Every transfer is whole pages and synchronous: when a call returns normally the bytes are in
 * the destination (read) or handed to the host file system (write); when it throws, the slots it
 * touched must be treated as unreliable by the caller (the swap layer marks them bad).
 */
public interface SwapDevice extends Closeable {
  /** Bytes per slot. */
  int PAGE_SIZE = 4096;

  /** A name for messages (the file path). */
  String name();

  /** Number of page slots. */
  int pages();

  /**
   * Reads slot {@code page} into {@code dst}.
   *
   * <p>=> {@code dst.remaining() >= PAGE_SIZE}; on return {@code dst}'s position has advanced by
   * exactly {@code PAGE_SIZE}.
   *
   * @throws IOException on a host I/O error or a short file
   */
  void readPage(int page, ByteBuffer dst) throws IOException;

  /**
   * Writes the {@code src.remaining() / PAGE_SIZE} pages of {@code src} to the contiguous slots
   * starting at {@code page} (one clustered write).
   *
   * <p>=> {@code src.remaining()} is a positive multiple of {@code PAGE_SIZE} and the run lies
   * within the device; on return {@code src} is fully consumed.
   *
   * @throws IOException on a host I/O error (e.g. the file system is full)
   */
  void writePages(int page, ByteBuffer src) throws IOException;

  /** Reads slot {@code page} into {@code dst[off, off + PAGE_SIZE)}. */
  default void readPage(int page, byte[] dst, int off) throws IOException {
    readPage(page, ByteBuffer.wrap(dst, off, PAGE_SIZE));
  }

  /** Writes {@code npages} pages from {@code src[off…]} to the slots starting at {@code page}. */
  default void writePages(int page, byte[] src, int off, int npages) throws IOException {
    writePages(page, ByteBuffer.wrap(src, off, npages * PAGE_SIZE));
  }

  /** Releases the device; a file uvm4j created is removed unless it was asked to keep it. */
  @Override
  void close() throws IOException;
}
