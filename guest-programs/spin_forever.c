/*
 * spin_forever - prints "spinning" and then runs a CPU loop that never ends (no system call).
 * Used to check the run limits (--timeout, --max-instructions, RLIMIT_CPU) and that signals sent
 * to uvm4j itself (SIGTERM, SIGINT) still clean up after a guest that never yields.
 */
#include "guest.h"

int main(int argc, char **argv) {
  (void)argc;
  (void)argv;
  printf("spinning\n");
  volatile unsigned long n = 0;
  for (;;) {
    n++;
  }
}
