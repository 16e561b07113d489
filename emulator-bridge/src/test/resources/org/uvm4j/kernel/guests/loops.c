/* loops: argv[1] = "syscall" (N getppid calls), "fork" (N fork + _exit + wait), "pipe" (N
 * one-byte round trips between parent and child), "compute" (N steps of a branchy integer loop,
 * no system call); N = argv[2]. For KernelBench. */
#include <sys/syscall.h>
#include <sys/wait.h>
#include "kt.h"
int main(int argc, char **argv) {
  CHECK(argc == 3);
  long n = atol(argv[2]);
  if (strcmp(argv[1], "syscall") == 0) {
    for (long i = 0; i < n; i++) syscall(SYS_getppid);
  } else if (strcmp(argv[1], "compute") == 0) {
    unsigned long x = 1, odd = 0;
    for (long i = 0; i < n; i++) {
      x = x * 6364136223846793005UL + 1442695040888963407UL;
      if (x >> 63) odd++;
    }
    CHECK(odd <= (unsigned long)n);
  } else if (strcmp(argv[1], "fork") == 0) {
    for (long i = 0; i < n; i++) {
      pid_t c = fork();
      if (c == 0) _exit(0);
      CHECK(waitpid(c, 0, 0) == c);
    }
  } else {
    int a[2], b[2];
    CHECK(pipe(a) == 0 && pipe(b) == 0);
    pid_t c = fork();
    char x = 0;
    if (c == 0) {
      close(a[1]);
      close(b[0]);
      while (read(a[0], &x, 1) == 1) CHECK(write(b[1], &x, 1) == 1);
      _exit(0);
    }
    close(a[0]);
    close(b[1]);
    for (long i = 0; i < n; i++) CHECK(write(a[1], &x, 1) == 1 && read(b[0], &x, 1) == 1);
    close(a[1]);
    CHECK(waitpid(c, 0, 0) == c);
  }
  return 0;
}
