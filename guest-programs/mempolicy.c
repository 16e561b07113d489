/*
 * mempolicy - Linux's NUMA memory-policy calls on a one-node machine (node 0), compared with the
 * host's own run: set_mempolicy/get_mempolicy (every mode, MPOL_F_STATIC_NODES/RELATIVE_NODES,
 * MPOL_F_NUMA_BALANCING, MPOL_F_NODE/ADDR/MEMS_ALLOWED, node masks of every size: maxnode's
 * off-by-one, bits beyond MAX_NUMNODES, bad pointers, the copy-out clearing), mbind (per-mapping
 * policy: the mapping splits and joins again, holes, MPOL_MF_STRICT, MPOL_MF_MOVE as mkdirty's
 * page-migration case does it, MOVE_ALL, fork and mremap carry it), set_mempolicy_home_node,
 * migrate_pages and move_pages (per-page status) on this process and a forked child.
 *
 * Run as root natively, it first becomes uid 1000 (as every uvm4j guest is) so that the
 * CAP_SYS_NICE cases answer the same.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#include "guest.h"

#define MPOL_DEFAULT 0
#define MPOL_PREFERRED 1
#define MPOL_BIND 2
#define MPOL_INTERLEAVE 3
#define MPOL_LOCAL 4
#define MPOL_PREFERRED_MANY 5
#define MPOL_WEIGHTED_INTERLEAVE 6
#define MPOL_F_STATIC_NODES (1 << 15)
#define MPOL_F_RELATIVE_NODES (1 << 14)
#define MPOL_F_NUMA_BALANCING (1 << 13)
#define MPOL_F_NODE 1
#define MPOL_F_ADDR 2
#define MPOL_F_MEMS_ALLOWED 4
#define MPOL_MF_STRICT 1
#define MPOL_MF_MOVE 2
#define MPOL_MF_MOVE_ALL 4

#define AREA ((char *)0x310000000UL)

static long r_errno;

static long sys(long nr, long a, long b, long c, long d, long e, long f) {
  errno = 0;
  long r = syscall(nr, a, b, c, d, e, f);
  r_errno = r < 0 ? errno : 0;
  return r;
}

static const char *ename(long e) {
  switch (e) {
  case 0: return "";
  case EPERM: return " EPERM";
  case ENOENT: return " ENOENT";
  case ESRCH: return " ESRCH";
  case EIO: return " EIO";
  case ENOMEM: return " ENOMEM";
  case EACCES: return " EACCES";
  case EFAULT: return " EFAULT";
  case ENODEV: return " ENODEV";
  case EINVAL: return " EINVAL";
  case ENOSYS: return " ENOSYS";
  case EOPNOTSUPP: return " EOPNOTSUPP";
  default: return " E?";
  }
}

static void say(const char *what, long r) {
  printf("%-58s %ld%s\n", what, r, ename(r_errno));
}

static long set_pol(int mode, unsigned long *mask, unsigned long maxnode) {
  return sys(SYS_set_mempolicy, mode, (long)mask, maxnode, 0, 0, 0);
}

static long get_pol(int *mode, unsigned long *mask, unsigned long maxnode, void *addr,
                    unsigned long flags) {
  return sys(SYS_get_mempolicy, (long)mode, (long)mask, maxnode, (long)addr, flags, 0);
}

static long mbind_(void *a, unsigned long len, unsigned long mode, unsigned long *mask,
                   unsigned long maxnode, unsigned flags) {
  return sys(SYS_mbind, (long)a, len, mode, (long)mask, maxnode, flags);
}

/* prints the policy (mode and first mask word) of the task, or of the mapping at addr */
static void show(const char *what, void *addr) {
  int mode = -1;
  unsigned long mask[2] = {~0UL, ~0UL};
  long r = get_pol(&mode, mask, 128, addr, addr ? MPOL_F_ADDR : 0);
  if (r < 0)
    printf("%-58s %ld%s\n", what, r, ename(r_errno));
  else
    printf("%-58s mode 0x%x nodes 0x%lx next 0x%lx\n", what, mode, mask[0], mask[1]);
}

/* how many lines of /proc/self/maps lie in [a, a + len) */
static int mappings_in(char *a, size_t len) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f != NULL);
  char line[512];
  int n = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long s, e;
    if (sscanf(line, "%lx-%lx", &s, &e) == 2 && s >= (unsigned long)a &&
        e <= (unsigned long)a + len)
      n++;
  }
  fclose(f);
  return n;
}

/* node masks read or cleared up to a page of bits: static, so what lies beyond is zeros */
static unsigned long m[600];
static unsigned long g[600];

static void task_policies(void) {
  memset(m, 0, sizeof m);
  show("default task policy", NULL);
  m[0] = 1;
  say("set_mempolicy(BIND, {0})", set_pol(MPOL_BIND, m, 2));
  show("  reads", NULL);
  m[0] = 2;
  say("set_mempolicy(BIND, {1}): node 1 is not online", set_pol(MPOL_BIND, m, 3));
  m[0] = 3;
  say("set_mempolicy(BIND, {0,1})", set_pol(MPOL_BIND, m, 3));
  show("  reads (online nodes only)", NULL);
  m[0] = 1;
  say("set_mempolicy(BIND, {0}, maxnode 1): no bits", set_pol(MPOL_BIND, m, 1));
  say("set_mempolicy(BIND, {0}, maxnode 0)", set_pol(MPOL_BIND, m, 0));
  say("set_mempolicy(BIND, NULL, maxnode 0)", set_pol(MPOL_BIND, NULL, 0));
  say("set_mempolicy(DEFAULT, {0})", set_pol(MPOL_DEFAULT, m, 2));
  say("set_mempolicy(DEFAULT, NULL)", set_pol(MPOL_DEFAULT, NULL, 0));
  show("  reads", NULL);
  say("set_mempolicy(PREFERRED, empty) is LOCAL", set_pol(MPOL_PREFERRED, NULL, 0));
  show("  reads", NULL);
  say("set_mempolicy(PREFERRED|STATIC, empty)",
      set_pol(MPOL_PREFERRED | MPOL_F_STATIC_NODES, NULL, 0));
  m[0] = 3;
  say("set_mempolicy(PREFERRED, {0,1})", set_pol(MPOL_PREFERRED, m, 3));
  show("  reads", NULL);
  m[0] = 1;
  say("set_mempolicy(LOCAL, {0})", set_pol(MPOL_LOCAL, m, 2));
  say("set_mempolicy(LOCAL|RELATIVE, NULL)", set_pol(MPOL_LOCAL | MPOL_F_RELATIVE_NODES, NULL, 0));
  say("set_mempolicy(LOCAL, NULL)", set_pol(MPOL_LOCAL, NULL, 0));
  show("  reads", NULL);
  m[0] = 0x21;
  say("set_mempolicy(BIND|STATIC, {0,5})", set_pol(MPOL_BIND | MPOL_F_STATIC_NODES, m, 64));
  show("  reads (the caller's mask)", NULL);
  m[0] = 0x20;
  say("set_mempolicy(BIND|STATIC, {5})", set_pol(MPOL_BIND | MPOL_F_STATIC_NODES, m, 64));
  say("set_mempolicy(INTERLEAVE|RELATIVE, {5})",
      set_pol(MPOL_INTERLEAVE | MPOL_F_RELATIVE_NODES, m, 64));
  show("  reads", NULL);
  int node = -1;
  say("get_mempolicy(MPOL_F_NODE) of interleave", get_pol(&node, NULL, 0, NULL, MPOL_F_NODE));
  printf("  next interleave node %d\n", node);
  say("set_mempolicy(BIND|STATIC|RELATIVE)",
      set_pol(MPOL_BIND | MPOL_F_STATIC_NODES | MPOL_F_RELATIVE_NODES, m, 64));
  m[0] = 1;
  say("set_mempolicy(WEIGHTED_INTERLEAVE, {0})", set_pol(MPOL_WEIGHTED_INTERLEAVE, m, 2));
  show("  reads", NULL);
  say("get_mempolicy(MPOL_F_NODE) of weighted interleave",
      get_pol(&node, NULL, 0, NULL, MPOL_F_NODE));
  printf("  next node %d\n", node);
  say("set_mempolicy(PREFERRED_MANY, {0})", set_pol(MPOL_PREFERRED_MANY, m, 2));
  show("  reads", NULL);
  say("get_mempolicy(MPOL_F_NODE) of preferred-many", get_pol(&node, NULL, 0, NULL, MPOL_F_NODE));
  say("set_mempolicy(BIND|NUMA_BALANCING, {0})", set_pol(MPOL_BIND | MPOL_F_NUMA_BALANCING, m, 2));
  show("  reads", NULL);
  say("set_mempolicy(INTERLEAVE|NUMA_BALANCING, {0})",
      set_pol(MPOL_INTERLEAVE | MPOL_F_NUMA_BALANCING, m, 2));
  say("set_mempolicy(mode 7)", set_pol(7, m, 2));
  say("set_mempolicy(mode -1)", set_pol(-1, m, 2));

  /* node masks beyond MAX_NUMNODES (1024 bits): must be zero up there */
  memset(m, 0, sizeof m);
  m[0] = 1;
  say("set_mempolicy(BIND, {0}, maxnode 4097)", set_pol(MPOL_BIND, m, 4097));
  m[20] = 1; /* node 1280 */
  say("  with node 1280 set", set_pol(MPOL_BIND, m, 4097));
  say("  with node 1280 set, maxnode 1025 (not read)", set_pol(MPOL_BIND, m, 1025));
  m[20] = 0;
  m[16] = 1UL << 40; /* node 1064 */
  say("  with node 1064 set, maxnode 1030 (its word read whole)", set_pol(MPOL_BIND, m, 1030));
  m[16] = 0;
  say("set_mempolicy(BIND, maxnode 32769)", set_pol(MPOL_BIND, m, 32769));
  say("set_mempolicy(BIND, maxnode 32770)", set_pol(MPOL_BIND, m, 32770));
  m[0] = 1UL << 63;
  say("set_mempolicy(BIND, {63}, maxnode 64): bit 63 cut", set_pol(MPOL_BIND, m, 64));
  say("set_mempolicy(BIND, bad pointer)", set_pol(MPOL_BIND, (unsigned long *)8, 64));
  char *top = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(top != MAP_FAILED);
  CHECK(munmap(top + PAGE, PAGE) == 0);
  unsigned long *edge = (unsigned long *)(top + PAGE - 8);
  *edge = 1;
  say("set_mempolicy(BIND, mask at a page end, maxnode 65)", set_pol(MPOL_BIND, edge, 65));
  say("set_mempolicy(BIND, mask across a page end, maxnode 66)", set_pol(MPOL_BIND, edge, 66));
  munmap(top, PAGE);
  say("set_mempolicy(DEFAULT, NULL)", set_pol(MPOL_DEFAULT, NULL, 0));

  /* get_mempolicy's checks and copy-out */
  int mode = 77;
  memset(g, 0xab, sizeof g);
  say("get_mempolicy(nmask, maxnode 0)", get_pol(&mode, g, 0, NULL, 0));
  say("get_mempolicy(nmask, maxnode 1)", get_pol(&mode, g, 1, NULL, 0));
  printf("  word 0 untouched: %d\n", g[0] == 0xababababababababUL);
  say("get_mempolicy(nmask, maxnode 200)", get_pol(&mode, g, 200, NULL, 0));
  printf("  words 0-3 cleared, word 4 untouched: %d %d %d %d %d\n", g[0] == 0, g[1] == 0,
         g[2] == 0, g[3] == 0, g[4] == 0xababababababababUL);
  memset(g, 0xab, sizeof g);
  mode = 77;
  say("get_mempolicy(nmask, maxnode 32768)", get_pol(&mode, g, 32768, NULL, 0));
  say("get_mempolicy(nmask, maxnode 32770)", get_pol(&mode, g, 32770, NULL, 0));
  printf("  mode written before: %d\n", mode);
  say("get_mempolicy(bad policy pointer)", get_pol((int *)8, NULL, 0, NULL, 0));
  say("get_mempolicy(bad nmask pointer)", get_pol(&mode, (unsigned long *)8, 64, NULL, 0));
  say("get_mempolicy(flags 8)", get_pol(&mode, NULL, 0, NULL, 8));
  say("get_mempolicy(addr without MPOL_F_ADDR)", get_pol(&mode, NULL, 0, (void *)AREA, 0));
  say("get_mempolicy(MPOL_F_NODE) of the default policy", get_pol(&mode, NULL, 0, NULL, MPOL_F_NODE));
  memset(g, 0, sizeof g);
  say("get_mempolicy(MPOL_F_MEMS_ALLOWED)", get_pol(&mode, g, 64, NULL, MPOL_F_MEMS_ALLOWED));
  printf("  mode %d nodes 0x%lx\n", mode, g[0]);
  say("get_mempolicy(MEMS_ALLOWED|NODE)",
      get_pol(&mode, g, 64, NULL, MPOL_F_MEMS_ALLOWED | MPOL_F_NODE));
  say("get_mempolicy(MEMS_ALLOWED|ADDR)",
      get_pol(&mode, g, 64, AREA, MPOL_F_MEMS_ALLOWED | MPOL_F_ADDR));
  say("get_mempolicy(MPOL_F_ADDR) of an unmapped address",
      get_pol(&mode, g, 64, (void *)0x7000000, MPOL_F_ADDR));
}

static void mapping_policies(void) {
  unsigned long n0[2] = {1, 0}; /* {0} */
  char *a = mmap(AREA, 6 * PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(a == AREA);
  printf("mappings in the area: %d\n", mappings_in(a, 6 * PAGE));
  say("mbind(pages 1-2, BIND {0})", mbind_(a + PAGE, 2 * PAGE, MPOL_BIND, n0, 2, 0));
  printf("  mappings in the area: %d\n", mappings_in(a, 6 * PAGE));
  show("  page 0", a);
  show("  page 1", a + PAGE);
  show("  page 2 (last byte)", a + 3 * PAGE - 1);
  show("  page 3", a + 3 * PAGE);
  say("mbind(pages 3-4, BIND {0}): joins", mbind_(a + 3 * PAGE, 2 * PAGE, MPOL_BIND, n0, 2, 0));
  printf("  mappings in the area: %d\n", mappings_in(a, 6 * PAGE));
  say("mbind(page 2, INTERLEAVE {0})", mbind_(a + 2 * PAGE, PAGE, MPOL_INTERLEAVE, n0, 2, 0));
  printf("  mappings in the area: %d\n", mappings_in(a, 6 * PAGE));
  show("  page 2", a + 2 * PAGE);
  int node = -1;
  say("get_mempolicy(NODE|ADDR) of untouched page 2",
      get_pol(&node, NULL, 0, a + 2 * PAGE, MPOL_F_NODE | MPOL_F_ADDR));
  printf("  node %d\n", node);
  say("get_mempolicy(NODE) with the default task policy", get_pol(&node, NULL, 0, NULL, MPOL_F_NODE));
  say("mbind(whole area, DEFAULT)", mbind_(a, 6 * PAGE, MPOL_DEFAULT, NULL, 0, 0));
  printf("  mappings in the area: %d\n", mappings_in(a, 6 * PAGE));
  show("  page 2", a + 2 * PAGE);

  /* argument checks */
  say("mbind(misaligned)", mbind_(a + 1, PAGE, MPOL_BIND, n0, 2, 0));
  say("mbind(length 0, BIND {1})", mbind_(a, 0, MPOL_BIND, (unsigned long[]){2}, 3, 0));
  say("mbind(length 1 rounds up)", mbind_(a, 1, MPOL_BIND, n0, 2, 0));
  show("  page 0", a);
  say("mbind(length wraps)", mbind_(a, -2UL * PAGE, MPOL_BIND, n0, 2, 0));
  say("mbind(length -1: rounds to 0)", mbind_(a, -1UL, MPOL_BIND, n0, 2, 0));
  say("mbind(flags MPOL_MF_LAZY)", mbind_(a, PAGE, MPOL_BIND, n0, 2, 8));
  say("mbind(MPOL_MF_MOVE_ALL)", mbind_(a, PAGE, MPOL_BIND, n0, 2, MPOL_MF_MOVE_ALL));
  say("mbind(BIND {1})", mbind_(a, PAGE, MPOL_BIND, (unsigned long[]){2}, 3, 0));
  say("mbind(BIND, empty)", mbind_(a, PAGE, MPOL_BIND, NULL, 0, 0));
  say("mbind(mode 7)", mbind_(a, PAGE, 7, n0, 2, 0));
  say("mbind(mode 2 + 1<<32: the int)", mbind_(a, PAGE, MPOL_BIND | (1UL << 32), n0, 2, 0));
  say("mbind(DEFAULT, {0})", mbind_(a, PAGE, MPOL_DEFAULT, n0, 2, 0));
  say("mbind(BIND, bad mask)", mbind_(a, PAGE, MPOL_BIND, (unsigned long *)8, 2, 0));
  say("mbind(LOCAL, NULL, maxnode 0x7ff)", mbind_(a, PAGE, MPOL_LOCAL, NULL, 0x7ff, 0));
  say("mbind(DEFAULT)", mbind_(a, PAGE, MPOL_DEFAULT, NULL, 0, 0));
  printf("  mappings in the area: %d\n", mappings_in(a, 6 * PAGE));

  /* STRICT and MOVE: page 0 written, page 1 untouched */
  a[0] = 42;
  say("mbind(LOCAL, STRICT) on a written page", mbind_(a, PAGE, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT));
  show("  page 0 (unchanged)", a);
  say("mbind(LOCAL, STRICT) on an untouched page",
      mbind_(a + PAGE, PAGE, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT));
  say("mbind(BIND {0}, STRICT) on a written page", mbind_(a, PAGE, MPOL_BIND, n0, 2, MPOL_MF_STRICT));
  say("mbind(DEFAULT, STRICT) on a written page", mbind_(a, PAGE, MPOL_DEFAULT, NULL, 0, MPOL_MF_STRICT));
  say("mbind(LOCAL, STRICT|MOVE) on a written page",
      mbind_(a, PAGE, MPOL_LOCAL, NULL, 0, MPOL_MF_STRICT | MPOL_MF_MOVE));
  say("mbind(PREFERRED, empty, STRICT) on a written page",
      mbind_(a, PAGE, MPOL_PREFERRED, NULL, 0, MPOL_MF_STRICT));
  /* mkdirty's page-migration case: a dirty page made read-only, then migrated */
  CHECK(mprotect(a, PAGE, PROT_READ) == 0);
  say("mbind(LOCAL, NULL, 0x7ff, MOVE) on a read-only dirty page",
      mbind_(a, PAGE, MPOL_LOCAL, NULL, 0x7ff, MPOL_MF_MOVE));
  printf("  the page still holds %d\n", a[0]);
  show("  page 0", a);
  CHECK(mprotect(a, PAGE, PROT_READ | PROT_WRITE) == 0);
  say("mbind(DEFAULT) on the area", mbind_(a, 6 * PAGE, MPOL_DEFAULT, NULL, 0, 0));

  /* holes */
  CHECK(munmap(a + 2 * PAGE, PAGE) == 0);
  say("mbind(BIND) over a hole", mbind_(a, 6 * PAGE, MPOL_BIND, n0, 2, 0));
  show("  page 0 (unchanged)", a);
  say("mbind(BIND) starting in the hole", mbind_(a + 2 * PAGE, 2 * PAGE, MPOL_BIND, n0, 2, 0));
  say("mbind(BIND) ending in the hole", mbind_(a + PAGE, 2 * PAGE, MPOL_BIND, n0, 2, 0));
  say("mbind(BIND) past the area's end", mbind_(a + 5 * PAGE, 2 * PAGE, MPOL_BIND, n0, 2, 0));
  say("mbind(BIND) on the hole alone", mbind_(a + 2 * PAGE, PAGE, MPOL_BIND, n0, 2, 0));
  say("mbind(DEFAULT) on the hole alone", mbind_(a + 2 * PAGE, PAGE, MPOL_DEFAULT, NULL, 0, 0));
  say("mbind(LOCAL) over the hole", mbind_(a, 6 * PAGE, MPOL_LOCAL, NULL, 0, 0));
  say("mbind(BIND {0}) pages 0-1", mbind_(a, 2 * PAGE, MPOL_BIND, n0, 2, 0));
  say("mbind(DEFAULT) over the hole", mbind_(a, 6 * PAGE, MPOL_DEFAULT, NULL, 0, 0));
  show("  page 0", a);
  say("mbind(BIND) beyond the user space", mbind_((void *)0x800000000000UL, PAGE, MPOL_BIND, n0, 2, 0));
  CHECK(munmap(a, 6 * PAGE) == 0);
}

static void fork_and_mremap(void) {
  unsigned long n0[2] = {1, 0}; /* {0} */
  char *a = mmap(AREA, 4 * PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(a == AREA);
  say("mbind(pages 1-2, INTERLEAVE {0})", mbind_(a + PAGE, 2 * PAGE, MPOL_INTERLEAVE, n0, 2, 0));
  memset(a, 7, 4 * PAGE);
  say("set_mempolicy(PREFERRED, {0})", set_pol(MPOL_PREFERRED, n0, 2));
  pid_t c = xfork();
  if (c == 0) {
    show("child: task policy", NULL);
    show("child: page 1", a + PAGE);
    show("child: page 3", a + 3 * PAGE);
    printf("child: mappings in the area: %d\n", mappings_in(a, 4 * PAGE));
    _exit(0);
  }
  CHECK(WEXITSTATUS(xwait(c)) == 0);
  /* mremap: the policy moves with the mapping; a range across two policies is EFAULT */
  void *mr = mremap(a, 2 * PAGE, 4 * PAGE, MREMAP_MAYMOVE);
  printf("mremap across two policies: %s\n", mr == MAP_FAILED ? ename(errno) : " moved");
  char *to = (char *)0x320000000UL;
  void *r = mremap(a + PAGE, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, to);
  CHECK(r == to);
  show("moved page 1", to);
  show("moved page 2", to + PAGE);
  printf("  holds %d\n", to[PAGE]);
  /* a write first: uvm4j joins a tail grown by mremap onto a mapping only once its anonymous
   * memory is its own again after the fork (a merging limit of uvm4j's, policies or not) */
  to[0] = 8;
  r = mremap(to, 2 * PAGE, 3 * PAGE, 0);
  CHECK(r == to);
  show("grown in place, new page", to + 2 * PAGE);
  printf("  mappings there: %d\n", mappings_in(to, 3 * PAGE));
  CHECK(munmap(to, 3 * PAGE) == 0);
  CHECK(munmap(a, 4 * PAGE) == 0);
  say("set_mempolicy(DEFAULT)", set_pol(MPOL_DEFAULT, NULL, 0));
}

static void home_node(void) {
  unsigned long n0[2] = {1, 0}; /* {0} */
  char *a = mmap(AREA, 4 * PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(a == AREA);
  long hn = 450; /* SYS_set_mempolicy_home_node: not in musl's headers */
  say("home_node on default-policy mappings", sys(hn, (long)a, 4 * PAGE, 0, 0, 0, 0));
  say("home_node misaligned", sys(hn, (long)a + 1, PAGE, 0, 0, 0, 0));
  say("home_node flags 1", sys(hn, (long)a, PAGE, 0, 1, 0, 0));
  say("home_node node 1", sys(hn, (long)a, PAGE, 1, 0, 0, 0));
  say("home_node node 4096", sys(hn, (long)a, PAGE, 4096, 0, 0, 0));
  say("home_node length 0", sys(hn, (long)a, 0, 0, 0, 0, 0));
  say("mbind(page 1, BIND {0})", mbind_(a + PAGE, PAGE, MPOL_BIND, n0, 2, 0));
  say("mbind(page 2, PREFERRED_MANY {0})", mbind_(a + 2 * PAGE, PAGE, MPOL_PREFERRED_MANY, n0, 2, 0));
  say("mbind(page 3, INTERLEAVE {0})", mbind_(a + 3 * PAGE, PAGE, MPOL_INTERLEAVE, n0, 2, 0));
  printf("  mappings in the area: %d\n", mappings_in(a, 4 * PAGE));
  say("home_node over pages 0-2", sys(hn, (long)a, 3 * PAGE, 0, 0, 0, 0));
  say("home_node over pages 0-3", sys(hn, (long)a, 4 * PAGE, 0, 0, 0, 0));
  say("mbind(page 0, BIND {0}): no home node", mbind_(a, PAGE, MPOL_BIND, n0, 2, 0));
  printf("  mappings in the area: %d (page 1 has a home node)\n", mappings_in(a, 4 * PAGE));
  say("home_node over page 0", sys(hn, (long)a, PAGE, 0, 0, 0, 0));
  printf("  mappings in the area: %d\n", mappings_in(a, 4 * PAGE));
  show("  page 0", a);
  CHECK(munmap(a, 4 * PAGE) == 0);
  say("home_node on an unmapped range", sys(hn, (long)a, PAGE, 0, 0, 0, 0));
}

static void migration(void) {
  char *a = mmap(AREA, 4 * PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(a == AREA);
  a[0] = 1;
  a[3 * PAGE] = 1;
  CHECK(munmap(a + 2 * PAGE, PAGE) == 0);
  void *pages[5] = {a, a + PAGE, a + 2 * PAGE, a + 3 * PAGE + 100, (void *)8};
  int nodes[5] = {0, 0, 0, 0, 0};
  int status[5];
  long mp = SYS_move_pages;
  memset(status, 0x55, sizeof status);
  say("move_pages(self, 5, stat)", sys(mp, 0, 5, (long)pages, 0, (long)status, 0));
  printf("  status %d %d %d %d %d\n", status[0], status[1], status[2], status[3], status[4]);
  memset(status, 0x55, sizeof status);
  say("move_pages(self, 5, to node 0, MOVE)",
      sys(mp, 0, 5, (long)pages, (long)nodes, (long)status, MPOL_MF_MOVE));
  printf("  status %d %d %d %d %d\n", status[0], status[1], status[2], status[3], status[4]);
  nodes[2] = 1;
  memset(status, 0x55, sizeof status);
  say("move_pages(self, third to node 1)", sys(mp, 0, 5, (long)pages, (long)nodes, (long)status, 0));
  printf("  status %d %d %d\n", status[0], status[1], status[2]);
  nodes[2] = -1;
  say("move_pages(self, third to node -1)", sys(mp, 0, 5, (long)pages, (long)nodes, (long)status, 0));
  nodes[2] = 0;
  say("move_pages(MOVE_ALL)", sys(mp, 0, 1, (long)pages, (long)nodes, (long)status, MPOL_MF_MOVE_ALL));
  say("move_pages(flags STRICT)", sys(mp, 0, 1, (long)pages, (long)nodes, (long)status, MPOL_MF_STRICT));
  say("move_pages(0 pages)", sys(mp, 0, 0, (long)pages, 0, (long)status, 0));
  say("move_pages(bad pages array)", sys(mp, 0, 2, 8, 0, (long)status, 0));
  say("move_pages(bad status array)", sys(mp, 0, 2, (long)pages, 0, 8, 0));
  say("move_pages(bad nodes array)", sys(mp, 0, 2, (long)pages, 8, (long)status, 0));
  say("move_pages(own pid)", sys(mp, getpid(), 1, (long)pages, 0, (long)status, 0));
  say("move_pages(no such pid)", sys(mp, 999999, 1, (long)pages, 0, (long)status, 0));
  /* 40 pages: three chunks of the stat path */
  void *many[40];
  int st[40];
  for (int i = 0; i < 40; i++)
    many[i] = a + (i % 4) * PAGE;
  say("move_pages(self, 40 pages)", sys(mp, 0, 40, (long)many, 0, (long)st, 0));
  printf("  status 0..3 %d %d %d %d, 36..39 %d %d %d %d\n", st[0], st[1], st[2], st[3], st[36],
         st[37], st[38], st[39]);

  /* another process's pages */
  int fds[2];
  CHECK(pipe(fds) == 0);
  pid_t c = xfork();
  if (c == 0) {
    char *b = mmap((void *)0x330000000UL, 2 * PAGE, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    CHECK(b != MAP_FAILED);
    b[0] = 1;
    CHECK(write(fds[1], "x", 1) == 1);
    pause();
    _exit(0);
  }
  char x;
  CHECK(read(fds[0], &x, 1) == 1);
  void *cp[3] = {(void *)0x330000000UL, (void *)0x330001000UL, (void *)0x340000000UL};
  say("move_pages(child, 3, stat)", sys(mp, c, 3, (long)cp, 0, (long)status, 0));
  printf("  status %d %d %d\n", status[0], status[1], status[2]);
  unsigned long m0 = 1, m1 = 2, m03 = 9, none = 0;
  long mig = SYS_migrate_pages;
  say("migrate_pages(child, {0} -> {0})", sys(mig, c, 64, (long)&m0, (long)&m0, 0, 0));
  say("migrate_pages(self, {0,3} -> {0})", sys(mig, 0, 64, (long)&m03, (long)&m0, 0, 0));
  say("migrate_pages(self, {1} -> {0})", sys(mig, 0, 64, (long)&m1, (long)&m0, 0, 0));
  say("migrate_pages(self, {0} -> {1})", sys(mig, 0, 64, (long)&m0, (long)&m1, 0, 0));
  say("migrate_pages(self, {0} -> {})", sys(mig, 0, 64, (long)&m0, (long)&none, 0, 0));
  say("migrate_pages(self, {0} -> {0,3})", sys(mig, 0, 64, (long)&m0, (long)&m03, 0, 0));
  say("migrate_pages(no such pid)", sys(mig, 999999, 64, (long)&m0, (long)&m0, 0, 0));
  say("migrate_pages(bad mask)", sys(mig, 0, 64, 8, (long)&m0, 0, 0));
  say("migrate_pages(maxnode 40000)", sys(mig, 0, 40000, (long)&m0, (long)&m0, 0, 0));
  kill(c, SIGKILL);
  xwait(c);
  CHECK(munmap(a, 4 * PAGE) == 0);
}

int main(void) {
  if (geteuid() == 0) {
    /* as the uvm4j guest: an unprivileged user, no CAP_SYS_NICE */
    CHECK(setgid(1000) == 0 && setuid(1000) == 0);
    CHECK(prctl(PR_SET_DUMPABLE, 1) == 0);
  }
  task_policies();
  mapping_policies();
  fork_and_mremap();
  home_node();
  migration();
  printf("done\n");
  return 0;
}
