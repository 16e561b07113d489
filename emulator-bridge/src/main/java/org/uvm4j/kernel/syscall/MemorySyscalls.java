package org.uvm4j.kernel.syscall;

import java.io.IOException;
import org.uvm4j.kernel.MetadataLimit;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ResourceLimits;
import org.uvm4j.kernel.fs.HostFile;
import org.uvm4j.kernel.fs.Memfd;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.RemapMode;
import org.uvm4j.uvm.map.VmMap;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;
import org.uvm4j.uvm.obj.UvmObject;
import org.uvm4j.uvm.pdaemon.PageDaemon;
import org.uvm4j.uvm.system.Uvm;

/**
 * Address-space system calls ({@code uvm_mmap.c}, {@code uvm_unix.c}): brk, mmap, munmap, mprotect,
 * madvise, mlock/munlock, mlockall/munlockall, mremap. Linux's flags are decoded here ({@link
 * MmapFlags}, {@link MadviseAdvice}, MCL_* and MREMAP_*) into UVM calls on the {@link Vmspace},
 * which checks the rest; its positive errno (or {@link UvmException}) becomes {@code -errno}. The
 * handlers read map entries only for RLIMIT_MEMLOCK (the locked total); growth is also refused when
 * the metadata budget could not hold it ({@link MetadataLimit}).
 */
final class MemorySyscalls {
  static final int MCL_CURRENT = 1;
  static final int MCL_FUTURE = 2;
  static final int MCL_ONFAULT = 4;
  static final int MREMAP_MAYMOVE = 1;
  static final int MREMAP_FIXED = 2;
  static final int MREMAP_DONTUNMAP = 4;
  static final int MS_ASYNC = 1;
  static final int MS_INVALIDATE = 2;
  static final int MS_SYNC = 4;

  /** Linux ENODEV (not in {@link Errno}): the descriptor's file cannot be memory-mapped. */
  static final int ENODEV = 19;

  private final Uvm uvm;
  private final PageDaemon pageDaemon;

  MemorySyscalls(Uvm uvm, PageDaemon pageDaemon) {
    this.uvm = uvm;
    this.pageDaemon = pageDaemon;
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
    // mprotect's prot is an unsigned long: bits above the low 32 are unknown flags, EINVAL
    long prot = c.raw(2);
    if ((prot >>> 32) != 0) {
      return -Errno.EINVAL;
    }
    return -c.vm().mprotect(c.pointer(0), c.size(1), (int) prot);
  }

  long madvise(SyscallContext c) {
    return madvise(c.proc(), c.pointer(0), c.size(1), c.int32(2), pageDaemon);
  }

  long mlock(SyscallContext c) {
    long addr = c.pointer(0);
    long len = c.size(1);
    int e = memlockAllows(c.proc(), addr, len);
    return e != 0 ? -e : -c.vm().mlock(addr, len);
  }

  // mm/mlock.c: mlock2 (start, len, flags)
  long mlock2(SyscallContext c) {
    long flags = c.raw(2);
    if ((flags & ~(long) Mman.MLOCK_ONFAULT) != 0) {
      return -Errno.EINVAL;
    }
    int e = memlockAllows(c.proc(), c.pointer(0), c.size(1)); // do_mlock, whatever the flags
    if (e != 0) {
      return -e;
    }
    if (flags == Mman.MLOCK_ONFAULT) {
      return -c.vm().mlockOnFault(c.pointer(0), c.size(1));
    }
    return -c.vm().mlock(c.pointer(0), c.size(1));
  }

  // mm/mseal.c: mseal (start, len, flags)
  long mseal(SyscallContext c) {
    if (c.raw(2) != 0) {
      return -Errno.EINVAL;
    }
    return -c.vm().mseal(c.pointer(0), c.size(1));
  }

  // uvm_mmap.c: sys_mincore (addr, len, unsigned char *vec)
  long mincore(SyscallContext c) {
    byte[] vec;
    try {
      vec = c.vm().mincore(c.pointer(0), c.size(1));
    } catch (UvmException e) {
      return -e.errno();
    }
    if (vec.length == 0) {
      return 0;
    }
    return c.mem().write(c.pointer(2), vec) != 0 ? -Errno.EFAULT : 0;
  }

  // uvm_mmap.c: sys___msync13 (addr, len, flags)
  long msync(SyscallContext c) {
    long flags = c.raw(2);
    if ((flags & ~(long) (MS_ASYNC | MS_INVALIDATE | MS_SYNC)) != 0
        || (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC)) {
      return -Errno.EINVAL;
    }
    return -c.vm().msync(c.pointer(0), c.size(1));
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

  // uvm_mremap.c: sys_mremap (addr, old_len, new_len, unsigned long flags, new_addr)
  long mremap(SyscallContext c) {
    return mremap(c.proc(), c.pointer(0), c.size(1), c.size(2), c.raw(3), c.pointer(4));
  }

  // uvm_unix.c: sys_obreak
  private long brk(Proc p, long addr) {
    long cur = p.vm().brkCurrent();
    if (addr > cur
        && (!mayExpand(p, addr - cur)
            || !mlockFutureOk(p, p.vm().map().isWireFuture(), addr - cur)
            || !MetadataLimit.allowsMapping(p.vm()))) {
      return cur; // brk failure (check_brk_limits): the old break
    }
    return p.vm().brk(addr); // wires the growth itself under mlockall(MCL_FUTURE)
  }

  /**
   * The RLIMIT_MEMLOCK part of mlock for a process without CAP_IPC_LOCK (the guest runs as an
   * ordinary user): a zero limit refuses with EPERM ({@code can_do_mlock}); otherwise the pages
   * locked already plus those of {@code [addr, addr + len)} not locked yet must stay within the
   * limit (in whole pages), else ENOMEM. Root would not be limited; uvm4j has no root.
   *
   * @return 0 or the errno
   */
  // mm/mlock.c: do_mlock
  static int memlockAllows(Proc p, long addr, long len) {
    long limit = p.rlimits().cur(ResourceLimits.RLIMIT_MEMLOCK);
    if (limit == ResourceLimits.INFINITY) {
      return 0;
    }
    long lockLimit = limit >>> 12;
    if (lockLimit == 0) {
      return Errno.EPERM;
    }
    long start = addr & ~4095L;
    long end = (addr + len + 4095) & ~4095L;
    if (len <= 0 || end <= start) {
      return 0; // the map decides (EINVAL, or nothing to do)
    }
    long lockedAll = 0;
    long lockedInRange = 0;
    for (VmMapEntry e : p.vm().map().entries()) {
      if (!e.isLocked()) {
        continue; // wired, or locked on fault (mlock2 MLOCK_ONFAULT): Linux's VM_LOCKED
      }
      lockedAll += e.end - e.start;
      long s = Math.max(e.start, start);
      long t = Math.min(e.end, end);
      if (s < t) {
        lockedInRange += t - s;
      }
    }
    long locked = ((end - start) + lockedAll - lockedInRange) >>> 12;
    return locked <= lockLimit ? 0 : Errno.ENOMEM;
  }

  /**
   * mlock_future_ok: a mapping that will be locked ({@code locked}: MAP_LOCKED,
   * mlockall(MCL_FUTURE) in force, or growth of a locked mapping) may add {@code bytes} only while
   * the pages locked already plus its own stay within RLIMIT_MEMLOCK (whole pages); the callers
   * answer EAGAIN (mmap, mremap) or fail the brk. The guest has no CAP_IPC_LOCK.
   */
  // mm/mmap.c: mlock_future_ok
  static boolean mlockFutureOk(Proc p, boolean locked, long bytes) {
    long limit = p.rlimits().cur(ResourceLimits.RLIMIT_MEMLOCK);
    if (!locked || limit == ResourceLimits.INFINITY) {
      return true;
    }
    return (bytes >>> 12) + (lockedBytes(p.vm()) >>> 12) <= limit >>> 12;
  }

  /** mm->locked_vm in bytes: the entries that are wired or locked on fault. */
  static long lockedBytes(Vmspace vm) {
    long locked = 0;
    VmMap map = vm.map();
    map.lock();
    try {
      for (VmMapEntry e : map.entries()) {
        if (e.isLocked()) {
          locked += e.end - e.start;
        }
      }
    } finally {
      map.unlock();
    }
    return locked;
  }

  /** True if the entry mapping {@code addr} is locked (VM_LOCKED: wired or locked on fault). */
  private static boolean entryLocked(Vmspace vm, long addr) {
    VmMap map = vm.map();
    map.lock();
    try {
      VmMapEntry e = map.lookup(addr);
      return e != null && e.isLocked();
    } finally {
      map.unlock();
    }
  }

  /**
   * may_expand_vm: RLIMIT_AS allows the address space to grow by {@code bytes} (rounded to pages).
   */
  // mm/mmap.c: may_expand_vm
  static boolean mayExpand(Proc p, long bytes) {
    if (p.rlimits().cur(ResourceLimits.RLIMIT_AS) == ResourceLimits.INFINITY) {
      return true;
    }
    long pages = (bytes + 4095) >>> 12;
    return bytes >= 0
        && p.rlimits().allows(ResourceLimits.RLIMIT_AS, p.vm().map().size() + (pages << 12));
  }

  private long mmap(Proc p, long addr, long len, int prot, int flags, int fd, long off) {
    Vmspace vm = p.vm();
    if (len > 0) {
      boolean locked = (flags & Mman.MAP_LOCKED) != 0 || vm.map().isWireFuture();
      if ((flags & Mman.MAP_LOCKED) != 0
          && p.rlimits().cur(ResourceLimits.RLIMIT_MEMLOCK) >>> 12 == 0) {
        return -Errno.EPERM; // can_do_mlock: no CAP_IPC_LOCK and a zero limit
      }
      if (!mlockFutureOk(p, locked, (len + 4095) & ~4095L)) {
        return -Errno.EAGAIN; // do_mmap: mlock_future_ok
      }
      if (!mayExpand(p, len) || !MetadataLimit.allowsMapping(vm)) {
        return -Errno.ENOMEM; // may_expand_vm, or the metadata budget would be spent
      }
    }
    UvmObject obj = null;
    if ((flags & Mman.MAP_ANONYMOUS) == 0) {
      OpenFile f = p.files().get(fd);
      if (f == null) {
        return -Errno.EBADF;
      }
      UvmObject uobj = f.mmapObject();
      if (uobj != null) {
        return mmapObject(vm, f, uobj, addr, len, prot, flags, off);
      }
      if (f.mapsAsAnonymous()) {
        // /dev/zero: a mapping of it is anonymous memory (shmem_zero_setup / private zero fill)
        return mmap(p, addr, len, prot, flags | Mman.MAP_ANONYMOUS, -1, 0);
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
    try {
      return vm.mmap(MmapFlags.decode(addr, len, prot, flags, obj, off));
    } catch (UvmException e) {
      return -e.errno();
    } finally {
      if (obj != null) {
        obj.detach(); // the map holds its own reference now (or none, on failure)
      }
    }
  }

  /**
   * mmap of a file of anonymous memory (a tmpfs file, a memfd): its object, shared (the object's
   * own frames, written by every sharer and by write()) or private (copy-on-write). A shared
   * mapping may write only through a writable descriptor and, for a memfd, without
   * F_SEAL_WRITE/FUTURE_WRITE: asking for PROT_WRITE is EACCES / EPERM, and without it the
   * mapping's maximum protection loses WRITE (mprotect cannot add it).
   */
  // uvm_mmap.c: sys_mmap (shmem file)
  private static long mmapObject(
      Vmspace vm, OpenFile f, UvmObject obj, long addr, long len, int prot, int flags, long off) {
    if (!f.readable()) {
      return -Errno.EACCES;
    }
    try {
      MapRequest req = MmapFlags.decode(addr, len, prot, flags, obj, off);
      if (req.shared()) {
        boolean sealed = f instanceof Memfd m && !m.seals().sharedWriteAllowed();
        if (!f.writable() || sealed) {
          if ((req.prot() & Prot.WRITE) != 0) {
            return -(f.writable() ? Errno.EPERM : Errno.EACCES);
          }
          req = req.withMaxProt(req.maxProt() & ~Prot.WRITE);
        }
      }
      return vm.mmap(req);
    } catch (UvmException e) {
      return -e.errno();
    }
  }

  // uvm_mmap.c: sys_madvise
  private static long madvise(Proc p, long addr, long len, int advice, PageDaemon pd) {
    try {
      return -MadviseAdvice.decode(advice).apply(p.vm(), addr, len, pd);
    } catch (UvmException e) {
      return -e.errno();
    }
  }

  // uvm_mmap.c: sys_mlockall
  private static long mlockall(Proc p, int flags) {
    if (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) != 0) {
      return -Errno.EINVAL;
    }
    if (flags == MCL_ONFAULT) {
      return -Errno.EINVAL;
    }
    long limit = p.rlimits().cur(ResourceLimits.RLIMIT_MEMLOCK);
    if (limit != ResourceLimits.INFINITY) {
      if (limit >>> 12 == 0) {
        return -Errno.EPERM; // can_do_mlock: no CAP_IPC_LOCK and a zero limit
      }
      if ((flags & MCL_CURRENT) != 0 && p.vm().map().size() >>> 12 > limit >>> 12) {
        return -Errno.ENOMEM; // total_vm beyond the limit
      }
    }
    return -p.vm()
        .mlockall(
            (flags & MCL_CURRENT) != 0, (flags & MCL_FUTURE) != 0, (flags & MCL_ONFAULT) != 0);
  }

  // uvm_mmap.c: sys_munlockall
  private static long munlockall(Proc p) {
    p.vm().munlockall();
    return 0;
  }

  /**
   * mremap: the MREMAP_* flags become a {@link RemapMode} and the dontUnmap flag (FIXED and
   * DONTUNMAP need MAYMOVE: EINVAL otherwise); shrinking, growing and moving the entries are {@link
   * Vmspace#remap}'s.
   */
  private static long mremap(
      Proc p, long old, long oldSize, long newSize, long flags, long newAddr) {
    if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0
        || ((flags & (MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0 && (flags & MREMAP_MAYMOVE) == 0)) {
      return -Errno.EINVAL;
    }
    RemapMode mode;
    if ((flags & MREMAP_FIXED) != 0) {
      mode = RemapMode.FIXED;
    } else if ((flags & MREMAP_MAYMOVE) != 0) {
      mode = RemapMode.MAY_MOVE;
    } else {
      mode = RemapMode.IN_PLACE;
    }
    if (newSize > oldSize) {
      long delta = ((newSize + 4095) & ~4095L) - ((oldSize + 4095) & ~4095L);
      if (!mlockFutureOk(p, entryLocked(p.vm(), old), delta)) {
        return -Errno.EAGAIN; // resize_is_valid: growth of a locked mapping past RLIMIT_MEMLOCK
      }
      if (!mayExpand(p, newSize - oldSize) || !MetadataLimit.allowsMapping(p.vm())) {
        return -Errno.ENOMEM;
      }
    }
    try {
      return p.vm().remap(old, oldSize, newSize, mode, newAddr, (flags & MREMAP_DONTUNMAP) != 0);
    } catch (UvmException e) {
      return -e.errno();
    }
  }
}
