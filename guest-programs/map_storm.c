/* map_storm: 100,000 one-page mmaps, then an mprotect storm that splits them into tens of
 * thousands of mappings, a munmap storm that punches holes into them, and mappings beyond
 * vm.max_map_count (65,530): mmap and splitting mprotect/munmap calls get ENOMEM and change
 * nothing. Every step is checked: the data written survives, holes are free again (a hint there is
 * taken as is), read-only pages really are read-only (a child writing one dies of SIGSEGV).
 * The output has no counts that depend on how many mappings the C runtime itself holds. */
#include "guest.h"

#define N 100000
#define SPLIT 60000 /* pages whose protection alternates: about 60,000 entries, below the limit */
#define TAGGED(i) ((i) % 32 == 0)

static unsigned char *pg[N];

static unsigned char tag(int i) { return (unsigned char)(i * 7 + 1); }

/* A child writes one byte at p: returns its wait status. */
static int child_write(unsigned char *p) {
  pid_t c = xfork();
  if (c == 0) {
    *(volatile unsigned char *)p = 1;
    _exit(0);
  }
  return xwait(c);
}

int main(void) {
  for (int i = 0; i < N; i++) {
    pg[i] = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(pg[i] != MAP_FAILED);
    if (TAGGED(i)) {
      pg[i][5] = tag(i);
    }
  }
  printf("mapped %d one-page mappings\n", N);

  for (int i = 0; i < SPLIT; i += 2) {
    CHECK(mprotect(pg[i], PAGE, PROT_READ) == 0);
  }
  printf("mprotect storm: every other page of %d read-only\n", SPLIT);

  /* continue alternating until the map is full: ENOMEM, and the refused page stays writable */
  int refused = -1;
  for (int i = SPLIT; i < N; i += 2) {
    if (mprotect(pg[i], PAGE, PROT_READ) != 0) {
      CHECK(errno == ENOMEM);
      refused = i;
      break;
    }
  }
  CHECK(refused > 0);
  pg[refused][100] = 42;
  CHECK(pg[refused][100] == 42);
  printf("mprotect beyond vm.max_map_count: ENOMEM, the page keeps its protection\n");

  for (int i = 0; i < N; i++) {
    if (TAGGED(i)) {
      CHECK(pg[i][5] == tag(i));
    }
  }
  printf("every tagged page holds its data\n");
  int st = child_write(pg[0]);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
  st = child_write(pg[SPLIT - 2]);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
  st = child_write(pg[1]);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("read-only pages refuse writes in a child, writable ones take them\n");

  /* munmap storm: every third page; back below the limit */
  for (int i = 0; i < N; i += 3) {
    CHECK(munmap(pg[i], PAGE) == 0);
  }
  for (int i = 0; i < N; i++) {
    if (i % 3 != 0 && TAGGED(i)) {
      CHECK(pg[i][5] == tag(i));
    }
  }
  printf("munmap storm: every third page unmapped, the others keep their data\n");
  for (int i = 0; i < N; i += 999) {
    int h = i - i % 3;
    unsigned char *p = mmap(pg[h], PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    CHECK(p == pg[h]);
    CHECK(p[17] == 0);
    CHECK(munmap(p, PAGE) == 0);
  }
  printf("the holes are free again: a hint there is taken, the page is zero\n");

  /* unmap everything in one call over the whole range (holes are fine) */
  unsigned char *lo = pg[0];
  unsigned char *hi = pg[0];
  for (int i = 0; i < N; i++) {
    if (pg[i] < lo) {
      lo = pg[i];
    }
    if (pg[i] > hi) {
      hi = pg[i];
    }
  }
  CHECK(munmap(lo, (size_t)(hi - lo) + PAGE) == 0);
  printf("one munmap removes them all\n");

  /* mmap until the map is full: alternating protections, so nothing merges */
  int made = 0;
  for (int i = 0; i < N; i++) {
    pg[i] = mmap(NULL, PAGE, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (pg[i] == MAP_FAILED) {
      CHECK(errno == ENOMEM);
      break;
    }
    made++;
  }
  CHECK(made > 65000 && made <= 65531);
  printf("mmap beyond vm.max_map_count: ENOMEM after about 65,530 mappings\n");
  for (int i = 0; i < made; i++) {
    CHECK(munmap(pg[i], PAGE) == 0);
  }
  unsigned char *after = xmap(PAGE, MAP_PRIVATE);
  after[0] = 1;
  printf("after unmapping them, mmap works again\n");
  printf("map_storm: ok\n");
  return 0;
}
