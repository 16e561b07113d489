package org.uvm4j.kernel.fs;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The host descriptors behind guests' open host files: one read-only {@link FileChannel} per host
 * file (device and inode), shared by every guest descriptor and every process that opened it, and
 * closed when the last of them is closed. Reads are positional (each description keeps its own
 * offset), so sharing is invisible to guests; 40 processes opening the same files hold one host
 * descriptor per file, not one per guest descriptor.
 *
 * <p>Invariant: a channel is in the table exactly while its reference count is positive.
 */
final class SharedChannels {
  /** A host file's identity. */
  record Key(long dev, long ino) {}

  private static final class Entry {
    final FileChannel channel;
    int refs;

    Entry(FileChannel channel) {
      this.channel = channel;
    }
  }

  private final Map<Key, Entry> open = new HashMap<>();

  /** The channel of the file {@code st} describes at {@code p}, opened if nobody holds it. */
  synchronized FileChannel acquire(Path p, Stat st) throws IOException {
    Key k = new Key(st.dev(), st.ino());
    Entry e = open.get(k);
    if (e == null || !e.channel.isOpen()) {
      e = new Entry(FileChannel.open(p, StandardOpenOption.READ));
      open.put(k, e);
    }
    e.refs++;
    return e.channel;
  }

  /** One holder of {@code st}'s channel let go; the last one closes it. */
  synchronized void release(Stat st) {
    Key k = new Key(st.dev(), st.ino());
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
