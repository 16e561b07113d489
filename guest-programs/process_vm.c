/*
 * process_vm - process_vm_readv/process_vm_writev between a parent and its forked child: whole
 * and scattered transfers, a remote range running into an unmapped page (a partial count), a
 * local buffer running into one, nothing transferable (EFAULT), copy-on-write (writing into the
 * child leaves the parent's copy alone), read-only and PROT_NONE remote pages, the kernel half,
 * bad flags and counts (EINVAL), an unknown pid (ESRCH), zero lengths.
 */
#define _GNU_SOURCE
#include <sys/uio.h>

#include "guest.h"

#define AREA ((char *)0x300000000UL)

static long rd(pid_t pid, void *lbase, size_t llen, void *rbase, size_t rlen) {
  struct iovec l = {lbase, llen}, r = {rbase, rlen};
  errno = 0;
  return process_vm_readv(pid, &l, 1, &r, 1, 0);
}

static long wr(pid_t pid, void *lbase, size_t llen, void *rbase, size_t rlen) {
  struct iovec l = {lbase, llen}, r = {rbase, rlen};
  errno = 0;
  return process_vm_writev(pid, &l, 1, &r, 1, 0);
}

static void say(const char *what, long r) {
  printf("%-48s %ld", what, r);
  if (r < 0)
    printf(" (%s)", strerror(errno));
  printf("\n");
}

int main(void) {
  /* three pages: rw, then an unmapped hole, then read-only, then PROT_NONE */
  char *a = mmap(AREA, 5 * PAGE, PROT_READ | PROT_WRITE,
                 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
  CHECK(a == AREA);
  for (int i = 0; i < 2 * PAGE; i++)
    a[i] = (char)('a' + i % 26);
  CHECK(munmap(a + 2 * PAGE, PAGE) == 0);
  CHECK(mprotect(a + 3 * PAGE, PAGE, PROT_READ) == 0);
  CHECK(mprotect(a + 4 * PAGE, PAGE, PROT_NONE) == 0);
  int go[2], done[2];
  CHECK(pipe(go) == 0 && pipe(done) == 0);
  pid_t pid = xfork();
  if (pid == 0) {
    char c;
    strcpy(a, "the child's own words");
    CHECK(write(done[1], "r", 1) == 1);
    CHECK(read(go[0], &c, 1) == 1); /* the parent wrote into us meanwhile */
    printf("child sees: %.24s\n", a + 100);
    _exit(0);
  }
  char c;
  CHECK(read(done[0], &c, 1) == 1);
  char buf[3 * PAGE];
  memset(buf, 0, sizeof buf);
  say("read the child's string", rd(pid, buf, 21, a, 21));
  printf("got: %s; mine: %.5s\n", buf, a);

  /* scattered: two local pieces from two remote pieces */
  char x[8] = {0}, y[12] = {0};
  struct iovec l[2] = {{x, 7}, {y, 11}}, r[2] = {{a + 4, 3}, {a + 30, 15}};
  say("scattered read (7+11 from 3+15)", process_vm_readv(pid, l, 2, r, 2, 0));
  printf("x=%s y=%s\n", x, y);

  say("read running into the unmapped page", rd(pid, buf, 2 * PAGE, a + PAGE + 100, 2 * PAGE));
  say("read of the unmapped page", rd(pid, buf, 10, a + 2 * PAGE, 10));
  say("read of a read-only page", rd(pid, buf, 10, a + 3 * PAGE, 10));
  say("read of a PROT_NONE page", rd(pid, buf, 10, a + 4 * PAGE, 10));
  say("read of the kernel half", rd(pid, buf, 10, (void *)0xffffffffff600000UL, 10));
  say("read into a local buffer running into a hole", rd(pid, a + 2 * PAGE - 8, 64, a, 64));
  say("read into an unmapped local buffer", rd(pid, a + 2 * PAGE, 64, a, 64));
  say("read into a read-only local buffer", rd(pid, a + 3 * PAGE, 64, a, 64));
  say("read with a local length 0", rd(pid, buf, 0, a + 2 * PAGE, 10));
  say("read with a remote length 0", rd(pid, buf, 10, a, 0));

  char msg[] = "written by the parent, ok";
  say("write into the child", wr(pid, msg, 25, a + 100, 25));
  printf("parent still has: %.10s\n", a + 100);
  say("write into a read-only page", wr(pid, msg, 10, a + 3 * PAGE, 10));
  say("write into the unmapped page", wr(pid, msg, 10, a + 2 * PAGE, 10));
  say("write running into the unmapped page", wr(pid, buf, 200, a + 2 * PAGE - 50, 200));
  say("write from an unmapped local buffer", wr(pid, a + 2 * PAGE, 10, a, 10));

  struct iovec one = {buf, 1};
  errno = 0;
  say("flags 1", process_vm_readv(pid, &one, 1, &one, 1, 1));
  say("1025 local iovecs", process_vm_readv(pid, &one, 1025, &one, 1, 0));
  say("1025 remote iovecs", process_vm_readv(pid, &one, 1, &one, 1025, 0));
  say("a bad local iovec array", process_vm_readv(pid, (void *)8, 1, &one, 1, 0));
  say("a bad remote iovec array", process_vm_readv(pid, &one, 1, (void *)8, 1, 0));
  struct iovec neg = {buf, (size_t)-1};
  say("a negative remote length", process_vm_readv(pid, &one, 1, &neg, 1, 0));
  say("a local buffer outside user space", rd(pid, (void *)0xffff800000000000UL, 1, a, 1));
  say("an unknown pid", rd(999999, buf, 10, a, 10));
  say("myself", rd(getpid(), buf, 5, a + 40, 5));
  printf("myself: %.5s\n", buf);

  CHECK(write(go[1], "g", 1) == 1);
  CHECK(xwait(pid) == 0);
  say("a reaped child", rd(pid, buf, 10, a, 10));
  return 0;
}
