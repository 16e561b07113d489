/* mlock_fork: wired (mlock'ed) private memory is copied at fork time instead of shared
 * copy-on-write, yet both sides see the data they expect; munlock and mlockall work. */
#include "guest.h"

#define PAGES 4

int main(void) {
  unsigned char *p = xmap(PAGES * PAGE, MAP_PRIVATE);
  fill(p, PAGES * PAGE, 21);
  CHECK(mlock(p, PAGES * PAGE) == 0);
  printf("locked %d pages\n", PAGES);

  pid_t c = xfork();
  if (c == 0) {
    CHECK(holds(p, PAGES * PAGE, 21));
    fill(p, PAGES * PAGE, 22);
    CHECK(holds(p, PAGES * PAGE, 22));
    _exit(0);
  }
  expect_exit(c, 0);
  CHECK(holds(p, PAGES * PAGE, 21));
  printf("child saw the locked data and changed its copy; the parent's is unchanged\n");

  fill(p, PAGES * PAGE, 23);
  c = xfork();
  if (c == 0) {
    _exit(holds(p, PAGES * PAGE, 23) ? 0 : 2);
  }
  expect_exit(c, 0);
  printf("the parent's later writes are inherited by the next child\n");

  CHECK(munlock(p, PAGES * PAGE) == 0);
  c = xfork();
  if (c == 0) {
    fill(p, PAGE, 24);
    _exit(0);
  }
  expect_exit(c, 0);
  CHECK(holds(p, PAGES * PAGE, 23));
  printf("after munlock: copy-on-write as usual\n");

  CHECK(mlock(p + 1, PAGE) == 0); /* Linux rounds the start down */
  CHECK(munlock(p, PAGES * PAGE) == 0);
  CHECK(munmap(p, PAGES * PAGE) == 0);
  CHECK(mlock(p, PAGE) == -1 && errno == ENOMEM);
  printf("mlock of unmapped memory: ENOMEM\n");
  printf("mlock_fork: ok\n");
  return 0;
}
