/* fs_locks: fcntl record locks among processes — F_SETLK conflicts (EAGAIN), F_GETLK says who
 * holds what (by relationship, not pid numbers), F_SETLKW waits until the holder unlocks, read
 * locks share, closing any descriptor drops the process's locks, a two-process wait cycle is
 * EDEADLK, and OFD locks belong to the open description. */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>

static int lk(int fd, int cmd, short type, off_t start, off_t len) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  return fcntl(fd, cmd, &fl);
}

static const char *who(pid_t holder, pid_t parent, pid_t child) {
  return holder == parent ? "parent" : holder == child ? "child" : holder == -1 ? "ofd" : "other";
}

static void getlk(const char *what, int fd, short type, off_t start, off_t len, pid_t parent,
                  pid_t child) {
  struct flock fl = {.l_type = type, .l_whence = SEEK_SET, .l_start = start, .l_len = len};
  CHECK(fcntl(fd, F_GETLK, &fl) == 0);
  if (fl.l_type == F_UNLCK) {
    printf("%s: free\n", what);
  } else {
    printf("%s: %s lock by %s at %ld len %ld\n", what, fl.l_type == F_WRLCK ? "write" : "read",
           who(fl.l_pid, parent, child), (long)fl.l_start, (long)fl.l_len);
  }
}

int main(void) {
  int fd = open("locked.dat", O_CREAT | O_RDWR | O_TRUNC, 0644);
  CHECK(fd >= 0 && write(fd, "0123456789", 10) == 10);
  pid_t parent = getpid();
  int go[2], done[2];
  CHECK(pipe(go) == 0 && pipe(done) == 0);
  char c;

  CHECK(lk(fd, F_SETLK, F_WRLCK, 0, 4) == 0);
  CHECK(lk(fd, F_SETLK, F_RDLCK, 6, 0) == 0);
  pid_t child = xfork();
  if (child == 0) {
    child = getpid();
    int f2 = open("locked.dat", O_RDWR);
    getlk("child asks 0-3", f2, F_RDLCK, 0, 4, parent, child);
    getlk("child asks 2-9 write", f2, F_WRLCK, 2, 8, parent, child);
    getlk("child asks 4-5", f2, F_WRLCK, 4, 2, parent, child);
    printf("child setlk 0-3: %s\n", lk(f2, F_SETLK, F_WRLCK, 0, 4) == -1 && (errno == EAGAIN || errno == EACCES) ? "busy" : "got it");
    printf("child read lock 6-: %s\n", lk(f2, F_SETLK, F_RDLCK, 6, 0) == 0 ? "shared" : "refused");
    printf("child write lock 4-5: %s\n", lk(f2, F_SETLK, F_WRLCK, 4, 2) == 0 ? "got it" : "refused");
    printf("child waits for 0-3\n");
    CHECK(write(go[1], "w", 1) == 1); /* the parent unlocks 0-3 now */
    CHECK(lk(f2, F_SETLKW, F_WRLCK, 0, 4) == 0);
    printf("child got 0-3 after the parent unlocked\n");
    CHECK(lk(f2, F_SETLK, F_UNLCK, 6, 0) == 0);
    CHECK(write(go[1], "x", 1) == 1);
    CHECK(read(done[0], &c, 1) == 1); /* the parent holds 8 and is about to wait for our 4-5 */
    usleep(200000);
    int r = lk(f2, F_SETLKW, F_WRLCK, 8, 1);
    printf("child waits for the parent's byte 8 while the parent waits for our 4-5: %s\n",
           r == -1 && errno == EDEADLK ? "EDEADLK" : "no deadlock reported");
    close(f2); /* drops all of the child's locks: the parent's wait ends */
    _exit(0);
  }
  CHECK(read(go[0], &c, 1) == 1);
  getlk("parent asks 4-5", fd, F_WRLCK, 4, 2, parent, child);
  CHECK(lk(fd, F_SETLK, F_UNLCK, 0, 4) == 0);
  CHECK(read(go[0], &c, 1) == 1);
  getlk("parent asks 0-3 after", fd, F_WRLCK, 0, 4, parent, child);
  CHECK(lk(fd, F_SETLK, F_UNLCK, 6, 0) == 0);
  printf("parent write 8: %s\n", lk(fd, F_SETLK, F_WRLCK, 8, 1) == 0 ? "got it" : "busy");
  printf("parent waits for 4-5\n");
  CHECK(write(done[1], "b", 1) == 1);
  int r = lk(fd, F_SETLKW, F_WRLCK, 4, 2);
  printf("parent got 4-5: %s\n", r == 0 ? "yes" : "no");
  int st;
  CHECK(waitpid(child, &st, 0) == child && WIFEXITED(st) && WEXITSTATUS(st) == 0);

  /* OFD locks: owned by the description, so two opens in one process conflict */
  int a = open("locked.dat", O_RDWR), b = open("locked.dat", O_RDWR);
  struct flock fl = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
  CHECK(fcntl(a, F_OFD_SETLK, &fl) == 0);
  printf("ofd second description: %s\n", fcntl(b, F_OFD_SETLK, &fl) == -1 && errno == EAGAIN ? "busy" : "got it");
  struct flock q = {.l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1};
  CHECK(fcntl(b, F_OFD_GETLK, &q) == 0);
  printf("ofd getlk: %s by %s\n", q.l_type == F_WRLCK ? "write" : "other", who(q.l_pid, parent, 0));
  fl.l_pid = 5;
  printf("ofd with l_pid: %s\n", fcntl(b, F_OFD_SETLK, &fl) == -1 && errno == EINVAL ? "EINVAL" : "accepted");
  close(a);
  fl.l_pid = 0;
  printf("ofd after close: %s\n", fcntl(b, F_OFD_SETLK, &fl) == 0 ? "got it" : "busy");
  /* bad arguments */
  struct flock bad = {.l_type = 7, .l_whence = SEEK_SET};
  printf("bad type: %s\n", fcntl(b, F_SETLK, &bad) == -1 && errno == EINVAL ? "EINVAL" : "accepted");
  int ro = open("locked.dat", O_RDONLY);
  printf("write lock on O_RDONLY: %s\n", lk(ro, F_SETLK, F_WRLCK, 0, 1) == -1 && errno == EBADF ? "EBADF" : "accepted");
  printf("fs_locks: done\n");
  return 0;
}
