package org.uvm4j.kernel.mempolicy;

/**
 * The NUMA topology of uvm4j's machine: one CPU and all of its memory on node 0, as a Linux kernel
 * with {@code CONFIG_NUMA} sees a one-node machine: {@code nr_node_ids} is 1, the online nodes, the
 * nodes with memory ({@code N_MEMORY}) and every task's cpuset {@code mems_allowed} are {0}, and
 * every page lives on node 0. The node masks are {@link Nodemask#MAX_NUMNODES} bits wide, as in
 * Debian's kernel ({@code CONFIG_NODES_SHIFT=10}).
 */
public final class Numa {
  /** {@code nr_node_ids}: one more than the highest possible node. */
  public static final int NR_NODE_IDS = 1;

  /** The node every CPU and every page belongs to. */
  public static final int NODE = 0;

  /** The online nodes: {@code N_ONLINE}, {@code N_MEMORY}, and each task's mems_allowed. */
  public static final Nodemask ONLINE = Nodemask.of(NODE);

  private Numa() {}

  /** {@code node_online(node)} (also {@code node_state(node, N_MEMORY)}). */
  public static boolean online(long node) {
    return node >= 0 && node < Nodemask.MAX_NUMNODES && ONLINE.contains((int) node);
  }
}
