/*
 * shm_share - POSIX shared memory (shm_open, which musl implements as open() under /dev/shm) and a
 * file in /tmp: both are tmpfs files of anonymous memory, so a MAP_SHARED mapping, a forked
 * child's stores through it and read()/write() of the file all meet in the same bytes.
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

static void say(const char *what, int ok) { printf("%s: %s\n", what, ok ? "yes" : "no"); }

static void share(int fd, const char *what) {
  CHECK(ftruncate(fd, 3 * PAGE) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  printf("%s: size %lld, regular %d\n", what, (long long)st.st_size, S_ISREG(st.st_mode));
  char *p = mmap(NULL, 3 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED);
  char *q = mmap(NULL, 3 * PAGE, PROT_READ, MAP_SHARED, fd, 0);
  CHECK(q != MAP_FAILED);
  pid_t child = xfork();
  if (child == 0) {
    strcpy(p + PAGE, "from the child");
    _exit(0);
  }
  CHECK(xwait(child) == 0);
  char buf[32] = {0};
  CHECK(pread(fd, buf, 14, PAGE) == 14);
  say("child's store seen by read()", strcmp(buf, "from the child") == 0);
  say("and by a second mapping", strcmp(q + PAGE, "from the child") == 0);
  CHECK(pwrite(fd, "written", 7, 2 * PAGE + 3) == 7);
  say("write() seen by the mapping", memcmp(p + 2 * PAGE + 3, "written", 7) == 0);
  CHECK(munmap(p, 3 * PAGE) == 0);
  CHECK(munmap(q, 3 * PAGE) == 0);
}

int main(void) {
  /* names unique per process: native runs of this test may overlap on the host */
  char name[64], tmp[96];
  snprintf(name, sizeof name, "/uvm4j-shm-share.%d", (int)getpid());
  snprintf(tmp, sizeof tmp, "/tmp/uvm4j-shm-share.%d.tmp", (int)getpid());
  int fd = shm_open(name, O_RDWR | O_CREAT | O_EXCL, 0600);
  CHECK(fd >= 0);
  share(fd, "shm");
  CHECK(close(fd) == 0);
  fd = shm_open(name, O_RDONLY, 0);
  CHECK(fd >= 0);
  char buf[8] = {0};
  CHECK(pread(fd, buf, 7, 2 * PAGE + 3) == 7);
  say("the object outlives its descriptors", strcmp(buf, "written") == 0);
  errno = 0;
  say("read-only: shared writable mmap is EACCES",
      mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED && errno == EACCES);
  char *cow = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  say("read-only: private writable mmap works", cow != MAP_FAILED);
  CHECK(close(fd) == 0);
  CHECK(shm_unlink(name) == 0);
  errno = 0;
  say("gone after shm_unlink", shm_open(name, O_RDONLY, 0) == -1 && errno == ENOENT);

  fd = open(tmp, O_RDWR | O_CREAT | O_TRUNC, 0600);
  CHECK(fd >= 0);
  share(fd, "tmp");
  CHECK(unlink(tmp) == 0);
  CHECK(close(fd) == 0);
  printf("shm_share done\n");
  return 0;
}
