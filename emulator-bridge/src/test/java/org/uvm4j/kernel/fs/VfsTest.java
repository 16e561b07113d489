package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.fs.ErrnoAssert.assertErrno;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/** The guest's name space: path walks, mounts, opens and the name operations, on host dirs. */
class VfsTest {
  @TempDir Path dir;
  private Vfs vfs;
  private FsContext fs;

  /** A name space whose / is {@code dir} ({@code rw} or read-only) with a tmpfs at /tmp. */
  private void layout(boolean rw) throws UvmException {
    MountTable t = new MountTable();
    t.mount("/", HostVnode.root(dir), !rw, "host");
    t.mount("/tmp", new MemFs(42, 1 << 20, HeapFileData::new, () -> 0).root(), false, "tmpfs");
    vfs = new Vfs(t);
    Location root = vfs.rootLocation();
    fs = new FsContext(1, root, root, 022);
  }

  @BeforeEach
  void setUp() throws IOException, UvmException {
    Files.writeString(dir.resolve("hello.txt"), "hello, world\n");
    Files.createDirectory(dir.resolve("sub"));
    layout(false);
  }

  private OpenFile open(String path, int flags) throws UvmException {
    return vfs.open(fs, fs.cwd(), path, flags, 0644);
  }

  @Test
  void readsAndSeeksARegularFile() throws Exception {
    OpenFile f = open("hello.txt", 0);
    byte[] b = new byte[5];
    assertThat(f.read(b, 0, 5)).isEqualTo(5);
    assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("hello");
    assertThat(f.lseek(0, SeekableFile.SEEK_CUR)).isEqualTo(5);
    assertThat(f.lseek(-1, SeekableFile.SEEK_END)).isEqualTo(12);
    assertThat(f.read(b, 0, 5)).isEqualTo(1);
    assertThat(b[0]).isEqualTo((byte) '\n');
    assertThat(f.read(b, 0, 5)).isZero();
    assertThat(f.pread(b, 0, 3, 7)).isEqualTo(3);
    assertThat(new String(b, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("wor");
    assertThat(f.lseek(0, SeekableFile.SEEK_CUR)).isEqualTo(13);
    assertErrno(() -> f.lseek(-100, SeekableFile.SEEK_SET), Errno.EINVAL);
    assertErrno(() -> f.lseek(0, 7), Errno.EINVAL);
    assertErrno(() -> f.pread(b, 0, 1, -1), Errno.EINVAL);
    assertErrno(() -> f.write(b, 0, 1, true), Errno.EBADF);
    assertThat(f.stat().size()).isEqualTo(13);
    assertThat(f.stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFREG);
    assertThat(f.statusFlags() & OpenFlags.O_CLOEXEC).isZero();
    assertThat(f.location().path()).isEqualTo("/hello.txt");
    f.release();
  }

  @Test
  void absolutePathsIgnoreTheBase() throws Exception {
    Location sub = vfs.lookup(fs.root(), fs.root(), "sub", true);
    vfs.open(fs, sub, "/hello.txt", 0, 0).release();
    assertErrno(() -> vfs.open(fs, sub, "hello.txt", 0, 0), Errno.ENOENT);
  }

  @Test
  void writingIsRefusedLikeAReadOnlyMount() throws Exception {
    assertThat(openErrno("hello.txt", OpenFlags.O_WRONLY)).isEqualTo(Errno.EROFS);
    assertThat(openErrno("hello.txt", OpenFlags.O_RDWR)).isEqualTo(Errno.EROFS);
    assertThat(openErrno("hello.txt", OpenFlags.O_TRUNC)).isEqualTo(Errno.EROFS);
    assertThat(openErrno("new.txt", OpenFlags.O_CREAT | OpenFlags.O_WRONLY)).isEqualTo(Errno.EROFS);
    assertThat(openErrno("hello.txt", OpenFlags.O_CREAT | OpenFlags.O_EXCL))
        .isEqualTo(Errno.EEXIST);
    assertThat(openErrno("nodir/new.txt", OpenFlags.O_CREAT)).isEqualTo(Errno.ENOENT);
    assertThat(openErrno("sub", OpenFlags.O_TMPFILE | OpenFlags.O_RDWR)).isEqualTo(Errno.EROFS);
    assertErrno(() -> vfs.mkdir(fs, fs.cwd(), "d", 0755), Errno.EROFS);
    assertErrno(() -> vfs.unlink(fs, fs.cwd(), "hello.txt"), Errno.EROFS);
    assertErrno(() -> vfs.symlink(fs, "x", fs.cwd(), "l"), Errno.EROFS);
    assertErrno(() -> vfs.rename(fs, fs.cwd(), "hello.txt", fs.cwd(), "h"), Errno.EROFS);
    assertErrno(() -> vfs.chmod(fs, fs.cwd(), "hello.txt", 0600), Errno.EROFS);
    assertErrno(() -> vfs.truncate(fs, fs.cwd(), "hello.txt", 0), Errno.EROFS);
    assertThat(Files.exists(dir.resolve("new.txt"))).isFalse();
    assertThat(Files.readString(dir.resolve("hello.txt"))).isEqualTo("hello, world\n");
  }

  @Test
  void lookupErrors() throws Exception {
    assertThat(openErrno("missing", 0)).isEqualTo(Errno.ENOENT);
    assertThat(openErrno("", 0)).isEqualTo(Errno.ENOENT);
    assertThat(openErrno("hello.txt/x", 0)).isEqualTo(Errno.ENOTDIR);
    assertThat(openErrno("hello.txt/", 0)).isEqualTo(Errno.ENOTDIR);
    assertThat(openErrno("hello.txt", OpenFlags.O_DIRECTORY)).isEqualTo(Errno.ENOTDIR);
    assertThat(openErrno("sub", OpenFlags.O_WRONLY)).isEqualTo(Errno.EISDIR);
    assertThat(openErrno("x".repeat(256), 0)).isEqualTo(Errno.ENAMETOOLONG);
    assertThat(openErrno("a/".repeat(2048), 0)).isEqualTo(Errno.ENAMETOOLONG);
  }

  @Test
  void directoriesOpenButDoNotRead() throws Exception {
    OpenFile o = open("sub", 0);
    assertThat(o).isInstanceOf(DirectoryFile.class);
    assertThat(o.location().path()).isEqualTo("/sub");
    assertErrno(() -> o.read(new byte[4], 0, 4), Errno.EISDIR);
    assertThat(o.stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFDIR);
    o.release();
  }

  @Test
  void symlinkWithNofollowIsEloop() throws Exception {
    Files.createSymbolicLink(dir.resolve("link"), Path.of("hello.txt"));
    assertThat(openErrno("link", 0)).isZero();
    assertThat(openErrno("link", OpenFlags.O_NOFOLLOW)).isEqualTo(Errno.ELOOP);
    assertThat(vfs.stat(fs, fs.cwd(), "link", false).mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFLNK);
    assertThat(vfs.stat(fs, fs.cwd(), "link", true).mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFREG);
    assertThat(vfs.readlink(fs, fs.cwd(), "link")).isEqualTo("hello.txt");
    assertErrno(() -> vfs.readlink(fs, fs.cwd(), "hello.txt"), Errno.EINVAL);
  }

  @Test
  void consoleReadsAndWritesTheLauncherStreams() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Console o = Console.output("stdout", out);
    assertThat(o.write("hi".getBytes(StandardCharsets.US_ASCII), 0, 2, true)).isEqualTo(2);
    assertThat(out.toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
    assertErrno(() -> o.read(new byte[2], 0, 2), Errno.EBADF);
    Console i = Console.input("stdin", new ByteArrayInputStream(new byte[] {9, 8}));
    byte[] b = new byte[4];
    assertThat(i.read(b, 0, 4)).isEqualTo(2);
    assertThat(i.read(b, 0, 4)).isZero();
    assertErrno(() -> i.write(b, 0, 1, true), Errno.EBADF);
    assertThat(i.isTerminal()).isFalse();
    assertThat(o.stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFCHR);
  }

  // ------------------------------------------------------------------ traversal

  @Test
  void dotDotStopsAtTheRoot() throws Exception {
    Location l = vfs.lookup(fs.root(), fs.cwd(), "../../../..", true);
    assertThat(l.isRoot()).isTrue();
    assertThat(vfs.lookup(fs.root(), fs.cwd(), "/../../hello.txt", true).path())
        .isEqualTo("/hello.txt");
    assertThat(vfs.lookup(fs.root(), fs.cwd(), "sub/../sub/./../hello.txt", true).path())
        .isEqualTo("/hello.txt");
    // the host directory above the guest's root is not reachable: ".." at / stays at /
    String self = dir.getFileName().toString();
    assertThat(openErrno("../" + self + "/hello.txt", 0)).isEqualTo(Errno.ENOENT);
    assertThat(openErrno("/../../" + self + "/hello.txt", 0)).isEqualTo(Errno.ENOENT);
  }

  @Test
  void absoluteSymlinksResolveInsideTheRoot() throws Exception {
    Path outside = Files.createTempFile("uvm4j-outside", ".txt");
    try {
      Files.writeString(outside, "secret");
      Files.createSymbolicLink(dir.resolve("abs"), outside);
      Files.createSymbolicLink(dir.resolve("etc"), Path.of("/"));
      Files.createSymbolicLink(dir.resolve("up"), Path.of("../../../../.."));
      // /abs points at a host path: inside the guest it names <root><host path>, which is absent
      assertThat(openErrno("abs", 0)).isEqualTo(Errno.ENOENT);
      assertThat(vfs.lookup(fs.root(), fs.cwd(), "etc", true).isRoot()).isTrue();
      assertThat(vfs.lookup(fs.root(), fs.cwd(), "up", true).isRoot()).isTrue();
      assertThat(vfs.lookup(fs.root(), fs.cwd(), "sub/../up/up/hello.txt", true).path())
          .isEqualTo("/hello.txt");
    } finally {
      Files.delete(outside);
    }
  }

  @Test
  void symlinkLoopsAreEloopAfterFortyLinks() throws Exception {
    Files.createSymbolicLink(dir.resolve("a"), Path.of("b"));
    Files.createSymbolicLink(dir.resolve("b"), Path.of("a"));
    assertThat(openErrno("a", 0)).isEqualTo(Errno.ELOOP);
    // a chain of 40 links resolves, 41 do not
    for (int i = 0; i < 41; i++) {
      Files.createSymbolicLink(dir.resolve("c" + i), Path.of(i == 0 ? "hello.txt" : "c" + (i - 1)));
    }
    assertThat(openErrno("c39", 0)).isZero();
    assertThat(openErrno("c40", 0)).isEqualTo(Errno.ELOOP);
    assertThat(vfs.stat(fs, fs.cwd(), "a", false).mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFLNK);
  }

  @Test
  void mountsAreEnteredByLongestPrefixAndDotDotLeavesThem() throws Exception {
    Path other = Files.createTempDirectory("uvm4j-bind");
    try {
      Files.writeString(other.resolve("in-bind"), "b");
      vfs.mounts().mount("/sub/deeper", HostVnode.root(other), true, "bind");
      Location file = vfs.lookup(fs.root(), fs.cwd(), "/sub/deeper/in-bind", true);
      assertThat(file.mount().source()).isEqualTo("bind");
      assertErrno(() -> vfs.lookup(fs.root(), file, "..", true), Errno.ENOTDIR);
      Location in = vfs.lookup(fs.root(), fs.cwd(), "/sub/deeper", true);
      assertThat(vfs.lookup(fs.root(), in, "..", true).path()).isEqualTo("/sub");
      assertThat(vfs.lookup(fs.root(), in, "../../..", true).mount().path()).isEqualTo("/");
      assertThat(vfs.mounts().covering("/sub/deeper/x").path()).isEqualTo("/sub/deeper");
      assertThat(vfs.mounts().covering("/sub/deeperx").path()).isEqualTo("/");
      assertThat(vfs.mounts().covering("/tmp/a/b").path()).isEqualTo("/tmp");
      // read-only bind: EROFS even though / is writable after relayout
      assertErrno(
          () -> vfs.open(fs, fs.cwd(), "/sub/deeper/in-bind", OpenFlags.O_WRONLY, 0), Errno.EROFS);
      // a mount point cannot be removed or renamed
      assertErrno(() -> vfs.rmdir(fs, fs.cwd(), "/tmp"), Errno.EBUSY);
      // hard links and renames do not cross mounts
      assertErrno(
          () -> vfs.link(fs, fs.cwd(), "/sub/deeper/in-bind", fs.cwd(), "/tmp/l", false),
          Errno.EXDEV);
    } finally {
      Files.walk(other)
          .sorted(java.util.Comparator.reverseOrder())
          .forEach(p -> p.toFile().delete());
    }
  }

  @Test
  void theHostsProcIsNeverMounted() {
    if (Files.isDirectory(Path.of("/proc/self"))) {
      assertErrno(() -> HostVnode.root(Path.of("/proc")), Errno.EACCES);
      assertErrno(() -> HostVnode.root(Path.of("/")).lookup("proc"), Errno.EACCES);
    }
  }

  // ------------------------------------------------------------------ writable mounts

  @Test
  void createWriteAppendTruncateOnAWritableRoot() throws Exception {
    layout(true);
    OpenFile f = open("new.txt", OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_RDWR);
    assertThat(f.write("abcdef".getBytes(StandardCharsets.US_ASCII), 0, 6, false)).isEqualTo(6);
    assertThat(f.pwrite("XY".getBytes(StandardCharsets.US_ASCII), 0, 2, 1)).isEqualTo(2);
    f.truncate(4);
    f.release();
    assertThat(Files.readString(dir.resolve("new.txt"))).isEqualTo("aXYd");
    assertThat(vfs.stat(fs, fs.cwd(), "new.txt", true).mode() & 0777).isEqualTo(0644);
    assertThat(openErrno("new.txt", OpenFlags.O_CREAT | OpenFlags.O_EXCL)).isEqualTo(Errno.EEXIST);
    OpenFile a = open("new.txt", OpenFlags.O_WRONLY | OpenFlags.O_APPEND);
    a.lseek(0, SeekableFile.SEEK_SET);
    a.write("!".getBytes(StandardCharsets.US_ASCII), 0, 1, false);
    a.release();
    assertThat(Files.readString(dir.resolve("new.txt"))).isEqualTo("aXYd!");
    open("new.txt", OpenFlags.O_WRONLY | OpenFlags.O_TRUNC).release();
    assertThat(Files.size(dir.resolve("new.txt"))).isZero();
    // O_CREAT through a dangling symlink creates its target (inside the root)
    vfs.symlink(fs, "/sub/target", fs.cwd(), "dangling");
    open("dangling", OpenFlags.O_CREAT | OpenFlags.O_WRONLY).release();
    assertThat(Files.exists(dir.resolve("sub/target"))).isTrue();
    assertThat(openErrno("dangling", OpenFlags.O_CREAT | OpenFlags.O_EXCL)).isEqualTo(Errno.EEXIST);
  }

  @Test
  void nameOperationsOnAWritableRoot() throws Exception {
    layout(true);
    vfs.mkdir(fs, fs.cwd(), "d", 0777);
    assertThat(vfs.stat(fs, fs.cwd(), "d", true).mode() & 0777).isEqualTo(0755); // umask 022
    assertErrno(() -> vfs.mkdir(fs, fs.cwd(), "d", 0777), Errno.EEXIST);
    vfs.rename(fs, fs.cwd(), "hello.txt", fs.cwd(), "d/h");
    assertThat(Files.readString(dir.resolve("d/h"))).isEqualTo("hello, world\n");
    assertErrno(() -> vfs.rmdir(fs, fs.cwd(), "d"), Errno.ENOTEMPTY);
    assertErrno(() -> vfs.unlink(fs, fs.cwd(), "d"), Errno.EISDIR);
    assertErrno(() -> vfs.rmdir(fs, fs.cwd(), "d/h"), Errno.ENOTDIR);
    assertErrno(() -> vfs.rename(fs, fs.cwd(), "d", fs.cwd(), "d/inside"), Errno.EINVAL);
    vfs.link(fs, fs.cwd(), "d/h", fs.cwd(), "hard", false);
    assertThat(vfs.stat(fs, fs.cwd(), "hard", true).nlink()).isEqualTo(2);
    vfs.unlink(fs, fs.cwd(), "d/h");
    vfs.rmdir(fs, fs.cwd(), "d");
    vfs.chmod(fs, fs.cwd(), "hard", 0600);
    assertThat(vfs.stat(fs, fs.cwd(), "hard", true).mode() & 0777).isEqualTo(0600);
    vfs.setTimes(fs, fs.cwd(), "hard", true, -1, 1_000_000_000_123L);
    Stat st = vfs.stat(fs, fs.cwd(), "hard", true);
    assertThat(st.mtimeSec()).isEqualTo(1000);
    assertErrno(() -> vfs.rmdir(fs, fs.cwd(), "."), Errno.EINVAL);
    assertErrno(() -> vfs.rmdir(fs, fs.cwd(), "/"), Errno.EBUSY);
    assertErrno(() -> vfs.rmdir(fs, fs.cwd(), ".."), Errno.ENOTEMPTY);
    assertErrno(() -> vfs.mkdir(fs, fs.cwd(), "/", 0755), Errno.EEXIST);
    assertErrno(() -> vfs.unlink(fs, fs.cwd(), "missing"), Errno.ENOENT);
  }

  @Test
  void tmpfsHoldsFilesDirectoriesAndLinks() throws Exception {
    OpenFile f = open("/tmp/x", OpenFlags.O_CREAT | OpenFlags.O_RDWR);
    f.write("hello".getBytes(StandardCharsets.US_ASCII), 0, 5, false);
    f.lseek(10, SeekableFile.SEEK_SET);
    f.write("!".getBytes(StandardCharsets.US_ASCII), 0, 1, false);
    byte[] b = new byte[11];
    assertThat(f.pread(b, 0, 11, 0)).isEqualTo(11);
    assertThat(b[7]).isZero();
    assertThat(f.stat().size()).isEqualTo(11);
    vfs.mkdir(fs, fs.cwd(), "/tmp/d", 0700);
    vfs.symlink(fs, "../x", fs.cwd(), "/tmp/d/l");
    assertThat(vfs.stat(fs, fs.cwd(), "/tmp/d/l", true).size()).isEqualTo(11);
    vfs.rename(fs, fs.cwd(), "/tmp/x", fs.cwd(), "/tmp/d/y");
    assertErrno(() -> vfs.stat(fs, fs.cwd(), "/tmp/d/l", true), Errno.ENOENT);
    vfs.unlink(fs, fs.cwd(), "/tmp/d/y");
    assertThat(f.pread(b, 0, 5, 0)).isEqualTo(5); // still open: still readable
    f.release();
    assertThat(names("/tmp/d")).containsExactly(".", "..", "l");
    // the tmpfs is full at 1 MiB
    OpenFile big = open("/tmp/big", OpenFlags.O_CREAT | OpenFlags.O_WRONLY);
    assertErrno(() -> big.truncate(2 << 20), Errno.ENOSPC);
    big.release();
    // renames across mounts: EXDEV
    layout(true);
    assertErrno(() -> vfs.rename(fs, fs.cwd(), "hello.txt", fs.cwd(), "/tmp/h"), Errno.EXDEV);
  }

  @Test
  void tmpfileIsAnUnnamedFileLivingWhileOpen() throws Exception {
    OpenFile f = open("/tmp", OpenFlags.O_TMPFILE | OpenFlags.O_RDWR);
    assertThat(names("/tmp")).containsExactly(".", "..");
    f.write("data".getBytes(StandardCharsets.US_ASCII), 0, 4, false);
    byte[] b = new byte[4];
    assertThat(f.pread(b, 0, 4, 0)).isEqualTo(4);
    assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("data");
    assertThat(f.stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFREG);
    assertThat(f.stat().mode() & 07777).isEqualTo(0644 & ~022);
    f.release();
    assertThat(names("/tmp")).containsExactly(".", "..");
    // Linux's errnos: no write access, not a directory, a read-only mount
    assertThat(openErrno("/tmp", OpenFlags.O_TMPFILE | OpenFlags.O_RDONLY)).isEqualTo(Errno.EINVAL);
    assertThat(openErrno("hello.txt", OpenFlags.O_TMPFILE | OpenFlags.O_RDWR))
        .isEqualTo(Errno.ENOTDIR);
    assertThat(openErrno("sub", OpenFlags.O_TMPFILE | OpenFlags.O_WRONLY)).isEqualTo(Errno.EROFS);
    // on a writable host directory: a host file that is gone before the call returns
    layout(true);
    OpenFile h = open("sub", OpenFlags.O_TMPFILE | OpenFlags.O_WRONLY);
    try (var list = Files.list(dir.resolve("sub"))) {
      assertThat(list.count()).isZero();
    }
    assertThat(h.write(new byte[] {1, 2}, 0, 2, false)).isEqualTo(2);
    assertThat(h.stat().size()).isEqualTo(2);
    h.release();
  }

  @Test
  void getdentsListsDotsEntriesAndMountPoints() throws Exception {
    assertThat(names("/")).contains(".", "..", "hello.txt", "sub", "tmp");
    assertThat(names("/sub")).containsExactly(".", "..");
    OpenFile d = open("/", 0);
    ByteBuffer b = ByteBuffer.allocate(24);
    assertErrno(() -> ((DirectoryFile) d).getdents(b, 20), Errno.EINVAL); // too small for one
    assertThat(((DirectoryFile) d).getdents(b, 24)).isEqualTo(24); // "." only
    d.release();
  }

  private List<String> names(String path) throws UvmException {
    DirectoryFile d = (DirectoryFile) open(path, OpenFlags.O_DIRECTORY);
    List<String> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.allocate(4096).order(ByteOrder.LITTLE_ENDIAN);
    int n;
    while ((n = d.getdents(b, 4096)) > 0) {
      for (int off = 0; off < n; ) {
        int reclen = b.getShort(off + 16);
        int end = off + 19;
        while (b.get(end) != 0) {
          end++;
        }
        out.add(new String(b.array(), off + 19, end - off - 19, StandardCharsets.UTF_8));
        off += reclen;
      }
    }
    d.release();
    return out;
  }

  /** 0 when {@code open} succeeds (the file is released again), else the errno it threw. */
  private int openErrno(String path, int flags) {
    try {
      open(path, flags).release();
      return 0;
    } catch (UvmException e) {
      return e.errno();
    }
  }
}
