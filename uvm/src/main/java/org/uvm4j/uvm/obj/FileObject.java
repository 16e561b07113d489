package org.uvm4j.uvm.obj;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;

/**
 * A read-only file-backed memory object (the role of {@code uvm_vnode.c}): its pages are read in on
 * demand, a page that runs past the end of the object is zero-filled past it, and pages wholly past
 * the end are zero.
 *
 * <p>Two sources: a byte array (an executable image the loader has already read; copied at
 * creation), or a host file opened by {@link #open}, which is read <em>lazily</em>, one page per
 * {@code pgo_get}, with positional reads on one channel shared by every mapping of the object —
 * mapping a large file costs nothing until its pages are touched, and only the touched pages cost
 * frames. A file that is not a regular file (e.g. {@code /dev/zero}) has size 0: every page reads
 * as zeroes and nothing is read from the host. A page whose read fails is remembered as bad ({@link
 * #isBadPage}): {@code getPage} returns null for it and a fault there must not wait for memory.
 * Pages of a file changed by someone else after the mapping are read as they are when first touched
 * (as a private mapping of a file changed underneath on Linux).
 *
 * <p>Pages stay resident until the last {@link #detach()}: they are clean and the page daemon
 * reclaims only anonymous memory. The channel is closed at the last detach.
 *
 * <p>Invariants: {@link #ref} is the number of users (creator and map entries); each resident page
 * is owned by this object ({@code pg.object == this}, {@code pg.offset} its offset), unbusy and
 * clean, and is in the page table exactly once. Protected by the object lock ({@code vmobjlock}).
 */
public final class FileObject implements UvmObject {
  private static final Logger log = LogManager.getLogger("uvm.page");

  /** Pages indexed by an array up to this many (256 MiB); beyond it a map holds the rare rest. */
  static final int DENSE_PAGES = 1 << 16;

  private final Uvm uvm;
  private final String name;
  private final long size;
  private final byte[] contents;
  private final Path path;
  private FileChannel channel;
  private final ReentrantLock lock = new ReentrantLock();

  /** Resident pages with an index below {@link #DENSE_PAGES} (and within the object). */
  private final VmPage[] pages;

  /** Resident pages beyond the dense array: large files, and zero pages past the end. */
  private final Map<Long, VmPage> sparse = new HashMap<>();

  /** Page indexes whose read failed (SIGBUS). */
  private final Set<Long> bad = new HashSet<>();

  private int ref = 1;
  private int resident;

  private FileObject(Uvm uvm, String name, long size, byte[] contents, Path path) {
    this.uvm = uvm;
    this.name = name;
    this.size = size;
    this.contents = contents;
    this.path = path;
    long npages = (size + PhysMem.PAGE_SIZE - 1) >>> PhysMem.PAGE_SHIFT;
    this.pages = new VmPage[(int) Math.min(npages, DENSE_PAGES)];
  }

  /** What the object is called (the file's path for a file; used by --maps). */
  public String name() {
    return name;
  }

  /**
   * An object over a copy of {@code contents}, with one reference (the creator's).
   *
   * @param name what to call it in logs and errors (e.g. the file's path)
   */
  public FileObject(Uvm uvm, String name, byte[] contents) {
    this(uvm, name, contents.length, contents.clone(), null);
  }

  /** An object over {@code contents} (see {@link #FileObject(Uvm, String, byte[])}). */
  public FileObject(Uvm uvm, byte[] contents) {
    this(uvm, "anonymous file", contents);
  }

  /**
   * An object over the file at {@code path}, read lazily page by page (nothing is read now). A path
   * that is not a regular file gives an object of size 0 (all zero pages).
   *
   * @throws IOException if the file cannot be opened for reading (the message names the path)
   */
  public static FileObject open(Uvm uvm, Path path) throws IOException {
    if (!Files.isRegularFile(path)) {
      if (!Files.exists(path)) {
        throw new java.nio.file.NoSuchFileException(path.toString());
      }
      return new FileObject(uvm, path.toString(), 0, null, null);
    }
    FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
    FileObject o;
    try {
      o = new FileObject(uvm, path.toString(), ch.size(), null, path);
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    o.channel = ch;
    return o;
  }

  @Override
  public long size() {
    return size;
  }

  /**
   * Whether {@link #getPage} returns null at {@code offset} because the page's read failed (its
   * data cannot be had: SIGBUS) rather than for lack of memory.
   */
  public boolean isBadPage(long offset) {
    lock.lock();
    try {
      return bad.contains(offset >>> PhysMem.PAGE_SHIFT);
    } finally {
      lock.unlock();
    }
  }

  /** Pages of the object currently resident. */
  public int residentPages() {
    lock.lock();
    try {
      return resident;
    } finally {
      lock.unlock();
    }
  }

  /** The object's reference count. */
  public int refs() {
    lock.lock();
    try {
      return ref;
    } finally {
      lock.unlock();
    }
  }

  /** The resident page at {@code offset}, without reading anything in (null if none). */
  @Override
  public VmPage residentPage(long offset) {
    if (offset < 0) {
      return null;
    }
    lock.lock();
    try {
      long index = offset >>> PhysMem.PAGE_SHIFT;
      return index < pages.length ? pages[(int) index] : sparse.get(index);
    } finally {
      lock.unlock();
    }
  }

  /**
   * pgo_get: the resident page at {@code offset}, read in from the file's bytes if it is not
   * resident (the tail of a last partial page, and any page past the end, read as zeroes).
   *
   * <p>=> {@code offset} page aligned and not negative; the object referenced. <br>
   * => returns the page unbusy and clean, or null when no frame is free.
   */
  // uvm_vnode.c: uvn_get
  @Override
  public VmPage getPage(long offset) {
    Kassert.check(offset >= 0 && (offset & (PhysMem.PAGE_SIZE - 1)) == 0, "uvn_get: bad offset");
    lock.lock();
    try {
      Kassert.check(ref > 0, "uvn_get: object has no references");
      long index = offset >>> PhysMem.PAGE_SHIFT;
      VmPage pg = index < pages.length ? pages[(int) index] : sparse.get(index);
      if (pg != null) {
        uvm.exp().fltlget++;
        return pg;
      }
      if (!bad.isEmpty() && bad.contains(index)) {
        return null;
      }
      pg = uvm.pageAllocObject(this, offset);
      if (pg == null) {
        return null;
      }
      if (!readIn(pg, offset)) {
        // the data cannot be had: the page is bad for good (a fault there gets SIGBUS)
        pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
        uvm.pageFree(pg);
        bad.add(index);
        return null;
      }
      pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
      if (index < pages.length) {
        pages[(int) index] = pg;
      } else {
        sparse.put(index, pg);
      }
      resident++;
      uvm.exp().fltget++;
      if (log.isTraceEnabled()) {
        log.trace("uvn_get {} offset={} -> frame {}", name, offset, pg.frame);
      }
      return pg;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Fills the new frame of {@code pg} with the object's bytes at {@code offset}, zero past the end:
   * false when the host read failed.
   */
  private boolean readIn(VmPage pg, long offset) {
    PhysMem phys = uvm.physMem();
    long avail = size - offset;
    if (contents != null) {
      if (avail >= PhysMem.PAGE_SIZE) {
        phys.write(pg, 0, contents, (int) offset, PhysMem.PAGE_SIZE);
        return true;
      }
      phys.zero(pg);
      if (avail > 0) {
        phys.write(pg, 0, contents, (int) offset, (int) avail);
      }
      return true;
    }
    phys.zero(pg);
    if (avail <= 0) {
      return true;
    }
    ByteBuffer frame = phys.frameBuffer(pg).limit((int) Math.min(avail, PhysMem.PAGE_SIZE));
    try {
      while (frame.hasRemaining()) {
        int n = channel.read(frame, offset + frame.position());
        if (n < 0) {
          break; // the file shrank: the rest stays zero
        }
      }
      return true;
    } catch (IOException e) {
      log.warn("reading page at offset {} of {} failed: {}", offset, path, e.toString());
      return false;
    }
  }

  /** pgo_reference: one more user. */
  // uvm_vnode.c: uvn_reference
  @Override
  public void reference() {
    lock.lock();
    try {
      Kassert.check(ref > 0, "uvn_reference: object already dead");
      ref++;
    } finally {
      lock.unlock();
    }
  }

  /**
   * pgo_detach: one user less; the last one removes every mapping of the object's pages and frees
   * them.
   */
  // uvm_vnode.c: uvn_detach
  @Override
  public void detach() {
    lock.lock();
    try {
      Kassert.check(ref > 0, "uvn_detach: reference count already zero");
      if (--ref > 0) {
        return;
      }
      for (int i = 0; i < pages.length; i++) {
        if (pages[i] != null) {
          release(pages[i]);
          pages[i] = null;
        }
      }
      for (VmPage pg : sparse.values()) {
        release(pg);
      }
      sparse.clear();
      closeChannel();
      if (log.isDebugEnabled()) {
        log.debug("uvn_detach {}: last reference gone, pages freed", name);
      }
    } finally {
      lock.unlock();
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        log.warn("closing {}: {}", path, e.toString());
      }
      channel = null;
    }
  }

  private void release(VmPage pg) {
    Kassert.check(pg.object == this, "uvn_detach: page owned by someone else");
    Kassert.check(!pg.isBusy(), "uvn_detach: busy page");
    Pmap.pageProtect(pg, Prot.NONE);
    uvm.pageFree(pg);
    resident--;
  }

  @Override
  public String toString() {
    return "FileObject[" + name + ", " + size + " bytes]";
  }
}
