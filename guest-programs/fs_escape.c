/* fs_escape: tries to read or write outside its root — through "..", absolute and relative
 * symbolic links (made by the host and by itself), link loops, /proc/self/root, /proc/self/mem
 * and read-only binds — and prints what each attempt got. Run under uvm4j with --root (see
 * FsEscapeTest); the expected answers are fixed: no attempt reaches the outside. */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <sys/stat.h>

static const char *ename(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case ELOOP: return "ELOOP";
    case EROFS: return "EROFS";
    case EEXIST: return "EEXIST";
    case EACCES: return "EACCES";
    case ENOTDIR: return "ENOTDIR";
    case EXDEV: return "EXDEV";
    default: return "other";
  }
}

/* opens and prints the first line of a file, or the errno */
static void try_read(const char *path) {
  char b[128];
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    printf("read %s: %s\n", path, ename(errno));
    return;
  }
  ssize_t n = read(fd, b, sizeof b - 1);
  b[n > 0 ? n : 0] = 0;
  char *nl = strchr(b, '\n');
  if (nl) {
    *nl = 0;
  }
  printf("read %s: [%s]\n", path, b);
  close(fd);
}

static void try_write(const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd < 0) {
    printf("write %s: %s\n", path, ename(errno));
    return;
  }
  printf("write %s: %s\n", path, write(fd, "ESCAPED\n", 8) == 8 ? "wrote" : ename(errno));
  close(fd);
}

int main(void) {
  try_read("/inside.txt");
  try_read("/../outside.txt");
  try_read("/../../../../../outside.txt");
  try_read("../../outside.txt");
  try_read("/abs-link");
  try_read("/rel-link");
  try_read("/dir-link/outside.txt");
  try_read("/loop");
  try_read("/proc/self/root/../outside.txt");
  try_read("/proc/self/root/inside.txt");
  try_read("/proc/1/root/../../outside.txt");
  try_read("/proc/self/mem");
  try_read("/proc/self/cwd/../outside.txt");
  char t[64];
  long n = readlink("/proc/self/root", t, sizeof t - 1);
  t[n > 0 ? n : 0] = 0;
  printf("readlink /proc/self/root: %s\n", t);

  /* links the guest makes itself */
  printf("symlink /up -> /..: %s\n", symlink("/..", "/up") == 0 ? "ok" : ename(errno));
  try_read("/up/outside.txt");
  try_read("/up/up/up/inside.txt");
  printf("symlink /far -> ../../../..: %s\n", symlink("../../../..", "/far") == 0 ? "ok" : ename(errno));
  try_read("/far/outside.txt");

  /* writes */
  try_write("/../outside.txt", O_WRONLY | O_TRUNC);
  try_write("/../escaped.txt", O_WRONLY | O_CREAT);
  try_write("/abs-link", O_WRONLY | O_TRUNC);
  try_write("/rel-link", O_WRONLY | O_CREAT);
  try_write("/ro/bound.txt", O_WRONLY);
  try_write("/ro/new.txt", O_WRONLY | O_CREAT);
  printf("unlink /ro/bound.txt: %s\n", unlink("/ro/bound.txt") == 0 ? "ok" : ename(errno));
  printf("rename /ro/bound.txt: %s\n", rename("/ro/bound.txt", "/taken.txt") == 0 ? "ok" : ename(errno));
  printf("mkdir /../escaped-dir: %s\n", mkdir("/../escaped-dir", 0755) == 0 ? "ok (inside)" : ename(errno));
  printf("rename /inside.txt -> /../moved.txt: %s\n", rename("/inside.txt", "/../moved.txt") == 0 ? "ok (inside)" : ename(errno));

  /* the working directory cannot climb out either */
  for (int i = 0; i < 8; i++) {
    CHECK(chdir("..") == 0);
  }
  char cwd[256];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  printf("cwd after 8 chdir(..): %s\n", cwd);
  try_read("outside.txt");
  printf("fs_escape: done\n");
  return 0;
}
