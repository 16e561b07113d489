package org.uvm4j.kernel.syscall;

import java.io.IOException;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.fs.HostFile;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.RemapMode;
import org.uvm4j.uvm.map.Vmspace;
import org.uvm4j.uvm.obj.FileObject;

/**
 * Address-space system calls ({@code uvm_mmap.c}, {@code uvm_unix.c}): brk, mmap, munmap, mprotect,
 * madvise, mlock/munlock, mlockall/munlockall, mremap. Linux's flags are decoded here ({@link
 * MmapFlags}, {@link MadviseAdvice}, MCL_* and MREMAP_*) into UVM calls on the {@link Vmspace},
 * which checks the rest; its positive errno (or {@link UvmException}) becomes {@code -errno}. No
 * handler takes the map lock or reads map entries.
 */
final class MemorySyscalls {
  static final int MCL_CURRENT = 1;
  static final int MCL_FUTURE = 2;
  static final int MCL_ONFAULT = 4;
  static final int MREMAP_MAYMOVE = 1;
  static final int MREMAP_FIXED = 2;
  static final int MREMAP_DONTUNMAP = 4;

  /** Linux ENODEV (not in {@link Errno}): the descriptor's file cannot be memory-mapped. */
  static final int ENODEV = 19;

  private final Kernel kernel;

  MemorySyscalls(Kernel kernel) {
    this.kernel = kernel;
  }

  void register(SyscallTable t) {
    t.register(Syscall.BRK, "brk", (p, a, a1, a2, a3, a4, a5) -> brk(p, a));
    t.register(Syscall.MMAP, "mmap", this::mmap);
    t.register(Syscall.MUNMAP, "munmap", (p, a, len, a2, a3, a4, a5) -> -p.vm().munmap(a, len));
    t.register(
        Syscall.MPROTECT,
        "mprotect",
        (p, a, len, prot, a3, a4, a5) -> -p.vm().mprotect(a, len, (int) prot));
    t.register(Syscall.MADVISE, "madvise", (p, a, len, adv, a3, a4, a5) -> madvise(p, a, len, adv));
    t.register(Syscall.MLOCK, "mlock", (p, a, len, a2, a3, a4, a5) -> -p.vm().mlock(a, len));
    t.register(Syscall.MUNLOCK, "munlock", (p, a, len, a2, a3, a4, a5) -> -p.vm().munlock(a, len));
    t.register(Syscall.MLOCKALL, "mlockall", (p, fl, a1, a2, a3, a4, a5) -> mlockall(p, fl));
    t.register(Syscall.MUNLOCKALL, "munlockall", (p, a0, a1, a2, a3, a4, a5) -> munlockall(p));
    t.register(Syscall.MREMAP, "mremap", MemorySyscalls::mremap);
  }

  // uvm_unix.c: sys_obreak
  private long brk(Proc p, long addr) {
    return p.vm().brk(addr); // wires the growth itself under mlockall(MCL_FUTURE)
  }

  // uvm_mmap.c: sys_mmap
  private long mmap(Proc p, long addr, long len, long prot, long flags, long fd, long off) {
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
        obj = FileObject.open(kernel.uvm(), hf.path());
      } catch (IOException | OutOfMemoryError e) {
        return -Errno.EIO;
      }
    }
    try {
      return vm.mmap(MmapFlags.decode(addr, len, (int) prot, (int) flags, obj, off));
    } catch (UvmException e) {
      return -e.errno();
    } finally {
      if (obj != null) {
        obj.detach(); // the map holds its own reference now (or none, on failure)
      }
    }
  }

  // uvm_mmap.c: sys_madvise
  private static long madvise(Proc p, long addr, long len, long advice) {
    try {
      return -MadviseAdvice.decode((int) advice).apply(p.vm(), addr, len);
    } catch (UvmException e) {
      return -e.errno();
    }
  }

  // uvm_mmap.c: sys_mlockall
  private static long mlockall(Proc p, long flags) {
    if (flags == 0 || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) != 0) {
      return -Errno.EINVAL;
    }
    if (flags == MCL_ONFAULT) {
      return -Errno.EINVAL;
    }
    return -p.vm().mlockall((flags & MCL_CURRENT) != 0, (flags & MCL_FUTURE) != 0);
  }

  // uvm_mmap.c: sys_munlockall
  private static long munlockall(Proc p) {
    p.vm().munlockall();
    return 0;
  }

  /**
   * mremap: the MREMAP_* flags become a {@link RemapMode}; shrinking, growing in place and moving
   * by copying are {@link Vmspace#remap}'s.
   */
  // uvm_mremap.c: sys_mremap
  private static long mremap(
      Proc p, long old, long oldSize, long newSize, long flags, long newAddr, long a5) {
    if ((flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP)) != 0
        || ((flags & MREMAP_FIXED) != 0 && (flags & MREMAP_MAYMOVE) == 0)
        || (flags & MREMAP_DONTUNMAP) != 0) {
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
    try {
      return p.vm().remap(old, oldSize, newSize, mode, newAddr);
    } catch (UvmException e) {
      return -e.errno();
    }
  }
}
