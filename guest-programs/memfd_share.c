/*
 * memfd_share - a memfd (memfd_create) is one file of anonymous memory: write/read and every
 * MAP_SHARED mapping see the same bytes, a forked child's stores through its inherited shared
 * mapping reach the parent and the file, a MAP_PRIVATE mapping copies on write, a shared access
 * past the end of the file is SIGBUS, and file seals (F_ADD_SEALS/F_GET_SEALS) behave as Linux's.
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <sys/mman.h>

static void say(const char *what, int ok) { printf("%s: %s\n", what, ok ? "yes" : "no"); }

int main(void) {
  int fd = memfd_create("guest", MFD_ALLOW_SEALING | MFD_CLOEXEC);
  CHECK(fd >= 0);
  CHECK(write(fd, "hello", 5) == 5);
  CHECK(ftruncate(fd, 2 * PAGE) == 0);
  CHECK(lseek(fd, 0, SEEK_END) == 2 * PAGE);
  char *p = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED);
  say("mapping sees write()", memcmp(p, "hello", 5) == 0);
  p[100] = 'X';
  char c = 0;
  CHECK(pread(fd, &c, 1, 100) == 1);
  say("pread sees the store", c == 'X');
  CHECK(pwrite(fd, "Y", 1, PAGE + 1) == 1);
  say("mapping sees pwrite()", p[PAGE + 1] == 'Y');

  pid_t child = xfork();
  if (child == 0) {
    p[200] = 'C';
    _exit(0);
  }
  CHECK(xwait(child) == 0);
  CHECK(pread(fd, &c, 1, 200) == 1);
  say("child's store reaches parent and file", p[200] == 'C' && c == 'C');

  char *q = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  CHECK(q != MAP_FAILED);
  say("private mapping reads the file", q[100] == 'X');
  q[100] = 'P';
  CHECK(pread(fd, &c, 1, 100) == 1);
  say("private store stays private", c == 'X' && p[100] == 'X' && q[100] == 'P');
  CHECK(munmap(q, PAGE) == 0);

  /* a shared access past the end of the file is SIGBUS */
  char *r = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(r != MAP_FAILED);
  child = xfork();
  if (child == 0) {
    volatile char x = r[2 * PAGE + 5];
    (void)x;
    _exit(0);
  }
  int st = xwait(child);
  say("past the end is SIGBUS", WIFSIGNALED(st) && WTERMSIG(st) == SIGBUS);
  CHECK(munmap(r, 3 * PAGE) == 0);

  /* seals */
  printf("seals at start: %d\n", fcntl(fd, F_GET_SEALS));
  errno = 0;
  say("F_SEAL_WRITE refused while mapped shared writable",
      fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE) == -1 && errno == EBUSY);
  CHECK(munmap(p, 2 * PAGE) == 0);
  CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE | F_SEAL_SHRINK) == 0);
  printf("seals now: %d\n", fcntl(fd, F_GET_SEALS));
  errno = 0;
  say("write under F_SEAL_WRITE is EPERM", write(fd, "z", 1) == -1 && errno == EPERM);
  errno = 0;
  say("shared writable mmap is EPERM",
      mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EPERM);
  char *ro = mmap(NULL, PAGE, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(ro != MAP_FAILED);
  errno = 0;
  say("mprotect cannot add write", mprotect(ro, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EACCES);
  say("read-only shared mapping reads", ro[100] == 'X');
  CHECK(munmap(ro, PAGE) == 0);
  errno = 0;
  say("shrink under F_SEAL_SHRINK is EPERM", ftruncate(fd, PAGE) == -1 && errno == EPERM);
  say("grow is still allowed", ftruncate(fd, 3 * PAGE) == 0);
  CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_GROW | F_SEAL_SEAL) == 0);
  errno = 0;
  say("grow under F_SEAL_GROW is EPERM", ftruncate(fd, 4 * PAGE) == -1 && errno == EPERM);
  errno = 0;
  say("no seal after F_SEAL_SEAL", fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK) == -1 && errno == EPERM);
  printf("seals final: %d\n", fcntl(fd, F_GET_SEALS));
  CHECK(close(fd) == 0);

  /* future-write: existing writable mappings keep working, new writes do not */
  fd = memfd_create("future", MFD_ALLOW_SEALING);
  CHECK(fd >= 0 && ftruncate(fd, PAGE) == 0);
  p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED);
  CHECK(fcntl(fd, F_ADD_SEALS, F_SEAL_FUTURE_WRITE) == 0);
  p[7] = 'F';
  CHECK(pread(fd, &c, 1, 7) == 1);
  say("existing mapping still writes", c == 'F');
  errno = 0;
  say("pwrite under F_SEAL_FUTURE_WRITE is EPERM", pwrite(fd, "z", 1, 0) == -1 && errno == EPERM);
  CHECK(munmap(p, PAGE) == 0);
  CHECK(close(fd) == 0);

  fd = memfd_create("nosealing", 0);
  CHECK(fd >= 0);
  printf("seals without MFD_ALLOW_SEALING: %d\n", fcntl(fd, F_GET_SEALS));
  errno = 0;
  say("adding is EPERM", fcntl(fd, F_ADD_SEALS, F_SEAL_GROW) == -1 && errno == EPERM);
  CHECK(close(fd) == 0);

  errno = 0;
  say("unknown flags are EINVAL", memfd_create("x", 0x100) == -1 && errno == EINVAL);
  char longname[300];
  memset(longname, 'n', sizeof longname - 1);
  longname[sizeof longname - 1] = 0;
  errno = 0;
  say("a name over 249 bytes is EINVAL", memfd_create(longname, 0) == -1 && errno == EINVAL);
  errno = 0;
  say("F_GET_SEALS on a pipe is EINVAL", fcntl(1, F_GET_SEALS) == -1 && errno == EINVAL);
  printf("memfd_share done\n");
  return 0;
}
