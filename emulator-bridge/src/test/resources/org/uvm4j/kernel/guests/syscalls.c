#define _GNU_SOURCE
/* syscalls: errno paths (EFAULT, EBADF, EINVAL, EROFS…), files, descriptors, time, random,
 * limits, mremap, wait, exec failures. argv[1] is a readable host file, argv[2] a directory. */
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include "kt.h"

int main(int argc, char **argv) {
  CHECK(argc == 3);
  /* bad pointers are EFAULT, never a crash */
  CHECK(write(1, (void *)16, 4) == -1 && errno == EFAULT);
  CHECK(open((char *)16, O_RDONLY) == -1 && errno == EFAULT);
  CHECK(syscall(SYS_uname, (void *)8) == -1 && errno == EFAULT);
  CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, (void *)8) == -1 && errno == EFAULT);
  CHECK(syscall(SYS_pipe2, (void *)8, 0) == -1 && errno == EFAULT);
  CHECK(syscall(SYS_rt_sigprocmask, 0, (void *)8, 0, 8) == -1 && errno == EFAULT);
  /* bad descriptors and arguments */
  CHECK(write(77, "x", 1) == -1 && errno == EBADF);
  CHECK(close(-1) == -1 && errno == EBADF);
  CHECK(lseek(0, 0, 77) == -1 && (errno == EINVAL || errno == ESPIPE));
  CHECK(syscall(SYS_rt_sigprocmask, 0, 0, 0, 4) == -1 && errno == EINVAL);
  CHECK(syscall(12345) == -1 && errno == ENOSYS);
  struct winsize ws;
  CHECK(ioctl(1, TIOCGWINSZ, &ws) == -1 && errno == ENOTTY);
  printf("syscalls: EFAULT/EBADF/EINVAL/ENOSYS/ENOTTY\n");

  /* host files: read-only */
  int fd = open(argv[1], O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 3);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > 100);
  char buf[64];
  CHECK(read(fd, buf, 8) == 8);
  CHECK(lseek(fd, 0, SEEK_CUR) == 8);
  CHECK(pread(fd, buf + 8, 8, 0) == 8 && memcmp(buf, buf + 8, 8) == 0);
  CHECK(lseek(fd, -4, SEEK_END) == st.st_size - 4);
  CHECK(fcntl(fd, F_GETFD) == FD_CLOEXEC);
  CHECK(write(fd, "x", 1) == -1 && errno == EBADF);
  struct stat st2;
  CHECK(stat(argv[1], &st2) == 0 && st2.st_size == st.st_size && st2.st_ino == st.st_ino);
  CHECK(open(argv[1], O_WRONLY) == -1 && errno == EROFS);
  CHECK(open(argv[1], O_RDWR) == -1 && errno == EROFS);
  CHECK(open("/uvm4j-no-such-file", O_CREAT | O_WRONLY, 0644) == -1 && errno == EROFS);
  /* /tmp is private writable scratch (a tmpfs over the host's /tmp) */
  int t = open("/tmp/uvm4j-scratch-file", O_CREAT | O_EXCL | O_RDWR, 0644);
  CHECK(t >= 0 && write(t, "scratch", 7) == 7 && pread(t, buf, 7, 0) == 7);
  CHECK(memcmp(buf, "scratch", 7) == 0 && close(t) == 0);
  CHECK(unlink("/tmp/uvm4j-scratch-file") == 0 && access("/tmp/uvm4j-scratch-file", F_OK) == -1);
  CHECK(open("/nonexistent/x", O_RDONLY) == -1 && errno == ENOENT);
  CHECK(access(argv[1], R_OK) == 0);
  CHECK(access(argv[1], W_OK) == -1 && errno == EROFS);
  int d = open(argv[2], O_RDONLY | O_DIRECTORY);
  CHECK(d >= 0 && read(d, buf, 1) == -1 && errno == EISDIR);
  printf("syscalls: read-only host files\n");

  /* descriptors */
  int e = dup(fd);
  CHECK(e > fd && fcntl(e, F_GETFD) == 0);
  CHECK(dup2(fd, 50) == 50 && lseek(50, 0, SEEK_CUR) == lseek(fd, 0, SEEK_CUR));
  CHECK(dup3(fd, 50, 0) == 50);
  CHECK(dup3(fd, fd, 0) == -1 && errno == EINVAL);
  CHECK(dup3(fd, 51, O_CLOEXEC) == 51 && fcntl(51, F_GETFD) == FD_CLOEXEC);
  CHECK(fcntl(fd, F_DUPFD, 100) == 100);
  CHECK(close(100) == 0 && close(100) == -1 && errno == EBADF);
  struct iovec iov[2] = {{"ab", 2}, {"cd\n", 3}};
  CHECK(writev(1, iov, 2) == 5);
  printf("syscalls: dup/dup2/dup3/fcntl/writev\n");

  /* time and randomness */
  struct timespec t0, t1;
  CHECK(clock_gettime(CLOCK_MONOTONIC, &t0) == 0);
  struct timespec req = {0, 5000000}; /* 5 ms */
  CHECK(nanosleep(&req, 0) == 0);
  CHECK(clock_gettime(CLOCK_MONOTONIC, &t1) == 0);
  long long dt = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
  CHECK(dt >= 5000000);
  req.tv_nsec = 2000000000;
  CHECK(nanosleep(&req, 0) == -1 && errno == EINVAL);
  struct timeval tv;
  CHECK(gettimeofday(&tv, 0) == 0 && tv.tv_sec > 1700000000);
  CHECK(clock_gettime(12345, &t0) == -1 && errno == EINVAL);
  unsigned char r[32];
  CHECK(getrandom(r, sizeof r, 0) == 32);
  CHECK(getrandom(r, sizeof r, 0x40) == -1 && errno == EINVAL);
  printf("random: ");
  for (int i = 0; i < 8; i++) printf("%02x", r[i]);
  printf("\n");
  struct utsname u;
  CHECK(uname(&u) == 0 && strcmp(u.sysname, "Linux") == 0 && strcmp(u.machine, "x86_64") == 0);
  char cwd[4096];
  CHECK(getcwd(cwd, sizeof cwd) != 0 && cwd[0] == '/');
  CHECK(getcwd(cwd, 1) == 0 && errno == ERANGE);
  struct rlimit rl;
  CHECK(getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 1024);
  CHECK(getuid() == 1000 && geteuid() == 1000 && getgid() == 1000 && getegid() == 1000);
  printf("syscalls: time, random, uname, getcwd, limits\n");

  /* mremap: shrink in place, grow (in place or moved), contents kept */
  char *m = mmap(0, 4 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(m != MAP_FAILED);
  for (int i = 0; i < 4 * 4096; i++) m[i] = (char)(i * 3);
  CHECK(mremap(m, 4 * 4096, 2 * 4096, 0) == m);
  char *g = mremap(m, 2 * 4096, 64 * 4096, MREMAP_MAYMOVE);
  CHECK(g != MAP_FAILED);
  for (int i = 0; i < 2 * 4096; i++) CHECK(g[i] == (char)(i * 3));
  for (int i = 2 * 4096; i < 64 * 4096; i += 4096) CHECK(g[i] == 0);
  CHECK(mremap(g, 64 * 4096, 4096, 77) == MAP_FAILED && errno == EINVAL);
  printf("syscalls: mremap\n");

  /* wait: ECHILD with no children, WNOHANG while the child runs */
  CHECK(waitpid(-1, 0, WNOHANG) == -1 && errno == ECHILD);
  int p[2];
  CHECK(pipe2(p, O_CLOEXEC) == 0);
  pid_t c = fork();
  if (c == 0) {
    char b;
    read(p[0], &b, 1);
    _exit(b);
  }
  CHECK(waitpid(c, 0, WNOHANG) == 0);
  siginfo_t si;
  memset(&si, 0xff, sizeof si);
  CHECK(waitid(P_PID, c, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0);
  CHECK(write(p[1], "\x05", 1) == 1);
  CHECK(waitid(P_PID, c, &si, WEXITED | WNOWAIT) == 0 && si.si_pid == c && si.si_status == 5);
  int status;
  CHECK(wait4(c, &status, 0, 0) == c && WEXITSTATUS(status) == 5);
  CHECK(waitpid(c, 0, 0) == -1 && errno == ECHILD);
  printf("syscalls: wait4/waitid\n");

  /* exec failures leave the caller intact */
  char *av[] = {"x", 0};
  CHECK(execve("/nonexistent/prog", av, 0) == -1 && errno == ENOENT);
  CHECK(execve(argv[2], av, 0) == -1 && errno == EACCES);
  CHECK(execve(argv[1], av, 0) == -1 && (errno == EACCES || errno == ENOEXEC));
  CHECK(syscall(SYS_execve, "abort", (char **)8, 0) == -1 && errno == EFAULT);
  CHECK(syscall(SYS_execve, (char *)8, av, 0) == -1 && errno == EFAULT);
  printf("syscalls: ok\n");
  return 0;
}
