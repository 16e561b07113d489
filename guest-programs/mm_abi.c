/* mm_abi: the memory calls Linux's mm selftests use — mincore (residency, EINVAL/ENOMEM/EFAULT),
 * mlock2(MLOCK_ONFAULT) shown in /proc/self/smaps ("lo", Size, Rss, Locked) and VmLck, the
 * /proc/self/pagemap present bit, /proc/self/clear_refs, MADV_POPULATE_READ/WRITE, madvise values
 * Linux refuses, mseal (EPERM for munmap/mprotect/mremap) and PR_SET_MDWE (no writable executable
 * mapping, no exec gain, cannot be turned off). */
#define _GNU_SOURCE
#include "guest.h"
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>

#ifndef MLOCK_ONFAULT
#define MLOCK_ONFAULT 1
#endif
#ifndef MADV_POPULATE_READ
#define MADV_POPULATE_READ 22
#define MADV_POPULATE_WRITE 23
#endif
#ifndef PR_SET_MDWE
#define PR_SET_MDWE 65
#define PR_GET_MDWE 66
#define PR_MDWE_REFUSE_EXEC_GAIN 1
#endif
#define NR_MSEAL 462

/* The value of smaps field NAME (kB) for the mapping at p, or -1; flags gets its VmFlags line. */
static long smaps_field(void *p, const char *name, char *flags, size_t flen) {
  FILE *f = fopen("/proc/self/smaps", "r");
  CHECK(f != NULL);
  char line[512];
  int in = 0;
  long v = -1;
  while (fgets(line, sizeof line, f)) {
    unsigned long s, e;
    if (sscanf(line, "%lx-%lx ", &s, &e) == 2) {
      in = (uintptr_t)p >= s && (uintptr_t)p < e;
      continue;
    }
    if (!in) {
      continue;
    }
    size_t n = strlen(name);
    if (strncmp(line, name, n) == 0 && line[n] == ':') {
      v = strtol(line + n + 1, NULL, 10);
    }
    if (strncmp(line, "VmFlags:", 8) == 0 && flags) {
      snprintf(flags, flen, "%s", line + 8);
    }
  }
  fclose(f);
  return v;
}

static int has_flag(const char *flags, const char *f) {
  char pat[8];
  snprintf(pat, sizeof pat, " %s", f);
  return strstr(flags, pat) != NULL;
}

static uint64_t pagemap(void *p) {
  int fd = open("/proc/self/pagemap", O_RDONLY);
  CHECK(fd >= 0);
  uint64_t e = 0;
  CHECK(pread(fd, &e, 8, (uintptr_t)p / PAGE * 8) == 8);
  close(fd);
  return e;
}

static long vmlck(void) {
  FILE *f = fopen("/proc/self/status", "r");
  CHECK(f != NULL);
  char line[256];
  long v = -1;
  while (fgets(line, sizeof line, f)) {
    if (strncmp(line, "VmLck:", 6) == 0) {
      v = strtol(line + 6, NULL, 10);
    }
  }
  fclose(f);
  return v;
}

int main(void) {
  unsigned char vec[8];
  unsigned char *p = xmap(4 * PAGE, MAP_PRIVATE);
  CHECK(mincore(p, 4 * PAGE, vec) == 0);
  CHECK(vec[0] == 0 && vec[1] == 0 && vec[2] == 0 && vec[3] == 0);
  p[PAGE] = 1;
  CHECK(mincore(p, 4 * PAGE, vec) == 0);
  CHECK(vec[0] == 0 && (vec[1] & 1) && vec[2] == 0);
  CHECK(mincore(p + 1, PAGE, vec) == -1 && errno == EINVAL);
  CHECK(mincore(p, PAGE, NULL) == -1 && errno == EFAULT);
  CHECK(mincore(NULL, PAGE, vec) == -1 && errno == ENOMEM);
  printf("mincore: resident pages only, EINVAL/EFAULT/ENOMEM\n");

  CHECK((pagemap(p + PAGE) >> 63) == 1);
  CHECK((pagemap(p) >> 63) == 0);
  int fd = open("/proc/self/clear_refs", O_WRONLY);
  CHECK(fd >= 0);
  CHECK(write(fd, "4", 1) == 1);
  CHECK(write(fd, "9", 1) == -1 && errno == EINVAL);
  close(fd);
  printf("pagemap: present bit; clear_refs accepts 4, refuses 9\n");

  char flags[256] = "";
  long before = vmlck();
  CHECK(syscall(SYS_mlock2, p, 2 * PAGE, MLOCK_ONFAULT) == 0);
  CHECK(syscall(SYS_mlock2, p, PAGE, 8) == -1 && errno == EINVAL);
  CHECK(smaps_field(p, "Size", flags, sizeof flags) == 8);
  CHECK(has_flag(flags, "lo"));
  CHECK(smaps_field(p, "Rss", NULL, 0) == 4);
  CHECK(smaps_field(p, "Locked", NULL, 0) == 4);
  CHECK(vmlck() == before + 8);
  CHECK(mincore(p, 2 * PAGE, vec) == 0 && vec[0] == 0); /* nothing faulted in */
  CHECK(munlock(p, 2 * PAGE) == 0);
  smaps_field(p, "Size", flags, sizeof flags);
  CHECK(!has_flag(flags, "lo"));
  CHECK(vmlck() == before);
  printf("mlock2(MLOCK_ONFAULT): smaps lo, Size 8 kB, Rss 4 kB, VmLck +8 kB; munlock clears it\n");

  CHECK(madvise(p, 4 * PAGE, MADV_POPULATE_WRITE) == 0);
  CHECK(mincore(p, 4 * PAGE, vec) == 0 && vec[0] && vec[2] && vec[3]);
  unsigned char *r = mmap(NULL, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(r != MAP_FAILED);
  CHECK(madvise(r, PAGE, MADV_POPULATE_WRITE) == -1 && errno == EINVAL);
  CHECK(madvise(r, PAGE, MADV_POPULATE_READ) == 0);
  CHECK(madvise(p, PAGE, 99) == -1 && errno == EINVAL);
  printf("madvise: POPULATE_READ/WRITE, EINVAL for a write to read-only memory and unknown advice\n");

  CHECK(syscall(NR_MSEAL, r, PAGE, 0) == 0);
  CHECK(munmap(r, PAGE) == -1 && errno == EPERM);
  CHECK(mprotect(r, PAGE, PROT_READ | PROT_WRITE) == -1 && errno == EPERM);
  CHECK(mremap(r, PAGE, 2 * PAGE, MREMAP_MAYMOVE) == MAP_FAILED && errno == EPERM);
  CHECK(madvise(r, PAGE, MADV_DONTNEED) == -1 && errno == EPERM);
  CHECK(syscall(NR_MSEAL, r, PAGE, 1) == -1 && errno == EINVAL);
  smaps_field(r, "Size", flags, sizeof flags);
  CHECK(has_flag(flags, "sl"));
  printf("mseal: munmap, mprotect, mremap, madvise(DONTNEED) on read-only memory are EPERM\n");

  CHECK(prctl(PR_GET_MDWE, 0L, 0L, 0L, 0L) == 0);
  CHECK(prctl(PR_SET_MDWE, PR_MDWE_REFUSE_EXEC_GAIN, 0L, 0L, 0L) == 0);
  CHECK(prctl(PR_GET_MDWE, 0L, 0L, 0L, 0L) == PR_MDWE_REFUSE_EXEC_GAIN);
  CHECK(prctl(PR_SET_MDWE, 0L, 0L, 0L, 0L) == -1 && errno == EPERM);
  CHECK(mmap(NULL, PAGE, PROT_READ | PROT_WRITE | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) ==
            MAP_FAILED &&
        errno == EACCES);
  CHECK(mprotect(p, PAGE, PROT_READ | PROT_EXEC) == -1 && errno == EACCES);
  pid_t c = xfork();
  if (c == 0) {
    _exit(prctl(PR_GET_MDWE, 0L, 0L, 0L, 0L));
  }
  expect_exit(c, PR_MDWE_REFUSE_EXEC_GAIN);
  printf("PR_SET_MDWE: no W+X mapping, no exec gain, cannot be unset, inherited by fork\n");
  return 0;
}
