/* selfmod: self-modifying code. Code written into RWX memory runs; rewritten, the new code runs;
 * after a fork the child rewrites the (copy-on-write) code page and both run their own version;
 * memory unmapped after running code and mapped again runs the new code written into it. */
#include "guest.h"

typedef int (*fn_t)(void);

/* writes "mov eax, value ; ret" at p */
static void emit(unsigned char *p, int value) {
  p[0] = 0xb8;
  memcpy(p + 1, &value, 4);
  p[5] = 0xc3;
}

static unsigned char *rwx(void) {
  void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1,
                 0);
  CHECK(p != MAP_FAILED);
  return p;
}

int main(void) {
  unsigned char *code = rwx();
  fn_t f = (fn_t)(void *)code;
  emit(code, 1);
  printf("first code returns %d\n", f());
  CHECK(f() == 1);
  emit(code, 2);
  printf("rewritten code returns %d\n", f());
  CHECK(f() == 2);

  pid_t c = xfork();
  if (c == 0) {
    CHECK(f() == 2);
    emit(code, 3);
    _exit(f() == 3 ? 0 : 4);
  }
  expect_exit(c, 0);
  printf("the child rewrote its copy and ran it; the parent's code still returns %d\n", f());
  CHECK(f() == 2);

  c = xfork();
  if (c == 0) {
    _exit(f());
  }
  expect_exit(c, 2);
  emit(code, 5);
  CHECK(f() == 5);
  printf("after the parent rewrites again, its code returns %d\n", f());

  /* run code, unmap it, map fresh memory (likely the same frame) and run new code there */
  for (int round = 0; round < 4; round++) {
    CHECK(munmap(code, PAGE) == 0);
    code = rwx();
    f = (fn_t)(void *)code;
    CHECK(all_zero(code, PAGE));
    emit(code, 100 + round);
    CHECK(f() == 100 + round);
  }
  printf("fresh mappings run the code written into them: ok\n");
  printf("selfmod: ok\n");
  return 0;
}
