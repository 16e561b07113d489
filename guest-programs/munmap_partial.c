/* munmap_partial: after a fork, the child unmaps parts of a shared copy-on-write range (the front,
 * a hole in the middle, the tail); what remains keeps its data, the holes fault, and the parent's
 * mapping is whole. */
#include "guest.h"

#define PAGES 8

int main(void) {
  unsigned char *p = xmap(PAGES * PAGE, MAP_PRIVATE);
  fill(p, PAGES * PAGE, 11);

  pid_t c = xfork();
  if (c == 0) {
    CHECK(munmap(p + 3 * PAGE, 2 * PAGE) == 0); /* hole: pages 3-4 */
    CHECK(munmap(p, PAGE) == 0);                /* front: page 0 */
    CHECK(munmap(p + 7 * PAGE, PAGE) == 0);     /* tail: page 7 */
    /* what remains holds the pattern at its original offsets */
    for (int i = 1; i < 7; i++) {
      if (i == 3 || i == 4) {
        continue;
      }
      for (int j = 0; j < PAGE; j++) {
        CHECK(p[i * PAGE + j] == (unsigned char)(11 * 31u + (unsigned)(i * PAGE + j) * 7u));
      }
    }
    p[PAGE] = 0xee; /* copy-on-write in what remains */
    pid_t g = xfork();
    if (g == 0) {
      volatile unsigned char *hole = p + 3 * PAGE;
      _exit(hole[0]);
    }
    expect_signal(g, SIGSEGV);
    _exit(0);
  }
  expect_exit(c, 0);
  printf("child: unmapped front, middle and tail; the rest kept its data; the hole faults\n");
  CHECK(holds(p, PAGES * PAGE, 11));
  printf("parent: all %d pages intact\n", PAGES);

  /* the parent splits its own range too and maps something new into the hole */
  CHECK(munmap(p + 2 * PAGE, PAGE) == 0);
  unsigned char *q = mmap(p + 2 * PAGE, PAGE, PROT_READ | PROT_WRITE,
                          MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(q == p + 2 * PAGE);
  CHECK(all_zero(q, PAGE));
  CHECK(holds(p, 2 * PAGE, 11));
  printf("parent: a new page mapped into a hole is zero-filled, neighbours unchanged\n");
  CHECK(munmap(p, PAGES * PAGE) == 0);
  CHECK(munmap(p, PAGES * PAGE) == 0); /* unmapping nothing is fine */
  printf("munmap_partial: ok\n");
  return 0;
}
