/* rlimit_stack: RLIMIT_STACK bounds the stack of the programs a process executes (a recursion
 * beyond it dies of SIGSEGV, one within it runs), and RLIMIT_MEMLOCK bounds mlock for a process
 * without CAP_IPC_LOCK (ENOMEM beyond the limit, EPERM with a zero limit). Natively as root it
 * first becomes uid 1000, which uvm4j's guests always are (root is not limited by MEMLOCK). */
#include <sys/resource.h>

#include "guest.h"

static int recurse(int kib) {
  volatile char frame[1024];
  frame[0] = (char)kib;
  if (kib <= 1) {
    return frame[0];
  }
  return recurse(kib - 1) + frame[0];
}

/* Runs this program again as "child KIB" with a 1 MiB stack limit; returns the wait status. */
static int run_with_1mib_stack(const char *self, const char *kib) {
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    struct rlimit rl = {1 << 20, 1 << 20};
    CHECK(setrlimit(RLIMIT_STACK, &rl) == 0);
    char *argv[] = {(char *)self, "child", (char *)kib, NULL};
    char *envp[] = {NULL};
    execve(self, argv, envp);
    _exit(127);
  }
  int st;
  CHECK(waitpid(pid, &st, 0) == pid);
  return st;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "child") == 0) {
    int kib = atoi(argv[2]);
    recurse(kib);
    printf("recursed through %d KiB of stack\n", kib);
    return 0;
  }
  if (getuid() == 0) {
    CHECK(setgid(1000) == 0 && setuid(1000) == 0);
  }

  int st = run_with_1mib_stack(argv[0], "512");
  printf("512 KiB under a 1 MiB limit: %s\n",
         WIFEXITED(st) && WEXITSTATUS(st) == 0 ? "exit 0" : "failed");
  st = run_with_1mib_stack(argv[0], "4096");
  printf("4 MiB under a 1 MiB limit: %s\n",
         WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV ? "killed by SIGSEGV" : "not SIGSEGV");

  char *p = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  struct rlimit ml = {2 * PAGE, 2 * PAGE};
  CHECK(setrlimit(RLIMIT_MEMLOCK, &ml) == 0);
  printf("mlock 2 pages under a 2-page limit: %d\n", mlock(p, 2 * PAGE));
  printf("mlock the same 2 pages again: %d\n", mlock(p, 2 * PAGE));
  errno = 0;
  int r = mlock(p + 2 * PAGE, PAGE);
  printf("mlock a third page: %d %s\n", r, errno == ENOMEM ? "ENOMEM" : strerror(errno));
  CHECK(munlock(p, 2 * PAGE) == 0);
  printf("after munlock, mlock 2 other pages: %d\n", mlock(p + 2 * PAGE, 2 * PAGE));
  errno = 0;
  r = mlockall(MCL_CURRENT);
  printf("mlockall(MCL_CURRENT) beyond the limit: %d %s\n", r,
         errno == ENOMEM ? "ENOMEM" : strerror(errno));
  CHECK(munlock(p + 2 * PAGE, 2 * PAGE) == 0);
  struct rlimit zero = {0, 0};
  CHECK(setrlimit(RLIMIT_MEMLOCK, &zero) == 0);
  errno = 0;
  r = mlock(p, PAGE);
  printf("mlock under a zero limit: %d %s\n", r, errno == EPERM ? "EPERM" : strerror(errno));
  return 0;
}
