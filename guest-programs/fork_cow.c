/* fork_cow: copy-on-write across three generations, explained as it happens (the `make run`
 * demo). Each generation sees what its parent wrote before the fork, writes its own copy, and the
 * parent's data never changes. */
#include "guest.h"

#define PAGES 8

static unsigned char *data;

static void show(const char *who, unsigned seed) {
  int ok = holds(data, PAGES * PAGE, seed);
  printf("  %-11s sees pattern %u in all %d pages: %s\n", who, seed, PAGES, ok ? "yes" : "NO");
  CHECK(ok);
}

int main(void) {
  printf("fork_cow: copy-on-write of private anonymous memory across generations\n");
  data = xmap(PAGES * PAGE, MAP_PRIVATE);
  fill(data, PAGES * PAGE, 1);
  printf("1. the parent fills %d pages with pattern 1 (zero-fill faults, then writes)\n", PAGES);
  show("parent", 1);

  printf("2. fork: the child shares the parent's pages read-only (no copy yet)\n");
  pid_t child = xfork();
  if (child == 0) {
    show("child", 1);
    printf("3. the child writes pattern 2: each write faults and copies one page\n");
    fill(data, PAGES * PAGE, 2);
    show("child", 2);
    printf("4. the child forks a grandchild, which inherits pattern 2\n");
    pid_t grandchild = xfork();
    if (grandchild == 0) {
      show("grandchild", 2);
      printf("5. the grandchild writes pattern 3 into the first half only\n");
      fill(data, PAGES / 2 * PAGE, 3);
      CHECK(holds(data, PAGES / 2 * PAGE, 3));
      printf("  grandchild: first half pattern 3, second half still shared pattern 2: %s\n",
             holds(data + PAGES / 2 * PAGE, PAGES / 2 * PAGE, 2) ? "yes" : "NO");
      _exit(0);
    }
    expect_exit(grandchild, 0);
    printf("6. the grandchild exited; the child's pages are untouched\n");
    show("child", 2);
    _exit(0);
  }
  expect_exit(child, 0);
  printf("7. the child exited; the parent still has its own pages\n");
  show("parent", 1);

  printf("8. the parent writes again: its pages are no longer shared, no copy is needed\n");
  fill(data, PAGES * PAGE, 4);
  show("parent", 4);
  CHECK(munmap(data, PAGES * PAGE) == 0);
  printf("fork_cow: all generations saw exactly their own data\n");
  return 0;
}
