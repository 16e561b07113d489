/* fs_proc: the process's own /proc — exe, cmdline, environ, status, stat, maps, fd/, cwd, root —
 * and a child's /proc/PID, meminfo and cpuinfo. Prints facts that hold natively and under uvm4j
 * (relationships, not numbers). */
#define _GNU_SOURCE
#include "guest.h"

#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <sys/stat.h>

static char buf[65536];

static long slurp(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    return -1;
  }
  long n = 0, r;
  while ((r = read(fd, buf + n, sizeof buf - 1 - n)) > 0) {
    n += r;
  }
  close(fd);
  buf[n] = 0;
  return n;
}

static const char *yes(int c) {
  return c ? "yes" : "no";
}

/* true when address a lies in a maps line range whose line contains tag (or any line if NULL) */
static int in_maps(uintptr_t a, const char *tag, const char *perms) {
  CHECK(slurp("/proc/self/maps") > 0);
  for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
    unsigned long lo, hi;
    char p[5];
    if (sscanf(line, "%lx-%lx %4s", &lo, &hi, p) == 3 && a >= lo && a < hi) {
      return (tag == NULL || strstr(line, tag) != NULL) && (perms == NULL || strcmp(p, perms) == 0);
    }
  }
  return 0;
}

int main(int argc, char **argv) {
  (void)argc;
  char exe[PATH_MAX], real[PATH_MAX];
  long n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  CHECK(n > 0);
  exe[n] = 0;
  CHECK(realpath(argv[0], real) != NULL);
  printf("exe is argv[0]: %s\n", yes(strcmp(exe, real) == 0));

  n = slurp("/proc/self/cmdline");
  printf("cmdline is argv: %s\n", yes(n == (long)strlen(argv[0]) + 1 && strcmp(buf, argv[0]) == 0));
  n = slurp("/proc/self/environ");
  int has_path = 0;
  for (long i = 0; i < n; i += strlen(buf + i) + 1) {
    has_path |= strncmp(buf + i, "PATH=", 5) == 0;
  }
  printf("environ has PATH: %s\n", yes(has_path));

  CHECK(slurp("/proc/self/status") > 0);
  char want[64];
  snprintf(want, sizeof want, "\nPid:\t%d\n", getpid());
  printf("status names us: %s\n", yes(strncmp(buf, "Name:\tfs_proc\n", 14) == 0));
  printf("status pid: %s\n", yes(strstr(buf, want) != NULL));
  snprintf(want, sizeof want, "\nPPid:\t%d\n", getppid());
  printf("status ppid: %s\n", yes(strstr(buf, want) != NULL));

  CHECK(slurp("/proc/self/stat") > 0);
  int pid, ppid;
  char comm[64], state;
  CHECK(sscanf(buf, "%d %63s %c %d", &pid, comm, &state, &ppid) == 4);
  printf("stat: pid %s comm %s state %c ppid %s\n", yes(pid == getpid()), comm, state,
         yes(ppid == getppid()));
  CHECK(slurp("/proc/self/comm") > 0);
  printf("comm: %s", buf);

  int local = 1;
  printf("a local is in [stack] rw-p: %s\n", yes(in_maps((uintptr_t)&local, "[stack]", "rw-p")));
  printf("main is in the program r-xp: %s\n", yes(in_maps((uintptr_t)&main, exe, "r-xp")));
  void *m = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  printf("an mmap is rw-p: %s\n", yes(in_maps((uintptr_t)m + 4096, NULL, "rw-p")));
  munmap(m, 1 << 20);
  printf("after munmap it is gone: %s\n", yes(!in_maps((uintptr_t)m + 4096, NULL, NULL)));

  int fd = open(argv[0], O_RDONLY);
  char link[64], target[PATH_MAX];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  n = readlink(link, target, sizeof target - 1);
  CHECK(n > 0);
  target[n] = 0;
  printf("fd link names the file: %s\n", yes(strcmp(target, real) == 0));
  DIR *d = opendir("/proc/self/fd");
  CHECK(d != NULL);
  int seen = 0;
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    int k = atoi(e->d_name);
    if (e->d_name[0] != '.' && (k <= 2 || k == fd)) {
      seen++;
    }
  }
  closedir(d);
  printf("fd dir lists 0 1 2 and ours: %s\n", yes(seen == 4));
  close(fd);
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  printf("closed fd link: %s\n", readlink(link, target, sizeof target) == -1 && errno == ENOENT ? "ENOENT" : "still there");

  char cwd[PATH_MAX];
  CHECK(getcwd(cwd, sizeof cwd) != NULL);
  n = readlink("/proc/self/cwd", target, sizeof target - 1);
  CHECK(n > 0);
  target[n] = 0;
  printf("cwd link is getcwd: %s\n", yes(strcmp(target, cwd) == 0));
  n = readlink("/proc/self/root", target, sizeof target - 1);
  target[n > 0 ? n : 0] = 0;
  printf("root link: %s\n", target);
  struct stat s;
  printf("/proc/self is a link: %s\n", yes(lstat("/proc/self", &s) == 0 && S_ISLNK(s.st_mode)));

  CHECK(slurp("/proc/meminfo") > 0);
  printf("meminfo has MemTotal: %s\n", yes(strncmp(buf, "MemTotal:", 9) == 0));
  CHECK(slurp("/proc/cpuinfo") > 0);
  printf("cpuinfo has a processor: %s\n", yes(strncmp(buf, "processor", 9) == 0));

  int p[2];
  CHECK(pipe(p) == 0);
  pid_t c = xfork();
  if (c == 0) {
    char x;
    close(p[1]);
    read(p[0], &x, 1); /* sleeps until the parent closes its end */
    _exit(0);
  }
  close(p[0]);
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", c);
  usleep(100000); /* let the child reach its read */
  CHECK(slurp(path) > 0);
  CHECK(sscanf(buf, "%d %63s %c %d", &pid, comm, &state, &ppid) == 4);
  printf("child stat: pid %s comm %s state %c parent %s\n", yes(pid == c), comm, state, yes(ppid == getpid()));
  close(p[1]);
  int st;
  CHECK(waitpid(c, &st, 0) == c);
  printf("reaped child's /proc entry: %s\n", slurp(path) < 0 && errno == ENOENT ? "ENOENT" : "still there");
  printf("fs_proc: done\n");
  return 0;
}
