/* mremap_move: mremap moves and grows the mapping itself, so everything about it survives the
 * move — MADV_WIPEONFORK (a child sees zeroes) and MADV_DONTFORK (a child cannot read it), shared
 * memory (still shared with a child after the move), a grown tail keeping the mapping's
 * attributes; MREMAP_FIXED replaces what was at the target, MREMAP_DONTUNMAP leaves a fresh private
 * range (or the same shared memory) behind; a 2 GiB untouched mapping moves without being
 * populated. */
#define _GNU_SOURCE
#include "guest.h"

#ifndef MREMAP_DONTUNMAP
#define MREMAP_DONTUNMAP 4
#endif

/* A child that reads p[0]: exits with the byte read (killed by SIGSEGV if it cannot read). */
static int child_read(unsigned char *p) {
  pid_t c = xfork();
  if (c == 0) {
    _exit(*(volatile unsigned char *)p);
  }
  return xwait(c);
}

/* Maps len bytes right below an occupied page so that growing in place is impossible. */
static unsigned char *boxed(size_t len, int flags) {
  unsigned char *p = mmap(NULL, len + PAGE, PROT_READ | PROT_WRITE, flags | MAP_ANONYMOUS, -1, 0);
  CHECK(p != MAP_FAILED);
  CHECK(munmap(p + len, PAGE) == 0);
  unsigned char *guard = mmap(p + len, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0);
  CHECK(guard == p + len);
  return p;
}

int main(void) {
  /* WIPEONFORK + MAYMOVE */
  unsigned char *w = boxed(2 * PAGE, MAP_PRIVATE);
  fill(w, 2 * PAGE, 6);
  CHECK(madvise(w, 2 * PAGE, MADV_WIPEONFORK) == 0);
  unsigned char *w2 = mremap(w, 2 * PAGE, 3 * PAGE, MREMAP_MAYMOVE);
  CHECK(w2 != MAP_FAILED && w2 != w);
  CHECK(holds(w2, 2 * PAGE, 6));
  int st = child_read(w2 + PAGE);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  st = child_read(w2 + 2 * PAGE);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  printf("WIPEONFORK survives a move: the child sees zeroes, the parent its data\n");

  /* DONTFORK + MAYMOVE */
  unsigned char *d = boxed(PAGE, MAP_PRIVATE);
  d[0] = 9;
  CHECK(madvise(d, PAGE, MADV_DONTFORK) == 0);
  unsigned char *d2 = mremap(d, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
  CHECK(d2 != MAP_FAILED && d2 != d && d2[0] == 9);
  st = child_read(d2);
  CHECK(WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV);
  printf("DONTFORK survives a move: the child cannot read the range\n");

  /* a shared mapping moves and stays shared with a child */
  unsigned char *s = boxed(PAGE, MAP_SHARED);
  s[0] = 1;
  int pfd[2];
  CHECK(pipe(pfd) == 0);
  pid_t c = xfork();
  if (c == 0) {
    char b;
    CHECK(read(pfd[0], &b, 1) == 1);
    _exit(s[0] == 2 ? 0 : 3);
  }
  unsigned char *s2 = mremap(s, PAGE, 2 * PAGE, MREMAP_MAYMOVE);
  CHECK(s2 != MAP_FAILED && s2 != s && s2[0] == 1);
  s2[0] = 2;
  CHECK(write(pfd[1], "x", 1) == 1);
  expect_exit(c, 0);
  printf("a shared mapping moves and stays shared with a child\n");

  /* growing in place: the tail keeps WIPEONFORK */
  unsigned char *g = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(g != MAP_FAILED);
  CHECK(munmap(g + PAGE, 3 * PAGE) == 0);
  g[0] = 5;
  CHECK(madvise(g, PAGE, MADV_WIPEONFORK) == 0);
  CHECK(mremap(g, PAGE, 3 * PAGE, 0) == g);
  g[2 * PAGE] = 7;
  st = child_read(g + 2 * PAGE);
  CHECK(WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(g[0] == 5 && g[2 * PAGE] == 7);
  printf("growing in place: the tail keeps WIPEONFORK\n");

  /* MREMAP_FIXED replaces the target */
  unsigned char *f = xmap(2 * PAGE, MAP_PRIVATE);
  fill(f, 2 * PAGE, 3);
  unsigned char *t = mmap(NULL, 3 * PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(t != MAP_FAILED);
  unsigned char *f2 = mremap(f, 2 * PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_FIXED, t + PAGE);
  CHECK(f2 == t + PAGE && holds(f2, 2 * PAGE, 3));
  f2[0] = 4;
  CHECK(mremap(f2, 2 * PAGE, 2 * PAGE, MREMAP_FIXED, t) == MAP_FAILED && errno == EINVAL);
  printf("MREMAP_FIXED moves onto the target\n");

  /* MREMAP_DONTUNMAP */
  unsigned char *u = xmap(PAGE, MAP_PRIVATE);
  u[0] = 8;
  unsigned char *u2 = mremap(u, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
  CHECK(u2 != MAP_FAILED && u2 != u && u2[0] == 8 && u[0] == 0);
  u[0] = 1;
  CHECK(u2[0] == 8);
  unsigned char *v = xmap(PAGE, MAP_SHARED);
  v[0] = 5;
  unsigned char *v2 = mremap(v, PAGE, PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP);
  CHECK(v2 != MAP_FAILED && v2 != v && v2[0] == 5 && v[0] == 5);
  v[0] = 6;
  CHECK(v2[0] == 6);
  CHECK(mremap(u2, PAGE, 2 * PAGE, MREMAP_MAYMOVE | MREMAP_DONTUNMAP) == MAP_FAILED &&
        errno == EINVAL);
  printf("MREMAP_DONTUNMAP: a private range is left fresh, a shared one the same memory\n");

  /* 2 GiB untouched: moves without being populated */
  size_t big = (size_t)2 << 30;
  unsigned char *b = boxed(big, MAP_PRIVATE | MAP_NORESERVE);
  b[big / 2] = 11;
  unsigned char *b2 = mremap(b, big, big + PAGE, MREMAP_MAYMOVE);
  CHECK(b2 != MAP_FAILED && b2 != b);
  CHECK(b2[big / 2] == 11 && b2[0] == 0 && b2[big] == 0);
  CHECK(munmap(b2, big + PAGE) == 0);
  printf("a 2 GiB mapping moves without being populated\n");
  printf("mremap_move: ok\n");
  return 0;
}
