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
    HostFs.Opened o = fs.open(fs.cwd(), "hello.txt", OpenFlags.O_RDONLY | OpenFlags.O_CLOEXEC);
    assertThat(o.errno()).isZero();
    OpenFile f = o.file();
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
    assertThat(fs.open(Path.of("/nonexistent-base"), abs, 0).errno()).isZero();
  }

  @Test
  void writingIsRefusedLikeAReadOnlyMount() throws Exception {
    assertThat(fs.open(fs.cwd(), "hello.txt", OpenFlags.O_WRONLY).errno()).isEqualTo(Errno.EROFS);
    assertThat(fs.open(fs.cwd(), "hello.txt", OpenFlags.O_RDWR).errno()).isEqualTo(Errno.EROFS);
    assertThat(fs.open(fs.cwd(), "hello.txt", OpenFlags.O_TRUNC).errno()).isEqualTo(Errno.EROFS);
    assertThat(fs.open(fs.cwd(), "new.txt", OpenFlags.O_CREAT | OpenFlags.O_WRONLY).errno())
        .isEqualTo(Errno.EROFS);
    assertThat(fs.open(fs.cwd(), "hello.txt", OpenFlags.O_CREAT | OpenFlags.O_EXCL).errno())
        .isEqualTo(Errno.EEXIST);
    assertThat(fs.open(fs.cwd(), "nodir/new.txt", OpenFlags.O_CREAT).errno())
        .isEqualTo(Errno.ENOENT);
    assertThat(fs.open(fs.cwd(), "sub", OpenFlags.O_TMPFILE | OpenFlags.O_RDWR).errno())
        .isEqualTo(Errno.EROFS);
    assertThat(Files.exists(dir.resolve("new.txt"))).isFalse();
  }

  @Test
  void lookupErrors() throws Exception {
    assertThat(fs.open(fs.cwd(), "missing", 0).errno()).isEqualTo(Errno.ENOENT);
    assertThat(fs.open(fs.cwd(), "", 0).errno()).isEqualTo(Errno.ENOENT);
    assertThat(fs.open(fs.cwd(), "hello.txt/x", 0).errno()).isEqualTo(Errno.ENOTDIR);
    assertThat(fs.open(fs.cwd(), "hello.txt", OpenFlags.O_DIRECTORY).errno())
        .isEqualTo(Errno.ENOTDIR);
    assertThat(fs.open(fs.cwd(), "sub", OpenFlags.O_WRONLY).errno()).isEqualTo(Errno.EISDIR);
  }

  @Test
  void directoriesOpenButDoNotRead() throws Exception {
    HostFs.Opened o = fs.open(fs.cwd(), "sub", OpenFlags.O_DIRECTORY);
    assertThat(o.errno()).isZero();
    assertThat(o.file()).isInstanceOf(HostDirectory.class);
    assertThat(((HostDirectory) o.file()).path()).isEqualTo(dir.resolve("sub"));
    assertErrno(() -> o.file().read(new byte[4], 0, 4), Errno.EISDIR);
    assertThat(o.file().stat().mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFDIR);
  }

  @Test
  void symlinkWithNofollowIsEloop() throws IOException {
    Files.createSymbolicLink(dir.resolve("link"), dir.resolve("hello.txt"));
    assertThat(fs.open(fs.cwd(), "link", 0).errno()).isZero();
    assertThat(fs.stat(dir.resolve("link"), false).stat().mode() & Stat.S_IFMT).isEqualTo(0120000);
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
}
