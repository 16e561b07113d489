/*
 * vdso - the vDSO and the vsyscall page as a program sees them: AT_SYSINFO_EHDR points at an ELF
 * shared object whose dynamic symbols (found as musl's __vdsosym does: DT_HASH, DT_SYMTAB,
 * DT_STRTAB, version LINUX_2.6 through DT_VERSYM/DT_VERDEF) give clock_gettime, gettimeofday,
 * time, getcpu and clock_getres agreeing with the system calls; /proc/self/maps lists [vvar],
 * [vdso] and [vsyscall]; the vsyscall page's three entry points work (xonly: emulated), a call
 * elsewhere in it, a read of it and a bad pointer given to it raise SIGSEGV as on Linux; a forked
 * child has the same vDSO. Fault addresses are printed by page (uvm4j's TLB-fill hook learns
 * only the page of a data fault).
 */
#define _GNU_SOURCE
#include <elf.h>
#include <sched.h>
#include <setjmp.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/ucontext.h>
#include <time.h>

#include "guest.h"

static uintptr_t base;
static Elf64_Sym *syms;
static const char *strings;
static uint32_t *hashtab;
static Elf64_Half *versym;
static Elf64_Verdef *verdef;

static void vdso_init(void) {
  Elf64_Ehdr *eh = (Elf64_Ehdr *)getauxval(AT_SYSINFO_EHDR);
  CHECK(eh != NULL);
  CHECK(memcmp(eh->e_ident, ELFMAG, SELFMAG) == 0 && eh->e_type == ET_DYN);
  Elf64_Phdr *ph = (Elf64_Phdr *)((char *)eh + eh->e_phoff);
  Elf64_Dyn *dyn = NULL;
  base = (uintptr_t)-1;
  for (int i = 0; i < eh->e_phnum; i++) {
    if (ph[i].p_type == PT_LOAD)
      base = (uintptr_t)eh + ph[i].p_offset - ph[i].p_vaddr;
    else if (ph[i].p_type == PT_DYNAMIC)
      dyn = (Elf64_Dyn *)((char *)eh + ph[i].p_offset);
  }
  CHECK(dyn != NULL && base != (uintptr_t)-1);
  const char *soname = NULL;
  for (; dyn->d_tag != DT_NULL; dyn++) {
    switch (dyn->d_tag) {
    case DT_STRTAB: strings = (const char *)(base + dyn->d_un.d_ptr); break;
    case DT_SYMTAB: syms = (Elf64_Sym *)(base + dyn->d_un.d_ptr); break;
    case DT_HASH: hashtab = (uint32_t *)(base + dyn->d_un.d_ptr); break;
    case DT_VERSYM: versym = (Elf64_Half *)(base + dyn->d_un.d_ptr); break;
    case DT_VERDEF: verdef = (Elf64_Verdef *)(base + dyn->d_un.d_ptr); break;
    case DT_SONAME: soname = (const char *)(uintptr_t)dyn->d_un.d_val; break;
    }
  }
  CHECK(strings && syms && hashtab && versym && verdef && soname);
  printf("vDSO soname %s\n", strings + (uintptr_t)soname);
}

static int checkver(Elf64_Verdef *def, int vsym, const char *vername) {
  vsym &= 0x7fff;
  for (;;) {
    if (!(def->vd_flags & VER_FLG_BASE) && (def->vd_ndx & 0x7fff) == vsym)
      break;
    if (def->vd_next == 0)
      return 0;
    def = (Elf64_Verdef *)((char *)def + def->vd_next);
  }
  Elf64_Verdaux *aux = (Elf64_Verdaux *)((char *)def + def->vd_aux);
  return !strcmp(vername, strings + aux->vda_name);
}

static void *vdso_sym(const char *name) {
  for (uint32_t i = 0; i < hashtab[1]; i++) {
    if (ELF64_ST_TYPE(syms[i].st_info) != STT_FUNC || !syms[i].st_shndx)
      continue;
    if (strcmp(name, strings + syms[i].st_name) || !checkver(verdef, versym[i], "LINUX_2.6"))
      continue;
    return (void *)(base + syms[i].st_value);
  }
  return NULL;
}

static void maps(void) {
  FILE *f = fopen("/proc/self/maps", "r");
  CHECK(f != NULL);
  char line[256];
  int vvar = 0;
  while (fgets(line, sizeof line, f)) {
    unsigned long s, e;
    char perms[8], name[64] = "";
    if (sscanf(line, "%lx-%lx %7s %*x %*x:%*x %*u %63s", &s, &e, perms, name) < 3)
      continue;
    if (!strcmp(name, "[vvar]"))
      vvar = 1;
    if (!strcmp(name, "[vdso]"))
      printf("[vdso] %s, %lu pages, AT_SYSINFO_EHDR at its start: %s\n", perms, (e - s) / PAGE,
             s == getauxval(AT_SYSINFO_EHDR) ? "yes" : "no");
    if (!strcmp(name, "[vsyscall]"))
      printf("[vsyscall] %lx-%lx %s\n", s, e, perms);
  }
  fclose(f);
  printf("[vvar] listed: %s\n", vvar ? "yes" : "no");
}

static sigjmp_buf env;
static volatile int seg_code;
static volatile unsigned long seg_err, seg_addr;

static void on_segv(int sig, siginfo_t *si, void *uc_void) {
  (void)sig;
  ucontext_t *uc = uc_void;
  seg_code = si->si_code;
  seg_addr = (unsigned long)si->si_addr;
  seg_err = uc->uc_mcontext.gregs[REG_ERR];
  siglongjmp(env, 1);
}

#define SEGV(what, stmt)                                                                      \
  do {                                                                                        \
    if (sigsetjmp(env, 1) == 0) {                                                             \
      stmt;                                                                                   \
      printf("%s: no SIGSEGV\n", what);                                                       \
    } else {                                                                                  \
      printf("%s: SIGSEGV code %#x err %#lx page %#lx\n", what, seg_code, seg_err,         \
             seg_addr & ~0xfffUL);                                                            \
    }                                                                                         \
  } while (0)

typedef long (*gtod_t)(struct timeval *, struct timezone *);
typedef long (*time_t_fn)(time_t *);
typedef long (*getcpu_t)(unsigned *, unsigned *, void *);
typedef int (*gettime_t)(clockid_t, struct timespec *);

int main(void) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(0, &set);
  CHECK(sched_setaffinity(0, sizeof set, &set) == 0);
  vdso_init();
  gettime_t cgt = vdso_sym("__vdso_clock_gettime");
  gettime_t cgr = vdso_sym("__vdso_clock_getres");
  gtod_t gtod = vdso_sym("__vdso_gettimeofday");
  time_t_fn vtime = vdso_sym("__vdso_time");
  getcpu_t vgetcpu = vdso_sym("__vdso_getcpu");
  printf("found: clock_gettime %d, clock_getres %d, gettimeofday %d, time %d, getcpu %d\n",
         cgt != NULL, cgr != NULL, gtod != NULL, vtime != NULL, vgetcpu != NULL);
  printf("weak aliases: clock_gettime is __vdso_clock_gettime: %s\n",
         vdso_sym("clock_gettime") == (void *)cgt ? "yes" : "no");
  printf("unknown symbol: %s\n", vdso_sym("__vdso_nothing") == NULL ? "not found" : "found");

  struct timespec a, v, b;
  CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &a) == 0);
  CHECK(cgt(CLOCK_MONOTONIC, &v) == 0);
  CHECK(syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &b) == 0);
  printf("vDSO clock_gettime between two syscalls: %s\n",
         (v.tv_sec > a.tv_sec || (v.tv_sec == a.tv_sec && v.tv_nsec >= a.tv_nsec)) &&
                 (b.tv_sec > v.tv_sec || (b.tv_sec == v.tv_sec && b.tv_nsec >= v.tv_nsec))
             ? "yes"
             : "no");
  printf("vDSO clock_gettime(bad clock) = %d\n", cgt(12345, &v));
  struct timespec r1, r2;
  CHECK(cgr(CLOCK_REALTIME, &r1) == 0 && syscall(SYS_clock_getres, CLOCK_REALTIME, &r2) == 0);
  printf("vDSO clock_getres as the syscall: %s\n",
         r1.tv_sec == r2.tv_sec && r1.tv_nsec == r2.tv_nsec ? "yes" : "no");
  struct timeval tv;
  long t1 = syscall(SYS_time, NULL);
  CHECK(gtod(&tv, NULL) == 0);
  time_t tt;
  long t2 = vtime(&tt);
  /*
   * time() (the system call and the vDSO's) reads the coarse wall clock, last set at the previous
   * tick, so for up to a tick after a second boundary it is one second behind gettimeofday.
   */
  printf("vDSO gettimeofday and time agree: %s\n",
         t1 <= t2 && t2 + 1 >= tv.tv_sec && t2 <= tv.tv_sec + 1 && t2 == tt ? "yes" : "no");
  unsigned cpu = 99, node = 99;
  long rc = vgetcpu(&cpu, &node, NULL);
  printf("vDSO getcpu = %ld, cpu %u node %u\n", rc, cpu, node);

  maps();

  /* the vsyscall page (vsyscall=xonly: emulated) */
  gtod_t vs_gtod = (gtod_t)0xffffffffff600000UL;
  time_t_fn vs_time = (time_t_fn)0xffffffffff600400UL;
  getcpu_t vs_getcpu = (getcpu_t)0xffffffffff600800UL;
  CHECK(vs_gtod(&tv, NULL) == 0);
  long t3 = vs_time(&tt);
  printf("vsyscall gettimeofday and time agree: %s\n",
         t2 <= t3 && t3 + 1 >= tv.tv_sec && t3 <= tv.tv_sec + 1 && t3 == tt ? "yes" : "no");
  printf("vsyscall time(NULL) works: %s\n", vs_time(NULL) >= t3 ? "yes" : "no");
  cpu = node = 99;
  rc = vs_getcpu(&cpu, &node, NULL);
  printf("vsyscall getcpu = %ld, cpu %u node %u\n", rc, cpu, node);

  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_segv;
  sa.sa_flags = SA_SIGINFO;
  CHECK(sigaction(SIGSEGV, &sa, NULL) == 0);
  SEGV("read of the vsyscall page", (void)*(volatile long *)0xffffffffff600000UL);
  SEGV("write to the vsyscall page", *(volatile long *)0xffffffffff600008UL = 1);
  SEGV("call into the middle of the page", ((time_t_fn)0xffffffffff600100UL)(NULL));
  SEGV("vsyscall time with a kernel pointer", vs_time((time_t *)0xffff800000000000UL));

  pid_t pid = xfork();
  if (pid == 0) {
    printf("child: same vDSO: %s\n", vdso_sym("__vdso_time") == (void *)vtime ? "yes" : "no");
    printf("child: vDSO time works: %s\n", vtime(NULL) >= t3 ? "yes" : "no");
    _exit(0);
  }
  CHECK(xwait(pid) == 0);
  return 0;
}
