/* segv: stores through a null pointer. The kernel kills it with SIGSEGV (wait status 139 in a
 * shell), natively and under uvm4j alike; the line before the store shows it ran until then. */
#include "guest.h"

int main(void) {
  volatile int *nowhere = (volatile int *)0;
  printf("storing through a null pointer\n");
  *nowhere = 42;
  printf("still alive: the store did not fault\n");
  return 1;
}
