package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.uvm4j.kernel.fs.ErrnoAssert.assertErrno;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

class HostFsTest {
  @TempDir Path dir;
  private HostFs fs;

  @BeforeEach
  void setUp() throws IOException {
    Files.writeString(dir.resolve("hello.txt"), "hello, world\n");
    Files.createDirectory(dir.resolve("sub"));
    fs = new HostFs(dir);
  }

  @Test
  void readsAndSeeksARegularFile() throws Exception {
    OpenFile f = fs.open(fs.cwd(), "hello.txt", OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC);
    byte[] b = new byte[5];
    assertThat(f.read(b, 0, 5)).isEqualTo(5);
    assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("hello");
    assertThat(f.lseek(0, HostFile.SEEK_CUR)).isEqualTo(5);
    assertThat(f.lseek(-1, HostFile.SEEK_END)).isEqualTo(12);
    assertThat(f.read(b, 0, 5)).isEqualTo(1);
    assertThat(b[0]).isEqualTo((byte) '\n');
    assertThat(f.read(b, 0, 5)).isZero();
    assertThat(f.pread(b, 0, 3, 7)).isEqualTo(3);
    assertThat(new String(b, 0, 3, StandardCharsets.US_ASCII)).isEqualTo("wor");
    assertThat(f.lseek(0, HostFile.SEEK_CUR)).isEqualTo(13);
    assertErrno(() -> f.lseek(-100, HostFile.SEEK_SET), Errno.EINVAL);
    assertErrno(() -> f.lseek(0, 7), Errno.EINVAL);
    assertErrno(() -> f.pread(b, 0, 1, -1), Errno.EINVAL);
    assertErrno(() -> f.write(b, 0, 1, true), Errno.EBADF);
    assertThat(f.stat().size()).isEqualTo(13);
    assertThat(f.stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFREG);
    assertThat(f.statusFlags() & OpenFlags.O_CLOEXEC).isZero();
    f.release();
  }

  @Test
  void absolutePathsIgnoreTheBase() throws Exception {
    String abs = dir.resolve("hello.txt").toString();
    assertThat(openErrno(Path.of("/nonexistent-base"), abs, 0)).isZero();
  }

  @Test
  void writingIsRefusedLikeAReadOnlyMount() throws Exception {
    assertThat(openErrno(fs.cwd(), "hello.txt", OpenFlags.O_WRONLY)).isEqualTo(Errno.EROFS);
    assertThat(openErrno(fs.cwd(), "hello.txt", OpenFlags.O_RDWR)).isEqualTo(Errno.EROFS);
    assertThat(openErrno(fs.cwd(), "hello.txt", OpenFlags.O_TRUNC)).isEqualTo(Errno.EROFS);
    assertThat(openErrno(fs.cwd(), "new.txt", OpenFlags.O_CREAT | OpenFlags.O_WRONLY))
        .isEqualTo(Errno.EROFS);
    assertThat(openErrno(fs.cwd(), "hello.txt", OpenFlags.O_CREAT | OpenFlags.O_EXCL))
        .isEqualTo(Errno.EEXIST);
    assertThat(openErrno(fs.cwd(), "nodir/new.txt", OpenFlags.O_CREAT)).isEqualTo(Errno.ENOENT);
    assertThat(openErrno(fs.cwd(), "sub", OpenFlags.O_TMPFILE | OpenFlags.O_RDWR))
        .isEqualTo(Errno.EROFS);
    assertThat(Files.exists(dir.resolve("new.txt"))).isFalse();
  }

  @Test
  void lookupErrors() throws Exception {
    assertThat(openErrno(fs.cwd(), "missing", 0)).isEqualTo(Errno.ENOENT);
    assertThat(openErrno(fs.cwd(), "", 0)).isEqualTo(Errno.ENOENT);
    assertThat(openErrno(fs.cwd(), "hello.txt/x", 0)).isEqualTo(Errno.ENOTDIR);
    assertThat(openErrno(fs.cwd(), "hello.txt", OpenFlags.O_DIRECTORY)).isEqualTo(Errno.ENOTDIR);
    assertThat(openErrno(fs.cwd(), "sub", OpenFlags.O_WRONLY)).isEqualTo(Errno.EISDIR);
  }

  @Test
  void directoriesOpenButDoNotRead() throws Exception {
    OpenFile o = fs.open(fs.cwd(), "sub", OpenFlags.O_DIRECTORY);
    assertThat(o).isInstanceOf(HostDirectory.class);
    assertThat(((HostDirectory) o).path()).isEqualTo(dir.resolve("sub"));
    assertErrno(() -> o.read(new byte[4], 0, 4), Errno.EISDIR);
    assertThat(o.stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFDIR);
  }

  @Test
  void symlinkWithNofollowIsEloop() throws Exception {
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("hello.txt"));
    assertThat(openErrno(fs.cwd(), "link", 0)).isZero();
    assertThat(fs.stat(dir.resolve("link"), false).mode() & Stat.S_IFMT).isEqualTo(0120000);
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

  /** 0 when {@code open} succeeds (the file is released again), else the errno it threw. */
  private int openErrno(Path base, String path, int flags) {
    try {
      fs.open(base, path, flags).release();
      return 0;
    } catch (UvmException e) {
      return e.errno();
    }
  }
}
