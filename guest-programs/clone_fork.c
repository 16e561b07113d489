/* clone_fork: fork as the C libraries make it. glibc's fork() is
 * clone(CLONE_CHILD_SETTID|CLONE_CHILD_CLEARTID|SIGCHLD); a raw clone with
 * CLONE_PARENT_SETTID|CLONE_CHILD_SETTID writes the child's tid into the parent's memory and into
 * the child's (a private page keeps them apart, a MAP_SHARED page shows both); CHILD_CLEARTID of a
 * process that does not share its memory is not cleared at exit (Linux's mm_release clears it only
 * while another user of the address space remains). Then a pipeline (fork + pipe + execve of this
 * program) and posix_spawn (clone with CLONE_VM|CLONE_VFORK on a new stack in glibc and musl).
 * Built with musl (build/clone_fork) and with glibc (build/clone_fork.glibc). */
#define _GNU_SOURCE
#include <sched.h>
#include <spawn.h>
#include <sys/syscall.h>

#include "guest.h"

extern char **environ;

static long raw_clone(unsigned long flags, pid_t *ptid, pid_t *ctid) {
  /* x86-64 argument order: flags, stack, parent_tid, child_tid, tls */
  return syscall(SYS_clone, flags, 0L, ptid, ctid, 0L);
}

static int child_mode(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "upper") == 0) {
    /* a filter: copies stdin to stdout in upper case */
    char buf[256];
    ssize_t n;
    while ((n = read(0, buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++) {
        if (buf[i] >= 'a' && buf[i] <= 'z') {
          buf[i] = (char)(buf[i] - 'a' + 'A');
        }
      }
      CHECK(write(1, buf, (size_t)n) == n);
    }
    return 0;
  }
  if (argc >= 2 && strcmp(argv[1], "status") == 0) {
    return 7;
  }
  return -1;
}

int main(int argc, char **argv) {
  int r = child_mode(argc, argv);
  if (r >= 0) {
    return r;
  }

  /* 1. the C library's fork */
  pid_t me = getpid();
  pid_t c = fork();
  CHECK(c >= 0);
  if (c == 0) {
    CHECK(getppid() == me);
    CHECK(getpid() != me);
    _exit(getpid() == (pid_t)syscall(SYS_gettid) ? 3 : 4);
  }
  expect_exit(c, 3);
  printf("fork: child ran with its own pid (= its tid), parent got its status\n");

  /* 2. raw clone with PARENT_SETTID | CHILD_SETTID | CHILD_CLEARTID */
  static pid_t ptid, ctid; /* private: each process sees only its own writes */
  pid_t *shared = (pid_t *)xmap(PAGE, MAP_SHARED);
  ptid = -1;
  ctid = -1;
  shared[0] = -1;
  long k = raw_clone(CLONE_PARENT_SETTID | CLONE_CHILD_SETTID | SIGCHLD, &ptid, &ctid);
  CHECK(k >= 0);
  if (k == 0) {
    pid_t self = getpid();
    /* CHILD_SETTID wrote our tid here, PARENT_SETTID wrote nothing in our copy */
    _exit(ctid == self && ptid == -1 ? 0 : 1);
  }
  expect_exit((pid_t)k, 0);
  CHECK(ptid == (pid_t)k);
  CHECK(ctid == -1);
  printf("clone PARENT_SETTID: parent's word holds the child's pid; CHILD_SETTID: only in the "
         "child's copy\n");

  k = raw_clone(CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | SIGCHLD, NULL, &shared[0]);
  CHECK(k >= 0);
  if (k == 0) {
    _exit(shared[0] == getpid() ? 0 : 1);
  }
  expect_exit((pid_t)k, 0);
  CHECK(shared[0] == (pid_t)k);
  printf("CHILD_SETTID on shared memory: parent sees the child's tid; CHILD_CLEARTID of a "
         "process alone in its memory: not cleared at exit\n");

  /* bad combinations are refused as on Linux */
  errno = 0;
  CHECK(raw_clone(CLONE_SIGHAND | SIGCHLD, NULL, NULL) == -1 && errno == EINVAL);
  errno = 0;
  CHECK(raw_clone(CLONE_THREAD | SIGCHLD, NULL, NULL) == -1 && errno == EINVAL);
  printf("clone SIGHAND without VM, THREAD without SIGHAND: EINVAL\n");

  /* 3. a pipeline: writer | this program upper */
  int fd[2];
  CHECK(pipe(fd) == 0);
  pid_t w = fork();
  CHECK(w >= 0);
  if (w == 0) {
    close(fd[0]);
    const char *msg = "hello from a pipeline\n";
    CHECK(write(fd[1], msg, strlen(msg)) == (ssize_t)strlen(msg));
    _exit(0);
  }
  int out[2];
  CHECK(pipe(out) == 0);
  pid_t u = fork();
  CHECK(u >= 0);
  if (u == 0) {
    CHECK(dup2(fd[0], 0) == 0);
    CHECK(dup2(out[1], 1) == 1);
    close(fd[0]);
    close(fd[1]);
    close(out[0]);
    close(out[1]);
    char *args[] = {argv[0], "upper", NULL};
    execve(argv[0], args, environ);
    _exit(127);
  }
  close(fd[0]);
  close(fd[1]);
  close(out[1]);
  char buf[128];
  size_t got = 0;
  ssize_t n;
  while ((n = read(out[0], buf + got, sizeof buf - 1 - got)) > 0) {
    got += (size_t)n;
  }
  buf[got] = 0;
  close(out[0]);
  expect_exit(w, 0);
  expect_exit(u, 0);
  printf("pipeline output: %s", buf);

  /* 4. posix_spawn */
  pid_t s;
  char *sargs[] = {argv[0], "status", NULL};
  CHECK(posix_spawn(&s, argv[0], NULL, NULL, sargs, environ) == 0);
  expect_exit(s, 7);
  printf("posix_spawn: the spawned program exited with 7\n");
  printf("clone_fork: ok\n");
  return 0;
}
