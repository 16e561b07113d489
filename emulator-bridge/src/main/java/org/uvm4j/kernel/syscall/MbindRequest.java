package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.mempolicy.MemPolicy;
import org.uvm4j.kernel.mempolicy.Mpol;
import org.uvm4j.kernel.mempolicy.Nodemask;
import org.uvm4j.kernel.mempolicy.Numa;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * An mbind call decoded at the syscall edge (as {@link MmapFlags} builds a map request): Linux's
 * {@code do_mbind} checks up to the page walk, in its order, turned into what the map does ({@code
 * Vmspace.bindPolicy}).
 *
 * @param start the first address (page aligned)
 * @param end the end of the range ({@code start} plus the length rounded up to pages); equal to
 *     {@code start} when there is nothing to do
 * @param policy the new policy, null for MPOL_DEFAULT
 * @param holesOk MPOL_DEFAULT: unmapped parts of the range are skipped ({@code
 *     MPOL_MF_DISCONTIG_OK}) rather than EFAULT
 * @param failOnResident MPOL_MF_STRICT without MPOL_MF_MOVE/MOVE_ALL on a mask without node 0: any
 *     resident page of the range is misplaced and cannot move, so the call fails with EIO
 */
record MbindRequest(
    long start, long end, MemPolicy policy, boolean holesOk, boolean failOnResident) {
  private static final long PAGE_MASK = 0xfffL;

  /** True when the range is empty (mbind returns 0 without looking at the policy). */
  boolean empty() {
    return start == end;
  }

  /**
   * Decodes mbind's checks for {@code [start, start + len)} with the sanitized {@code mode}, the
   * caller's {@code nodes} and the {@code MPOL_MF_*} {@code flags}. The caller never has
   * CAP_SYS_NICE (every guest is an unprivileged user).
   *
   * @throws UvmException EINVAL (unknown flags, misaligned start, the range wraps, a mode and node
   *     mask that do not go together or no online node), EPERM (MPOL_MF_MOVE_ALL)
   */
  // mm/mempolicy.c: do_mbind (up to queue_pages_range)
  static MbindRequest decode(long start, long len, MpolMode mode, Nodemask nodes, int flags)
      throws UvmException {
    long mf = flags & 0xffff_ffffL; // unsigned int
    if ((mf & ~(long) Mpol.MPOL_MF_VALID) != 0) {
      throw new UvmException(Errno.EINVAL, "mbind: flags 0x" + Long.toHexString(mf));
    }
    if ((mf & Mpol.MPOL_MF_MOVE_ALL) != 0) {
      throw new UvmException(Errno.EPERM, "mbind: MPOL_MF_MOVE_ALL needs CAP_SYS_NICE");
    }
    if ((start & PAGE_MASK) != 0) {
      throw new UvmException(Errno.EINVAL, "mbind: misaligned start");
    }
    if (mode.mode() == Mpol.MPOL_DEFAULT) {
      mf &= ~Mpol.MPOL_MF_STRICT;
    }
    long end = start + ((len + PAGE_MASK) & ~PAGE_MASK); // PAGE_ALIGN wraps as in C
    if (Long.compareUnsigned(end, start) < 0) {
      throw new UvmException(Errno.EINVAL, "mbind: range wraps");
    }
    if (end == start) {
      return new MbindRequest(start, end, null, true, false);
    }
    MemPolicy policy = MemPolicy.create(mode.mode(), mode.flags(), nodes);
    // queue_folio_required with MPOL_MF_INVERT: a page is misplaced when its node (0) is not in the
    // caller's mask; strictly_unmovable: STRICT without a MOVE flag fails on the first one
    boolean strictOnly =
        (mf & (Mpol.MPOL_MF_STRICT | Mpol.MPOL_MF_MOVE | Mpol.MPOL_MF_MOVE_ALL))
            == Mpol.MPOL_MF_STRICT;
    boolean misplaced = !nodes.contains(Numa.NODE);
    return new MbindRequest(start, end, policy, policy == null, strictOnly && misplaced);
  }
}
