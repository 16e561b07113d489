package org.uvm4j.kernel.mempolicy;

/**
 * Linux's {@code <linux/mempolicy.h>} constants (uapi, Linux 6.12): policy modes, mode flags, the
 * get_mempolicy and mbind flags, and the internal flags a policy may carry.
 */
public final class Mpol {
  public static final int MPOL_DEFAULT = 0;
  public static final int MPOL_PREFERRED = 1;
  public static final int MPOL_BIND = 2;
  public static final int MPOL_INTERLEAVE = 3;
  public static final int MPOL_LOCAL = 4;
  public static final int MPOL_PREFERRED_MANY = 5;
  public static final int MPOL_WEIGHTED_INTERLEAVE = 6;

  /** One past the last mode. */
  public static final int MPOL_MAX = 7;

  public static final int MPOL_F_STATIC_NODES = 1 << 15;
  public static final int MPOL_F_RELATIVE_NODES = 1 << 14;
  public static final int MPOL_F_NUMA_BALANCING = 1 << 13;

  /** The optional mode flags set_mempolicy and mbind take in their mode argument. */
  public static final int MPOL_MODE_FLAGS =
      MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES | MPOL_F_NUMA_BALANCING;

  /** get_mempolicy: return a node instead of the policy. */
  public static final int MPOL_F_NODE = 1;

  /** get_mempolicy: the policy of the mapping at an address. */
  public static final int MPOL_F_ADDR = 1 << 1;

  /** get_mempolicy: the nodes the task may use. */
  public static final int MPOL_F_MEMS_ALLOWED = 1 << 2;

  public static final int MPOL_MF_STRICT = 1;
  public static final int MPOL_MF_MOVE = 1 << 1;
  public static final int MPOL_MF_MOVE_ALL = 1 << 2;

  /** The mbind flags a caller may pass. */
  public static final int MPOL_MF_VALID = MPOL_MF_STRICT | MPOL_MF_MOVE | MPOL_MF_MOVE_ALL;

  /** Internal: migrate on fault (set with MPOL_F_NUMA_BALANCING). */
  public static final int MPOL_F_MOF = 1 << 3;

  /** Internal: migrate on protnone reference on node (set with MPOL_F_NUMA_BALANCING). */
  public static final int MPOL_F_MORON = 1 << 4;

  /** {@code NUMA_NO_NODE}: no home node. */
  public static final int NUMA_NO_NODE = -1;

  private Mpol() {}
}
