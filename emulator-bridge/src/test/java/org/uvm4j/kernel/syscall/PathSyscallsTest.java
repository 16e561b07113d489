package org.uvm4j.kernel.syscall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Proc;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.kernel.fs.Stat;
import org.uvm4j.uvm.Errno;

/**
 * The path and file syscalls run directly against a {@code --root} of a temporary directory: each
 * call with AT_FDCWD as glibc passes it (the 32-bit 0xffffff9c) and its errors.
 */
class PathSyscallsTest {
  static final long AT_FDCWD = 0xffff_ff9cL;
  static final int O_WRONLY = 1;
  static final int O_RDWR = 2;
  static final int O_CREAT = 0100;
  static final int O_EXCL = 0200;
  static final int O_TRUNC = 01000;
  static final int O_APPEND = 02000;
  static final int O_DIRECTORY = 0200000;
  static final int O_NOFOLLOW = 0400000;
  static final int O_CLOEXEC = 02000000;

  @TempDir Path dir;
  HandlerFixture f;
  Proc p;
  FileSyscalls fs;
  long buf;
  long path;
  long path2;

  @BeforeEach
  void setUp() {
    f = new HandlerFixture(Path.of("/"), new FsLayout(dir, List.of()));
    p = f.k.newProc();
    fs = f.h.file();
    buf = f.userMemory(p, 8 * 4096);
    path = buf + 4 * 4096;
    path2 = buf + 5 * 4096;
  }

  @AfterEach
  void tearDown() {
    f.close();
  }

  private long at(SyscallHandler h, String a, long... rest) {
    f.putString(p, path, a);
    long[] args = new long[rest.length + 2];
    args[0] = AT_FDCWD;
    args[1] = path;
    System.arraycopy(rest, 0, args, 2, rest.length);
    return f.call(p, h, args);
  }

  private long put(String s) {
    f.putString(p, path2, s);
    return path2;
  }

  private long write(long fd, String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    assertThat(f.mem(p).write(buf, b)).isZero();
    return f.call(p, fs::write, fd, buf, b.length);
  }

  private String read(long fd, int n) throws Exception {
    long r = f.call(p, fs::read, fd, buf, n);
    assertThat(r).isNotNegative();
    byte[] b = new byte[(int) r];
    f.mem(p).read(buf, b, 0, b.length);
    return new String(b, StandardCharsets.US_ASCII);
  }

  @Test
  void openatFlags() throws Exception {
    long fd = at(fs::openat, "f", O_CREAT | O_EXCL | O_RDWR | O_CLOEXEC, 0640);
    assertThat(fd).isEqualTo(3);
    assertThat(f.call(p, fs::fcntl, fd, 1, 0)).isEqualTo(1); // FD_CLOEXEC
    assertThat(write(fd, "hello")).isEqualTo(5);
    assertThat(Files.readString(dir.resolve("f"))).isEqualTo("hello");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))))
        .isEqualTo("rw-r-----");
    assertThat(at(fs::openat, "f", O_CREAT | O_EXCL | O_WRONLY, 0644)).isEqualTo(-Errno.EEXIST);
    long a = at(fs::openat, "f", O_WRONLY | O_APPEND);
    assertThat(write(a, "!")).isEqualTo(1);
    assertThat(Files.readString(dir.resolve("f"))).isEqualTo("hello!");
    assertThat(at(fs::openat, "f", O_WRONLY | O_TRUNC)).isEqualTo(5);
    assertThat(Files.size(dir.resolve("f"))).isZero();
    assertThat(at(fs::openat, "f", O_DIRECTORY)).isEqualTo(-Errno.ENOTDIR);
    Files.createSymbolicLink(dir.resolve("l"), Path.of("f"));
    assertThat(at(fs::openat, "l", O_NOFOLLOW)).isEqualTo(-Errno.ELOOP);
    assertThat(at(fs::openat, "missing", 0)).isEqualTo(-Errno.ENOENT);
    assertThat(at(fs::openat, "f/x", 0)).isEqualTo(-Errno.ENOTDIR);
    // a directory descriptor as the base; a file descriptor is ENOTDIR, a bad one EBADF
    Files.createDirectory(dir.resolve("d"));
    Files.writeString(dir.resolve("d/in"), "in");
    long d = at(fs::openat, "d", O_DIRECTORY);
    f.putString(p, path, "in");
    assertThat(f.call(p, fs::openat, d, path, 0)).isPositive();
    assertThat(f.call(p, fs::openat, fd, path, 0)).isEqualTo(-Errno.ENOTDIR);
    assertThat(f.call(p, fs::openat, 0x1_0000_0063L, path, 0)).isEqualTo(-Errno.EBADF); // fd 99
    // open and creat
    f.putString(p, path, "c");
    long c = f.call(p, fs::creat, path, 0600);
    assertThat(c).isPositive();
    assertThat(f.call(p, fs::read, c, buf, 1)).isEqualTo(-Errno.EBADF); // O_WRONLY
    assertThat(f.call(p, fs::open, path, O_RDWR)).isPositive();
  }

  @Test
  void writePwriteTruncateSyncFallocate() throws Exception {
    long fd = at(fs::openat, "f", O_CREAT | O_RDWR, 0644);
    assertThat(write(fd, "abcdef")).isEqualTo(6);
    assertThat(f.mem(p).write(buf, "XY".getBytes(StandardCharsets.US_ASCII))).isZero();
    assertThat(f.call(p, fs::pwrite64, fd, buf, 2, 1)).isEqualTo(2);
    assertThat(f.call(p, fs::pwrite64, fd, buf, 2, -1)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::lseek, fd, 0, 1)).isEqualTo(6); // pwrite left the offset
    assertThat(f.call(p, fs::ftruncate, fd, 4)).isZero();
    assertThat(Files.readString(dir.resolve("f"))).isEqualTo("aXYd");
    assertThat(f.call(p, fs::ftruncate, fd, -1)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::fsync, fd)).isZero();
    assertThat(f.call(p, fs::fdatasync, fd)).isZero();
    assertThat(f.call(p, fs::fallocate, fd, 0, 0, 100)).isZero();
    assertThat(Files.size(dir.resolve("f"))).isEqualTo(100);
    assertThat(f.call(p, fs::fallocate, fd, 1, 0, 100)).isEqualTo(-Errno.EOPNOTSUPP);
    assertThat(f.call(p, fs::fallocate, fd, 0, 0, 0)).isEqualTo(-Errno.EINVAL);
    f.putString(p, path, "f");
    assertThat(f.call(p, fs::truncate, path, 2)).isZero();
    assertThat(Files.readString(dir.resolve("f"))).isEqualTo("aX");
    // pipes: fsync EINVAL, ftruncate EINVAL, pwrite ESPIPE
    assertThat(f.call(p, fs::pipe2, buf, 0)).isZero();
    long w = f.readInt(p, buf + 4);
    assertThat(f.call(p, fs::fsync, w)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::ftruncate, w, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::pwrite64, w, buf, 1, 0)).isEqualTo(-Errno.ESPIPE);
    assertThat(f.call(p, fs::fsync, 77)).isEqualTo(-Errno.EBADF);
    // a read-only descriptor cannot be truncated or written
    long r = at(fs::openat, "f", 0);
    assertThat(f.call(p, fs::ftruncate, r, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::pwrite64, r, buf, 1, 0)).isEqualTo(-Errno.EBADF);
  }

  private List<String> getdents(long fd, int cap) throws Exception {
    List<String> names = new ArrayList<>();
    long n;
    while ((n = f.call(p, fs::getdents64, fd, buf, cap)) > 0) {
      byte[] b = new byte[(int) n];
      f.mem(p).read(buf, b, 0, b.length);
      ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
      for (int off = 0; off < n; off += bb.getShort(off + 16)) {
        int end = off + 19;
        while (b[end] != 0) {
          end++;
        }
        names.add(new String(b, off + 19, end - off - 19, StandardCharsets.UTF_8));
      }
    }
    assertThat(n).isZero();
    return names;
  }

  @Test
  void getdents64ListsEverythingOnceAndRewinds() throws Exception {
    for (int i = 0; i < 50; i++) {
      Files.writeString(dir.resolve("file-" + i), "");
    }
    long d = at(fs::openat, ".", O_DIRECTORY);
    List<String> names = getdents(d, 256); // small buffer: many calls
    assertThat(names)
        .hasSize(50 + 2 + 2) // the files, . and .., the mount points dev and proc
        .contains(".", "..", "file-0", "file-49", "dev", "proc");
    assertThat(names).doesNotHaveDuplicates();
    assertThat(f.call(p, fs::lseek, d, 0, 0)).isZero();
    assertThat(getdents(d, 4096)).hasSameElementsAs(names);
    assertThat(f.call(p, fs::getdents64, d, buf, 10)).isEqualTo(0); // at the end: 0 even if small
    assertThat(f.call(p, fs::lseek, d, 0, 0)).isZero();
    assertThat(f.call(p, fs::getdents64, d, buf, 10)).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::getdents64, 1, buf, 4096)).isEqualTo(-Errno.ENOTDIR);
    assertThat(f.call(p, fs::getdents64, 99, buf, 4096)).isEqualTo(-Errno.EBADF);
    assertThat(f.call(p, fs::getdents64, d, 0x10, 4096)).isEqualTo(-Errno.EFAULT);
  }

  private String cwd() throws Exception {
    long n = f.call(p, fs::getcwd, buf, 4096);
    assertThat(n).isPositive();
    byte[] b = new byte[(int) n - 1];
    f.mem(p).read(buf, b, 0, b.length);
    return new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void chdirFchdirGetcwd() throws Exception {
    Files.createDirectories(dir.resolve("a/b"));
    Files.writeString(dir.resolve("a/file"), "x");
    assertThat(cwd()).isEqualTo("/");
    f.putString(p, path, "a/b");
    assertThat(f.call(p, fs::chdir, path)).isZero();
    assertThat(cwd()).isEqualTo("/a/b");
    f.putString(p, path, "../../..");
    assertThat(f.call(p, fs::chdir, path)).isZero();
    assertThat(cwd()).isEqualTo("/");
    f.putString(p, path, "a/file");
    assertThat(f.call(p, fs::chdir, path)).isEqualTo(-Errno.ENOTDIR);
    f.putString(p, path, "nope");
    assertThat(f.call(p, fs::chdir, path)).isEqualTo(-Errno.ENOENT);
    long d = at(fs::openat, "a", O_DIRECTORY);
    assertThat(f.call(p, fs::fchdir, d)).isZero();
    assertThat(cwd()).isEqualTo("/a");
    assertThat(at(fs::openat, "file", 0)).isPositive(); // relative to the new cwd
    assertThat(f.call(p, fs::fchdir, 99)).isEqualTo(-Errno.EBADF);
    assertThat(f.call(p, fs::fchdir, 1)).isEqualTo(-Errno.ENOENT); // the console has no place
    assertThat(f.call(p, fs::getcwd, buf, 2)).isEqualTo(-Errno.ERANGE);
    // a forked child has its own working directory
    Proc c = f.k.child(p);
    assertThat(c.fs().cwd().path()).isEqualTo("/a");
    f.putString(p, path, "/");
    assertThat(f.call(p, fs::chdir, path)).isZero();
    assertThat(c.fs().cwd().path()).isEqualTo("/a");
  }

  @Test
  void mkdirUnlinkRmdirRename() throws Exception {
    assertThat(at(fs::mkdirat, "d", 0777)).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("d"))))
        .isEqualTo("rwxr-xr-x"); // umask 022
    assertThat(at(fs::mkdirat, "d", 0777)).isEqualTo(-Errno.EEXIST);
    f.putString(p, path, "d2");
    assertThat(f.call(p, fs::mkdir, path, 0700)).isZero();
    Files.writeString(dir.resolve("d/f"), "x");
    assertThat(at(fs::unlinkat, "d", 0)).isEqualTo(-Errno.EISDIR);
    assertThat(at(fs::unlinkat, "d", 0x200)).isEqualTo(-Errno.ENOTEMPTY); // AT_REMOVEDIR
    assertThat(at(fs::unlinkat, "d/f", 0x200)).isEqualTo(-Errno.ENOTDIR);
    assertThat(at(fs::unlinkat, "d", 0x1)).isEqualTo(-Errno.EINVAL);
    f.putString(p, path, "d/f");
    assertThat(f.call(p, fs::rename, path, put("d2/g"))).isZero();
    assertThat(Files.readString(dir.resolve("d2/g"))).isEqualTo("x");
    f.putString(p, path, "d2/g");
    assertThat(f.call(p, fs::renameat, AT_FDCWD, path, AT_FDCWD, put("g"))).isZero();
    Files.writeString(dir.resolve("h"), "h");
    f.putString(p, path, "g");
    assertThat(f.call(p, fs::renameat2, AT_FDCWD, path, AT_FDCWD, put("h"), 1))
        .isEqualTo(-Errno.EEXIST); // RENAME_NOREPLACE
    assertThat(f.call(p, fs::renameat2, AT_FDCWD, path, AT_FDCWD, put("h"), 2))
        .isEqualTo(-Errno.EINVAL); // RENAME_EXCHANGE
    assertThat(f.call(p, fs::renameat2, AT_FDCWD, path, AT_FDCWD, put("h"), 0)).isZero();
    assertThat(Files.readString(dir.resolve("h"))).isEqualTo("x");
    f.putString(p, path, "d");
    assertThat(f.call(p, fs::rename, path, put("d/sub"))).isEqualTo(-Errno.EINVAL);
    assertThat(f.call(p, fs::rmdir, path)).isZero();
    assertThat(f.call(p, fs::rmdir, path)).isEqualTo(-Errno.ENOENT);
    f.putString(p, path, "h");
    assertThat(f.call(p, fs::unlink, path)).isZero();
    assertThat(Files.exists(dir.resolve("h"))).isFalse();
    // across mounts: EXDEV; mount points: EBUSY
    f.putString(p, path, "d2");
    assertThat(f.call(p, fs::rename, path, put("/dev/shm/d2"))).isEqualTo(-Errno.EXDEV);
    f.putString(p, path, "/dev/shm");
    assertThat(f.call(p, fs::rmdir, path)).isEqualTo(-Errno.EBUSY);
  }

  @Test
  void linkSymlinkReadlink() throws Exception {
    Files.writeString(dir.resolve("f"), "data");
    f.putString(p, path, "f");
    assertThat(f.call(p, fs::link, path, put("hard"))).isZero();
    assertThat(Files.isSameFile(dir.resolve("f"), dir.resolve("hard"))).isTrue();
    assertThat(f.call(p, fs::linkat, AT_FDCWD, path, AT_FDCWD, put("hard"), 0))
        .isEqualTo(-Errno.EEXIST);
    assertThat(f.call(p, fs::linkat, AT_FDCWD, path, AT_FDCWD, put("h2"), 0x8))
        .isEqualTo(-Errno.EINVAL);
    f.putString(p, path, "/f");
    assertThat(f.call(p, fs::symlink, path, put("sym"))).isZero();
    assertThat(Files.readSymbolicLink(dir.resolve("sym"))).isEqualTo(Path.of("/f"));
    f.putString(p, path, "f");
    assertThat(f.call(p, fs::symlinkat, path, AT_FDCWD, put("sym2"))).isZero();
    assertThat(f.call(p, fs::symlinkat, path, AT_FDCWD, put("sym2"))).isEqualTo(-Errno.EEXIST);
    // readlink truncates without a NUL; EINVAL for a non-link or a bad size
    assertThat(at(fs::readlinkat, "sym", buf, 100)).isEqualTo(2);
    byte[] b = new byte[2];
    f.mem(p).read(buf, b, 0, 2);
    assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("/f");
    f.putString(p, path, "sym");
    assertThat(f.call(p, fs::readlink, path, buf, 1)).isEqualTo(1);
    assertThat(f.call(p, fs::readlink, path, buf, 0)).isEqualTo(-Errno.EINVAL);
    assertThat(at(fs::readlinkat, "f", buf, 100)).isEqualTo(-Errno.EINVAL);
    // linkat AT_SYMLINK_FOLLOW links the target, without it the link itself
    assertThat(f.call(p, fs::linkat, AT_FDCWD, put("sym"), AT_FDCWD, path, 0))
        .isEqualTo(-Errno.EEXIST);
    f.putString(p, path, "lnk-follow");
    assertThat(f.call(p, fs::linkat, AT_FDCWD, put("sym"), AT_FDCWD, path, 0x400)).isZero();
    assertThat(Files.isSymbolicLink(dir.resolve("lnk-follow"))).isFalse();
    // the absolute link resolves inside the root
    assertThat(at(fs::openat, "sym", 0)).isPositive();
    // directories cannot be hard-linked
    Files.createDirectory(dir.resolve("dd"));
    f.putString(p, path, "dd");
    assertThat(f.call(p, fs::link, path, put("dd2"))).isEqualTo(-Errno.EPERM);
  }

  @Test
  void chmodFchmodUtimensatUmask() throws Exception {
    Files.writeString(dir.resolve("f"), "x");
    f.putString(p, path, "f");
    assertThat(f.call(p, fs::chmod, path, 0600)).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))))
        .isEqualTo("rw-------");
    assertThat(at(fs::fchmodat, "f", 0640)).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))))
        .isEqualTo("rw-r-----");
    long fd = at(fs::openat, "f", 0);
    assertThat(f.call(p, fs::fchmod, fd, 0444)).isZero();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("f"))))
        .isEqualTo("r--r--r--");
    assertThat(f.call(p, fs::fchmod, 99, 0444)).isEqualTo(-Errno.EBADF);
    // utimensat: explicit times, UTIME_OMIT, UTIME_NOW, NULL path = the descriptor
    long ts = buf + 8192;
    f.mem(p).writeLong(ts, 1000);
    f.mem(p).writeLong(ts + 8, 5);
    f.mem(p).writeLong(ts + 16, 2000);
    f.mem(p).writeLong(ts + 24, 7);
    assertThat(at(fs::utimensat, "f", ts, 0)).isZero();
    assertThat(Files.getLastModifiedTime(dir.resolve("f")).toMillis()).isEqualTo(2_000_000);
    f.mem(p).writeLong(ts + 24, (1L << 30) - 2); // UTIME_OMIT
    f.mem(p).writeLong(ts + 16, 9);
    assertThat(at(fs::utimensat, "f", ts, 0)).isZero();
    assertThat(Files.getLastModifiedTime(dir.resolve("f")).toMillis()).isEqualTo(2_000_000);
    f.mem(p).writeLong(ts + 24, 1_000_000_000L);
    assertThat(at(fs::utimensat, "f", ts, 0)).isEqualTo(-Errno.EINVAL);
    f.mem(p).writeLong(ts + 24, 3);
    f.mem(p).writeLong(ts + 16, 3000);
    assertThat(f.call(p, fs::utimensat, fd, 0, ts, 0)).isZero();
    assertThat(Files.getLastModifiedTime(dir.resolve("f")).toMillis()).isEqualTo(3_000_000);
    assertThat(at(fs::utimensat, "missing", ts, 0)).isEqualTo(-Errno.ENOENT);
    assertThat(at(fs::utimensat, "f", ts, 0x4)).isEqualTo(-Errno.EINVAL);
    // umask: returns the old mask, applies to new files
    assertThat(f.call(p, fs::umask, 077)).isEqualTo(022);
    assertThat(f.call(p, fs::umask, 0x1_0000_0077L)).isEqualTo(077); // an int: low 32 bits
    long n = at(fs::openat, "new", O_CREAT | O_WRONLY, 0666);
    assertThat(n).isPositive();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("new"))))
        .isEqualTo("rw-------");
  }

  @Test
  void statAccessAndAtFdcwd() throws Exception {
    Files.writeString(dir.resolve("f"), "12345");
    long st = buf + 8192;
    assertThat(at(fs::newfstatat, "f", st, 0)).isZero();
    assertThat(f.readLong(p, st + 48)).isEqualTo(5);
    assertThat(at(fs::faccessat, "f", 2)).isZero(); // W_OK on a writable root
    assertThat(at(fs::faccessat, "/proc", 2)).isEqualTo(-Errno.EACCES);
    assertThat(at(fs::faccessat, "/dev/null", 2)).isZero();
    assertThat(at(fs::faccessat, "nope", 0)).isEqualTo(-Errno.ENOENT);
    // the 64-bit -100 is not AT_FDCWD for an int argument: 0xffffffffffffff9c truncates to it too
    f.putString(p, path, "f");
    assertThat(f.call(p, fs::newfstatat, -100L, path, st, 0)).isZero();
    assertThat(f.call(p, fs::newfstatat, 0x7_ffff_ff9cL, path, st, 0)).isZero();
    assertThat(Stat.SIZE).isEqualTo(144);
  }

  private long flock(long fd, int cmd, int type, long start, long len) {
    long fl = buf + 12288;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(0, (short) type).putShort(2, (short) 0).putLong(8, start).putLong(16, len);
    assertThat(f.mem(p).write(fl, b.array())).isZero();
    return f.call(p, fs::fcntl, fd, cmd, fl);
  }

  private long flockAs(Proc who, long fd, int cmd, int type, long start, long len) {
    long fl = buf + 12288;
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(32).order(ByteOrder.LITTLE_ENDIAN);
    b.putShort(0, (short) type).putShort(2, (short) 0).putLong(8, start).putLong(16, len);
    assertThat(f.mem(who).write(fl, b.array())).isZero();
    return f.call(who, fs::fcntl, fd, cmd, fl);
  }

  @Test
  void fcntlRecordLocksAmongProcesses() throws Exception {
    Files.writeString(dir.resolve("db"), "0123456789");
    long fd = at(fs::openat, "db", O_RDWR);
    assertThat(flock(fd, 6, 1, 0, 4)).isZero(); // F_SETLK F_WRLCK 0-3
    Proc c = f.k.child(p);
    org.uvm4j.kernel.fs.OpenFile shared = p.files().get((int) fd);
    shared.reference(); // the child shares the description, as fork would
    assertThat(c.files().install(shared, false)).isEqualTo((int) fd);
    long cbuf = f.userMemory(c, 8 * 4096);
    assertThat(cbuf).isEqualTo(buf); // the same layout in the child's fresh space
    assertThat(flockAs(c, fd, 6, 1, 2, 1)).isEqualTo(-Errno.EAGAIN);
    assertThat(flockAs(c, fd, 6, 0, 4, 1)).isZero(); // read lock beside it
    // F_GETLK reports the holder
    assertThat(flockAs(c, fd, 5, 1, 0, 0)).isZero();
    long fl = buf + 12288;
    assertThat(f.mem(c).readInt(fl + 24)).isEqualTo(p.pid());
    assertThat(f.readLong(c, fl + 8)).isZero();
    assertThat(f.readLong(c, fl + 16)).isEqualTo(4);
    // F_SETLKW sleeps and restarts; the holder's unlock lets it in
    assertThat(flockAs(c, fd, 7, 1, 0, 1)).isEqualTo(Syscall.ERESTART);
    assertThat(c.state()).isEqualTo(org.uvm4j.kernel.ProcState.SLEEPING);
    assertThat(flock(fd, 6, 2, 0, 0)).isZero(); // F_UNLCK everything
    assertThat(c.state()).isEqualTo(org.uvm4j.kernel.ProcState.RUNNABLE);
    assertThat(flockAs(c, fd, 7, 1, 0, 1)).isZero();
    // a wait cycle: p waits for c's 0; c would wait for p's 9
    assertThat(flock(fd, 6, 1, 9, 1)).isZero();
    assertThat(flock(fd, 7, 1, 0, 1)).isEqualTo(Syscall.ERESTART);
    assertThat(flockAs(c, fd, 7, 1, 9, 1)).isEqualTo(-Errno.EDEADLK);
    // close() of any descriptor of the file drops the closer's POSIX locks and wakes waiters
    assertThat(f.call(c, fs::close, fd)).isZero();
    assertThat(p.state()).isEqualTo(org.uvm4j.kernel.ProcState.RUNNABLE);
    assertThat(flock(fd, 7, 1, 0, 1)).isZero();
    // bad requests
    assertThat(flock(fd, 6, 9, 0, 1)).isEqualTo(-Errno.EINVAL);
    long ro = at(fs::openat, "db", 0);
    assertThat(flock(ro, 6, 1, 0, 1)).isEqualTo(-Errno.EBADF);
    // an OFD lock conflicts even with its own process's POSIX lock (different owners)
    assertThat(flock(fd, 37, 1, 0, 1)).isEqualTo(-Errno.EAGAIN);
    assertThat(flock(fd, 6, 2, 0, 0)).isZero();
    assertThat(flock(fd, 37, 1, 0, 1)).isZero(); // F_OFD_SETLK on our own description
    assertThat(flock(ro, 37, 0, 0, 1)).isEqualTo(-Errno.EAGAIN); // another description
    assertThat(f.call(p, fs::fcntl, fd, 6, 0x10)).isEqualTo(-Errno.EFAULT);
  }

  private String readAll(String path) throws Exception {
    long fd = at(fs::openat, path, 0);
    assertThat(fd).as(path).isPositive();
    StringBuilder b = new StringBuilder();
    String s;
    while (!(s = read(fd, 4096)).isEmpty()) {
      b.append(s);
    }
    f.call(p, fs::close, fd);
    return b.toString();
  }

  @Test
  void procShowsTheGuestNotTheJvm() throws Exception {
    String pid = Integer.toString(p.pid());
    assertThat(at(fs::readlinkat, "/proc/self", buf, 100)).isEqualTo(pid.length());
    assertThat(readAll("/proc/self/status")).contains("Pid:\t" + pid + "\n");
    assertThat(readAll("/proc/self/stat")).startsWith(pid + " (");
    f.userMemory(p, 3 * 4096);
    assertThat(readAll("/proc/self/maps").lines().count()).isPositive();
    assertThat(readAll("/proc/meminfo")).startsWith("MemTotal:");
    assertThat(readAll("/proc/cpuinfo")).startsWith("processor");
    long mem = at(fs::openat, "/proc/self/mem", 0); // its own memory only: ProcMemSyscallsTest
    assertThat(mem).isNotNegative();
    assertThat(f.call(p, fs::pread64, mem, buf, 1, 0)).isEqualTo(-Errno.EIO);
    assertThat(at(fs::openat, "/proc/self/status", O_WRONLY)).isEqualTo(-Errno.EACCES);
    assertThat(at(fs::openat, "/proc/99999/status", 0)).isEqualTo(-Errno.ENOENT);
    assertThat(at(fs::readlinkat, "/proc/self/fd/1", buf, 100)).isPositive();
    assertThat(at(fs::readlinkat, "/proc/self/fd/77", buf, 100)).isEqualTo(-Errno.ENOENT);
    assertThat(at(fs::readlinkat, "/proc/self/cwd", buf, 100)).isEqualTo(1); // "/"
    // another process's directory, and the listing of /proc
    Proc c = f.k.child(p);
    assertThat(readAll("/proc/" + c.pid() + "/stat")).contains(" " + p.pid() + " ");
    long d = at(fs::openat, "/proc", O_DIRECTORY);
    assertThat(f.call(p, fs::getdents64, d, buf, 4096)).isPositive();
  }
}
