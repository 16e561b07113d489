package org.uvm4j.uvm.swap;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A swap device backed by a host file, accessed with positional {@link FileChannel} I/O.
 *
 * <p>The file is created (sparse) when absent and removed again at {@link #close()} unless the
 * caller asked to keep it; an existing file is used as is, provided it is a regular file at least
 * as large as the configured size. The file is locked while open, so two machines never share it.
 * Each write is issued until every byte of the cluster is written, so a device closed normally
 * never holds a partially written page.
 */
public final class FileSwapDevice implements SwapDevice {
  private static final Logger log = LogManager.getLogger("uvm.swap");

  private final Path path;
  private final int pages;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean created;
  private final boolean keep;
  private boolean closed;

  private FileSwapDevice(
      Path path, int pages, FileChannel channel, FileLock lock, boolean created, boolean keep) {
    this.path = path;
    this.pages = pages;
    this.channel = channel;
    this.lock = lock;
    this.created = created;
    this.keep = keep;
  }

  /**
   * Opens (creating it when absent) the swap file {@code path} with {@code sizeBytes} bytes of
   * slots (rounded down to whole pages).
   *
   * @param keep keep a file that this call created when the device is closed
   * @throws IllegalArgumentException if the size is below one page or above the slot range
   * @throws IOException naming the path and the reason when the file cannot be used
   */
  public static FileSwapDevice open(Path path, long sizeBytes, boolean keep) throws IOException {
    long npages = sizeBytes / PAGE_SIZE;
    if (npages < 1) {
      throw new IllegalArgumentException(
          "swap size " + sizeBytes + " bytes is smaller than one page (" + PAGE_SIZE + " bytes)");
    }
    if (npages > SwapManager.MAX_DRUM_PAGES) {
      throw new IllegalArgumentException(
          "swap size "
              + sizeBytes
              + " bytes exceeds the largest swap space ("
              + SwapManager.MAX_DRUM_PAGES * (long) PAGE_SIZE
              + " bytes)");
    }
    long bytes = npages * PAGE_SIZE;
    if (Files.exists(path, LinkOption.NOFOLLOW_LINKS) || Files.isSymbolicLink(path)) {
      return openExisting(path, bytes, (int) npages, keep);
    }
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              path,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE);
    } catch (FileAlreadyExistsException e) {
      return openExisting(path, bytes, (int) npages, keep);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "cannot create swap file " + path + ": its directory does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot create swap file " + path + ": " + e, e);
    }
    try {
      FileLock lk = lockOrFail(path, ch);
      // Give the file its full length (sparse): write the last byte.
      writeFully(ch, ByteBuffer.wrap(new byte[1]), bytes - 1);
      log.info("created swap file {} ({} pages)", path, npages);
      return new FileSwapDevice(path, (int) npages, ch, lk, true, keep);
    } catch (IOException e) {
      closeQuietly(ch);
      Files.deleteIfExists(path);
      throw new IOException("cannot size swap file " + path + ": " + e.getMessage(), e);
    } catch (RuntimeException e) {
      closeQuietly(ch);
      Files.deleteIfExists(path);
      throw e;
    }
  }

  private static FileSwapDevice openExisting(Path path, long bytes, int npages, boolean keep)
      throws IOException {
    if (!Files.isRegularFile(path)) {
      throw new IOException("swap file " + path + " exists but is not a regular file");
    }
    long size = Files.size(path);
    if (size < bytes) {
      throw new IOException(
          "swap file "
              + path
              + " is "
              + size
              + " bytes, smaller than the swap size of "
              + bytes
              + " bytes");
    }
    FileChannel ch;
    try {
      ch = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new IOException("cannot open swap file " + path + " for reading and writing: " + e, e);
    }
    try {
      FileLock lk = lockOrFail(path, ch);
      log.info("using existing swap file {} ({} pages)", path, npages);
      return new FileSwapDevice(path, npages, ch, lk, false, keep);
    } catch (IOException | RuntimeException e) {
      closeQuietly(ch);
      throw e;
    }
  }

  private static FileLock lockOrFail(Path path, FileChannel ch) throws IOException {
    FileLock lk;
    try {
      lk = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lk = null;
    }
    if (lk == null) {
      throw new IOException("swap file " + path + " is in use by another machine");
    }
    return lk;
  }

  private static void writeFully(FileChannel ch, ByteBuffer src, long pos) throws IOException {
    while (src.hasRemaining()) {
      pos += ch.write(src, pos);
    }
  }

  private static void closeQuietly(FileChannel ch) {
    try {
      ch.close();
    } catch (IOException e) {
      log.warn("closing a swap file that failed to open: {}", e.toString());
    }
  }

  /** The host file. */
  public Path path() {
    return path;
  }

  /** True if this device created its file (and so removes it at close unless kept). */
  public boolean createdFile() {
    return created;
  }

  @Override
  public String name() {
    return path.toString();
  }

  @Override
  public int pages() {
    return pages;
  }

  private long position(int page, int npages) {
    if (page < 0 || npages < 1 || page > pages - npages) {
      throw new IndexOutOfBoundsException(
          "slots [" + page + ", " + ((long) page + npages) + ") outside swap device of " + pages);
    }
    return (long) page * PAGE_SIZE;
  }

  @Override
  public void readPage(int page, ByteBuffer dst) throws IOException {
    if (dst.remaining() < PAGE_SIZE) {
      throw new IllegalArgumentException("read buffer holds less than a page");
    }
    long pos = position(page, 1);
    ByteBuffer view = dst.slice().limit(PAGE_SIZE);
    while (view.hasRemaining()) {
      int n = channel.read(view, pos + view.position());
      if (n < 0) {
        throw new EOFException(
            "swap file " + path + " ends inside slot " + page + " (was it truncated?)");
      }
    }
    dst.position(dst.position() + PAGE_SIZE);
  }

  @Override
  public void writePages(int page, ByteBuffer src) throws IOException {
    int len = src.remaining();
    if (len == 0 || len % PAGE_SIZE != 0) {
      throw new IllegalArgumentException("write of " + len + " bytes is not whole pages");
    }
    writeFully(channel, src, position(page, len / PAGE_SIZE));
  }

  @Override
  public synchronized void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (keep) {
        channel.force(false);
      }
      if (lock.isValid()) {
        lock.release();
      }
    } finally {
      channel.close();
      if (created && !keep) {
        Files.deleteIfExists(path);
        log.info("removed swap file {}", path);
      }
    }
  }

  @Override
  public String toString() {
    return "FileSwapDevice[" + path + ", " + pages + " pages]";
  }
}
