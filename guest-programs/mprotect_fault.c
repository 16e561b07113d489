/* mprotect_fault: mprotect lowers and raises access; a child writing to a read-only page, reading
 * a PROT_NONE page, or jumping into non-executable memory is killed by SIGSEGV, and the parent's
 * data is unchanged. */
#include <sys/syscall.h>

#include "guest.h"

static void child_writes(volatile unsigned char *p) {
  pid_t c = xfork();
  if (c == 0) {
    p[10] = 1;
    _exit(0);
  }
  expect_signal(c, SIGSEGV);
}

int main(void) {
  unsigned char *p = xmap(3 * PAGE, MAP_PRIVATE);
  fill(p, 3 * PAGE, 9);

  CHECK(mprotect(p + PAGE, PAGE, PROT_READ) == 0);
  CHECK(holds(p, 3 * PAGE, 9));
  printf("read-only page: still readable\n");
  child_writes(p + PAGE);
  printf("read-only page: a write kills the child with SIGSEGV\n");
  p[0] = 1;
  p[2 * PAGE] = 2;
  printf("neighbouring pages: still writable\n");

  CHECK(mprotect(p + PAGE, PAGE, PROT_NONE) == 0);
  pid_t c = xfork();
  if (c == 0) {
    volatile unsigned char *v = p + PAGE;
    _exit(v[0]);
  }
  expect_signal(c, SIGSEGV);
  printf("PROT_NONE page: a read kills the child with SIGSEGV\n");

  c = xfork();
  if (c == 0) {
    void (*fn)(void) = (void (*)(void))(void *)p;
    fn();
    _exit(0);
  }
  expect_signal(c, SIGSEGV);
  printf("non-executable page: a jump kills the child with SIGSEGV\n");

  CHECK(mprotect(p + PAGE, PAGE, PROT_READ | PROT_WRITE) == 0);
  fill(p + PAGE, PAGE, 10);
  CHECK(holds(p + PAGE, PAGE, 10));
  printf("after mprotect(READ|WRITE): the page is writable again\n");

  /* musl's mprotect() rounds the address down; the system call itself refuses it */
  CHECK(syscall(SYS_mprotect, p + 1, PAGE, PROT_READ) == -1 && errno == EINVAL);
  printf("unaligned mprotect: EINVAL\n");
  CHECK(munmap(p, 3 * PAGE) == 0);
  CHECK(mprotect(p, PAGE, PROT_READ) == -1 && errno == ENOMEM);
  printf("mprotect of unmapped memory: ENOMEM\n");
  printf("mprotect_fault: ok\n");
  return 0;
}
