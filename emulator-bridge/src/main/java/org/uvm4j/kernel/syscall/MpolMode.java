package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.mempolicy.Mpol;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * The mode argument of set_mempolicy and mbind split into the policy mode and its flags, checked as
 * Linux's {@code sanitize_mpol_flags}: the mode must be below MPOL_MAX, MPOL_F_STATIC_NODES and
 * MPOL_F_RELATIVE_NODES exclude each other, MPOL_F_NUMA_BALANCING goes only with MPOL_BIND and
 * MPOL_PREFERRED_MANY (and adds the internal MPOL_F_MOF | MPOL_F_MORON).
 *
 * @param mode the {@code MPOL_*} mode
 * @param flags the mode flags, plus the internal flags they imply
 */
record MpolMode(int mode, int flags) {
  /**
   * Decodes {@code arg} (the C {@code int}: mbind's {@code unsigned long mode} is truncated to it).
   *
   * @throws UvmException EINVAL
   */
  // mm/mempolicy.c: sanitize_mpol_flags
  static MpolMode decode(int arg) throws UvmException {
    int flags = arg & Mpol.MPOL_MODE_FLAGS;
    int mode = arg & ~Mpol.MPOL_MODE_FLAGS;
    if (Integer.compareUnsigned(mode, Mpol.MPOL_MAX) >= 0) {
      throw new UvmException(Errno.EINVAL, "mempolicy: mode " + mode);
    }
    if ((flags & Mpol.MPOL_F_STATIC_NODES) != 0 && (flags & Mpol.MPOL_F_RELATIVE_NODES) != 0) {
      throw new UvmException(Errno.EINVAL, "mempolicy: static and relative nodes");
    }
    if ((flags & Mpol.MPOL_F_NUMA_BALANCING) != 0) {
      if (mode != Mpol.MPOL_BIND && mode != Mpol.MPOL_PREFERRED_MANY) {
        throw new UvmException(Errno.EINVAL, "mempolicy: NUMA balancing with mode " + mode);
      }
      flags |= Mpol.MPOL_F_MOF | Mpol.MPOL_F_MORON;
    }
    return new MpolMode(mode, flags);
  }
}
