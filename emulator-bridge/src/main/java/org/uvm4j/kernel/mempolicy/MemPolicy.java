package org.uvm4j.kernel.mempolicy;

import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.EntryPolicy;

/**
 * A Linux memory policy ({@code struct mempolicy}): a task's (set_mempolicy) or a mapping's (mbind,
 * on {@code VmMapEntry.policy}). The default policy is no object at all (null), as Linux's NULL
 * {@code vm_policy} / {@code task->mempolicy}.
 *
 * <p>Invariant: immutable; {@link #equals} is Linux's {@code mpol_equal} (mode, flags, home node,
 * the user mask when kept, and the nodes).
 *
 * @param mode an {@code MPOL_*} mode other than MPOL_DEFAULT
 * @param flags the mode flags ({@link Mpol#MPOL_MODE_FLAGS}) and the internal flags they imply
 *     ({@link Mpol#MPOL_F_MOF}, {@link Mpol#MPOL_F_MORON} for MPOL_F_NUMA_BALANCING)
 * @param nodes the effective nodes ({@code pol->nodes}): online nodes only, empty for MPOL_LOCAL
 * @param userNodemask the nodes as the caller gave them ({@code w.user_nodemask}) when the policy
 *     keeps them (MPOL_F_STATIC_NODES, MPOL_F_RELATIVE_NODES), else null
 * @param homeNode set_mempolicy_home_node's node, or {@link Mpol#NUMA_NO_NODE}
 */
public record MemPolicy(int mode, int flags, Nodemask nodes, Nodemask userNodemask, int homeNode)
    implements EntryPolicy {

  /**
   * mm/mempolicy.c: mpol_new then mpol_set_nodemask — the policy for {@code mode} with {@code
   * flags} and the caller's {@code nodes}, on this machine's online nodes ({@link Numa#ONLINE});
   * null for MPOL_DEFAULT. MPOL_PREFERRED with no nodes is MPOL_LOCAL.
   *
   * @throws UvmException EINVAL: nodes with MPOL_DEFAULT or MPOL_LOCAL; no nodes for a mode that
   *     needs them; MPOL_F_STATIC_NODES/RELATIVE_NODES with an empty MPOL_PREFERRED or with
   *     MPOL_LOCAL; no online node among them ({@code mpol_new_nodemask}'s empty mask)
   */
  // mm/mempolicy.c: mpol_new, mpol_set_nodemask
  public static MemPolicy create(int mode, int flags, Nodemask nodes) throws UvmException {
    boolean userNodes = (flags & (Mpol.MPOL_F_STATIC_NODES | Mpol.MPOL_F_RELATIVE_NODES)) != 0;
    if (mode == Mpol.MPOL_DEFAULT) {
      if (!nodes.isEmpty()) {
        throw new UvmException(Errno.EINVAL, "MPOL_DEFAULT with nodes");
      }
      return null;
    }
    if (mode == Mpol.MPOL_PREFERRED) {
      if (nodes.isEmpty()) {
        if (userNodes) {
          throw new UvmException(Errno.EINVAL, "empty MPOL_PREFERRED with static/relative nodes");
        }
        mode = Mpol.MPOL_LOCAL;
      }
    } else if (mode == Mpol.MPOL_LOCAL) {
      if (!nodes.isEmpty() || userNodes) {
        throw new UvmException(Errno.EINVAL, "MPOL_LOCAL with nodes or node flags");
      }
    } else if (nodes.isEmpty()) {
      throw new UvmException(Errno.EINVAL, "no nodes");
    }
    if (mode == Mpol.MPOL_LOCAL) {
      return new MemPolicy(mode, flags, Nodemask.EMPTY, null, Mpol.NUMA_NO_NODE);
    }
    // mpol_set_nodemask: the caller's nodes on the allowed ones (cpuset mems_allowed & N_MEMORY)
    Nodemask allowed = Numa.ONLINE;
    Nodemask effective =
        (flags & Mpol.MPOL_F_RELATIVE_NODES) != 0
            ? nodes.fold(allowed.weight()).onto(allowed) // mpol_relative_nodemask
            : nodes.and(allowed);
    if (effective.isEmpty()) {
      throw new UvmException(Errno.EINVAL, "no online node in " + nodes);
    }
    if (mode == Mpol.MPOL_PREFERRED) {
      effective = Nodemask.of(effective.first()); // mpol_new_preferred: the first node only
    }
    return new MemPolicy(mode, flags, effective, userNodes ? nodes : null, Mpol.NUMA_NO_NODE);
  }

  /** {@code mpol_store_user_nodemask}: MPOL_F_STATIC_NODES or MPOL_F_RELATIVE_NODES. */
  public boolean storesUserNodemask() {
    return userNodemask != null;
  }

  /** The mode flags get_mempolicy reports ({@code flags & MPOL_MODE_FLAGS}). */
  public int modeFlags() {
    return flags & Mpol.MPOL_MODE_FLAGS;
  }

  /**
   * The nodes get_mempolicy reports: the caller's own mask when the policy keeps it, else {@code
   * get_policy_nodemask} (the effective nodes; none for MPOL_LOCAL).
   */
  // mm/mempolicy.c: do_get_mempolicy, get_policy_nodemask
  public Nodemask reportedNodes() {
    return userNodemask != null ? userNodemask : nodes;
  }

  /** A copy with home node {@code node} ({@code mpol_dup}, then {@code home_node = node}). */
  public MemPolicy withHomeNode(int node) {
    return new MemPolicy(mode, flags, nodes, userNodemask, node);
  }

  /** Whether set_mempolicy_home_node may set a home node: MPOL_BIND and MPOL_PREFERRED_MANY. */
  public boolean takesHomeNode() {
    return mode == Mpol.MPOL_BIND || mode == Mpol.MPOL_PREFERRED_MANY;
  }

  /** MPOL_INTERLEAVE or MPOL_WEIGHTED_INTERLEAVE. */
  public boolean interleaves() {
    return mode == Mpol.MPOL_INTERLEAVE || mode == Mpol.MPOL_WEIGHTED_INTERLEAVE;
  }
}
