package org.uvm4j.uvm.swap;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * A swap device backed by a host file, accessed with positional {@link FileChannel} I/O.
 *
 * <p>The file is created (sparse, mode 0600) when absent and removed again at {@link #close()} and
 * at JVM exit (a shutdown hook: SIGINT and SIGTERM included) unless the caller asked to keep it; an
 * existing empty file is taken over and emptied again at the end; an existing file holding data is
 * refused unless forced (then it must be at least as large as the configured size). The file is
 * locked while open, so two machines never share it. Each write is issued until every byte of the
 * cluster is written, so a device closed normally never holds a partially written page.
 */
public final class FileSwapDevice implements SwapDevice {
  private static final Logger log = LogManager.getLogger("uvm.swap");

  private final Path path;
  private final int pages;
  private final FileChannel channel;
  private final FileLock lock;
  private final boolean created;
  private final boolean keep;
  private final Thread exitCleanup;
  private boolean closed;

  private FileSwapDevice(
      Path path, int pages, FileChannel channel, FileLock lock, boolean created, boolean keep) {
    this.path = path;
    this.pages = pages;
    this.channel = channel;
    this.lock = lock;
    this.created = created;
    this.keep = keep;
    this.exitCleanup = keep ? null : new Thread(this::cleanUpAtExit, "uvm4j-swap-cleanup");
    if (exitCleanup != null) {
      Runtime.getRuntime().addShutdownHook(exitCleanup);
    }
  }

  /**
   * The shutdown hook (SIGINT, SIGTERM, System.exit, end of main): the guests' memory never
   * outlives the run in a file — a file uvm4j created is removed, one it took over is emptied. No
   * logging: Log4j may already be stopped.
   */
  private void cleanUpAtExit() {
    try {
      if (created) {
        Files.deleteIfExists(path);
      } else {
        channel.truncate(0);
      }
    } catch (IOException | RuntimeException e) {
      // the JVM is exiting; nothing more can be done
    }
  }

  /** As {@link #open(Path, long, boolean, boolean)} without {@code force}. */
  public static FileSwapDevice open(Path path, long sizeBytes, boolean keep) throws IOException {
    return open(path, sizeBytes, keep, false);
  }

  /**
   * Opens (creating it when absent) the swap file {@code path} with {@code sizeBytes} bytes of
   * slots (rounded down to whole pages).
   *
   * <p>An absent file is created with mode 0600 (when the file system has POSIX permissions). An
   * existing empty regular file is taken over (mode 0600, grown to the size). An existing file
   * holding data is refused unless {@code force}: uvm4j never overwrites data it did not write. A
   * symbolic link is always refused.
   *
   * @param keep keep the file (and its contents) when the device is closed
   * @param force use an existing non-empty file, overwriting its contents
   * @throws IllegalArgumentException if the size is below one page or above the slot range
   * @throws IOException naming the path and the reason when the file cannot be used
   */
  public static FileSwapDevice open(Path path, long sizeBytes, boolean keep, boolean force)
      throws IOException {
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
      return openExisting(path, bytes, (int) npages, keep, force);
    }
    FileChannel ch;
    try {
      ch = createPrivate(path);
    } catch (FileAlreadyExistsException e) {
      return openExisting(path, bytes, (int) npages, keep, force);
    } catch (NoSuchFileException e) {
      throw new IOException(
          "cannot create swap file " + path + ": its directory does not exist", e);
    } catch (IOException e) {
      throw new IOException("cannot create swap file " + path + ": " + reason(e), e);
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

  /** Creates {@code path} (it must not exist), readable and writable by its owner only. */
  private static FileChannel createPrivate(Path path) throws IOException {
    Set<StandardOpenOption> opts =
        EnumSet.of(
            StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE);
    if (posix(path)) {
      return FileChannel.open(
          path,
          opts,
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    }
    return FileChannel.open(path, opts);
  }

  private static boolean posix(Path path) {
    Path dir = path.toAbsolutePath().getParent();
    return dir != null && dir.getFileSystem().supportedFileAttributeViews().contains("posix");
  }

  private static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    return e.getMessage() != null ? e.getMessage() : e.toString();
  }

  private static FileSwapDevice openExisting(
      Path path, long bytes, int npages, boolean keep, boolean force) throws IOException {
    if (Files.isSymbolicLink(path)) {
      throw new IOException("swap file " + path + " is a symbolic link; give the file itself");
    }
    if (!Files.isRegularFile(path, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("swap file " + path + " exists but is not a regular file");
    }
    FileChannel ch;
    try {
      ch =
          FileChannel.open(
              path, StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw new IOException(
          "cannot open swap file " + path + " for reading and writing: " + reason(e), e);
    }
    try {
      FileLock lk = lockOrFail(path, ch);
      long size = ch.size();
      if (size > 0 && !force) {
        throw new IOException(
            "swap file "
                + path
                + " already exists and holds "
                + size
                + " bytes that uvm4j did not write; remove it, give a new path, or use"
                + " --swap-force to overwrite it");
      }
      if (size > 0 && size < bytes) {
        throw new IOException(
            "swap file "
                + path
                + " is "
                + size
                + " bytes, smaller than the swap size of "
                + bytes
                + " bytes");
      }
      if (posix(path)) {
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
      }
      if (size == 0) {
        writeFully(ch, ByteBuffer.wrap(new byte[1]), bytes - 1);
      }
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
    if (exitCleanup != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(exitCleanup);
      } catch (IllegalStateException e) {
        // already shutting down: the hook runs (or ran) anyway
      }
    }
    try {
      if (keep) {
        channel.force(false);
      } else if (!created) {
        channel.truncate(0);
        log.info("emptied swap file {}", path);
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
