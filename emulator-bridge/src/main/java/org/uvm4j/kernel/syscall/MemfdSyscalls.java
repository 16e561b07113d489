package org.uvm4j.kernel.syscall;

import java.nio.charset.StandardCharsets;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.fs.Memfd;
import org.uvm4j.kernel.fs.OpenFile;
import org.uvm4j.kernel.fs.Seals;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.VmMapEntry;
import org.uvm4j.uvm.obj.Aobj;
import org.uvm4j.uvm.system.Uvm;

/**
 * {@code memfd_create} and the calls that act on a memfd's own state: seals through {@code fcntl}
 * ({@code F_ADD_SEALS}/{@code F_GET_SEALS}; every other command goes to {@link FileSyscalls}),
 * {@code ftruncate} and {@code pwrite64} of a memfd (other descriptors go to {@link FileSyscalls}).
 */
final class MemfdSyscalls {
  static final int MFD_CLOEXEC = 0x0001;
  static final int MFD_ALLOW_SEALING = 0x0002;
  static final int MFD_HUGETLB = 0x0004;
  static final int MFD_NOEXEC_SEAL = 0x0008;
  static final int MFD_EXEC = 0x0010;

  /** NAME_MAX minus "memfd:". */
  static final int MFD_NAME_MAX = 249;

  static final int F_ADD_SEALS = 1033;
  static final int F_GET_SEALS = 1034;

  private final FileSyscalls file;
  private final Uvm uvm;
  private final ProcTable procs;

  MemfdSyscalls(FileSyscalls file, Uvm uvm, ProcTable procs) {
    this.file = file;
    this.uvm = uvm;
    this.procs = procs;
  }

  // mm/memfd.c: memfd_create (const char *uname, unsigned int flags)
  long memfdCreate(SyscallContext c) throws UvmException {
    int flags = c.int32(1);
    if ((flags & ~(MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)) != 0
        || (flags & (MFD_NOEXEC_SEAL | MFD_EXEC)) == (MFD_NOEXEC_SEAL | MFD_EXEC)) {
      return -Errno.EINVAL;
    }
    if ((flags & MFD_HUGETLB) != 0) {
      return -Errno.EINVAL; // no hugetlbfs
    }
    byte[] raw;
    try {
      raw = c.mem().string(c.pointer(0), MFD_NAME_MAX + 1);
    } catch (UvmException e) {
      return -(e.errno() == Errno.ENAMETOOLONG ? Errno.EINVAL : e.errno());
    }
    String name = new String(raw, StandardCharsets.UTF_8);
    int seals = Seals.F_SEAL_SEAL;
    if ((flags & MFD_NOEXEC_SEAL) != 0) {
      seals = Seals.F_SEAL_EXEC;
    } else if ((flags & MFD_ALLOW_SEALING) != 0) {
      seals = 0;
    }
    Memfd f = new Memfd(uvm, name, seals);
    try {
      return c.proc().files().install(f, (flags & MFD_CLOEXEC) != 0);
    } catch (UvmException e) {
      f.release();
      throw e;
    }
  }

  // sys_descrip.c: sys_fcntl, with mm/memfd.c: memfd_fcntl for the seal commands
  long fcntl(SyscallContext c) throws UvmException {
    int cmd = c.int32(1);
    if (cmd != F_ADD_SEALS && cmd != F_GET_SEALS) {
      return file.fcntl(c);
    }
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    if (!(f instanceof Memfd m)) {
      return -Errno.EINVAL;
    }
    if (cmd == F_GET_SEALS) {
      return m.seals().get();
    }
    int add = c.int32(2);
    m.seals().add(add, m.writable(), (add & Seals.F_SEAL_WRITE) != 0 && writablyMapped(m.object()));
    return 0;
  }

  /** Whether any process maps {@code obj} shared with WRITE in its maximum protection. */
  private boolean writablyMapped(Aobj obj) {
    for (Proc p : procs.all()) {
      if (p.vm() == null) {
        continue;
      }
      for (VmMapEntry e : p.vm().map().entries()) {
        if (e.object == obj && e.isSharedMapping() && (e.maxProtection & Prot.WRITE) != 0) {
          return true;
        }
      }
    }
    return false;
  }

  // sys_generic.c: sys_ftruncate (fd, off_t length)
  long ftruncate(SyscallContext c) throws UvmException {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (f == null) {
      return -Errno.EBADF;
    }
    if (!(f instanceof Memfd m) || !f.writable()) {
      return -Errno.EINVAL;
    }
    m.truncate(c.raw(1));
    return 0;
  }

  // sys_generic.c: sys_pwrite (fd, buf, count, off_t pos)
  long pwrite64(SyscallContext c) throws UvmException {
    OpenFile f = c.proc().files().get(c.fd(0));
    if (!(f instanceof Memfd m)) {
      return file.pwrite64(c);
    }
    if (!f.writable()) {
      return -Errno.EBADF;
    }
    long n = c.size(2);
    long off = c.raw(3);
    if (off < 0 || n < 0) {
      return -Errno.EINVAL;
    }
    int len = (int) Math.min(n, 1L << 20);
    byte[] b = new byte[len];
    c.mem().read(c.pointer(1), b, 0, len);
    return m.pwrite(b, 0, len, off);
  }
}
