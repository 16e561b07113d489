#define _GNU_SOURCE
/* procs: orphans go to pid 1, vfork borrows the parent's memory until _exit, posix_spawn (clone
 * with CLONE_VM|CLONE_VFORK and a new stack), unsupported clone flags, argv[1] is a program to
 * spawn that dies by SIGABRT. */
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include "kt.h"

extern char **environ;

int main(int argc, char **argv) {
  CHECK(argc == 2);
  CHECK(getpid() == 1 && getppid() == 0);
  int p[2];
  CHECK(pipe(p) == 0);
  pid_t c = fork();
  if (c == 0) {
    pid_t g = fork();
    if (g == 0) {
      /* wait until the parent (pid 2) is gone, then report the new parent */
      char b;
      CHECK(read(p[0], &b, 1) == 1);
      while (getppid() != 1) sched_yield();
      int pp = getppid();
      CHECK(write(p[1], &pp, sizeof pp) == sizeof pp);
      _exit(0);
    }
    _exit(0);
  }
  int st;
  CHECK(waitpid(c, &st, 0) == c && WIFEXITED(st));
  CHECK(write(p[1], "g", 1) == 1);
  int pp = 0;
  /* the grandchild may read our byte back only after we read: give it the pipe to itself */
  for (;;) {
    sched_yield();
    pid_t r = waitpid(-1, &st, WNOHANG);
    if (r > 0) break;
  }
  CHECK(read(p[0], &pp, sizeof pp) == sizeof pp && pp == 1);
  printf("procs: orphan re-parented to pid 1 and reaped by it\n");

  /* vfork: the child runs in our memory until it exits */
  volatile int shared = 0;
  c = vfork();
  if (c == 0) {
    shared = 42;
    _exit(0);
  }
  CHECK(shared == 42);
  CHECK(waitpid(c, &st, 0) == c && WEXITSTATUS(st) == 0);
  printf("procs: vfork child wrote the parent's memory\n");

  /* posix_spawn: clone(CLONE_VM|CLONE_VFORK) on a separate stack, then execve */
  char *av[] = {"abort", 0};
  pid_t s;
  CHECK(posix_spawn(&s, argv[1], 0, 0, av, environ) == 0);
  CHECK(waitpid(s, &st, 0) == s && WIFSIGNALED(st) && WTERMSIG(st) == SIGABRT);
  CHECK(posix_spawn(&s, "/nonexistent", 0, 0, av, environ) == ENOENT);
  printf("procs: posix_spawn\n");

  /* threads are not supported; a bad exit signal is EINVAL */
  CHECK(syscall(SYS_clone, CLONE_VM | CLONE_THREAD | CLONE_SIGHAND, 0, 0, 0, 0) == -1 &&
        errno == ENOSYS);
  CHECK(syscall(SYS_clone, 200, 0, 0, 0, 0) == -1 && errno == EINVAL);
  CHECK(sched_yield() == 0);
  printf("procs: ok\n");
  return 0;
}
