package org.uvm4j.machine.host;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.FieldSource;

/**
 * Each libc call of the seam, through each binding ({@link TestHostLibcs#ALL}): what a successful
 * call does, checked against the JDK's and the kernel's view ({@code /proc/self/maps}, {@code
 * unix:*} attributes), and the errno and text of a call that must fail, which are Linux's.
 */
@ParameterizedClass(name = "{0}")
@FieldSource("org.uvm4j.machine.host.TestHostLibcs#ALL")
class HostLibcTest {
  private static final int ENOENT = 2;
  private static final int ENXIO = 6;
  private static final int EBADF = 9;
  private static final int ENOMEM = 12;
  private static final int EINVAL = 22;
  private static final int ELOOP = 40;
  private static final int PAGE = 4096;

  @TempDir Path dir;

  private final String name;
  private final HostLibc libc;

  HostLibcTest(String name) {
    this.name = name;
    this.libc = TestHostLibcs.of(name);
  }

  /**
   * The {@code /proc/self/maps} line of the mapping that holds {@code addr}, or null (the kernel
   * may have merged a new mapping with a neighbour of the same kind).
   */
  private static String mapsLine(long addr) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
      String[] range = line.substring(0, line.indexOf(' ')).split("-");
      long start = Long.parseUnsignedLong(range[0], 16);
      long end = Long.parseUnsignedLong(range[1], 16);
      if (Long.compareUnsigned(addr, start) >= 0 && Long.compareUnsigned(addr, end) < 0) {
        return line;
      }
    }
    return null;
  }

  private long anonPages(int pages, int prot) {
    return libc.mmap(
        0,
        (long) pages * PAGE,
        prot,
        HostLibc.MAP_PRIVATE | HostLibc.MAP_ANONYMOUS | HostLibc.MAP_NORESERVE,
        -1,
        0);
  }

  private static HostCallException failure(Runnable call) {
    try {
      call.run();
    } catch (HostCallException e) {
      return e;
    }
    throw new AssertionError("the call did not fail");
  }

  private static void assertFails(Runnable call, String function, int errno) {
    HostCallException e = failure(call);
    assertThat(e.function()).isEqualTo(function);
    assertThat(e.errno()).as(e.getMessage()).isEqualTo(errno);
    assertThat(e.getMessage()).startsWith(function + ": [" + errno + "] ").hasSizeGreaterThan(10);
  }

  @Test
  void theBindingIsTheOneAskedFor() {
    assertThat(libc.binding()).isEqualTo(name);
  }

  @Test
  void mmapMapsZeroedMemoryThatMprotectAndMunmapChange() throws IOException {
    long a = anonPages(2, HostLibc.PROT_READ | HostLibc.PROT_WRITE);
    assertThat(a % PAGE).isZero();
    assertThat(mapsLine(a)).as("the new mapping").contains(" rw-p ");
    ByteBuffer b = libc.memory(a, 2 * PAGE);
    assertThat(b.isDirect()).isTrue();
    assertThat(b.capacity()).isEqualTo(2 * PAGE);
    assertThat(b.order()).isEqualTo(ByteOrder.nativeOrder());
    assertThat(b.getLong(PAGE)).isZero();
    b.order(ByteOrder.BIG_ENDIAN).putInt(8, 0x01020304);
    assertThat(libc.memory(a + 8, 4).get(3))
        .as("another view of the same bytes")
        .isEqualTo((byte) 4);
    libc.mprotect(a, PAGE, HostLibc.PROT_READ);
    assertThat(mapsLine(a)).contains(" r--p ");
    libc.munmap(a, 2 * PAGE);
    assertThat(mapsLine(a)).as("unmapped").isNull();
  }

  @Test
  void madviseHugePageMarksTheMappingWhereTheHostHasThp() throws IOException {
    Path thp = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
    assumeTrue(
        Files.isReadable(thp) && !Files.readString(thp).contains("[never]"),
        "the host has no transparent huge pages");
    long a = anonPages(1024, HostLibc.PROT_READ | HostLibc.PROT_WRITE);
    try {
      libc.madvise(a, 1024L * PAGE, HostLibc.MADV_HUGEPAGE);
      boolean in = false;
      String flags = null;
      for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
        if (line.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
          in = line.startsWith(Long.toHexString(a) + "-");
        } else if (in && line.startsWith("VmFlags:")) {
          flags = line;
        }
      }
      assertThat(flags).as("VmFlags of the mapping").isNotNull().contains(" hg", " nr");
    } finally {
      libc.munmap(a, 1024L * PAGE);
    }
  }

  @Test
  void pageCallsThatMustFailGiveLinuxsErrno() {
    // no address space for 2^62 bytes; a zero length; an unaligned address
    assertFails(
        () ->
            libc.mmap(
                0,
                1L << 62,
                HostLibc.PROT_READ,
                HostLibc.MAP_PRIVATE | HostLibc.MAP_ANONYMOUS,
                -1,
                0),
        "mmap",
        ENOMEM);
    assertFails(() -> anonPages(0, HostLibc.PROT_READ), "mmap", EINVAL);
    // not anonymous, so it needs a file: fd -1 is no descriptor
    assertFails(
        () -> libc.mmap(0, PAGE, HostLibc.PROT_READ, HostLibc.MAP_PRIVATE, -1, 0), "mmap", EBADF);
    long a = anonPages(1, HostLibc.PROT_READ);
    try {
      assertFails(() -> libc.mprotect(a + 1, PAGE, HostLibc.PROT_READ), "mprotect", EINVAL);
      assertFails(() -> libc.madvise(a + 1, PAGE, HostLibc.MADV_HUGEPAGE), "madvise", EINVAL);
      assertFails(() -> libc.munmap(a + 1, PAGE), "munmap", EINVAL);
    } finally {
      libc.munmap(a, PAGE);
    }
  }

  @Test
  void statAndLstatFillTheKernelsStructStat() throws IOException {
    Path f = dir.resolve("file");
    Files.writeString(f, "x".repeat(5000));
    Path link = Files.createSymbolicLink(dir.resolve("link"), f);
    byte[] st = new byte[HostLibc.STAT_SIZE];
    libc.stat(link.toString(), st);
    ByteBuffer b = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN);
    Map<String, Object> a = Files.readAttributes(f, "unix:*");
    // x86-64 struct stat: st_dev 0, st_ino 8, st_nlink 16, st_mode 24, st_size 48
    assertThat(b.getLong(0)).isEqualTo(((Number) a.get("dev")).longValue());
    assertThat(b.getLong(8)).isEqualTo(((Number) a.get("ino")).longValue());
    assertThat(b.getInt(24)).isEqualTo((Integer) a.get("mode"));
    assertThat(b.getLong(48)).isEqualTo(5000L);
    libc.lstat(link.toString(), st);
    assertThat(b.getLong(8))
        .isEqualTo(
            ((Number) Files.getAttribute(link, "unix:ino", java.nio.file.LinkOption.NOFOLLOW_LINKS))
                .longValue());
    assertThat(b.getInt(24) & 0170000).as("S_IFLNK").isEqualTo(0120000);
  }

  @Test
  void aNonAsciiFileNameNamesTheFileTheJdkMade() throws IOException {
    assumeTrue(
        "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding")),
        "file names are not UTF-8 here");
    Path f = dir.resolve("caf\u00e9-\u65e5\u672c");
    Files.write(f, new byte[7]);
    byte[] st = new byte[HostLibc.STAT_SIZE];
    libc.stat(f.toString(), st);
    assertThat(ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getLong(48)).isEqualTo(7L);
  }

  @Test
  void fileCallsThatMustFailGiveLinuxsErrno() throws Exception {
    byte[] st = new byte[HostLibc.STAT_SIZE];
    String missing = dir.resolve("missing").toString();
    assertFails(() -> libc.stat(missing, st), "stat", ENOENT);
    assertFails(() -> libc.lstat(missing, st), "lstat", ENOENT);
    assertFails(() -> libc.open(missing, HostLibc.O_RDONLY), "open", ENOENT);
    assertFails(() -> libc.close(-1), "close", EBADF);
    Path fifo = dir.resolve("fifo");
    Process p = new ProcessBuilder("mkfifo", fifo.toString()).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
    // a FIFO without a reader: a non-blocking writer's open is ENXIO
    assertFails(
        () -> libc.open(fifo.toString(), HostLibc.O_WRONLY | HostLibc.O_NONBLOCK), "open", ENXIO);
    Path link = Files.createSymbolicLink(dir.resolve("to-fifo"), fifo);
    assertFails(
        () -> libc.open(link.toString(), HostLibc.O_RDWR | HostLibc.O_NOFOLLOW), "open", ELOOP);
    assertThatThrownBy(() -> libc.stat(missing, new byte[8]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("144");
  }

  @Test
  void openAndCloseADescriptorTheJdkSees() throws Exception {
    Path f = dir.resolve("data");
    Files.writeString(f, "host bytes", StandardCharsets.US_ASCII);
    int fd = libc.open(f.toString(), HostLibc.O_RDONLY | HostLibc.O_CLOEXEC);
    assertThat(fd).isGreaterThanOrEqualTo(0);
    Path proc = Path.of("/proc/self/fd/" + fd);
    assertThat(Files.readSymbolicLink(proc)).isEqualTo(f.toRealPath());
    libc.close(fd);
    // closed: the number is free (or another thread's file now, never ours)
    if (Files.exists(proc, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      assertThat(Files.readSymbolicLink(proc)).isNotEqualTo(f.toRealPath());
    }
  }

  /** Both bindings give the same errno and the same text for the same failing calls. */
  @Test
  void theOtherBindingFailsAlike() {
    HostLibc other = TestHostLibcs.of(name.equals("jna") ? "ffm" : "jna");
    String missing = dir.resolve("missing").toString();
    byte[] st = new byte[HostLibc.STAT_SIZE];
    for (var call :
        List.<java.util.function.Function<HostLibc, Object>>of(
            l ->
                l.mmap(
                    0,
                    1L << 62,
                    HostLibc.PROT_READ,
                    HostLibc.MAP_PRIVATE | HostLibc.MAP_ANONYMOUS,
                    -1,
                    0),
            l -> {
              l.stat(missing, st);
              return null;
            },
            l -> {
              l.close(-1);
              return null;
            })) {
      HostCallException mine = failure(() -> call.apply(libc));
      HostCallException theirs = failure(() -> call.apply(other));
      assertThat(mine.getMessage()).isEqualTo(theirs.getMessage());
      assertThat(mine.errno()).isEqualTo(theirs.errno());
    }
  }
}
