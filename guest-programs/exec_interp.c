/* exec_interp: execve of dynamically linked programs (PT_INTERP). Copies the host's /bin/true (a
 * glibc PIE whose interpreter is /lib64/ld-linux-x86-64.so.2) into a fresh directory under /tmp
 * with its PT_INTERP rewritten to name other interpreters, execs each copy in a child and prints
 * what happened: the exit status when it ran, else the errno of execve. Linux's answers: a missing
 * interpreter ENOENT, a non-executable one or a directory EACCES, one shorter than an ELF header
 * EIO, one that is not an x86-64 ELF ELIBBAD, a PT_INTERP that is not NUL-terminated ENOEXEC; a copy of the real ld.so runs. */
#include <elf.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "guest.h"

static char *prog;
static size_t prog_len;
static size_t interp_off, interp_len;

static char *slurp(const char *path, size_t *len) {
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  char *buf = malloc(st.st_size);
  CHECK(buf != NULL);
  size_t done = 0;
  while (done < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + done, st.st_size - done);
    CHECK(n > 0);
    done += n;
  }
  close(fd);
  *len = done;
  return buf;
}

static void spill(const char *path, const char *buf, size_t len, mode_t mode) {
  unlink(path);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
  CHECK(fd >= 0);
  CHECK(write(fd, buf, len) == (ssize_t)len);
  CHECK(close(fd) == 0);
  CHECK(chmod(path, mode) == 0);
}

/* Writes ./prog with PT_INTERP holding name (NUL-padded; terminated unless unterminated). */
static void make_prog(const char *name, int unterminated) {
  char *copy = malloc(prog_len);
  CHECK(copy != NULL);
  memcpy(copy, prog, prog_len);
  CHECK(strlen(name) < interp_len);
  memset(copy + interp_off, 0, interp_len);
  memcpy(copy + interp_off, name, strlen(name));
  if (unterminated) {
    memset(copy + interp_off + strlen(name), 'x', interp_len - strlen(name));
  }
  spill("prog", copy, prog_len, 0755);
  free(copy);
}

static const char *errno_name(int e) {
  switch (e) {
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case ENOEXEC: return "ENOEXEC";
    case ELIBBAD: return "ELIBBAD";
    case ENOTDIR: return "ENOTDIR";
    case ENOMEM: return "ENOMEM";
    case EIO: return "EIO";
    default: return "other";
  }
}

static void try_exec(const char *what) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  pid_t c = xfork();
  if (c == 0) {
    close(fds[0]);
    char *argv[] = {"prog", NULL};
    char *envp[] = {NULL};
    fcntl(fds[1], F_SETFD, FD_CLOEXEC);
    execve("./prog", argv, envp);
    int e = errno;
    CHECK(write(fds[1], &e, sizeof e) == sizeof e);
    _exit(99);
  }
  close(fds[1]);
  int e = 0;
  ssize_t n = read(fds[0], &e, sizeof e);
  close(fds[0]);
  int st = xwait(c);
  if (n == sizeof e) {
    printf("%-40s execve fails: %s\n", what, errno_name(e));
  } else if (WIFEXITED(st)) {
    printf("%-40s runs, exit status %d\n", what, WEXITSTATUS(st));
  } else {
    printf("%-40s killed by signal %d\n", what, WTERMSIG(st));
  }
}

int main(void) {
  prog = slurp("/bin/true", &prog_len);
  Elf64_Ehdr *eh = (Elf64_Ehdr *)prog;
  CHECK(eh->e_phentsize == sizeof(Elf64_Phdr));
  for (int i = 0; i < eh->e_phnum; i++) {
    Elf64_Phdr *ph = (Elf64_Phdr *)(prog + eh->e_phoff + i * sizeof(Elf64_Phdr));
    if (ph->p_type == PT_INTERP) {
      interp_off = ph->p_offset;
      interp_len = ph->p_filesz;
      break;
    }
  }
  CHECK(interp_len > 16);
  char dir[] = "/tmp/exec_interp.XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  CHECK(chdir(dir) == 0);

  size_t ld_len;
  char *ld = slurp("/lib64/ld-linux-x86-64.so.2", &ld_len);
  spill("ld-copy", ld, ld_len, 0755);
  spill("ld-noexec", ld, ld_len, 0644);
  ((Elf64_Ehdr *)ld)->e_machine = EM_386;
  spill("ld-i386", ld, ld_len, 0755);
  spill("ld-short", "#!/bin/sh\necho not an interpreter\n", 35, 0755);
  static char text[256];
  memset(text, '#', sizeof text);
  spill("ld-text", text, sizeof text, 0755);
  CHECK(mkdir("ld-dir", 0755) == 0);

  printf("/bin/true copied; PT_INTERP of %zu bytes rewritten to name:\n", interp_len);
  make_prog("/lib64/ld-linux-x86-64.so.2", 0);
  try_exec("the real interpreter");
  make_prog("./ld-copy", 0);
  try_exec("a copy of it");
  make_prog("./no-such-ld.so", 0);
  try_exec("a missing file");
  make_prog("./ld-noexec", 0);
  try_exec("a copy without execute permission");
  make_prog("./ld-dir", 0);
  try_exec("a directory");
  make_prog("./ld-short", 0);
  try_exec("a file shorter than an ELF header");
  make_prog("./ld-text", 0);
  try_exec("a file that is not an ELF");
  make_prog("./ld-i386", 0);
  try_exec("an ELF for another machine");
  make_prog("./ld-copy", 1);
  try_exec("a path without its NUL");

  const char *files[] = {"prog", "ld-copy", "ld-noexec", "ld-i386", "ld-short", "ld-text"};
  for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
    CHECK(unlink(files[i]) == 0);
  }
  CHECK(rmdir("ld-dir") == 0);
  CHECK(chdir("/") == 0);
  CHECK(rmdir(dir) == 0);
  printf("done\n");
  return 0;
}
