/*
 * guest.h - helpers shared by the uvm4j guest programs.
 *
 * Every guest prints deterministic text (no addresses, no pids: it prints relationships, not
 * numbers), checks itself with CHECK, and exits 0 on success; a failed check prints where on
 * stderr and exits 1. stdout is unbuffered so that output written before a fork is never
 * duplicated and output order is the order of the write calls. Parents wait for children before
 * printing again, so the output is the same natively and under uvm4j.
 *
 * Only the system calls uvm4j's kernel implements are used (see architecture.md); musl's brk()
 * wrapper always fails, so guests that want the break call syscall(SYS_brk, ...).
 */
#ifndef UVM4J_GUEST_H
#define UVM4J_GUEST_H

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAGE 4096

#define CHECK(cond)                                                                  \
  do {                                                                               \
    if (!(cond)) {                                                                   \
      guest_fail(__FILE__, __LINE__, #cond);                                         \
    }                                                                                \
  } while (0)

static inline void guest_fail(const char *file, int line, const char *what) {
  fprintf(stderr, "%s:%d: check failed: %s (errno %d)\n", file, line, what, errno);
  _exit(1);
}

__attribute__((constructor, unused)) static void guest_init(void) {
  setvbuf(stdout, NULL, _IONBF, 0);
}

/* fork() that must succeed. */
static inline pid_t xfork(void) {
  pid_t p = fork();
  CHECK(p >= 0);
  return p;
}

/* Waits for child p and returns its wait status. */
static inline int xwait(pid_t p) {
  int status = 0;
  pid_t r;
  do {
    r = waitpid(p, &status, 0);
  } while (r < 0 && errno == EINTR);
  CHECK(r == p);
  return status;
}

/* Waits for child p and checks that it exited with status code. */
static inline void expect_exit(pid_t p, int code) {
  int status = xwait(p);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == code);
}

/* Waits for child p and checks that signal sig killed it. */
static inline void expect_signal(pid_t p, int sig) {
  int status = xwait(p);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == sig);
}

/* Anonymous private read-write memory that must be available. */
static inline unsigned char *xmap(size_t len, int flags) {
  void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  return p;
}

/* Fills len bytes with a pattern derived from seed. */
static inline void fill(unsigned char *p, size_t len, unsigned seed) {
  for (size_t i = 0; i < len; i++) {
    p[i] = (unsigned char)(seed * 31u + i * 7u);
  }
}

/* True if p holds the pattern fill(p, len, seed) wrote. */
static inline int holds(const unsigned char *p, size_t len, unsigned seed) {
  for (size_t i = 0; i < len; i++) {
    if (p[i] != (unsigned char)(seed * 31u + i * 7u)) {
      return 0;
    }
  }
  return 1;
}

/* True if len bytes at p are all zero. */
static inline int all_zero(const unsigned char *p, size_t len) {
  for (size_t i = 0; i < len; i++) {
    if (p[i] != 0) {
      return 0;
    }
  }
  return 1;
}

#endif
