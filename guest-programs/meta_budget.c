/* meta_budget: a guest that drives the host's metadata (amaps, anons, page tables) as far as it
 * can (issue 13 item 1). It maps 64 GiB MAP_SHARED|MAP_ANONYMOUS|MAP_NORESERVE regions one after
 * the other and writes 16 pages 2 MiB apart in each (every write a new amap chunk and page-table
 * leaf), until mmap says ENOMEM; then brk growth, mremap growth and fork must fail too (ENOMEM),
 * the mappings are unmapped, and a child that writes one page every 2 MiB of a region (32,768
 * pages) must be killed with SIGKILL, while this process lives on. Meant for uvm4j with a small
 * --metadata-budget (MetadataBudgetTest), where the refusals come from the budget and the JVM never
 * runs out of heap; natively the refusals come from the address space (128 TiB: about 2,000
 * regions) and the child exits 3. */
#define _GNU_SOURCE
#include "guest.h"

#include <sys/syscall.h>

#define SIZE (64UL << 30)
#define MAXMAPS 4096
#define TOUCHES 16
#define STRIDE (2UL << 20)

static unsigned char *m[MAXMAPS];

int main(void) {
  int n = 0;
  for (;;) {
    CHECK(n < MAXMAPS);
    void *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    if (p == MAP_FAILED) {
      CHECK(errno == ENOMEM);
      break;
    }
    m[n] = p;
    for (int t = 0; t < TOUCHES; t++) {
      m[n][t * STRIDE] = (unsigned char)(n + t + 1);
    }
    n++;
  }
  CHECK(n > 0);
  printf("mmap: ENOMEM after %s mappings\n", n > 8 ? "several" : "few");
  for (int i = 0; i < n; i++) {
    for (int t = 0; t < TOUCHES; t++) {
      CHECK(m[i][t * STRIDE] == (unsigned char)(i + t + 1));
    }
  }
  printf("every page written is intact\n");

  long cur = syscall(SYS_brk, 0);
  long got = syscall(SYS_brk, cur + (1L << 20));
  printf("brk growth refused: %s\n", got == cur ? "yes" : "no");
  void *q = mremap(m[0], SIZE, SIZE + (1UL << 20), MREMAP_MAYMOVE);
  printf("mremap growth: %s\n", q == MAP_FAILED && errno == ENOMEM ? "ENOMEM" : "succeeded");
  if (q != MAP_FAILED) {
    m[0] = q;
  }
  pid_t f = fork();
  if (f == 0) {
    _exit(0);
  }
  printf("fork: %s\n", f < 0 && errno == ENOMEM ? "ENOMEM" : "succeeded");
  if (f > 0) {
    expect_exit(f, 0);
  }

  for (int i = 0; i < n; i++) {
    CHECK(munmap(m[i], q != MAP_FAILED && i == 0 ? SIZE + (1UL << 20) : SIZE) == 0);
  }
  pid_t c = xfork();
  if (c == 0) {
    unsigned char *r = mmap(NULL, SIZE, PROT_READ | PROT_WRITE,
                            MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    CHECK(r != MAP_FAILED);
    for (size_t off = 0; off < SIZE; off += STRIDE) {
      r[off] = 1;
    }
    _exit(3); /* 32,768 pages written: more than the budget of the test lets a guest have */
  }
  int status = xwait(c);
  printf("the child writing 32,768 pages: %s\n",
         WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL ? "killed by SIGKILL" : "not killed");
  unsigned char *after = xmap(PAGE, MAP_PRIVATE);
  after[0] = 1;
  printf("the parent maps and writes again after the child's death\n");
  return 0;
}
