/*
 * console_wait - one process blocks reading the console while another keeps working: the child
 * reads stdin (the test writes it only after the parent's line came out), the parent computes,
 * prints, and then waits for the child. Under uvm4j the child's blocking host read must not stop
 * the parent. Natively (stdin at end of file) the child reads 0 bytes.
 */
#include "guest.h"

int main(void) {
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    char buf[64];
    ssize_t n = read(0, buf, sizeof buf);
    CHECK(n >= 0);
    printf("child read %zd bytes: %.*s\n", n, (int)n, buf);
    _exit(0);
  }
  volatile unsigned long x = 0;
  for (unsigned long i = 0; i < 2000000; i++) x += i;
  printf("parent done %lu\n", (unsigned long)x);
  int st;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("child exited\n");
  return 0;
}
