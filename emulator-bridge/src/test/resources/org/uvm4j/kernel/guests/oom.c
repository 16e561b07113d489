/* oom: touches far more anonymous memory than the machine has; with no swap it is killed. */
#include <sys/mman.h>
#include "kt.h"
int main(void) {
  size_t len = 256UL << 20;
  char *m = mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  printf("touching\n");
  for (size_t i = 0; i < len; i += 4096) m[i] = 1;
  printf("survived\n");
  return 0;
}
