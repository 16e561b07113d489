/*
 * tmpfile_big - writes a file several times larger than uvm4j's RAM into anonymous memory (a memfd,
 * or the tmpfs file named by argv[1]), reads it back with read() and through a MAP_SHARED mapping,
 * and checks every byte: under uvm4j with a small --ram and --swap the file's pages go through
 * the swap file and come back intact.
 */
#define _GNU_SOURCE
#include "guest.h"

#include <fcntl.h>
#include <stdint.h>
#include <sys/mman.h>

#define CHUNK (64 * 1024)
#define MIB (1024 * 1024)

static uint8_t byte_at(uint64_t off) { return (uint8_t)((off * 2654435761u) >> 13) ^ (uint8_t)(off >> 16); }

int main(int argc, char **argv) {
  long mib = 48;
  int fd;
  if (argc > 1) {
    fd = open(argv[1], O_RDWR | O_CREAT | O_TRUNC, 0600);
  } else {
    fd = memfd_create("big", 0);
  }
  CHECK(fd >= 0);
  static uint8_t buf[CHUNK];
  uint64_t size = (uint64_t)mib * MIB;
  for (uint64_t off = 0; off < size; off += CHUNK) {
    for (int i = 0; i < CHUNK; i++) {
      buf[i] = byte_at(off + i);
    }
    CHECK(write(fd, buf, CHUNK) == CHUNK);
  }
  printf("wrote %ld MiB\n", mib);
  CHECK(lseek(fd, 0, SEEK_SET) == 0);
  uint64_t bad = 0;
  for (uint64_t off = 0; off < size; off += CHUNK) {
    CHECK(read(fd, buf, CHUNK) == CHUNK);
    for (int i = 0; i < CHUNK; i++) {
      bad += buf[i] != byte_at(off + i);
    }
  }
  printf("read back: %llu bad bytes\n", (unsigned long long)bad);
  uint8_t *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != MAP_FAILED);
  uint64_t mbad = 0;
  for (uint64_t off = 0; off < size; off += 509) {
    mbad += p[off] != byte_at(off);
  }
  for (uint64_t off = 0; off < size; off += PAGE) {
    p[off] ^= 0xff;
  }
  CHECK(munmap(p, size) == 0);
  uint64_t rbad = 0;
  for (uint64_t off = 0; off < size; off += PAGE * 7) {
    uint8_t c;
    CHECK(pread(fd, &c, 1, off) == 1);
    uint8_t want = (uint8_t)(byte_at(off) ^ 0xffu);
    rbad += c != want;
  }
  printf("mapping: %llu bad bytes, stores seen by pread: %llu bad\n", (unsigned long long)mbad,
         (unsigned long long)rbad);
  CHECK(close(fd) == 0);
  if (argc > 1) {
    CHECK(unlink(argv[1]) == 0);
  }
  printf("tmpfile_big done\n");
  return 0;
}
