package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The host descriptors behind guests' open host files: per host file (device and inode) one
 * read-only {@link FileChannel} shared by every read-only open, and one read-write channel shared
 * by every open for writing, by any guest descriptor of any process; each is closed when the last
 * of its holders is closed. Reads and writes are positional (each description keeps its own offset,
 * and its access mode is checked by the guest's file layer before the channel is used), so sharing
 * is invisible to guests; 40 processes opening the same files hold at most two host descriptors per
 * file, not one per guest descriptor.
 *
 * <p>It also carries the kernel's {@link HostIo} for the host descriptors that are not shared and
 * need a helper thread ({@link HostFifo}); without one (file-system tests) host FIFOs are ENXIO.
 *
 * <p>Invariant: a channel is in the table exactly while its reference count is positive.
 */
final class SharedChannels {
  private final HostIo hostIo;

  SharedChannels() {
    this(null);
  }

  SharedChannels(HostIo hostIo) {
    this.hostIo = hostIo;
  }

  /** Where FIFO threads post wakeups, or null: FIFOs are not opened. */
  HostIo hostIo() {
    return hostIo;
  }

  /** A host file's identity and the channel's mode. */
  record Key(long dev, long ino, boolean writable) {}

  private static final class Entry {
    final FileChannel channel;
    int refs;

    Entry(FileChannel channel) {
      this.channel = channel;
    }
  }

  private final Map<Key, Entry> open = new HashMap<>();

  /**
   * The read-only channel of the file {@code st} describes at {@code p}, opened if nobody has it.
   */
  synchronized FileChannel acquire(Path p, Stat st) throws IOException {
    return acquire(p, st, false);
  }

  /**
   * The channel of the file {@code st} describes at {@code p}: the read-write one when {@code
   * writable} (opened for reading and writing: a file the host lets uvm4j write but not read is not
   * shared, see {@code HostVnode.open}), else the read-only one; opened if nobody holds it.
   */
  synchronized FileChannel acquire(Path p, Stat st, boolean writable) throws IOException {
    Key k = new Key(st.dev(), st.ino(), writable);
    Entry e = open.get(k);
    if (e == null || !e.channel.isOpen()) {
      e =
          new Entry(
              writable
                  ? FileChannel.open(
                      p,
                      StandardOpenOption.READ,
                      StandardOpenOption.WRITE,
                      java.nio.file.LinkOption.NOFOLLOW_LINKS)
                  : FileChannel.open(p, StandardOpenOption.READ));
      open.put(k, e);
    }
    e.refs++;
    return e.channel;
  }

  /** One holder of {@code st}'s read-only channel let go; the last one closes it. */
  synchronized void release(Stat st) {
    release(st, false);
  }

  /** One holder of {@code st}'s channel of that mode let go; the last one closes it. */
  synchronized void release(Stat st, boolean writable) {
    Key k = new Key(st.dev(), st.ino(), writable);
    Entry e = open.get(k);
    if (e == null) {
      return;
    }
    if (--e.refs == 0) {
      open.remove(k);
      try {
        e.channel.close();
      } catch (IOException ex) {
        // nothing the guest could do about it: its close already succeeded
      }
    }
  }

  /** Host channels open now. */
  synchronized int openCount() {
    return open.size();
  }
}
