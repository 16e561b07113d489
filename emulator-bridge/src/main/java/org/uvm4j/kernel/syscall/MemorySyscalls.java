package org.uvm4j.kernel.syscall;

import java.io.IOException;
import java.util.List;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.fs.HostFile;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.map.Mman;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.system.Uvm;

/**
 * Address-space system calls ({@code uvm_mmap.c}, {@code uvm_unix.c}): brk, mmap, munmap, mprotect,
 * madvise, mlock/munlock, mlockall/munlockall, mremap. Argument checking beyond the descriptor is
 * the {@link Vmspace}'s; results are passed through as {@code -errno}.
 */
final class MemorySyscalls {
  static final int MCL_CURRENT = 1;
  static final int MCL_FUTURE = 2;
  static final int MCL_ONFAULT = 4;
  static final int MREMAP_MAYMOVE = 1;
  static final int MREMAP_FIXED = 2;
  static final int MREMAP_DONTUNMAP = 4;
  private static final long PAGE_MASK = 0xfffL;

  /** Linux ENODEV (not in {@link Errno}): the descriptor's file cannot be memory-mapped. */
  static final int ENODEV = 19;

  private final Uvm uvm;

  MemorySyscalls(Uvm uvm) {
    this.uvm = uvm;
  }

  long brk(SyscallContext c) {
    return brk(c.proc(), c.pointer(0));
  }

  // uvm_mmap.c: sys_mmap (addr, size_t len, int prot, int flags, int fd, off_t pos)
  long mmap(SyscallContext c) {
    return mmap(c.proc(), c.pointer(0), c.size(1), c.int32(2), c.int32(3), c.fd(4), c.raw(5));
  }

  long munmap(SyscallContext c) {
    return -c.vm().munmap(c.pointer(0), c.size(1));
  }

  long mprotect(SyscallContext c) {
    return -c.vm().mprotect(c.pointer(0), c.size(1), c.int32(2));
  }

  long madvise(SyscallContext c) {
    return -c.vm().madvise(c.pointer(0), c.size(1), c.int32(2));
  }

  long mlock(SyscallContext c) {
    return -c.vm().mlock(c.pointer(0), c.size(1));
  }

  long munlock(SyscallContext c) {
    return -c.vm().munlock(c.pointer(0), c.size(1));
  }

  long mlockall(SyscallContext c) {
    return mlockall(c.proc(), c.int32(0));
  }

  long munlockall(SyscallContext c) {
    return munlockall(c.proc());
  }

  long mremap(SyscallContext c) {
    return mremap(c.proc(), c.pointer(0), c.size(1), c.size(2), c.raw(3), c.pointer(4));
  }

  // uvm_unix.c: sys_obreak
  private long brk(Proc p, long addr) {
    Vmspace vm = p.vm();
    long old = vm.brk(0);
    long now = vm.brk(addr);
    if (p.lockFuture() && now > old) {
      long from = (old + PAGE_MASK) & ~PAGE_MASK;
      long to = (now + PAGE_MASK) & ~PAGE_MASK;
      if (to > from && vm.mlock(from, to - from) != 0) {
        return vm.brk(old);
      }
    }
    return now;
  }

  private long mmap(Proc p, long addr, long len, int prot, int flags, int fd, long off) {
    Vmspace vm = p.vm();
    FileObject obj = null;
    if ((flags & Mman.MAP_ANONYMOUS) == 0) {
      OpenFile f = p.files().get(fd);
      if (f == null) {
        return -Errno.EBADF;
      }
      if (!(f instanceof HostFile hf)) {
        return -ENODEV;
      }
      if (!f.readable()) {
        return -Errno.EACCES;
      }
      try {
        obj = FileObject.open(uvm, hf.path());
      } catch (IOException | OutOfMemoryError e) {
        return -Errno.EIO;
      }
    }
    long r;
    try {
      r = vm.mmap(addr, len, prot, flags, obj, off);
    } finally {
      if (obj != null) {
        obj.detach(); // the map holds its own reference now (or none, on failure)
      }
    }
    if (r >= 0 && (p.lockFuture() || (flags & Mman.MAP_LOCKED) != 0)) {
      if (vm.mlock(r, len) != 0) {
        vm.munmap(r, len);
        return -Errno.EAGAIN;
      }
    }
    return r;
  }

  // uvm_mmap.c: sys_mlockall
  private long mlockall(Proc p, int flags) {
    if (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) != 0) {
      return -Errno.EINVAL;
    }
    if (flags == MCL_ONFAULT) {
      return -Errno.EINVAL;
    }
    if ((flags & MCL_CURRENT) != 0) {
      for (long[] r : ranges(p.vm())) {
        if (r[2] != Prot.NONE) {
          int e = p.vm().mlock(r[0], r[1] - r[0]);
          if (e != 0) {
            return -e;
          }
        }
      }
    }
    p.setLockFuture((flags & MCL_FUTURE) != 0);
    return 0;
  }

  // uvm_mmap.c: sys_munlockall
  private long munlockall(Proc p) {
    for (long[] r : ranges(p.vm())) {
      p.vm().munlock(r[0], r[1] - r[0]);
    }
    p.setLockFuture(false);
    return 0;
  }

  /** (start, end, protection) of every map entry, taken under the map lock. */
  private static List<long[]> ranges(Vmspace vm) {
    VmMap map = vm.map();
    map.lock();
    try {
      return map.entries().stream().map(e -> new long[] {e.start, e.end, e.protection}).toList();
    } finally {
      map.unlock();
    }
  }

  /**
   * mremap: shrinking unmaps the tail in place; growing maps more of the same kind (anonymous
   * private or shared, or the same object at the following offset) right after the old range when
   * that space is free; otherwise, with MREMAP_MAYMOVE, a private mapping moves by copying its
   * contents to a new mapping. A shared mapping that cannot grow in place answers ENOMEM.
   */
  // uvm_mremap.c: uvm_mremap
  private long mremap(Proc p, long old, long oldSize, long newSize, long flags, long newAddr) {
    if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0
        || (old & PAGE_MASK) != 0
        || ((flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0)
        || (flags & MREMAP_DONTUNMAP) != 0) {
      return -Errno.EINVAL;
    }
    long oldLen = roundPage(oldSize);
    long newLen = roundPage(newSize);
    if (newLen <= 0 || oldLen <= 0 || old + oldLen < old) {
      return -Errno.EINVAL;
    }
    if ((flags & MREMAP_FIXED) != 0) {
      if ((newAddr & PAGE_MASK) != 0 || (newAddr < old + oldLen && old < newAddr + newLen)) {
        return -Errno.EINVAL;
      }
    }
    Vmspace vm = p.vm();
    VmMap map = vm.map();
    long prot;
    boolean shared;
    boolean wired;
    org.uvm4j.uvm.obj.UvmObject obj;
    long objOff;
    map.lock();
    try {
      if (!map.isFullyMapped(old, old + oldLen)) {
        return -Errno.EFAULT;
      }
      List<VmMapEntry> es = map.entriesIn(old, old + oldLen);
      VmMapEntry first = es.get(0);
      prot = first.protection;
      shared = first.isSharedMapping();
      obj = first.object;
      objOff = obj != null ? first.offsetOf(old) : 0;
      wired = false;
      for (VmMapEntry e : es) {
        if (e.protection != prot || e.isSharedMapping() != shared || e.object != obj) {
          return -Errno.EFAULT; // the range spans different mappings
        }
        wired |= e.isWired();
      }
    } finally {
      map.unlock();
    }
    int type = shared ? Mman.MAP_SHARED : Mman.MAP_PRIVATE;
    if ((flags & MREMAP_FIXED) == 0 && newLen <= oldLen) {
      if (newLen < oldLen) {
        int e = vm.munmap(old + newLen, oldLen - newLen);
        if (e != 0) {
          return -e;
        }
      }
      return old;
    }
    if ((flags & MREMAP_FIXED) == 0) {
      long r =
          vm.mmap(
              old + oldLen,
              newLen - oldLen,
              (int) prot,
              type | Mman.MAP_FIXED_NOREPLACE | (obj == null ? Mman.MAP_ANONYMOUS : 0),
              obj,
              objOff + oldLen);
      if (r == old + oldLen) {
        if (wired && vm.mlock(r, newLen - oldLen) != 0) {
          vm.munmap(r, newLen - oldLen);
          return -Errno.EAGAIN;
        }
        return old;
      }
      if (r >= 0) {
        vm.munmap(r, newLen - oldLen);
      }
      if ((flags & MREMAP_MAYMOVE) == 0) {
        return -Errno.ENOMEM;
      }
    }
    if (shared || wired) {
      return -Errno.ENOMEM; // moving would break the sharing (or the wiring): not supported
    }
    return move(vm, old, oldLen, newLen, (int) prot, (flags & MREMAP_FIXED) != 0 ? newAddr : 0);
  }

  /** Moves a private mapping by copying: new mapping, copy, unmap the old one. */
  private static long move(Vmspace vm, long old, long oldLen, long newLen, int prot, long fixed) {
    int fl = Mman.MAP_PRIVATE | Mman.MAP_ANONYMOUS | (fixed != 0 ? Mman.MAP_FIXED : 0);
    long to = vm.mmap(fixed, newLen, Prot.RW, fl, null, 0);
    if (to < 0) {
      return to;
    }
    boolean lend = (prot & Prot.READ) == 0;
    if (lend && vm.mprotect(old, oldLen, prot | Prot.READ) != 0) {
      vm.munmap(to, newLen);
      return -Errno.ENOMEM;
    }
    byte[] buf = new byte[65536];
    long copyLen = Math.min(oldLen, newLen);
    for (long done = 0; done < copyLen; done += buf.length) {
      int n = (int) Math.min(buf.length, copyLen - done);
      if (vm.copyin(old + done, buf, 0, n) != 0 || vm.copyout(to + done, buf, 0, n) != 0) {
        vm.munmap(to, newLen);
        if (lend) {
          vm.mprotect(old, oldLen, prot);
        }
        return -Errno.ENOMEM;
      }
    }
    vm.mprotect(to, newLen, prot);
    vm.munmap(old, oldLen);
    return to;
  }

  private static long roundPage(long v) {
    if (v < 0 || v > Long.MAX_VALUE - PAGE_MASK) {
      return -1;
    }
    return (v + PAGE_MASK) & ~PAGE_MASK;
  }
}
