package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.mempolicy.Nodemask;
import org.uvm4j.kernel.mempolicy.Numa;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/**
 * Node masks in user memory, as Linux's {@code get_nodes} and {@code copy_nodes_to_user} move them:
 * an array of 64-bit words, bit {@code n} for node {@code n}, {@code maxnode} giving its size.
 *
 * <p>Copy-in ({@code get_nodes}) reads {@code maxnode - 1} bits (Linux's historical off-by-one):
 * none when that is 0 or the pointer is NULL; EINVAL beyond a page of bits (32,768); bits at or
 * above {@link Nodemask#MAX_NUMNODES} must be zero (EINVAL), read a word at a time from the end;
 * EFAULT when a word cannot be read. Copy-out ({@code copy_nodes_to_user}) writes {@code
 * ALIGN(maxnode - 1, 64) / 8} bytes: the words beyond {@code nr_node_ids} (1 here: one word) are
 * cleared first, at most a page (EINVAL beyond), then the mask's words.
 */
final class NodemaskIo {
  private static final long PAGE_SIZE = 4096;
  private static final int BITS_PER_LONG = 64;

  private NodemaskIo() {}

  /**
   * The node mask at {@code nmask} of {@code maxnode} bits as the caller passes them.
   *
   * @throws UvmException EINVAL (too large, nodes beyond MAX_NUMNODES), EFAULT
   */
  // mm/mempolicy.c: get_nodes
  static Nodemask getNodes(UserMemory mem, long nmask, long maxnode) throws UvmException {
    maxnode--;
    if (maxnode == 0 || nmask == 0) {
      return Nodemask.EMPTY;
    }
    if (Long.compareUnsigned(maxnode, PAGE_SIZE * 8) > 0) {
      throw new UvmException(Errno.EINVAL, "node mask of " + maxnode + " bits");
    }
    // more nodes than MAX_NUMNODES: the part above must be zero, one word at a time from the end
    while (maxnode > Nodemask.MAX_NUMNODES) {
      long bits = Math.min(maxnode, BITS_PER_LONG);
      long t = getBitmap(mem, nmask + ((maxnode - 1) / BITS_PER_LONG) * 8, bits)[0];
      if (maxnode - bits >= Nodemask.MAX_NUMNODES) {
        maxnode -= bits;
      } else {
        maxnode = Nodemask.MAX_NUMNODES;
        t &= ~((1L << (Nodemask.MAX_NUMNODES % BITS_PER_LONG)) - 1);
      }
      if (t != 0) {
        throw new UvmException(Errno.EINVAL, "nodes at or above " + Nodemask.MAX_NUMNODES);
      }
    }
    return Nodemask.ofWords(getBitmap(mem, nmask, maxnode));
  }

  /** {@code get_bitmap}: {@code BITS_TO_LONGS(maxnode)} words, the last cut to {@code maxnode}. */
  // mm/mempolicy.c: get_bitmap
  private static long[] getBitmap(UserMemory mem, long va, long maxnode) throws UvmException {
    int nlongs = (int) ((maxnode + BITS_PER_LONG - 1) / BITS_PER_LONG);
    long[] w = new long[nlongs];
    for (int i = 0; i < nlongs; i++) {
      w[i] = mem.readLong(va + 8L * i);
    }
    if (maxnode % BITS_PER_LONG != 0) {
      w[nlongs - 1] &= (1L << (maxnode % BITS_PER_LONG)) - 1;
    }
    return w;
  }

  /**
   * Writes {@code nodes} to the {@code maxnode}-bit mask at {@code mask}.
   *
   * @return 0, or EINVAL (more than a page to clear), EFAULT
   */
  // mm/mempolicy.c: copy_nodes_to_user
  static int copyNodesToUser(UserMemory mem, long mask, long maxnode, Nodemask nodes) {
    long copy = (((maxnode - 1) + 63) & ~63L) >>> 3; // ALIGN(maxnode - 1, 64) / 8, unsigned
    long nbytes = ((Numa.NR_NODE_IDS + BITS_PER_LONG - 1) / BITS_PER_LONG) * 8L;
    if (Long.compareUnsigned(copy, nbytes) > 0) {
      if (Long.compareUnsigned(copy, PAGE_SIZE) > 0) {
        return Errno.EINVAL;
      }
      if (mem.write(mask + nbytes, new byte[(int) (copy - nbytes)]) != 0) {
        return Errno.EFAULT; // clear_user
      }
      copy = nbytes;
    }
    byte[] out = nodes.toBytes((int) copy);
    return out.length == 0 || mem.write(mask, out) == 0 ? 0 : Errno.EFAULT;
  }
}
