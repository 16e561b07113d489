package org.uvm4j.kernel.syscall;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Prot;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.MapRequest;
import org.uvm4j.uvm.map.Placement;
import org.uvm4j.uvm.obj.UvmObject;

/**
 * Decodes mmap's Linux arguments into a UVM {@link MapRequest} (as gVisor's {@code sys_mmap.go}
 * builds {@code memmap.MMapOpts}): the mapping type (MAP_SHARED / MAP_PRIVATE /
 * MAP_SHARED_VALIDATE) becomes shared or private copy-on-write; MAP_FIXED and MAP_FIXED_NOREPLACE
 * the placement; MAP_ANONYMOUS drops the object; MAP_LOCKED wires; MAP_POPULATE (without
 * MAP_NONBLOCK) populates; MAP_HUGETLB is ENOMEM (no huge pages reserved). MAP_NORESERVE,
 * MAP_GROWSDOWN, MAP_STACK, MAP_DENYWRITE and MAP_EXECUTABLE are accepted and change nothing here.
 *
 * <p>This is the only place that reads {@code MAP_*} bits; what the request then means (placement,
 * range checks, EEXIST, EACCES, ...) is {@link org.uvm4j.uvm.map.Vmspace#mmap(MapRequest)}'s.
 */
public final class MmapFlags {
  private static final long PAGE_MASK = 0xfffL;

  private MmapFlags() {}

  /**
   * The request for {@code mmap(addr, len, prot, flags, fd, off)}, the descriptor already resolved
   * to {@code obj} (null for MAP_ANONYMOUS).
   *
   * @throws UvmException with Linux's errno: EINVAL (neither or an unknown mapping type, length 0,
   *     unknown prot bits, misaligned offset), EOPNOTSUPP (MAP_SHARED_VALIDATE with a flag it does
   *     not know), EBADF (a file mapping without an object)
   */
  public static MapRequest decode(long addr, long len, int prot, int flags, UvmObject obj, long off)
      throws UvmException {
    int type = flags & Mman.MAP_TYPE;
    if (type != Mman.MAP_SHARED && type != Mman.MAP_PRIVATE && type != Mman.MAP_SHARED_VALIDATE) {
      throw new UvmException(Errno.EINVAL, "mmap: mapping type 0x" + Integer.toHexString(type));
    }
    if (type == Mman.MAP_SHARED_VALIDATE && (flags & ~Mman.MAP_KNOWN) != 0) {
      throw new UvmException(
          Errno.EOPNOTSUPP,
          "mmap: MAP_SHARED_VALIDATE with unknown flags 0x"
              + Integer.toHexString(flags & ~Mman.MAP_KNOWN));
    }
    if ((flags & Mman.MAP_HUGETLB) != 0) {
      // hugetlbfs with no huge pages reserved (vm.nr_hugepages 0): Linux's ENOMEM
      throw new UvmException(Errno.ENOMEM, "mmap: MAP_HUGETLB, no huge pages");
    }
    if (len == 0 || (prot & ~Prot.ALL) != 0 || (off & PAGE_MASK) != 0) {
      throw new UvmException(Errno.EINVAL, "mmap: length 0, bad prot or misaligned offset");
    }
    boolean anon = (flags & Mman.MAP_ANONYMOUS) != 0;
    if (!anon && obj == null) {
      throw new UvmException(Errno.EBADF, "mmap: file mapping without a file");
    }
    Placement placement;
    if ((flags & Mman.MAP_FIXED_NOREPLACE) != 0) {
      placement = Placement.FIXED_NOREPLACE; // Linux: NOREPLACE wins over MAP_FIXED
    } else if ((flags & Mman.MAP_FIXED) != 0) {
      placement = Placement.FIXED;
    } else {
      placement = Placement.HINT;
    }
    boolean populate = (flags & (Mman.MAP_POPULATE | Mman.MAP_NONBLOCK)) == Mman.MAP_POPULATE;
    return MapRequest.anon(len, prot)
        .at(addr, placement)
        .withShared(type != Mman.MAP_PRIVATE)
        .withObject(anon ? null : obj, anon ? 0 : off)
        .withWired((flags & Mman.MAP_LOCKED) != 0)
        .withPopulate(populate);
  }
}
