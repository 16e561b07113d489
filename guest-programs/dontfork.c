/* dontfork: madvise(MADV_DONTFORK) leaves a range out of the child (touching it there is a
 * SIGSEGV), MADV_WIPEONFORK gives the child zeros while the parent keeps its data, and
 * MADV_DOFORK / MADV_KEEPONFORK undo them. */
#include "guest.h"

int main(void) {
  unsigned char *none = xmap(2 * PAGE, MAP_PRIVATE);
  unsigned char *wipe = xmap(2 * PAGE, MAP_PRIVATE);
  fill(none, 2 * PAGE, 5);
  fill(wipe, 2 * PAGE, 6);
  CHECK(madvise(none, 2 * PAGE, MADV_DONTFORK) == 0);
  CHECK(madvise(wipe, 2 * PAGE, MADV_WIPEONFORK) == 0);

  pid_t p = xfork();
  if (p == 0) {
    _exit(all_zero(wipe, 2 * PAGE) ? 0 : 2);
  }
  expect_exit(p, 0);
  printf("WIPEONFORK: the child sees zeros\n");
  CHECK(holds(wipe, 2 * PAGE, 6));
  printf("WIPEONFORK: the parent keeps its data\n");

  p = xfork();
  if (p == 0) {
    volatile unsigned char *v = none;
    unsigned char c = v[PAGE];
    _exit(c == 0 ? 3 : 4); /* not reached: the range is not mapped in the child */
  }
  expect_signal(p, SIGSEGV);
  printf("DONTFORK: the child touching the range is killed by SIGSEGV\n");
  CHECK(holds(none, 2 * PAGE, 5));
  printf("DONTFORK: the parent keeps its data\n");

  CHECK(madvise(none, 2 * PAGE, MADV_DOFORK) == 0);
  CHECK(madvise(wipe, 2 * PAGE, MADV_KEEPONFORK) == 0);
  p = xfork();
  if (p == 0) {
    _exit(holds(none, 2 * PAGE, 5) && holds(wipe, 2 * PAGE, 6) ? 0 : 5);
  }
  expect_exit(p, 0);
  printf("DOFORK and KEEPONFORK: the child inherits both ranges again\n");

  /* WIPEONFORK on shared memory is refused, as on Linux */
  unsigned char *shared = xmap(PAGE, MAP_SHARED);
  CHECK(madvise(shared, PAGE, MADV_WIPEONFORK) == -1 && errno == EINVAL);
  printf("WIPEONFORK on shared memory: EINVAL\n");
  printf("dontfork: ok\n");
  return 0;
}
