/* huge_shared: 100 mappings of 64 GiB MAP_SHARED|MAP_ANONYMOUS|MAP_NORESERVE (6.4 TiB of address
 * space), one page written in each, a fork whose child reads them and writes through them, and a
 * partial munmap of each. Linux maps all of them; so must uvm4j, with a small Java heap (issue 14:
 * an amap costs what is used, not the size of the mapping). */
#include "guest.h"

#define N 100
#define SIZE (64UL << 30)

static size_t off(int i) { return ((SIZE / N) * (size_t)i) & ~(size_t)(PAGE - 1); }

int main(void) {
  static volatile unsigned char *m[N];
  for (int i = 0; i < N; i++) {
    void *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS | MAP_NORESERVE,
                   -1, 0);
    CHECK(p != MAP_FAILED);
    m[i] = (volatile unsigned char *)p;
    m[i][off(i)] = (unsigned char)(i + 1);
  }
  printf("mapped %d x 64 GiB shared anonymous, one page written in each\n", N);

  pid_t p = xfork();
  if (p == 0) {
    for (int i = 0; i < N; i++) {
      CHECK(m[i][off(i)] == (unsigned char)(i + 1));
      m[i][off(i) + PAGE] = (unsigned char)(i + 2);
    }
    _exit(0);
  }
  expect_exit(p, 0);
  for (int i = 0; i < N; i++) {
    CHECK(m[i][off(i) + PAGE] == (unsigned char)(i + 2));
  }
  printf("forked: the child read every mapping and wrote a second page through each\n");

  for (int i = 0; i < N; i++) {
    CHECK(munmap((void *)(m[i] + SIZE - (1 << 20)), 1 << 20) == 0);
    CHECK(m[i][off(i)] == (unsigned char)(i + 1));
  }
  printf("unmapped the last MiB of each; the data is still there\n");
  return 0;
}
