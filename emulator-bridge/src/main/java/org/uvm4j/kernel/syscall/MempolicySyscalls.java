package org.uvm4j.kernel.syscall;

import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.ProcTable;
import org.uvm4j.kernel.mempolicy.MemPolicy;
import org.uvm4j.kernel.mempolicy.Mpol;
import org.uvm4j.kernel.mempolicy.Nodemask;
import org.uvm4j.kernel.mempolicy.Numa;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.Kassert;
import org.uvm4j.uvm.UvmException;
import org.uvm4j.uvm.map.Vmspace;

/**
 * Linux's NUMA memory-policy calls ({@code mm/mempolicy.c}, {@code mm/migrate.c}) on uvm4j's
 * one-node machine ({@link Numa}): set_mempolicy and get_mempolicy (the task's policy on {@link
 * Proc}, a mapping's on its map entries), mbind (the per-mapping policy, {@code
 * Vmspace.bindPolicy}), set_mempolicy_home_node, migrate_pages and move_pages. Arguments are
 * checked in Linux's order with Linux's errors ({@link MpolMode}, {@link NodemaskIo}, {@link
 * MbindRequest}).
 *
 * <p>Every page is on node 0 and no other node is online, so a page never has to move: migration
 * ({@code MPOL_MF_MOVE}, migrate_pages, move_pages with nodes) finds every page already where the
 * policy wants it and reports what Linux reports then (0 pages left behind; status 0). Linux would
 * still copy a misplaced page to a new frame of node 0 for mbind(MPOL_LOCAL, MPOL_MF_MOVE); uvm4j
 * leaves it in its frame (nothing a guest can see without a physical address). No guest has
 * CAP_SYS_NICE: MPOL_MF_MOVE_ALL is EPERM, as is migrate_pages to nodes outside the target's.
 */
final class MempolicySyscalls {
  /** Linux ENODEV (not in {@link Errno}): move_pages to a node that does not exist. */
  static final int ENODEV = 19;

  /** do_pages_stat's chunk of pages ({@code DO_PAGES_STAT_CHUNK_NR}). */
  private static final int STAT_CHUNK = 16;

  private static final long PAGE_MASK = 0xfffL;

  private final ProcTable procs;

  MempolicySyscalls(ProcTable procs) {
    this.procs = procs;
  }

  // mm/mempolicy.c: SYSCALL_DEFINE6(mbind, start, len, mode, nmask, maxnode, unsigned int flags)
  long mbind(SyscallContext c) throws UvmException {
    MpolMode mode = MpolMode.decode((int) c.raw(2));
    Nodemask nodes = NodemaskIo.getNodes(c.mem(), c.pointer(3), c.raw(4));
    MbindRequest r = MbindRequest.decode(c.pointer(0), c.size(1), mode, nodes, c.flags(5));
    if (r.empty()) {
      return 0;
    }
    return -c.vm()
        .bindPolicy(r.start(), clampEnd(r.end()), r.policy(), r.holesOk(), r.failOnResident());
  }

  // mm/mempolicy.c: SYSCALL_DEFINE3(set_mempolicy, int mode, nmask, maxnode)
  long setMempolicy(SyscallContext c) throws UvmException {
    MpolMode mode = MpolMode.decode(c.int32(0));
    Nodemask nodes = NodemaskIo.getNodes(c.mem(), c.pointer(1), c.raw(2));
    c.proc().setMempolicy(MemPolicy.create(mode.mode(), mode.flags(), nodes)); // do_set_mempolicy
    return 0;
  }

  // mm/mempolicy.c: SYSCALL_DEFINE5(get_mempolicy, int *policy, nmask, maxnode, addr, flags)
  long getMempolicy(SyscallContext c) throws UvmException {
    long policyPtr = c.pointer(0);
    long nmask = c.pointer(1);
    long maxnode = c.raw(2);
    long addr = c.pointer(3);
    long flags = c.raw(4);
    if (nmask != 0 && Long.compareUnsigned(maxnode, Numa.NR_NODE_IDS) < 0) {
      return -Errno.EINVAL;
    }
    // do_get_mempolicy
    if ((flags & ~(long) (Mpol.MPOL_F_NODE | Mpol.MPOL_F_ADDR | Mpol.MPOL_F_MEMS_ALLOWED)) != 0) {
      return -Errno.EINVAL;
    }
    int pval;
    Nodemask nodes;
    if ((flags & Mpol.MPOL_F_MEMS_ALLOWED) != 0) {
      if ((flags & (Mpol.MPOL_F_NODE | Mpol.MPOL_F_ADDR)) != 0) {
        return -Errno.EINVAL;
      }
      pval = 0;
      nodes = Numa.ONLINE; // cpuset_current_mems_allowed
    } else {
      MemPolicy pol;
      boolean byAddr = (flags & Mpol.MPOL_F_ADDR) != 0;
      if (byAddr) {
        pol = (MemPolicy) c.vm().policyAt(addr); // EFAULT: no mapping there
      } else if (addr != 0) {
        return -Errno.EINVAL;
      } else {
        pol = c.proc().mempolicy();
      }
      if ((flags & Mpol.MPOL_F_NODE) != 0) {
        if (byAddr) {
          pval = lookupNode(c.vm(), addr);
          if (pval < 0) {
            return pval;
          }
        } else if (pol != null && pol.interleaves()) {
          // the node the next interleaved allocation takes: next_node_in(il_prev, nodes); il_prev
          // is the node of the last one (MAX_NUMNODES - 1 before any), so on one node always it
          pval = pol.nodes().nextIn(Nodemask.MAX_NUMNODES - 1);
        } else {
          return -Errno.EINVAL;
        }
      } else {
        pval = pol == null ? Mpol.MPOL_DEFAULT : pol.mode() | pol.modeFlags();
      }
      nodes = pol == null ? Nodemask.EMPTY : pol.reportedNodes();
    }
    if (policyPtr != 0 && c.mem().writeInt(policyPtr, pval) != 0) {
      return -Errno.EFAULT;
    }
    if (nmask != 0) {
      return -NodemaskIo.copyNodesToUser(c.mem(), nmask, maxnode, nodes);
    }
    return 0;
  }

  /**
   * lookup_node: the node of the page at {@code addr}, faulted in for reading as {@code
   * get_user_pages_fast(addr, 1, 0)} does; -EFAULT when it cannot be read.
   */
  // mm/mempolicy.c: lookup_node
  private static int lookupNode(Vmspace vm, long addr) {
    byte[] one = new byte[1];
    if (vm.copyin(addr & ~PAGE_MASK, one, 0, 1) != 0) {
      return -Errno.EFAULT;
    }
    return Numa.NODE; // page_to_nid: every page is on node 0
  }

  // mm/mempolicy.c: SYSCALL_DEFINE4(set_mempolicy_home_node, start, len, home_node, flags)
  long setMempolicyHomeNode(SyscallContext c) {
    long start = c.pointer(0);
    long len = c.size(1);
    long homeNode = c.raw(2);
    long flags = c.raw(3);
    if ((start & PAGE_MASK) != 0 || flags != 0) {
      return -Errno.EINVAL;
    }
    if (Long.compareUnsigned(homeNode, Nodemask.MAX_NUMNODES) >= 0 || !Numa.online(homeNode)) {
      return -Errno.EINVAL;
    }
    long end = start + ((len + PAGE_MASK) & ~PAGE_MASK);
    if (Long.compareUnsigned(end, start) < 0) {
      return -Errno.EINVAL;
    }
    if (end == start) {
      return 0;
    }
    boolean[] sawPolicy = {false};
    int err =
        c.vm()
            .updatePolicies(
                start,
                clampEnd(end),
                old -> {
                  if (old == null) {
                    return null; // the default policy: left alone
                  }
                  MemPolicy p = (MemPolicy) old;
                  if (!p.takesHomeNode()) {
                    throw new UvmException(Errno.EOPNOTSUPP, "home node for mode " + p.mode());
                  }
                  sawPolicy[0] = true;
                  return p.withHomeNode((int) homeNode);
                });
    if (err != 0) {
      return -err;
    }
    return sawPolicy[0] ? 0 : -Errno.ENOENT; // no mapping in the range had a policy
  }

  // mm/mempolicy.c: SYSCALL_DEFINE4(migrate_pages, pid, maxnode, old_nodes, new_nodes)
  long migratePages(SyscallContext c) throws UvmException {
    int pid = c.pid(0);
    long maxnode = c.raw(1);
    Nodemask from = NodemaskIo.getNodes(c.mem(), c.pointer(2), maxnode);
    Nodemask to = NodemaskIo.getNodes(c.mem(), c.pointer(3), maxnode);
    Proc task = pid != 0 ? procs.find(pid) : c.proc();
    if (task == null) {
      return -Errno.ESRCH;
    }
    if (!c.proc().mayAccessMemoryOf(task)) {
      return -Errno.EPERM;
    }
    if (!to.subsetOf(Numa.ONLINE)) {
      return -Errno.EPERM; // nodes outside the target's cpuset, and no CAP_SYS_NICE
    }
    to = to.and(Numa.ONLINE);
    if (to.isEmpty()) {
      return -Errno.EINVAL;
    }
    if (task.vm() == null) {
      return -Errno.EINVAL; // get_task_mm: no address space (a zombie)
    }
    return doMigratePages(from, to);
  }

  /**
   * do_migrate_pages: pairs each source node of {@code from} with its destination in {@code to}
   * ({@code node_remap}) and moves the pages of each pair whose nodes differ; the result is the
   * number of pages that could not be moved. A pair only ever has a source other than node 0 (the
   * destination is in {@code to}, which holds online nodes only, i.e. node 0), and no page lives
   * there, so each {@code migrate_to_node} queues none and nothing fails.
   */
  // mm/mempolicy.c: do_migrate_pages
  private static long doMigratePages(Nodemask from, Nodemask to) {
    long failed = 0;
    Nodemask tmp = from;
    while (!tmp.isEmpty()) {
      int source = Mpol.NUMA_NO_NODE;
      int dest = 0;
      for (int s = tmp.first(); s < Nodemask.MAX_NUMNODES; s = tmp.next(s)) {
        if (from.weight() != to.weight() && to.contains(s)) {
          continue;
        }
        int d = Nodemask.remap(s, from, to);
        if (s == d) {
          continue;
        }
        source = s;
        dest = d;
        if (!tmp.contains(dest)) {
          break;
        }
      }
      if (source == Mpol.NUMA_NO_NODE) {
        break;
      }
      tmp = tmp.without(source); // node_clear(source, tmp)
      failed += migrateToNode(source, dest);
    }
    return Math.min(failed, Integer.MAX_VALUE);
  }

  /**
   * migrate_to_node: queues the pages on {@code source} and moves them to {@code dest}; the result
   * is how many could not be moved. Every page is on node 0, and node 0 is never a source here (its
   * destination would have to be another online node), so no page is queued and none fails.
   */
  // mm/mempolicy.c: migrate_to_node
  private static long migrateToNode(int source, int dest) {
    Kassert.check(source != Numa.NODE && dest == Numa.NODE, "migrate_pages: only node 0 is online");
    return 0;
  }

  // mm/migrate.c: SYSCALL_DEFINE6(move_pages, pid, nr_pages, pages, nodes, status, int flags)
  long movePages(SyscallContext c) throws UvmException {
    int pid = c.pid(0);
    long nrPages = c.raw(1);
    long pages = c.pointer(2);
    long nodes = c.pointer(3);
    long status = c.pointer(4);
    int flags = c.flags(5);
    if ((flags & ~(Mpol.MPOL_MF_MOVE | Mpol.MPOL_MF_MOVE_ALL)) != 0) {
      return -Errno.EINVAL;
    }
    if ((flags & Mpol.MPOL_MF_MOVE_ALL) != 0) {
      return -Errno.EPERM; // no CAP_SYS_NICE
    }
    Vmspace target;
    if (pid == 0) {
      target = c.vm();
    } else {
      // find_mm_struct
      Proc task = procs.find(pid);
      if (task == null) {
        return -Errno.ESRCH;
      }
      if (!c.proc().mayAccessMemoryOf(task)) {
        return -Errno.EPERM;
      }
      if (task.vm() == null) {
        return -Errno.EINVAL;
      }
      target = task.vm();
    }
    return nodes != 0
        ? doPagesMove(c.mem(), target, nrPages, pages, nodes, status)
        : doPagesStat(c.mem(), target, nrPages, pages, status);
  }

  /**
   * do_pages_move: per page, its target node must exist (ENODEV) and be allowed (EACCES); a page
   * already on its node (every resident page: all are on node 0) gets that node as its status, one
   * that cannot be found -ENOENT (nothing resident) or -EFAULT (not mapped). Bad arrays end the
   * call with EFAULT, the statuses before stored.
   */
  // mm/migrate.c: do_pages_move, add_folio_for_migration
  private static long doPagesMove(
      UserMemory mem, Vmspace target, long nrPages, long pages, long nodes, long status) {
    for (long i = 0; Long.compareUnsigned(i, nrPages) < 0; i++) {
      long p;
      int node;
      try {
        p = mem.readLong(pages + 8 * i);
        node = mem.readInt(nodes + 4 * i);
      } catch (UvmException e) {
        return -Errno.EFAULT;
      }
      if (node < 0 || node >= Nodemask.MAX_NUMNODES || !Numa.online(node)) {
        return -ENODEV; // no such node with memory (N_MEMORY)
      }
      // Linux's EACCES for a node outside the target's mems_allowed: the same set as N_MEMORY here
      int st = pageStatus(target, p);
      if (mem.writeInt(status + 4 * i, st < 0 ? st : node) != 0) {
        return -Errno.EFAULT;
      }
    }
    return 0;
  }

  /**
   * do_pages_stat: the node of each page, or -ENOENT (mapped, nothing resident), -EFAULT (not
   * mapped), in chunks of 16 as Linux copies them; a chunk that cannot be read or written ends the
   * call with EFAULT (the chunks before written).
   */
  // mm/migrate.c: do_pages_stat, do_pages_stat_array
  private static long doPagesStat(
      UserMemory mem, Vmspace target, long nrPages, long pages, long status) {
    while (nrPages != 0) {
      int n = Long.compareUnsigned(nrPages, STAT_CHUNK) < 0 ? (int) nrPages : STAT_CHUNK;
      long[] chunk = new long[n];
      try {
        for (int i = 0; i < n; i++) {
          chunk[i] = mem.readLong(pages + 8L * i);
        }
      } catch (UvmException e) {
        break;
      }
      byte[] out = new byte[4 * n];
      for (int i = 0; i < n; i++) {
        int st = pageStatus(target, chunk[i]);
        for (int b = 0; b < 4; b++) {
          out[4 * i + b] = (byte) (st >>> (8 * b));
        }
      }
      if (mem.write(status, out) != 0) {
        break;
      }
      pages += 8L * n;
      status += 4L * n;
      nrPages -= n;
    }
    return nrPages != 0 ? -Errno.EFAULT : 0;
  }

  /** The node of the page at {@code va}, or -ENOENT (nothing resident), -EFAULT (not mapped). */
  private static int pageStatus(Vmspace vm, long va) {
    return switch (vm.residency(va)) {
      case Vmspace.PAGE_RESIDENT -> Numa.NODE;
      case Vmspace.PAGE_ABSENT -> -Errno.ENOENT;
      default -> -Errno.EFAULT;
    };
  }

  /**
   * An end beyond 2^63 as the map's signed addresses can hold: the range covers everything above
   * {@code start} either way.
   */
  private static long clampEnd(long end) {
    return end < 0 ? Long.MAX_VALUE : end;
  }
}
