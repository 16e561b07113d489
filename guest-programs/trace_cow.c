/* trace_cow: a small fork/copy-on-write program whose fault trace is known exactly (the tracing
 * tests and the walk-through in docs/tracing.md). The parent fills 6 private pages at a fixed
 * address (6 zero fills) and one shared page; its child writes 4 of the private pages (one amap
 * copy, then 4 copy-on-write copies) and the shared one (no copy); once the child has exited the
 * parent writes all 6 again (a take-over of its amap, then each page in place). */
#include "guest.h"

#define PAGES 6
#define CHILD_PAGES 4
#define PRIVATE_AT ((void *)0x10000000)
#define SHARED_AT ((void *)0x10100000)

int main(void) {
  unsigned char *data = mmap(PRIVATE_AT, PAGES * PAGE, PROT_READ | PROT_WRITE,
                             MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(data == PRIVATE_AT);
  unsigned char *shared = mmap(SHARED_AT, PAGE, PROT_READ | PROT_WRITE,
                               MAP_SHARED | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(shared == SHARED_AT);
  for (int i = 0; i < PAGES; i++) {
    data[i * PAGE] = 1;
  }
  shared[0] = 1;
  printf("trace_cow: parent wrote %d private pages and 1 shared page\n", PAGES);

  pid_t child = xfork();
  if (child == 0) {
    for (int i = 0; i < CHILD_PAGES; i++) {
      data[i * PAGE] = 2;
    }
    shared[0] = 2;
    _exit(0);
  }
  expect_exit(child, 0);
  CHECK(shared[0] == 2);
  for (int i = 0; i < PAGES; i++) {
    CHECK(data[i * PAGE] == 1);
    data[i * PAGE] = 3;
  }
  printf("trace_cow: child wrote %d pages of its copy and the shared page; parent kept its own\n",
         CHILD_PAGES);
  return 0;
}
