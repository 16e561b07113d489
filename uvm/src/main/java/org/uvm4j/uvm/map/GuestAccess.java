package org.uvm4j.uvm.map;

import java.nio.ByteBuffer;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.FaultResult;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.page.PhysMem;
import org.uvm4j.uvm.page.VmPage;

/**
 * copyin/copyout/copyinstr: the kernel's accesses to guest memory, made page by page exactly as the
 * guest's own would be — a pmap lookup for the access, and on a miss the fault handler (so a write
 * to a copy-on-write page copies it first) — then the bytes move through the frame in {@link
 * PhysMem}. Bad addresses give EFAULT, never an exception.
 */
final class GuestAccess {
  private final Vmspace vm;

  GuestAccess(Vmspace vm) {
    this.vm = vm;
  }

  /** The page backing {@code va} for {@code access}, faulting it in; null when it cannot be. */
  private VmPage resolve(long va, int access) {
    if (va < Vmspace.USER_MIN || va >= Vmspace.USER_MAX) {
      return null;
    }
    long pte = vm.pmap().tlbLookup(va, access);
    if (pte == 0) {
      if (vm.faultHandler().fault(vm, va, access) != FaultResult.OK) {
        return null;
      }
      pte = vm.pmap().tlbLookup(va, access);
      if (pte == 0) {
        return null;
      }
    }
    return vm.uvm().physMem().pageAt(pte & ~Vmspace.PAGE_MASK);
  }

  // amd64/copy.S: copyin
  int copyin(long va, byte[] dst, int off, int len) {
    if (len < 0 || off < 0 || off > dst.length - len || va + len < va) {
      return Errno.EFAULT;
    }
    PhysMem phys = vm.uvm().physMem();
    while (len > 0) {
      VmPage pg = resolve(va, Prot.READ);
      if (pg == null) {
        return Errno.EFAULT;
      }
      int pageOff = (int) (va & Vmspace.PAGE_MASK);
      int n = Math.min(len, PhysMem.PAGE_SIZE - pageOff);
      phys.read(pg, pageOff, dst, off, n);
      va += n;
      off += n;
      len -= n;
    }
    return 0;
  }

  // amd64/copy.S: copyout
  int copyout(long va, byte[] src, int off, int len) {
    if (len < 0 || off < 0 || off > src.length - len || va + len < va) {
      return Errno.EFAULT;
    }
    PhysMem phys = vm.uvm().physMem();
    while (len > 0) {
      VmPage pg = resolve(va, Prot.WRITE);
      if (pg == null) {
        return Errno.EFAULT;
      }
      int pageOff = (int) (va & Vmspace.PAGE_MASK);
      int n = Math.min(len, PhysMem.PAGE_SIZE - pageOff);
      phys.write(pg, pageOff, src, off, n);
      va += n;
      off += n;
      len -= n;
    }
    return 0;
  }

  /**
   * How many bytes from {@code va} (at most {@code len}) lie in map entries that allow writing: the
   * prefix a copyout can reach (uvm_map_checkprot, page by page). Nothing is faulted in, so a
   * caller can size a transfer before it consumes its source (read() from a pipe keeps the bytes a
   * bad buffer could not take).
   */
  // uvm_map.c: uvm_map_checkprot
  long writableBytes(long va, long len) {
    if (len <= 0 || va < Vmspace.USER_MIN || va >= Vmspace.USER_MAX) {
      return 0;
    }
    long end = va + Math.min(len, Vmspace.USER_MAX - va);
    VmMap map = vm.map();
    map.lock();
    try {
      long at = va;
      while (at < end) {
        VmMapEntry e = map.lookup(at);
        if (e == null && vm.grow(at)) {
          e = map.lookup(at); // below the stack: Linux's copy_to_user would grow it
        }
        if (e == null || (e.protection & Prot.WRITE) == 0) {
          break;
        }
        at = e.end;
      }
      return Math.min(at, end) - va;
    } finally {
      map.unlock();
    }
  }

  /**
   * A forced transfer (Linux's access_remote_vm with FOLL_FORCE, NetBSD's uvm_io with
   * UVM_IO_FIXPROT): page by page, each page made available by a forced fault ({@link
   * FaultService#faultForced}) unless the pmap already answers the access. Stops at the first page
   * that cannot be had. A write marks the page dirty (it is no longer its backing store's copy).
   *
   * @return the bytes moved, from {@code va} on
   */
  // uvm_io.c: uvm_io (mm/memory.c: __access_remote_vm)
  int forcedIo(long va, byte[] buf, int off, int len, boolean write) {
    if (len < 0 || off < 0 || off > buf.length - len) {
      return 0;
    }
    PhysMem phys = vm.uvm().physMem();
    int access = write ? Prot.WRITE : Prot.READ;
    int done = 0;
    while (done < len) {
      long at = va + done;
      if (at < Vmspace.USER_MIN || at >= Vmspace.USER_MAX) {
        break;
      }
      long pte = vm.pmap().tlbLookup(at, access);
      VmPage pg =
          pte != 0
              ? phys.pageAt(pte & ~Vmspace.PAGE_MASK)
              : vm.faultHandler().faultForced(vm, at, access);
      if (pg == null) {
        break;
      }
      int pageOff = (int) (at & Vmspace.PAGE_MASK);
      int n = Math.min(len - done, PhysMem.PAGE_SIZE - pageOff);
      if (write) {
        phys.write(pg, pageOff, buf, off + done, n);
        pg.flags &= ~VmPage.PG_CLEAN; // uvm_pagemarkdirty: the backing store's copy is stale
      } else {
        phys.read(pg, pageOff, buf, off + done, n);
      }
      done += n;
    }
    return done;
  }

  // amd64/copy.S: copyinstr
  int copyinstr(long va, byte[] dst, int max) throws UvmException {
    if (max < 0 || max > dst.length) {
      throw new UvmException(Errno.EFAULT, "copyinstr: bad buffer");
    }
    PhysMem phys = vm.uvm().physMem();
    int n = 0;
    while (n < max) {
      VmPage pg = resolve(va + n, Prot.READ);
      if (pg == null) {
        throw new UvmException(Errno.EFAULT, "copyinstr: unreadable byte");
      }
      int pageOff = (int) ((va + n) & Vmspace.PAGE_MASK);
      int chunk = Math.min(max - n, PhysMem.PAGE_SIZE - pageOff);
      ByteBuffer frame = phys.frameBuffer(pg);
      for (int i = 0; i < chunk; i++) {
        byte b = frame.get(pageOff + i);
        dst[n] = b;
        if (b == 0) {
          return n;
        }
        n++;
      }
    }
    throw new UvmException(Errno.ENAMETOOLONG, "copyinstr: no NUL within max");
  }
}
