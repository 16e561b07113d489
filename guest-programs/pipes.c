/* pipes: a pipe between parent and child carries a message, a large transfer that needs several
 * blocking rounds, and end of file when the writer closes; a write to a pipe without readers
 * fails with EPIPE when SIGPIPE is ignored. */
#include "guest.h"

#define BIG (256 * 1024)

int main(void) {
  int down[2], up[2];
  CHECK(pipe(down) == 0 && pipe(up) == 0);
  pid_t c = xfork();
  if (c == 0) {
    close(down[1]);
    close(up[0]);
    char msg[32];
    ssize_t n = read(down[0], msg, sizeof msg);
    CHECK(n == 5 && memcmp(msg, "ping\n", 5) == 0);
    CHECK(write(up[1], "pong\n", 5) == 5);
    /* receive BIG bytes and send back their sum */
    unsigned long sum = 0, got = 0;
    static unsigned char buf[4096];
    while ((n = read(down[0], buf, sizeof buf)) > 0) {
      for (ssize_t i = 0; i < n; i++) {
        sum += buf[i];
      }
      got += (unsigned long)n;
    }
    CHECK(n == 0);
    CHECK(write(up[1], &got, sizeof got) == sizeof got);
    CHECK(write(up[1], &sum, sizeof sum) == sizeof sum);
    _exit(0);
  }
  close(down[0]);
  close(up[1]);
  CHECK(write(down[1], "ping\n", 5) == 5);
  char reply[8];
  CHECK(read(up[0], reply, 5) == 5);
  printf("parent sent ping, child answered %.4s\n", reply);

  unsigned char *big = xmap(BIG, MAP_PRIVATE);
  unsigned long sum = 0;
  for (unsigned long i = 0; i < BIG; i++) {
    big[i] = (unsigned char)(i * 13);
    sum += big[i];
  }
  unsigned long off = 0;
  while (off < BIG) {
    ssize_t n = write(down[1], big + off, BIG - off);
    CHECK(n > 0);
    off += (unsigned long)n;
  }
  close(down[1]);
  unsigned long got = 0, theirs = 0;
  CHECK(read(up[0], &got, sizeof got) == sizeof got);
  CHECK(read(up[0], &theirs, sizeof theirs) == sizeof theirs);
  printf("parent sent %d bytes; child received %lu with the same checksum: %s\n", BIG, got,
         theirs == sum ? "yes" : "NO");
  CHECK(got == BIG && theirs == sum);
  char end;
  CHECK(read(up[0], &end, 1) == 0);
  printf("after the child closed its end: end of file\n");
  expect_exit(c, 0);

  int lonely[2];
  CHECK(pipe(lonely) == 0);
  CHECK(close(lonely[0]) == 0);
  signal(SIGPIPE, SIG_IGN);
  CHECK(write(lonely[1], "x", 1) == -1 && errno == EPIPE);
  printf("writing to a pipe without readers: EPIPE\n");
  CHECK(close(lonely[1]) == 0);
  CHECK(close(lonely[1]) == -1 && errno == EBADF);
  printf("pipes: ok\n");
  return 0;
}
