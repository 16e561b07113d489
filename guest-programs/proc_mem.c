/*
 * proc_mem - /proc/PID/mem as Linux has it (fs/proc/base.c: mem_rw, mem_lseek): offsets are
 * virtual addresses; reads and writes are forced (FOLL_FORCE), so a read-only private page can be
 * written (copy-on-write is broken, the mapping stays read-only: a store still faults) and a
 * PROT_NONE page read; a shared read-only mapping cannot be written; unmapped addresses are EIO; a
 * transfer stops at the first unmapped byte; a parent reaches its child's memory; the memory of a
 * process that exited reads as nothing.
 */
#include "guest.h"

#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>

static sigjmp_buf jb;

static void on_segv(int sig) {
  (void)sig;
  siglongjmp(jb, 1);
}

/* 1 if a store of v to *p faults (and leaves *p as it was), else 0. */
static int store_faults(volatile char *p, char v) {
  struct sigaction sa = {0}, old;
  sa.sa_handler = on_segv;
  CHECK(sigaction(SIGSEGV, &sa, &old) == 0);
  int faulted = 0;
  if (sigsetjmp(jb, 1)) {
    faulted = 1;
  } else {
    *p = v;
  }
  CHECK(sigaction(SIGSEGV, &old, NULL) == 0);
  return faulted;
}

/* The permission field of the maps line covering p ("r--p"...). */
static void perms_of(void *p, char out[5]) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f != NULL);
  char line[512];
  out[0] = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long lo, hi;
    char perms[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, perms) == 3 && (uintptr_t)p >= lo &&
        (uintptr_t)p < hi) {
      memcpy(out, perms, 5);
    }
  }
  fclose(f);
}

static const char greeting[] = "hello from .rodata";

/* Prints a call's result: the count, or -1 and the errno's name. */
static void show(const char *what, ssize_t r) {
  int e = errno;
  printf("%s: %zd %s\n", what, r,
         r >= 0 ? "" : e == EIO ? "EIO" : e == EINVAL ? "EINVAL" : e == EBADF ? "EBADF" : strerror(e));
  errno = 0;
}

int main(int argc, char **argv) {
  char buf[64];
  if (argc == 4 && strcmp(argv[1], "after-exec") == 0) {
    /* its own descriptor reached the address space it had before the exec: now nothing */
    show("read after exec, own old mem", pread(atoi(argv[2]), buf, 1, (off_t)(uintptr_t)greeting));
    /* the parent's descriptor still reaches the parent's */
    show("read after exec, parent's mem", pread(atoi(argv[3]), buf, 1, (off_t)(uintptr_t)greeting));
    show("read after exec, fresh open", pread(open("/proc/self/mem", O_RDONLY), buf, 1,
                                              (off_t)(uintptr_t)greeting));
    return 0;
  }
  int fd = open("/proc/self/mem", O_RDWR);
  CHECK(fd >= 0);

  /* read own memory at an address */
  CHECK(pread(fd, buf, sizeof greeting, (off_t)(uintptr_t)greeting) == (ssize_t)sizeof greeting);
  CHECK(memcmp(buf, greeting, sizeof greeting) == 0);
  printf("read .rodata: %s\n", buf);

  /* a forced write into .rodata (read-only, private): COW, stays read-only */
  CHECK(pwrite(fd, "J", 1, (off_t)(uintptr_t)greeting) == 1);
  printf("after forced write: %s\n", greeting);
  char perms[5];
  perms_of((void *)greeting, perms);
  printf("rodata still %s, store faults: %d\n", perms, store_faults((volatile char *)greeting, 'X'));

  /* mkdirty's case: a fresh PROT_READ anonymous page, lseek + write */
  char *ro = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(ro != MAP_FAILED);
  CHECK(*ro == 0);
  CHECK(lseek(fd, (off_t)(uintptr_t)ro, SEEK_SET) == (off_t)(uintptr_t)ro);
  CHECK(write(fd, "\x2a", 1) == 1);
  CHECK(lseek(fd, 0, SEEK_CUR) == (off_t)(uintptr_t)ro + 1);
  perms_of(ro, perms);
  printf("ro page: %d, %s, store faults: %d, still %d\n", ro[0], perms,
         store_faults(ro, 1), ro[0]);

  /* PROT_NONE: readable and writable through mem */
  char *none = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(none != MAP_FAILED);
  strcpy(none, "hidden");
  CHECK(mprotect(none, PAGE, PROT_NONE) == 0);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 7, (off_t)(uintptr_t)none) == 7);
  CHECK(pwrite(fd, "H", 1, (off_t)(uintptr_t)none) == 1);
  CHECK(mprotect(none, PAGE, PROT_READ) == 0);
  printf("PROT_NONE page read: %s, now: %s\n", buf, none);

  /* a read-only shared mapping cannot be written, even forced */
  char *sh = mmap(NULL, PAGE, PROT_READ, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  CHECK(sh != MAP_FAILED);
  show("shared read-only write", pwrite(fd, "x", 1, (off_t)(uintptr_t)sh));
  show("shared read-only read", pread(fd, buf, 1, (off_t)(uintptr_t)sh));

  /* unmapped: EIO; a transfer stops at the first unmapped byte */
  char *two = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(two != MAP_FAILED);
  CHECK(munmap(two + PAGE, PAGE) == 0);
  memset(two + PAGE - 8, 'z', 8);
  show("unmapped read", pread(fd, buf, 1, (off_t)(uintptr_t)(two + PAGE)));
  show("unmapped write", pwrite(fd, buf, 1, (off_t)(uintptr_t)(two + PAGE)));
  ssize_t r = pread(fd, buf, 32, (off_t)(uintptr_t)(two + PAGE - 8));
  printf("read across the end: %zd (%.8s)\n", r, buf);
  r = pwrite(fd, "0123456789abcdef", 16, (off_t)(uintptr_t)(two + PAGE - 4));
  printf("write across the end: %zd (%.4s)\n", r, two + PAGE - 4);
  show("address 0", pread(fd, buf, 1, 0));
  show("high half", pread(fd, buf, 1, (off_t)0x7ffffffff000LL + 0x1000));
  show("negative offset", pread(fd, buf, 1, (off_t)-4096));

  /* lseek: SEEK_SET and SEEK_CUR only */
  show("SEEK_END", (ssize_t)lseek(fd, 0, SEEK_END));
  show("SEEK_DATA", (ssize_t)lseek(fd, 0, 3));
  CHECK(lseek(fd, (off_t)(uintptr_t)greeting, SEEK_SET) >= 0);
  CHECK(lseek(fd, 6, SEEK_CUR) == (off_t)(uintptr_t)greeting + 6);
  memset(buf, 0, sizeof buf);
  CHECK(read(fd, buf, 4) == 4);
  printf("SEEK_CUR then read: %s\n", buf);

  /* a read-only descriptor cannot write */
  int rfd = open("/proc/self/mem", O_RDONLY);
  CHECK(rfd >= 0);
  show("write through O_RDONLY", pwrite(rfd, "x", 1, (off_t)(uintptr_t)two));
  close(rfd);

  /* a forced write breaks COW: a forked child keeps the old byte */
  char *cow = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(cow != MAP_FAILED);
  cow[0] = 'o';
  CHECK(mprotect(cow, PAGE, PROT_READ) == 0);
  int p2c[2], c2p[2];
  CHECK(pipe(p2c) == 0 && pipe(c2p) == 0);
  pid_t child = xfork();
  if (child == 0) {
    char c;
    /* the child's own private data, then wait for the parent */
    strcpy(two + 8, "child data");
    CHECK(write(c2p[1], "r", 1) == 1);
    CHECK(read(p2c[0], &c, 1) == 1);
    printf("child: cow byte %c, ro page %d\n", cow[0], ro[1]);
    _exit(0);
  }
  char c;
  CHECK(read(c2p[0], &c, 1) == 1);
  CHECK(pwrite(fd, "n", 1, (off_t)(uintptr_t)cow) == 1);
  printf("parent: cow byte %c\n", cow[0]);

  /* the parent reads and writes its child's memory */
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/mem", (int)child);
  int cfd = open(path, O_RDWR);
  CHECK(cfd >= 0);
  memset(buf, 0, sizeof buf);
  CHECK(pread(cfd, buf, 11, (off_t)(uintptr_t)(two + 8)) == 11);
  printf("parent reads child: %s\n", buf);
  CHECK(pwrite(cfd, "\x07", 1, (off_t)(uintptr_t)(ro + 1)) == 1);
  CHECK(write(p2c[1], "g", 1) == 1);

  /* once the child has exited, its memory reads as nothing */
  siginfo_t si;
  CHECK(waitid(P_PID, child, &si, WEXITED | WNOWAIT) == 0);
  show("read after the child exited", pread(cfd, buf, 1, (off_t)(uintptr_t)greeting));
  int zfd = open(path, O_RDONLY);
  printf("open of the zombie's mem: %s, read %zd\n", zfd >= 0 ? "ok" : strerror(errno),
         zfd >= 0 ? pread(zfd, buf, 1, (off_t)(uintptr_t)greeting) : (ssize_t)-1);
  CHECK(xwait(child) == 0);
  close(cfd);
  if (zfd >= 0) {
    close(zfd);
  }

  /* a descriptor kept across exec still names the old address space */
  child = xfork();
  if (child == 0) {
    char own[16], parents[16];
    int ofd = open("/proc/self/mem", O_RDONLY);
    CHECK(ofd >= 0);
    snprintf(own, sizeof own, "%d", ofd);
    snprintf(parents, sizeof parents, "%d", fd);
    execl("/proc/self/exe", "proc_mem", "after-exec", own, parents, (char *)NULL);
    _exit(127);
  }
  CHECK(xwait(child) == 0);
  close(fd);
  printf("done\n");
  return 0;
}
