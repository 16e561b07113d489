/* gdb_target: a small program for the gdb stub's test (built with -g): main computes a value,
 * then forks; the child writes a page it shares copy-on-write with its parent, the parent checks
 * that its own copy did not change. */
#include "guest.h"

static volatile int page_value[PAGE / sizeof(int)] __attribute__((aligned(PAGE)));

__attribute__((noinline)) static int twice(int x) {
  return 2 * x;
}

int main(void) {
  int answer = twice(21);
  page_value[0] = 1;
  printf("gdb_target: answer %d\n", answer);
  pid_t child = xfork();
  if (child == 0) {
    page_value[0] = 2;
    printf("child wrote %d\n", page_value[0]);
    _exit(0);
  }
  expect_exit(child, 0);
  CHECK(page_value[0] == 1);
  printf("parent still sees %d\n", page_value[0]);
  return 0;
}
