/*
 * hwcap - the auxiliary vector's AT_HWCAP is CPUID.1:EDX of the CPU the program runs on, as
 * Linux's ELF_HWCAP (boot_cpu_data.x86_capability[CPUID_1_EDX]). Read raw from the initial stack
 * (after envp's NULL): the C library's getauxval(AT_HWCAP) is not the kernel's value with glibc,
 * which replaces it with its own HWCAP_X86_* bits.
 */
#include "guest.h"

#include <cpuid.h>
#include <elf.h>

int main(int argc, char **argv, char **envp) {
  (void)argc;
  (void)argv;
  char **e = envp;
  while (*e) {
    e++;
  }
  Elf64_auxv_t *av = (Elf64_auxv_t *)(e + 1);
  int seen = 0;
  unsigned long hwcap = 0;
  for (; av->a_type != AT_NULL; av++) {
    if (av->a_type == AT_HWCAP) {
      hwcap = av->a_un.a_val;
      seen++;
    }
  }
  unsigned a, b, c, d;
  CHECK(__get_cpuid(1, &a, &b, &c, &d));
  printf("AT_HWCAP present once: %s\n", seen == 1 ? "yes" : "no");
  printf("AT_HWCAP == CPUID.1:EDX: %s\n", hwcap == d ? "yes" : "no");
  printf("FPU, TSC, CX8, CMOV, FXSR, SSE, SSE2 bits set: %s\n",
         (hwcap & 1) && (hwcap & (1 << 4)) && (hwcap & (1 << 8)) && (hwcap & (1 << 15)) &&
                 (hwcap & (1 << 24)) && (hwcap & (1 << 25)) && (hwcap & (1 << 26))
             ? "yes"
             : "no");
  return 0;
}
