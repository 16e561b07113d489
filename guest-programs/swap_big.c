/* swap_big: a working set four times the machine's RAM (64 MiB; run under --ram 16M with swap):
 * every page gets its own pattern, everything is read back twice, a forked child checks it too
 * and rewrites half of it privately, and the parent's copy stays intact. */
#include "guest.h"

#define MIB 64UL
#define SIZE (MIB << 20)
#define NPAGES (SIZE / PAGE)

static unsigned long word(unsigned long page, unsigned salt) {
  return (page * 0x9e3779b97f4a7c15UL) ^ ((unsigned long)salt << 56) ^ 0x5bd1e995UL;
}

static void stamp(unsigned char *p, unsigned long page, unsigned salt) {
  unsigned long *w = (unsigned long *)(p + page * PAGE);
  w[0] = word(page, salt);
  w[PAGE / 16] = ~word(page, salt);
  w[PAGE / 8 - 1] = word(page, salt) + page;
}

static int stamped(const unsigned char *p, unsigned long page, unsigned salt) {
  const unsigned long *w = (const unsigned long *)(p + page * PAGE);
  return w[0] == word(page, salt) && w[PAGE / 16] == ~word(page, salt) &&
         w[PAGE / 8 - 1] == word(page, salt) + page && w[1] == 0;
}

int main(void) {
  unsigned char *p = xmap(SIZE, MAP_PRIVATE);
  for (unsigned long i = 0; i < NPAGES; i++) {
    stamp(p, i, 1);
  }
  printf("stamped %lu pages (%lu MiB)\n", NPAGES, MIB);
  for (int round = 0; round < 2; round++) {
    for (unsigned long i = 0; i < NPAGES; i++) {
      CHECK(stamped(p, i, 1));
    }
  }
  printf("read back twice: every page intact\n");

  pid_t c = xfork();
  if (c == 0) {
    for (unsigned long i = 0; i < NPAGES; i++) {
      if (!stamped(p, i, 1)) {
        _exit(2);
      }
      if (i % 2 == 0) {
        stamp(p, i, 2);
      }
    }
    for (unsigned long i = 0; i < NPAGES; i++) {
      if (!stamped(p, i, i % 2 == 0 ? 2 : 1)) {
        _exit(3);
      }
    }
    _exit(0);
  }
  expect_exit(c, 0);
  printf("a child saw every page and rewrote half of them\n");
  for (unsigned long i = 0; i < NPAGES; i++) {
    CHECK(stamped(p, i, 1));
  }
  printf("the parent's pages are unchanged\n");
  CHECK(munmap(p, SIZE) == 0);
  printf("swap_big: ok\n");
  return 0;
}
