package org.uvm4j.uvm.obj;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmPanic;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;
import org.uvm4j.uvm.pmap.Pmap;
import org.uvm4j.uvm.system.Uvm;

/**
 * A read-only file-backed memory object (the role of {@code uvm_vnode.c} for an executable's
 * image): its pages are read in on demand from the file's bytes, a page that runs past the end of
 * the file is zero-filled past it, and pages wholly past the end are zero.
 *
 * <p>The bytes are taken at creation (a copy of the array, or the whole file read then), so a page
 * read never fails for I/O reasons and the object sees one consistent version of the file. Pages
 * stay resident until the last {@link #detach()}: they are clean and the page daemon reclaims only
 * anonymous memory.
 *
 * <p>Invariants: {@link #ref} is the number of users (creator and map entries); each resident page
 * is owned by this object ({@code pg.object == this}, {@code pg.offset} its offset), unbusy and
 * clean, and is in the page table exactly once. Protected by the object lock ({@code vmobjlock}).
 */
public final class FileObject implements UvmObject {
  private static final Logger log = LogManager.getLogger("uvm.page");

  private final Uvm uvm;
  private final String name;
  private final byte[] contents;
  private final ReentrantLock lock = new ReentrantLock();

  /** Resident pages within the file, by page index. */
  private final VmPage[] pages;

  /** Resident zero pages wholly past the end of the file, by page index (rare). */
  private final Map<Long, VmPage> pastEnd = new HashMap<>();

  private int ref = 1;
  private int resident;

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
    this.uvm = uvm;
    this.name = name;
    this.contents = contents.clone();
    long npages = (contents.length + (long) PhysMem.PAGE_SIZE - 1) >>> PhysMem.PAGE_SHIFT;
    this.pages = new VmPage[(int) npages];
  }

  /** An object over {@code contents} (see {@link #FileObject(Uvm, String, byte[])}). */
  public FileObject(Uvm uvm, byte[] contents) {
    this(uvm, "anonymous file", contents);
  }

  /**
   * An object over the file at {@code path}, read now.
   *
   * @throws IOException if the file cannot be read (the message names the path)
   */
  public static FileObject open(Uvm uvm, Path path) throws IOException {
    return new FileObject(uvm, path.toString(), Files.readAllBytes(path));
  }

  @Override
  public long size() {
    return contents.length;
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
    UvmPanic.check(offset >= 0 && (offset & (PhysMem.PAGE_SIZE - 1)) == 0, "uvn_get: bad offset");
    lock.lock();
    try {
      UvmPanic.check(ref > 0, "uvn_get: object has no references");
      long index = offset >>> PhysMem.PAGE_SHIFT;
      VmPage pg = index < pages.length ? pages[(int) index] : pastEnd.get(index);
      if (pg != null) {
        uvm.exp().fltlget++;
        return pg;
      }
      pg = uvm.pageAllocObject(this, offset);
      if (pg == null) {
        return null;
      }
      readIn(pg, offset);
      pg.flags &= ~(VmPage.PG_BUSY | VmPage.PG_FAKE);
      if (index < pages.length) {
        pages[(int) index] = pg;
      } else {
        pastEnd.put(index, pg);
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
   * Fills the new frame of {@code pg} with the file's bytes at {@code offset}, zero past the end.
   */
  private void readIn(VmPage pg, long offset) {
    PhysMem phys = uvm.physMem();
    long avail = contents.length - offset;
    if (avail >= PhysMem.PAGE_SIZE) {
      phys.write(pg, 0, contents, (int) offset, PhysMem.PAGE_SIZE);
      return;
    }
    phys.zero(pg);
    if (avail > 0) {
      phys.write(pg, 0, contents, (int) offset, (int) avail);
    }
  }

  /** pgo_reference: one more user. */
  // uvm_vnode.c: uvn_reference
  @Override
  public void reference() {
    lock.lock();
    try {
      UvmPanic.check(ref > 0, "uvn_reference: object already dead");
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
      UvmPanic.check(ref > 0, "uvn_detach: reference count already zero");
      if (--ref > 0) {
        return;
      }
      for (int i = 0; i < pages.length; i++) {
        if (pages[i] != null) {
          release(pages[i]);
          pages[i] = null;
        }
      }
      for (VmPage pg : pastEnd.values()) {
        release(pg);
      }
      pastEnd.clear();
      if (log.isDebugEnabled()) {
        log.debug("uvn_detach {}: last reference gone, pages freed", name);
      }
    } finally {
      lock.unlock();
    }
  }

  private void release(VmPage pg) {
    UvmPanic.check(pg.object == this, "uvn_detach: page owned by someone else");
    UvmPanic.check(!pg.isBusy(), "uvn_detach: busy page");
    Pmap.pageProtect(pg, Prot.NONE);
    uvm.pageFree(pg);
    resident--;
  }

  @Override
  public String toString() {
    return "FileObject[" + name + ", " + contents.length + " bytes]";
  }
}
