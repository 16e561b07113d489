/* fs_ops: the path and file system calls real programs use, run in the current directory (a fresh
 * writable one): open flags, write/pwrite/ftruncate/fsync/fdatasync/fallocate, getdents64,
 * chdir/fchdir/getcwd, mkdir/rmdir/unlink/rename/link/symlink/readlink, chmod/fchmod/utimensat,
 * umask, and the *at forms with AT_FDCWD and directory descriptors. Prints what each call returned
 * (or which errno), so native and uvm4j runs can be compared line by line. */
#define _GNU_SOURCE
#include "guest.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>

static const char *ename(int e) {
  switch (e) {
    case 0: return "ok";
    case ENOENT: return "ENOENT";
    case EEXIST: return "EEXIST";
    case ENOTDIR: return "ENOTDIR";
    case EISDIR: return "EISDIR";
    case EINVAL: return "EINVAL";
    case ELOOP: return "ELOOP";
    case ENOTEMPTY: return "ENOTEMPTY";
    case EBADF: return "EBADF";
    case EROFS: return "EROFS";
    case EXDEV: return "EXDEV";
    case EPERM: return "EPERM";
    case EACCES: return "EACCES";
    case ENAMETOOLONG: return "ENAMETOOLONG";
    case ESPIPE: return "ESPIPE";
    case ENOSPC: return "ENOSPC";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "other";
  }
}

/* prints "what = ret" or "what = -1 ERRNO" */
static long show(const char *what, long r) {
  if (r < 0) {
    printf("%s = -1 %s\n", what, ename(errno));
  } else {
    printf("%s = %ld\n", what, r);
  }
  return r;
}

static int cmp(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* the sorted names of a directory, via getdents64 with a small buffer */
static void list(const char *dir) {
  int fd = open(dir, O_RDONLY | O_DIRECTORY);
  CHECK(fd >= 0);
  static char names[256][64];
  char *p[256];
  int n = 0;
  char buf[128];
  long r;
  while ((r = syscall(SYS_getdents64, fd, buf, sizeof buf)) > 0) {
    for (long off = 0; off < r;) {
      struct {
        uint64_t ino;
        int64_t off;
        unsigned short reclen;
        unsigned char type;
        char name[];
      } *d = (void *)(buf + off);
      CHECK(n < 256);
      snprintf(names[n], sizeof names[n], "%s%s", d->name, d->type == DT_DIR ? "/" : d->type == DT_LNK ? "@" : "");
      p[n] = names[n];
      n++;
      off += d->reclen;
    }
  }
  CHECK(r == 0);
  qsort(p, n, sizeof p[0], cmp);
  printf("ls %s:", dir);
  for (int i = 0; i < n; i++) {
    printf(" %s", p[i]);
  }
  printf("\n");
  close(fd);
}

static void cat(const char *path) {
  char buf[256];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("cat %s: %s\n", path, ename(errno));
    return;
  }
  ssize_t n = read(fd, buf, sizeof buf - 1);
  CHECK(n >= 0);
  buf[n] = 0;
  printf("cat %s: [%s]\n", path, buf);
  close(fd);
}

static void st(const char *path) {
  struct stat s;
  if (lstat(path, &s) != 0) {
    printf("stat %s: %s\n", path, ename(errno));
    return;
  }
  printf("stat %s: type %o mode %o size %ld nlink %ld\n", path, (unsigned)(s.st_mode & S_IFMT) >> 12,
         (unsigned)(s.st_mode & 07777), (long)s.st_size, (long)s.st_nlink);
}

int main(void) {
  char cwd0[4096];
  CHECK(getcwd(cwd0, sizeof cwd0) != NULL);
  show("umask", umask(022));

  /* open flags */
  int fd = show("open creat excl", open("a.txt", O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0666));
  show("fcntl getfd", fcntl(fd, F_GETFD));
  show("open excl again", open("a.txt", O_CREAT | O_EXCL | O_WRONLY, 0666));
  show("write", write(fd, "hello world", 11));
  show("pwrite", pwrite(fd, "HELLO", 5, 0));
  show("lseek cur", lseek(fd, 0, SEEK_CUR));
  show("ftruncate", ftruncate(fd, 8));
  show("fsync", fsync(fd));
  show("fdatasync", fdatasync(fd));
  cat("a.txt");
  show("fallocate", fallocate(fd, 0, 0, 4096));
  st("a.txt");
  show("ftruncate back", ftruncate(fd, 5));
  close(fd);
  fd = show("open append", open("a.txt", O_WRONLY | O_APPEND));
  show("lseek 0", lseek(fd, 0, SEEK_SET));
  show("write append", write(fd, "!", 1));
  close(fd);
  cat("a.txt");
  show("open trunc", fd = open("a.txt", O_RDWR | O_TRUNC));
  close(fd);
  st("a.txt");
  show("open directory on file", open("a.txt", O_RDONLY | O_DIRECTORY));
  show("open missing", open("missing", O_RDONLY));
  show("open through file", open("a.txt/x", O_RDONLY));
  show("open dir for write", open(".", O_WRONLY));
  show("creat", fd = creat("c.txt", 0600));
  show("read on O_WRONLY", read(fd, cwd0 + 2048, 1));
  close(fd);
  st("c.txt");

  /* directories */
  show("mkdir", mkdir("d", 0777));
  show("mkdir again", mkdir("d", 0777));
  show("mkdirat", mkdirat(AT_FDCWD, "d/e", 0700));
  st("d");
  st("d/e");
  show("rmdir non-empty", rmdir("d"));
  show("unlink dir", unlink("d"));
  show("rmdir file", rmdir("c.txt"));
  show("rename into dir", rename("c.txt", "d/c.txt"));
  show("renameat back", renameat(AT_FDCWD, "d/c.txt", AT_FDCWD, "c2.txt"));
  show("rename dir into itself", rename("d", "d/e/x"));
  show("rename over file", rename("c2.txt", "a.txt"));
  list(".");
  list("d");

  /* links */
  show("link", link("a.txt", "hard.txt"));
  st("a.txt");
  show("link exists", link("a.txt", "hard.txt"));
  show("link dir", link("d", "d2"));
  show("symlink", symlink("a.txt", "sym"));
  show("symlink abs-ish", symlink("d/e", "dsym"));
  show("symlink loop1", symlink("loop2", "loop1"));
  show("symlink loop2", symlink("loop1", "loop2"));
  show("symlink dangling", symlink("nowhere/x", "dangling"));
  char buf[64];
  long n = show("readlink", readlink("sym", buf, sizeof buf));
  if (n > 0) {
    printf("  -> %.*s\n", (int)n, buf);
  }
  show("readlink short", readlink("sym", buf, 2));
  show("readlink file", readlink("a.txt", buf, sizeof buf));
  show("readlinkat", readlinkat(AT_FDCWD, "dsym", buf, sizeof buf));
  show("open loop", open("loop1", O_RDONLY));
  show("open nofollow", open("sym", O_RDONLY | O_NOFOLLOW));
  show("open dangling", open("dangling", O_RDONLY));
  show("stat through dir link", access("dsym/.", F_OK));
  st("sym");
  cat("sym");
  show("unlink link", unlink("sym"));
  cat("a.txt");
  show("unlinkat", unlinkat(AT_FDCWD, "hard.txt", 0));
  show("unlinkat removedir", unlinkat(AT_FDCWD, "d/e", AT_REMOVEDIR));
  show("unlinkat bad flag", unlinkat(AT_FDCWD, "d", 1));

  /* modes and times */
  show("chmod", chmod("a.txt", 0640));
  st("a.txt");
  fd = open("a.txt", O_RDONLY);
  show("fchmod", fchmod(fd, 0604));
  st("a.txt");
  show("fchmodat", fchmodat(AT_FDCWD, "a.txt", 0600, 0));
  st("a.txt");
  struct timespec ts[2] = {{1000000000, 0}, {1234567890, 500}};
  show("utimensat", utimensat(AT_FDCWD, "a.txt", ts, 0));
  struct stat s;
  CHECK(stat("a.txt", &s) == 0);
  printf("mtime %ld.%09ld\n", (long)s.st_mtim.tv_sec, (long)s.st_mtim.tv_nsec);
  ts[1].tv_nsec = UTIME_OMIT;
  ts[0].tv_nsec = UTIME_OMIT;
  show("utimensat omit", utimensat(AT_FDCWD, "a.txt", ts, 0));
  ts[1].tv_nsec = 2000000000;
  show("utimensat bad nsec", utimensat(AT_FDCWD, "a.txt", ts, 0));
  struct timespec t3[2] = {{5, 0}, {77, 0}};
  show("futimens", futimens(fd, t3));
  CHECK(fstat(fd, &s) == 0);
  printf("mtime %ld\n", (long)s.st_mtim.tv_sec);
  close(fd);
  show("umask 077", umask(077));
  close(open("u.txt", O_CREAT | O_WRONLY, 0666));
  st("u.txt");
  show("umask back", umask(022));

  /* working directory */
  show("chdir d", chdir("d"));
  char here[4096];
  CHECK(getcwd(here, sizeof here) != NULL);
  printf("cwd is start/d: %s\n", strncmp(here, cwd0, strlen(cwd0)) == 0 && strcmp(here + strlen(cwd0), "/d") == 0 ? "yes" : "no");
  cat("../a.txt");
  show("chdir file", chdir("../a.txt"));
  show("chdir missing", chdir("nope"));
  int dfd = open("..", O_RDONLY | O_DIRECTORY);
  show("fchdir", fchdir(dfd));
  CHECK(getcwd(here, sizeof here) != NULL);
  printf("cwd is start: %s\n", strcmp(here, cwd0) == 0 ? "yes" : "no");
  show("openat dirfd", fd = openat(dfd, "a.txt", O_RDONLY));
  close(fd);
  show("openat file as dirfd", openat(0, "a.txt", O_RDONLY));
  show("mkdirat dirfd", mkdirat(dfd, "m", 0755));
  show("fstatat dirfd", fstatat(dfd, "m", &s, 0));
  show("getcwd small", getcwd(here, 1) == NULL ? -1 : 0);
  close(dfd);

  /* devices */
  fd = open("/dev/null", O_RDWR);
  show("write /dev/null", write(fd, "x", 1));
  show("read /dev/null", read(fd, buf, 4));
  close(fd);
  fd = open("/dev/zero", O_RDONLY);
  memset(buf, 1, 8);
  show("read /dev/zero", read(fd, buf, 8));
  printf("zeros: %s\n", buf[0] == 0 && buf[7] == 0 ? "yes" : "no");
  close(fd);
  fd = open("/dev/full", O_WRONLY);
  show("write /dev/full", write(fd, "x", 1));
  close(fd);
  fd = open("/dev/urandom", O_RDONLY);
  show("read /dev/urandom", read(fd, buf, 16));
  close(fd);
  CHECK(stat("/dev/null", &s) == 0);
  printf("/dev/null: chr %d rdev %d:%d\n", S_ISCHR(s.st_mode), (int)(s.st_rdev >> 8), (int)(s.st_rdev & 0xff));

  list(".");
  printf("fs_ops: done\n");
  return 0;
}
