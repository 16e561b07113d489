/*
 * tmpfs_swap_mix - a guest larger than uvm4j's RAM that writes a tmpfs file larger than RAM: it
 * dirties ANON_MIB of its own anonymous memory, writes FILE_MIB into the file named by argv[1]
 * (with the process id appended) with write(), then checks its memory and reads the file back with
 * read(), comparing checksums (FNV-1a) of what it wrote and what it reads. Under uvm4j with a small
 * --ram and --swap, amap anons and the file's aobj pages compete for RAM and both go through the
 * swap file. With a second argument "keep" the file stays (the system audit then sees its pages,
 * in RAM and in swap, after the guest has exited); without it the file is unlinked.
 */
#include "guest.h"

#include <fcntl.h>
#include <stdint.h>

#define CHUNK (64 * 1024)
#define MIB (1024 * 1024)
#define ANON_MIB 24
#define FILE_MIB 40

static uint8_t file_byte(uint64_t off) {
  return (uint8_t)((off * 2654435761u) >> 11) ^ (uint8_t)(off >> 20);
}

static uint8_t anon_byte(uint64_t off) { return (uint8_t)((off * 40503u) >> 7) ^ 0x5a; }

static uint64_t fnv(uint64_t h, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    h = (h ^ p[i]) * 1099511628211ull;
  }
  return h;
}

int main(int argc, char **argv) {
  CHECK(argc >= 2);
  int keep = argc > 2 && strcmp(argv[2], "keep") == 0;
  char path[256];
  /* unique per process: native runs of this test may overlap on the host */
  snprintf(path, sizeof path, "%s.%d", argv[1], (int)getpid());

  size_t anon_len = (size_t)ANON_MIB * MIB;
  uint8_t *anon = mmap(NULL, anon_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  CHECK(anon != MAP_FAILED);
  for (size_t i = 0; i < anon_len; i++) {
    anon[i] = anon_byte(i);
  }
  uint64_t anon_sum = fnv(14695981039346656037ull, anon, anon_len);
  printf("anonymous memory: %d MiB written\n", ANON_MIB);

  int fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
  CHECK(fd >= 0);
  static uint8_t buf[CHUNK];
  uint64_t wrote_sum = 14695981039346656037ull;
  for (uint64_t off = 0; off < (uint64_t)FILE_MIB * MIB; off += CHUNK) {
    for (size_t i = 0; i < CHUNK; i++) {
      buf[i] = file_byte(off + i);
    }
    wrote_sum = fnv(wrote_sum, buf, CHUNK);
    CHECK(write(fd, buf, CHUNK) == CHUNK);
  }
  printf("tmpfs file: %d MiB written\n", FILE_MIB);

  uint64_t anon_again = fnv(14695981039346656037ull, anon, anon_len);
  printf("anonymous memory read back: %s\n", anon_again == anon_sum ? "checksum matches" : "BAD");
  CHECK(anon_again == anon_sum);

  CHECK(lseek(fd, 0, SEEK_SET) == 0);
  uint64_t read_sum = 14695981039346656037ull;
  uint64_t total = 0;
  long bad = 0;
  for (;;) {
    ssize_t n = read(fd, buf, CHUNK);
    CHECK(n >= 0);
    if (n == 0) {
      break;
    }
    for (ssize_t i = 0; i < n; i++) {
      if (buf[i] != file_byte(total + i)) {
        bad++;
      }
    }
    read_sum = fnv(read_sum, buf, n);
    total += n;
  }
  printf("tmpfs file read back: %llu MiB, %ld bad bytes, %s\n", (unsigned long long)(total / MIB),
         bad, read_sum == wrote_sum ? "checksum matches" : "checksum DIFFERS");
  CHECK(total == (uint64_t)FILE_MIB * MIB && bad == 0 && read_sum == wrote_sum);
  CHECK(close(fd) == 0);
  if (!keep) {
    CHECK(unlink(path) == 0);
  }
  CHECK(munmap(anon, anon_len) == 0);
  return 0;
}
