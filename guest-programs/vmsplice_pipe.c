/* vmsplice_pipe: vmsplice(2) into a pipe and out of one. Several iovecs go in and are read back; a
 * pipe's bytes come out into iovecs; a page-aligned buffer larger than the pipe goes in as far as
 * the pipe's 64 KiB; a full pipe is EAGAIN with SPLICE_F_NONBLOCK and otherwise waits until a
 * reader makes room; no reader is EPIPE; unknown flags, too many iovecs and a descriptor that is
 * not a pipe are refused; and the copy-on-write case of CVE-2020-29374 (a child splices a page it
 * shares with its parent, unmaps it, the parent writes the page): the child still reads the bytes
 * from before the parent's write. (What Linux and uvm4j do differently, a write by the splicing
 * process itself showing through the pipe on Linux only, is not checked.) */
#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/uio.h>

#include "guest.h"

#define BIG (100 * 1024)

static void read_full(int fd, unsigned char *buf, size_t len) {
  size_t got = 0;
  while (got < len) {
    ssize_t n = read(fd, buf + got, len - got);
    CHECK(n > 0);
    got += (size_t)n;
  }
}

int main(void) {
  int p[2];
  CHECK(pipe(p) == 0);

  /* three iovecs in, read back in one piece */
  char a[] = "hello ", b[] = "vmsplice ", c[] = "world";
  struct iovec in[3] = {{a, 6}, {b, 9}, {c, 5}};
  CHECK(vmsplice(p[1], in, 3, 0) == 20);
  char back[32] = {0};
  CHECK(read(p[0], back, sizeof back) == 20);
  printf("three iovecs in, read back: '%s'\n", back);

  /* out of the pipe into two iovecs */
  CHECK(write(p[1], "0123456789", 10) == 10);
  char x[4] = {0}, y[8] = {0};
  struct iovec out[2] = {{x, 3}, {y, 7}};
  CHECK(vmsplice(p[0], out, 2, 0) == 10);
  printf("out of the pipe into two iovecs: '%.3s' '%.7s'\n", x, y);

  /* an empty iovec total moves nothing */
  struct iovec none = {a, 0};
  CHECK(vmsplice(p[1], &none, 1, 0) == 0);

  /* a buffer larger than the pipe goes in as far as the pipe holds; full: EAGAIN */
  unsigned char *big = xmap(BIG + PAGE, MAP_PRIVATE);
  fill(big, BIG, 3);
  struct iovec bigv = {big, BIG};
  ssize_t n = vmsplice(p[1], &bigv, 1, SPLICE_F_NONBLOCK);
  printf("%d bytes offered to an empty pipe, %zd taken\n", BIG, n);
  CHECK(n == 65536);
  CHECK(vmsplice(p[1], &bigv, 1, SPLICE_F_NONBLOCK) == -1 && errno == EAGAIN);
  printf("full pipe with SPLICE_F_NONBLOCK: EAGAIN\n");

  /* full pipe without it: waits until the child reads */
  pid_t r = xfork();
  if (r == 0) {
    unsigned char *got = malloc(BIG);
    read_full(p[0], got, 65536);
    CHECK(holds(got, 65536, 3));
    _exit(0);
  }
  struct iovec rest = {big + 65536, BIG - 65536};
  CHECK(vmsplice(p[1], &rest, 1, 0) == BIG - 65536);
  expect_exit(r, 0);
  unsigned char *tail = malloc(BIG);
  read_full(p[0], tail, BIG - 65536);
  CHECK(memcmp(tail, big + 65536, BIG - 65536) == 0);
  printf("full pipe: the call waited for the reader, then took the rest\n");

  /* CVE-2020-29374's case: the child splices a shared page, unmaps it; the parent writes it */
  unsigned char *page = xmap(PAGE, MAP_PRIVATE);
  fill(page, PAGE, 9);
  int ready[2], go[2];
  CHECK(pipe(ready) == 0 && pipe(go) == 0);
  pid_t k = xfork();
  if (k == 0) {
    struct iovec pv = {page, PAGE};
    CHECK(vmsplice(p[1], &pv, 1, 0) == PAGE);
    CHECK(munmap(page, PAGE) == 0);
    CHECK(write(ready[1], "r", 1) == 1);
    char g;
    CHECK(read(go[0], &g, 1) == 1);
    unsigned char seen[PAGE];
    read_full(p[0], seen, PAGE);
    _exit(holds(seen, PAGE, 9) ? 0 : 2);
  }
  char ch;
  CHECK(read(ready[0], &ch, 1) == 1);
  memset(page, 0xff, PAGE);
  CHECK(write(go[1], "g", 1) == 1);
  expect_exit(k, 0);
  printf("spliced by the child, written by the parent: the child reads the old bytes\n");

  /* refusals */
  CHECK(vmsplice(p[1], in, 1, 0x10) == -1 && errno == EINVAL);
  CHECK(vmsplice(p[1], in, 1025, 0) == -1 && errno == EINVAL);
  int devnull = open("/dev/null", O_WRONLY);
  CHECK(devnull >= 0);
  CHECK(vmsplice(devnull, in, 1, 0) == -1 && errno == EBADF);
  CHECK(vmsplice(1000, in, 1, 0) == -1 && errno == EBADF);
  struct iovec bad = {(void *)8, 16};
  CHECK(vmsplice(p[1], &bad, 1, 0) == -1 && errno == EFAULT);
  printf("unknown flags, 1025 iovecs: EINVAL; /dev/null, a closed descriptor: EBADF; bad memory: "
         "EFAULT\n");

  /* no reader: EPIPE (SIGPIPE ignored) */
  signal(SIGPIPE, SIG_IGN);
  CHECK(close(p[0]) == 0);
  CHECK(vmsplice(p[1], in, 1, 0) == -1 && errno == EPIPE);
  printf("no reader: EPIPE\n");
  printf("vmsplice_pipe: ok\n");
  return 0;
}
