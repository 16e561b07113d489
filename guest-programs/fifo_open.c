/*
 * fifo_open FIFO - a host FIFO (named pipe) opened by path, with Linux's fifo_open semantics:
 * O_WRONLY|O_NONBLOCK is ENXIO without a reader; O_RDONLY|O_NONBLOCK opens at once and reads end
 * of file while there is no writer; a blocking O_RDONLY waits for a writer and a blocking O_WRONLY
 * for a reader (a forked child is the other end); O_RDWR never waits; a writer whose reader went
 * away gets EPIPE. The test makes the FIFO with mkfifo and runs this natively and under uvm4j.
 */
#include <fcntl.h>
#include <sys/stat.h>

#include "guest.h"

static void set_blocking(int fd) {
  int fl = fcntl(fd, F_GETFL);
  CHECK(fl >= 0 && fcntl(fd, F_SETFL, fl & ~O_NONBLOCK) == 0);
}

static void read_all(int fd, const char *who) {
  char buf[128];
  size_t got = 0;
  ssize_t n;
  while ((n = read(fd, buf + got, sizeof buf - 1 - got)) > 0) got += n;
  CHECK(n == 0);
  buf[got] = 0;
  printf("%s read until end of file: %s", who, buf);
}

int main(int argc, char **argv) {
  CHECK(argc == 2);
  const char *fifo = argv[1];
  struct stat st;
  CHECK(stat(fifo, &st) == 0 && S_ISFIFO(st.st_mode));

  errno = 0;
  CHECK(open(fifo, O_WRONLY | O_NONBLOCK) < 0 && errno == ENXIO);
  printf("O_WRONLY|O_NONBLOCK without a reader: ENXIO\n");

  int r = open(fifo, O_RDONLY | O_NONBLOCK);
  CHECK(r >= 0);
  char c;
  CHECK(read(r, &c, 1) == 0);
  printf("O_RDONLY|O_NONBLOCK opens at once and reads end of file without a writer\n");
  CHECK(fstat(r, &st) == 0 && S_ISFIFO(st.st_mode));
  printf("fstat says FIFO\n");

  int w = open(fifo, O_WRONLY | O_NONBLOCK);
  CHECK(w >= 0);
  printf("O_WRONLY|O_NONBLOCK with a reader opens\n");
  CHECK(write(w, "hello\n", 6) == 6);
  set_blocking(r);
  char buf[16];
  ssize_t n = read(r, buf, sizeof buf);
  CHECK(n == 6 && memcmp(buf, "hello\n", 6) == 0);
  printf("the reader got what the writer wrote\n");
  CHECK(close(w) == 0);
  CHECK(read(r, buf, sizeof buf) == 0);
  printf("with the writer closed the reader reads end of file\n");
  CHECK(close(r) == 0);

  /* blocking opens wait for each other: a child writes, the parent reads */
  pid_t pid = xfork();
  if (pid == 0) {
    int fd = open(fifo, O_WRONLY);
    CHECK(fd >= 0);
    CHECK(write(fd, "from the child\n", 15) == 15);
    _exit(0);
  }
  r = open(fifo, O_RDONLY);
  CHECK(r >= 0);
  read_all(r, "blocking O_RDONLY");
  CHECK(close(r) == 0);
  expect_exit(pid, 0);

  /* the other way round: the child reads, the parent's blocking O_WRONLY waits for it */
  pid = xfork();
  if (pid == 0) {
    int fd = open(fifo, O_RDONLY);
    CHECK(fd >= 0);
    read_all(fd, "child's blocking O_RDONLY");
    _exit(0);
  }
  w = open(fifo, O_WRONLY);
  CHECK(w >= 0);
  CHECK(write(w, "from the parent\n", 16) == 16);
  CHECK(close(w) == 0);
  expect_exit(pid, 0);

  int rw = open(fifo, O_RDWR);
  CHECK(rw >= 0);
  CHECK(write(rw, "x", 1) == 1);
  CHECK(read(rw, &c, 1) == 1 && c == 'x');
  printf("O_RDWR opens at once and reads back what it wrote\n");
  CHECK(close(rw) == 0);

  /* a writer without a reader: EPIPE (SIGPIPE ignored) */
  signal(SIGPIPE, SIG_IGN);
  r = open(fifo, O_RDONLY | O_NONBLOCK);
  w = open(fifo, O_WRONLY);
  CHECK(r >= 0 && w >= 0);
  CHECK(close(r) == 0);
  int tries = 0;
  errno = 0;
  while (write(w, "y", 1) == 1 && ++tries < 100000) {
  }
  CHECK(errno == EPIPE);
  printf("a writer whose reader went away gets EPIPE\n");
  CHECK(close(w) == 0);
  return 0;
}
