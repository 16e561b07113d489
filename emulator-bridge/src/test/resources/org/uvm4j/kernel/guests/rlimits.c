#define _GNU_SOURCE
/* rlimits.c: setrlimit/getrlimit/prlimit64 and their enforcement (NOFILE, NPROC, AS, CPU). */
#include "kt.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static volatile sig_atomic_t xcpu;
static void on_xcpu(int sig) { (void)sig; xcpu++; }

int main(void) {
  struct rlimit rl;

  /* NOFILE: no descriptor at or above the soft limit */
  CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024 && rl.rlim_max == 1024);
  rl.rlim_cur = 6;
  CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
  int fds = 0;
  for (;;) {
    int fd = dup(0);
    if (fd < 0) {
      CHECK(errno == EMFILE);
      break;
    }
    CHECK(fd < 6);
    fds++;
  }
  printf("rlimits: nofile 6 -> %d more descriptors, then EMFILE\n", fds);
  CHECK(dup2(0, 6) < 0 && errno == EBADF);
  CHECK(fcntl(0, F_DUPFD, 6) < 0 && errno == EINVAL);
  rl.rlim_cur = 1024;
  rl.rlim_max = 2048;
  CHECK(setrlimit(RLIMIT_NOFILE, &rl) < 0 && errno == EPERM);
  rl.rlim_max = 1024;
  CHECK(setrlimit(RLIMIT_NOFILE, &rl) == 0);
  rl.rlim_cur = 2000;
  CHECK(setrlimit(RLIMIT_NOFILE, &rl) < 0 && errno == EINVAL);

  /* NPROC: fork fails with EAGAIN once that many processes live */
  rl.rlim_cur = 2;
  rl.rlim_max = 2;
  CHECK(setrlimit(RLIMIT_NPROC, &rl) == 0);
  pid_t c = fork();
  CHECK(c >= 0);
  if (c == 0) {
    pid_t g = fork();
    CHECK(g < 0 && errno == EAGAIN);
    _exit(7);
  }
  int st;
  CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 7);
  rl.rlim_cur = 3;
  CHECK(setrlimit(RLIMIT_NPROC, &rl) < 0 && errno == EINVAL);
  rl.rlim_max = 3;
  CHECK(setrlimit(RLIMIT_NPROC, &rl) < 0 && errno == EPERM);
  printf("rlimits: nproc 2 -> grandchild fork EAGAIN\n");

  /* AS: mmap beyond the address-space limit is ENOMEM; within it works */
  rl.rlim_cur = 256ul << 20;
  rl.rlim_max = RLIM_INFINITY;
  CHECK(setrlimit(RLIMIT_AS, &rl) == 0);
  void *big = mmap(0, 512ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(big == MAP_FAILED && errno == ENOMEM);
  void *ok = mmap(0, 16ul << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(ok != MAP_FAILED);
  CHECK(munmap(ok, 16ul << 20) == 0);
  void *cur = (void *)syscall(SYS_brk, 0);
  CHECK((void *)syscall(SYS_brk, (char *)cur + (1ul << 30)) == cur);
  printf("rlimits: as 256M -> mmap 512M ENOMEM, brk +1G refused\n");

  /* prlimit64 on another process; ESRCH for none */
  struct rlimit old;
  CHECK(prlimit(getpid(), RLIMIT_CORE, NULL, &old) == 0 && old.rlim_cur == 0);
  CHECK(prlimit(99999, RLIMIT_CORE, NULL, &old) < 0 && errno == ESRCH);

  /* CPU: SIGXCPU at the soft limit (and each second after), SIGKILL at the hard limit */
  c = fork();
  CHECK(c >= 0);
  if (c == 0) {
    signal(SIGXCPU, on_xcpu);
    rl.rlim_cur = 1;
    rl.rlim_max = 2;
    CHECK(setrlimit(RLIMIT_CPU, &rl) == 0);
    volatile unsigned long n = 0;
    while (!xcpu) {
      n++;
    }
    printf("rlimits: cpu 1s -> SIGXCPU\n");
    for (;;) {
      n++;
    }
  }
  CHECK(waitpid(c, &st, 0) == c);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
  printf("rlimits: cpu hard 2s -> SIGKILL\n");
  printf("rlimits: ok\n");
  return 0;
}
