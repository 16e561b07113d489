package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.mempolicy.MemPolicy;
import org.uvm4j.kernel.mempolicy.Mpol;
import org.uvm4j.uvm.Errno;

/**
 * The memory-policy calls run directly against a process (no guest, no CPU), one case per Linux
 * check of {@code mm/mempolicy.c} and {@code mm/migrate.c} on a one-node machine. The same cases
 * run as a guest against the host's own answers in {@code guest-programs/mempolicy.c}.
 */
class MempolicySyscallsTest {
  static final long PAGE = 4096;
  static final int BIND = Mpol.MPOL_BIND;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  MempolicySyscalls h;
  MemorySyscalls m;
  long buf; // 8 pages of scratch memory for masks, statuses and page arrays

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(dir);
    p = f.k.newProc();
    h = f.h.mempolicy();
    m = f.h.memory();
    buf = f.userMemory(p, 8 * PAGE);
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  /** Puts {@code words} at {@code buf + off} and returns its address. */
  long mask(long off, long... words) {
    for (int i = 0; i < words.length; i++) {
      assertThat(f.mem(p).writeLong(buf + off + 8L * i, words[i])).isZero();
    }
    return buf + off;
  }

  long setPolicy(int mode, long nmask, long maxnode) {
    return f.call(p, h::setMempolicy, mode, nmask, maxnode);
  }

  /** get_mempolicy into buf+4096 (mode) and buf+4104 (mask): returns the result. */
  long getPolicy(long maxnode, long addr, long flags) {
    return f.call(p, h::getMempolicy, buf + 4096, buf + 4104, maxnode, addr, flags);
  }

  int mode() throws Exception {
    return f.readInt(p, buf + 4096);
  }

  long nodes() throws Exception {
    return f.readLong(p, buf + 4104);
  }

  long mbind(long a, long len, long mode, long nmask, long maxnode, long flags) {
    return f.call(p, h::mbind, a, len, mode, nmask, maxnode, flags);
  }

  @Test
  void theDefaultTaskPolicyReadsAsMpolDefaultWithNoNodes() throws Exception {
    assertThat(getPolicy(64, 0, 0)).isZero();
    assertThat(mode()).isEqualTo(Mpol.MPOL_DEFAULT);
    assertThat(nodes()).isZero();
    assertThat(p.mempolicy()).isNull();
  }

  @Test
  void bindKeepsOnlyOnlineNodesAndNeedsOne() throws Exception {
    assertThat(setPolicy(BIND, mask(0, 1), 2)).isZero();
    assertThat(getPolicy(64, 0, 0)).isZero();
    assertThat(mode()).isEqualTo(BIND);
    assertThat(nodes()).isEqualTo(1);
    assertThat(setPolicy(BIND, mask(0, 3), 3)).isZero();
    assertThat(getPolicy(64, 0, 0)).isZero();
    assertThat(nodes()).as("node 1 is not online").isEqualTo(1);
    assertThat(setPolicy(BIND, mask(0, 2), 3)).isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(BIND, mask(0, 1), 1)).as("maxnode 1: no bits").isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(BIND, 0, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(p.mempolicy().mode()).as("failures leave the policy").isEqualTo(BIND);
  }

  @Test
  void modesAndTheirNodeRules() throws Exception {
    assertThat(setPolicy(Mpol.MPOL_DEFAULT, mask(0, 1), 2)).isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(Mpol.MPOL_PREFERRED, 0, 0)).isZero();
    assertThat(getPolicy(64, 0, 0)).isZero();
    assertThat(mode()).as("an empty PREFERRED is LOCAL").isEqualTo(Mpol.MPOL_LOCAL);
    assertThat(setPolicy(Mpol.MPOL_PREFERRED | Mpol.MPOL_F_STATIC_NODES, 0, 0))
        .isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(Mpol.MPOL_PREFERRED, mask(0, 3), 3)).isZero();
    assertThat(p.mempolicy().nodes().toString()).isEqualTo("{0}");
    assertThat(setPolicy(Mpol.MPOL_LOCAL, mask(0, 1), 2)).isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(Mpol.MPOL_LOCAL | Mpol.MPOL_F_RELATIVE_NODES, 0, 0))
        .isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(Mpol.MPOL_LOCAL, 0, 0x7ff)).isZero();
    assertThat(setPolicy(Mpol.MPOL_PREFERRED_MANY, mask(0, 1), 2)).isZero();
    assertThat(setPolicy(Mpol.MPOL_WEIGHTED_INTERLEAVE, mask(0, 1), 2)).isZero();
    assertThat(setPolicy(7, mask(0, 1), 2)).isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(-1, mask(0, 1), 2)).isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(Mpol.MPOL_DEFAULT, 0, 0)).isZero();
    assertThat(p.mempolicy()).isNull();
  }

  @Test
  void modeFlagsStaticRelativeAndNumaBalancing() throws Exception {
    int both = Mpol.MPOL_F_STATIC_NODES | Mpol.MPOL_F_RELATIVE_NODES;
    assertThat(setPolicy(BIND | both, mask(0, 1), 2)).isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(BIND | Mpol.MPOL_F_STATIC_NODES, mask(0, 0x21), 64)).isZero();
    assertThat(getPolicy(64, 0, 0)).isZero();
    assertThat(mode()).isEqualTo(BIND | Mpol.MPOL_F_STATIC_NODES);
    assertThat(nodes()).as("the caller's own mask").isEqualTo(0x21);
    assertThat(p.mempolicy().nodes().toString()).isEqualTo("{0}");
    assertThat(setPolicy(BIND | Mpol.MPOL_F_STATIC_NODES, mask(0, 0x20), 64))
        .isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(Mpol.MPOL_INTERLEAVE | Mpol.MPOL_F_RELATIVE_NODES, mask(0, 0x20), 64))
        .as("relative {5} folds onto node 0")
        .isZero();
    assertThat(getPolicy(64, 0, 0)).isZero();
    assertThat(nodes()).isEqualTo(0x20);
    assertThat(setPolicy(Mpol.MPOL_INTERLEAVE | Mpol.MPOL_F_NUMA_BALANCING, mask(0, 1), 2))
        .isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(BIND | Mpol.MPOL_F_NUMA_BALANCING, mask(0, 1), 2)).isZero();
    assertThat(getPolicy(64, 0, 0)).isZero();
    assertThat(mode()).isEqualTo(BIND | Mpol.MPOL_F_NUMA_BALANCING);
    assertThat(p.mempolicy().flags() & Mpol.MPOL_F_MOF).isNotZero();
  }

  @Test
  void nodeMasksBeyondMaxNumnodesMustBeZeroAndAtMostAPage() {
    long big = mask(0, 1);
    assertThat(setPolicy(BIND, big, 4097)).isZero();
    mask(8 * 20, 1); // node 1280
    assertThat(setPolicy(BIND, big, 4097)).isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(BIND, big, 1025)).as("node 1280 not read").isZero();
    mask(8 * 20, 0);
    mask(8 * 16, 1L << 40); // node 1064, in the word of node 1029
    assertThat(setPolicy(BIND, big, 1030)).as("the word is read whole").isEqualTo(-Errno.EINVAL);
    mask(8 * 16, 0);
    assertThat(setPolicy(BIND, big, 32769)).isZero();
    assertThat(setPolicy(BIND, big, 32770)).isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(BIND, mask(0, 1L << 63), 64))
        .as("bit 63 cut off")
        .isEqualTo(-Errno.EINVAL);
    assertThat(setPolicy(BIND, 8, 64)).isEqualTo(-Errno.EFAULT);
    long end = buf + 8 * PAGE - 8;
    assertThat(f.mem(p).writeLong(end, 1)).isZero();
    assertThat(setPolicy(BIND, end, 65)).isZero();
    assertThat(setPolicy(BIND, end, 66)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void getMempolicyChecksAndCopiesOut() throws Exception {
    long out = buf + 2 * PAGE;
    for (int i = 0; i < 8; i++) {
      f.mem(p).writeLong(out + 8L * i, 0xababababababababL);
    }
    assertThat(f.call(p, h::getMempolicy, buf + 4096, out, 0, 0, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, h::getMempolicy, buf + 4096, out, 1, 0, 0)).isZero();
    assertThat(f.readLong(p, out)).as("nothing copied").isEqualTo(0xababababababababL);
    assertThat(f.call(p, h::getMempolicy, buf + 4096, out, 200, 0, 0)).isZero();
    for (int i = 0; i < 4; i++) {
      assertThat(f.readLong(p, out + 8L * i)).isZero();
    }
    assertThat(f.readLong(p, out + 32)).isEqualTo(0xababababababababL);
    f.mem(p).writeInt(buf + 4096, 77);
    assertThat(f.call(p, h::getMempolicy, buf + 4096, out, 32768, 0, 0)).isZero();
    f.mem(p).writeInt(buf + 4096, 77);
    assertThat(f.call(p, h::getMempolicy, buf + 4096, out, 32770, 0, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(mode()).as("the mode is written before the mask fails").isZero();
    assertThat(f.call(p, h::getMempolicy, 8, 0, 0, 0, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, h::getMempolicy, buf, 8, 64, 0, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(getPolicy(64, 0, 8)).isEqualTo(-Errno.EINVAL);
    assertThat(getPolicy(64, buf, 0)).as("an address without MPOL_F_ADDR").isEqualTo(-Errno.EINVAL);
    assertThat(getPolicy(64, 0, Mpol.MPOL_F_NODE)).as("not interleaving").isEqualTo(-Errno.EINVAL);
    assertThat(getPolicy(64, 0, Mpol.MPOL_F_MEMS_ALLOWED)).isZero();
    assertThat(mode()).isZero();
    assertThat(nodes()).isEqualTo(1);
    assertThat(getPolicy(64, 0, Mpol.MPOL_F_MEMS_ALLOWED | Mpol.MPOL_F_NODE))
        .isEqualTo(-Errno.EINVAL);
    assertThat(getPolicy(64, buf, Mpol.MPOL_F_MEMS_ALLOWED | Mpol.MPOL_F_ADDR))
        .isEqualTo(-Errno.EINVAL);
    assertThat(getPolicy(64, 0x7000000, Mpol.MPOL_F_ADDR)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void mpolFNodeGivesTheNextInterleaveNodeOrThePageNode() throws Exception {
    assertThat(setPolicy(Mpol.MPOL_INTERLEAVE, mask(0, 1), 2)).isZero();
    f.mem(p).writeInt(buf + 4096, 99);
    assertThat(getPolicy(64, 0, Mpol.MPOL_F_NODE)).isZero();
    assertThat(mode()).isZero();
    long a = f.userMemory(p, PAGE);
    assertThat(p.vm().residency(a)).isEqualTo(org.uvm4j.uvm.map.Vmspace.PAGE_ABSENT);
    f.mem(p).writeInt(buf + 4096, 99);
    assertThat(getPolicy(64, a, Mpol.MPOL_F_NODE | Mpol.MPOL_F_ADDR)).isZero();
    assertThat(mode()).isZero();
    assertThat(p.vm().residency(a))
        .as("faulted in")
        .isEqualTo(org.uvm4j.uvm.map.Vmspace.PAGE_RESIDENT);
    assertThat(f.call(p, m::mprotect, a, PAGE, 0)).isZero();
    assertThat(getPolicy(64, a, Mpol.MPOL_F_NODE | Mpol.MPOL_F_ADDR)).isEqualTo(-Errno.EFAULT);
  }

  @Test
  void mbindSetsTheMappingsPolicyAndGetMempolicyReadsIt() throws Exception {
    long a = f.userMemory(p, 6 * PAGE);
    assertThat(mbind(a + PAGE, 2 * PAGE, BIND, mask(0, 1), 2, 0)).isZero();
    assertThat(p.vm().map().entriesIn(a, a + 6 * PAGE)).hasSize(3);
    assertThat(getPolicy(64, a, Mpol.MPOL_F_ADDR)).isZero();
    assertThat(mode()).isEqualTo(Mpol.MPOL_DEFAULT);
    assertThat(getPolicy(64, a + 3 * PAGE - 1, Mpol.MPOL_F_ADDR)).isZero();
    assertThat(mode()).isEqualTo(BIND);
    assertThat(nodes()).isEqualTo(1);
    assertThat(mbind(a, 6 * PAGE, Mpol.MPOL_DEFAULT, 0, 0, 0)).isZero();
    assertThat(p.vm().map().entriesIn(a, a + 6 * PAGE)).hasSize(1);
  }

  @Test
  void mbindArgumentChecksInLinuxsOrder() {
    long a = f.userMemory(p, 2 * PAGE);
    long n0 = mask(0, 1);
    long n1 = mask(8, 2);
    assertThat(mbind(a + 1, PAGE, BIND, n0, 2, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(mbind(a, 0, BIND, n1, 3, 0)).as("nothing to do comes first").isZero();
    assertThat(mbind(a, -2 * PAGE, BIND, n0, 2, 0)).as("wraps").isEqualTo(-Errno.EINVAL);
    assertThat(mbind(a, -1, BIND, n0, 2, 0)).as("rounds to 0").isZero();
    assertThat(mbind(a, PAGE, BIND, n0, 2, 8)).isEqualTo(-Errno.EINVAL);
    assertThat(mbind(a, PAGE, BIND, n0, 2, Mpol.MPOL_MF_MOVE_ALL)).isEqualTo(-Errno.EPERM);
    assertThat(mbind(a + 1, PAGE, 9, n0, 2, 0)).as("the mode first").isEqualTo(-Errno.EINVAL);
    assertThat(mbind(a + 1, PAGE, BIND, 8, 2, 0)).as("then the mask").isEqualTo(-Errno.EFAULT);
    assertThat(mbind(a, PAGE, BIND, n1, 3, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(mbind(a, PAGE, BIND, 0, 0, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(mbind(a, PAGE, BIND | (1L << 32), n0, 2, 0)).as("mode is an int").isZero();
    assertThat(mbind(a, PAGE, Mpol.MPOL_DEFAULT, n0, 2, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(mbind(a, 1, Mpol.MPOL_LOCAL, 0, 0x7ff, 0)).isZero();
    assertThat(((MemPolicy) policyAt(a)).mode()).isEqualTo(Mpol.MPOL_LOCAL);
  }

  Object policyAt(long va) {
    try {
      return p.vm().policyAt(va);
    } catch (org.uvm4j.uvm.UvmException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void strictIsEioOnlyForResidentPagesTheMaskExcludes() {
    long a = f.userMemory(p, 2 * PAGE);
    assertThat(f.mem(p).writeInt(a, 42)).isZero();
    int strict = Mpol.MPOL_MF_STRICT;
    assertThat(mbind(a, PAGE, Mpol.MPOL_LOCAL, 0, 0, strict)).isEqualTo(-Errno.EIO);
    assertThat(policyAt(a)).as("unchanged").isNull();
    assertThat(mbind(a + PAGE, PAGE, Mpol.MPOL_LOCAL, 0, 0, strict)).as("untouched").isZero();
    assertThat(mbind(a, PAGE, BIND, mask(0, 1), 2, strict)).as("node 0 in the mask").isZero();
    assertThat(mbind(a, PAGE, Mpol.MPOL_DEFAULT, 0, 0, strict)).as("STRICT dropped").isZero();
    assertThat(mbind(a, PAGE, Mpol.MPOL_LOCAL, 0, 0, strict | Mpol.MPOL_MF_MOVE))
        .as("moved (to node 0 again)")
        .isZero();
    assertThat(mbind(a, PAGE, Mpol.MPOL_PREFERRED, 0, 0, strict)).isEqualTo(-Errno.EIO);
    // mkdirty's page-migration case
    assertThat(f.call(p, m::mprotect, a, PAGE, 1)).isZero();
    assertThat(mbind(a, PAGE, Mpol.MPOL_LOCAL, 0, 0x7ff, Mpol.MPOL_MF_MOVE)).isZero();
    assertThat(f.mem(p).writeInt(a, 1)).as("still read-only").isEqualTo(Errno.EFAULT);
  }

  @Test
  void mbindHoles() {
    long a = f.userMemory(p, 6 * PAGE);
    long n0 = mask(0, 1);
    assertThat(f.call(p, m::munmap, a + 2 * PAGE, PAGE)).isZero();
    assertThat(mbind(a, 6 * PAGE, BIND, n0, 2, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(mbind(a + 2 * PAGE, PAGE, Mpol.MPOL_DEFAULT, 0, 0, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(mbind(a, 6 * PAGE, Mpol.MPOL_DEFAULT, 0, 0, 0)).isZero();
    assertThat(mbind(0x8000_0000_0000L, PAGE, BIND, n0, 2, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(mbind(a, 1L << 63, Mpol.MPOL_DEFAULT, 0, 0, 0))
        .as("an end beyond 2^63: everything above the start")
        .isZero();
  }

  @Test
  void homeNode() throws Exception {
    long a = f.userMemory(p, 4 * PAGE);
    long n0 = mask(0, 1);
    assertThat(f.call(p, h::setMempolicyHomeNode, a, 4 * PAGE, 0, 0)).isEqualTo(-Errno.ENOENT);
    assertThat(f.call(p, h::setMempolicyHomeNode, a + 1, PAGE, 0, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, h::setMempolicyHomeNode, a, PAGE, 0, 1)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, h::setMempolicyHomeNode, a, PAGE, 1, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, h::setMempolicyHomeNode, a, PAGE, -1, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, h::setMempolicyHomeNode, a, 0, 0, 0)).isZero();
    assertThat(mbind(a + PAGE, PAGE, BIND, n0, 2, 0)).isZero();
    assertThat(mbind(a + 2 * PAGE, PAGE, Mpol.MPOL_PREFERRED_MANY, n0, 2, 0)).isZero();
    assertThat(mbind(a + 3 * PAGE, PAGE, Mpol.MPOL_INTERLEAVE, n0, 2, 0)).isZero();
    assertThat(f.call(p, h::setMempolicyHomeNode, a, 3 * PAGE, 0, 0)).isZero();
    assertThat(((MemPolicy) policyAt(a + PAGE)).homeNode()).isZero();
    assertThat(((MemPolicy) policyAt(a + 2 * PAGE)).homeNode()).isZero();
    assertThat(f.call(p, h::setMempolicyHomeNode, a, 4 * PAGE, 0, 0)).isEqualTo(-Errno.EOPNOTSUPP);
    assertThat(mbind(a, PAGE, BIND, n0, 2, 0)).isZero();
    assertThat(p.vm().map().entriesIn(a, a + 4 * PAGE)).as("home node differs").hasSize(4);
    assertThat(f.call(p, h::setMempolicyHomeNode, a, PAGE, 0, 0)).isZero();
    assertThat(p.vm().map().entriesIn(a, a + 4 * PAGE)).hasSize(3);
  }

  @Test
  void movePagesStatusAndChecks() throws Exception {
    long a = f.userMemory(p, 4 * PAGE);
    assertThat(f.mem(p).writeInt(a, 1)).isZero();
    assertThat(f.call(p, m::munmap, a + 2 * PAGE, PAGE)).isZero();
    long pages = mask(0, a, a + PAGE, a + 2 * PAGE, 8);
    long status = buf + PAGE;
    long nodes = buf + 2 * PAGE; // four zeros: node 0
    assertThat(f.call(p, h::movePages, 0, 4, pages, 0, status, 0)).isZero();
    assertThat(statuses(status, 4)).containsExactly(0, -Errno.ENOENT, -Errno.EFAULT, -Errno.EFAULT);
    assertThat(f.call(p, h::movePages, 0, 4, pages, nodes, status, Mpol.MPOL_MF_MOVE)).isZero();
    assertThat(statuses(status, 4)).containsExactly(0, -Errno.ENOENT, -Errno.EFAULT, -Errno.EFAULT);
    f.mem(p).writeInt(nodes + 8, 1);
    f.mem(p).writeInt(status + 8, 0x55);
    assertThat(f.call(p, h::movePages, 0, 4, pages, nodes, status, 0))
        .isEqualTo(-MempolicySyscalls.ENODEV);
    assertThat(f.readInt(p, status + 8)).as("not stored").isEqualTo(0x55);
    f.mem(p).writeInt(nodes + 8, 0);
    assertThat(f.call(p, h::movePages, 0, 1, pages, nodes, status, Mpol.MPOL_MF_MOVE_ALL))
        .isEqualTo(-Errno.EPERM);
    assertThat(f.call(p, h::movePages, 0, 1, pages, nodes, status, Mpol.MPOL_MF_STRICT))
        .isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, h::movePages, 0, 2, 8, 0, status, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, h::movePages, 0, 2, pages, 0, 8, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, h::movePages, 0, 2, pages, 8, status, 0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, h::movePages, p.pid(), 1, pages, 0, status, 0)).isZero();
    assertThat(f.call(p, h::movePages, 31000, 1, pages, 0, status, 0)).isEqualTo(-Errno.ESRCH);
  }

  @Test
  void movePagesOfAnotherProcessInChunks() throws Exception {
    long a = f.userMemory(p, 2 * PAGE);
    assertThat(f.mem(p).writeInt(a, 1)).isZero();
    Proc child = f.k.forkedChild(p);
    long[] many = new long[40];
    for (int i = 0; i < 40; i++) {
      many[i] = a + (i % 2) * PAGE;
    }
    long pages = mask(0, many);
    long status = buf + PAGE;
    assertThat(f.call(p, h::movePages, child.pid(), 40, pages, 0, status, 0)).isZero();
    int[] st = statuses(status, 40);
    assertThat(st[0]).as("resident in the child's amap").isZero();
    assertThat(st[39]).isEqualTo(-Errno.ENOENT);
  }

  int[] statuses(long at, int n) throws Exception {
    int[] s = new int[n];
    for (int i = 0; i < n; i++) {
      s[i] = f.readInt(p, at + 4L * i);
    }
    return s;
  }

  @Test
  void migratePages() {
    long n0 = mask(0, 1);
    long n1 = mask(8, 2);
    long n03 = mask(16, 9);
    long none = mask(24, 0);
    assertThat(f.call(p, h::migratePages, 0, 64, n0, n0)).isZero();
    assertThat(f.call(p, h::migratePages, 0, 64, n03, n0)).isZero();
    assertThat(f.call(p, h::migratePages, 0, 64, n1, n0)).isZero();
    assertThat(f.call(p, h::migratePages, 0, 64, n0, n1)).isEqualTo(-Errno.EPERM);
    assertThat(f.call(p, h::migratePages, 0, 64, n0, none)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, h::migratePages, 0, 64, n0, n03)).isEqualTo(-Errno.EPERM);
    assertThat(f.call(p, h::migratePages, 31000, 64, n0, n0)).isEqualTo(-Errno.ESRCH);
    assertThat(f.call(p, h::migratePages, 0, 64, 8, n0)).isEqualTo(-Errno.EFAULT);
    assertThat(f.call(p, h::migratePages, 0, 40000, n0, n0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, h::migratePages, p.pid(), 64, n0, n0)).isZero();
  }
}
