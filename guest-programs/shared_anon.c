/* shared_anon: MAP_SHARED|MAP_ANONYMOUS memory is the same memory in parent and children, across
 * forks and generations, while private memory next to it is copied on write. */
#include "guest.h"

#define CHILDREN 4

int main(void) {
  volatile int *shared = (volatile int *)xmap(2 * PAGE, MAP_SHARED);
  volatile int *private = (volatile int *)xmap(PAGE, MAP_PRIVATE);
  shared[0] = 0;
  shared[PAGE / sizeof(int)] = 100;
  private[0] = 7;

  for (int i = 0; i < CHILDREN; i++) {
    pid_t p = xfork();
    if (p == 0) {
      shared[0] += 1;
      shared[PAGE / sizeof(int)] += 10;
      private[0] = 1000 + i;
      _exit(0);
    }
    expect_exit(p, 0);
  }
  printf("after %d children: shared counter %d, second shared page %d, private %d\n", CHILDREN,
         shared[0], shared[PAGE / sizeof(int)], private[0]);
  CHECK(shared[0] == CHILDREN);
  CHECK(shared[PAGE / sizeof(int)] == 100 + 10 * CHILDREN);
  CHECK(private[0] == 7);

  /* a grandchild writes through the mapping inherited twice */
  pid_t p = xfork();
  if (p == 0) {
    pid_t g = xfork();
    if (g == 0) {
      shared[1] = 4242;
      _exit(0);
    }
    expect_exit(g, 0);
    CHECK(shared[1] == 4242);
    shared[2] = 17;
    _exit(0);
  }
  expect_exit(p, 0);
  printf("grandchild wrote %d, child wrote %d\n", shared[1], shared[2]);
  CHECK(shared[1] == 4242 && shared[2] == 17);

  /* the parent's writes are seen by a child forked earlier */
  int ready[2];
  CHECK(pipe(ready) == 0);
  p = xfork();
  if (p == 0) {
    char c;
    CHECK(read(ready[0], &c, 1) == 1);
    _exit(shared[3] == 99 ? 0 : 3);
  }
  shared[3] = 99;
  CHECK(write(ready[1], "x", 1) == 1);
  expect_exit(p, 0);
  printf("a running child saw the parent's later write\n");
  CHECK(munmap((void *)shared, 2 * PAGE) == 0);
  printf("shared_anon: ok\n");
  return 0;
}
