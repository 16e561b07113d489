package org.uvm4j.kernel.fs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.uvm4j.kernel.fs.ErrnoAssert.assertErrno;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.uvm.Errno;
import org.uvm4j.uvm.UvmException;

/** The policy: default host / read-only with scratch /tmp, --root, --bind, uvm4j's /dev. */
class FsLayoutTest {
  @TempDir Path dir;
  private final ByteArrayOutputStream tty = new ByteArrayOutputStream();

  private FsContext context(FsLayout layout) throws UvmException {
    return context(
        layout,
        ControllingTty.of(
            Console.input(
                "stdin", new ByteArrayInputStream("typed\n".getBytes(StandardCharsets.US_ASCII))),
            tty));
  }

  private FsContext context(FsLayout layout, ControllingTty controlling) throws UvmException {
    Vfs vfs =
        new Vfs(
            layout.mountTable(controlling, 7, null, FsLayout.heapTmpfs(1 << 20, () -> 0), null));
    this.vfs = vfs;
    Location root = vfs.rootLocation();
    return new FsContext(1, root, root, 022);
  }

  private Vfs vfs;

  @Test
  void bindSpecsParseAndBadOnesSayWhy() {
    assertThat(FsLayout.Bind.parse("/srv/data:/data"))
        .isEqualTo(new FsLayout.Bind(Path.of("/srv/data"), "/data", false));
    assertThat(FsLayout.Bind.parse("/a:/b/./c/:ro"))
        .isEqualTo(new FsLayout.Bind(Path.of("/a"), "/b/c", true));
    assertThat(FsLayout.Bind.parse("/a:/b:rw").readOnly()).isFalse();
    assertThatThrownBy(() -> FsLayout.Bind.parse("/a")).hasMessageContaining("HOST:GUEST");
    assertThatThrownBy(() -> FsLayout.Bind.parse("/a:b")).hasMessageContaining("absolute");
    assertThatThrownBy(() -> FsLayout.Bind.parse("/a:/b:xx")).hasMessageContaining("ro or rw");
    assertThatThrownBy(() -> FsLayout.Bind.parse("/a:/b/../c")).hasMessageContaining("..");
  }

  @Test
  void defaultIsTheHostReadOnlyWithPrivateScratchTmp() throws Exception {
    FsContext fs = context(FsLayout.hostReadOnly());
    Path hostFile = Files.createTempFile("uvm4j-host", ".txt"); // in the host's /tmp
    try {
      Files.writeString(hostFile, "host");
      assertThat(vfs.stat(fs, fs.cwd(), "/etc", true).mode() & Stat.S_IFMT).isEqualTo(Stat.S_IFDIR);
      assertErrno(
          () -> vfs.open(fs, fs.cwd(), "/uvm4j-x", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644),
          Errno.EROFS);
      // the host's /tmp is readable through the scratch, never writable
      vfs.open(fs, fs.cwd(), hostFile.toString(), 0, 0).release();
      assertErrno(
          () -> vfs.open(fs, fs.cwd(), hostFile.toString(), OpenFlags.O_WRONLY, 0), Errno.EROFS);
      assertErrno(() -> vfs.unlink(fs, fs.cwd(), hostFile.toString()), Errno.EROFS);
      Location hf = vfs.lookup(fs.root(), fs.cwd(), hostFile.toString(), true);
      assertThat(Vfs.access(hf, 4, 1000)).isZero();
      assertThat(Vfs.access(hf, 2, 1000)).isEqualTo(Errno.EROFS);
      assertErrno(
          () ->
              vfs.open(
                  fs,
                  fs.cwd(),
                  hostFile.toString(),
                  OpenFlags.O_CREAT | OpenFlags.O_EXCL | OpenFlags.O_WRONLY,
                  0644),
          Errno.EEXIST);
      // new names go to the private tmpfs: never onto the host
      String mine = "/tmp/uvm4j-private-" + ProcessHandle.current().pid();
      OpenFile f = vfs.open(fs, fs.cwd(), mine, OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0600);
      f.write("x".getBytes(StandardCharsets.US_ASCII), 0, 1, false);
      f.release();
      assertThat(vfs.stat(fs, fs.cwd(), mine, true).size()).isEqualTo(1);
      assertThat(Files.exists(Path.of(mine))).isFalse();
      assertThat(Files.readString(hostFile)).isEqualTo("host");
    } finally {
      Files.delete(hostFile);
    }
  }

  @Test
  void rootMakesADirectoryTheGuestsSlashReadWrite() throws Exception {
    Files.createDirectories(dir.resolve("root/etc"));
    Files.writeString(dir.resolve("secret"), "outside");
    FsContext fs = context(new FsLayout(dir.resolve("root"), List.of()));
    OpenFile f = vfs.open(fs, fs.cwd(), "/etc/new", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644);
    f.write("in".getBytes(StandardCharsets.US_ASCII), 0, 2, false);
    f.release();
    assertThat(Files.readString(dir.resolve("root/etc/new"))).isEqualTo("in");
    assertErrno(() -> vfs.open(fs, fs.cwd(), "/../secret", 0, 0), Errno.ENOENT);
    vfs.symlink(fs, dir.resolve("secret").toString(), fs.cwd(), "/abs");
    assertErrno(() -> vfs.open(fs, fs.cwd(), "/abs", 0, 0), Errno.ENOENT);
    vfs.symlink(fs, "../../../secret", fs.cwd(), "/etc/rel");
    assertErrno(() -> vfs.open(fs, fs.cwd(), "/etc/rel", 0, 0), Errno.ENOENT);
    // O_CREAT through a link pointing outside creates inside the root, not outside
    assertErrno(
        () -> vfs.open(fs, fs.cwd(), "/abs", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644),
        Errno.ENOENT); // its directories do not exist under the root
    Files.createDirectories(dir.resolve("root").resolve(dir.toString().substring(1)));
    vfs.open(fs, fs.cwd(), "/abs", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644).release();
    assertThat(Files.readString(dir.resolve("secret"))).isEqualTo("outside");
    assertThat(
            Files.exists(
                dir.resolve("root").resolve(dir.resolve("secret").toString().substring(1))))
        .isTrue();
    // /dev and /proc are uvm4j's even under --root
    assertThat(vfs.stat(fs, fs.cwd(), "/dev/null", true).rdev()).isEqualTo((1 << 8) | 3);
    assertThat(vfs.lookup(fs.root(), fs.cwd(), "/proc", true).mount().source()).isEqualTo("proc");
  }

  @Test
  void bindsMountHostDirectoriesReadOnlyOrReadWrite() throws Exception {
    Files.createDirectories(dir.resolve("ro"));
    Files.createDirectories(dir.resolve("rw"));
    Files.writeString(dir.resolve("ro/f"), "r");
    FsContext fs =
        context(
            new FsLayout(
                null,
                List.of(
                    new FsLayout.Bind(dir.resolve("ro"), "/mnt/ro", true),
                    new FsLayout.Bind(dir.resolve("rw"), "/mnt/rw", false))));
    assertErrno(() -> vfs.open(fs, fs.cwd(), "/mnt/ro/f", OpenFlags.O_RDWR, 0), Errno.EROFS);
    assertErrno(() -> vfs.unlink(fs, fs.cwd(), "/mnt/ro/f"), Errno.EROFS);
    vfs.mkdir(fs, fs.cwd(), "/mnt/rw/d", 0755);
    assertThat(Files.isDirectory(dir.resolve("rw/d"))).isTrue();
    assertErrno(() -> vfs.rename(fs, fs.cwd(), "/mnt/rw/d", fs.cwd(), "/mnt/ro/d"), Errno.EXDEV);
    assertThat(vfs.lookup(fs.root(), fs.cwd(), "/mnt/rw/../ro/f", true).path())
        .isEqualTo("/mnt/ro/f");
  }

  @Test
  void sysKernelMmIsUvm4jsOwnAndShowsNoHugePages() throws Exception {
    Path host = Path.of("/sys/kernel");
    org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(host), "the host has /sys");
    FsContext fs = context(FsLayout.hostReadOnly());
    Location mm = vfs.lookup(fs.root(), fs.cwd(), "/sys/kernel/mm", true);
    assertThat(mm.mount().source()).isEqualTo("sysfs");
    assertThat(mm.vnode().readdir()).isEmpty();
    assertThat(vfs.stat(fs, fs.cwd(), "/sys/kernel/mm", true).mode() & Stat.S_IFMT)
        .isEqualTo(Stat.S_IFDIR);
    // as on a kernel without THP and hugetlbfs, whatever the host has
    assertErrno(
        () -> vfs.open(fs, fs.cwd(), "/sys/kernel/mm/transparent_hugepage/hpage_pmd_size", 0, 0),
        Errno.ENOENT);
    assertErrno(() -> vfs.stat(fs, fs.cwd(), "/sys/kernel/mm/hugepages", true), Errno.ENOENT);
    assertErrno(
        () ->
            vfs.open(
                fs, fs.cwd(), "/sys/kernel/mm/x", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644),
        Errno.EACCES);
    // the rest of /sys/kernel is the host's
    assertThat(vfs.lookup(fs.root(), fs.cwd(), "/sys/kernel", true).mount().source())
        .isEqualTo("host:/");
  }

  @Test
  void devicesAreUvm4jsOwn() throws Exception {
    FsContext fs = context(FsLayout.hostReadOnly());
    byte[] b = new byte[8];
    OpenFile n = vfs.open(fs, fs.cwd(), "/dev/null", OpenFlags.O_RDWR, 0);
    assertThat(n.write(b, 0, 8, false)).isEqualTo(8);
    assertThat(n.read(b, 0, 8)).isZero();
    n.release();
    OpenFile z = vfs.open(fs, fs.cwd(), "/dev/zero", OpenFlags.O_RDONLY, 0);
    java.util.Arrays.fill(b, (byte) 1);
    assertThat(z.read(b, 0, 8)).isEqualTo(8);
    assertThat(b).containsOnly(0);
    z.release();
    OpenFile full = vfs.open(fs, fs.cwd(), "/dev/full", OpenFlags.O_WRONLY, 0);
    assertErrno(() -> full.write(b, 0, 1, false), Errno.ENOSPC);
    full.release();
    OpenFile r = vfs.open(fs, fs.cwd(), "/dev/urandom", OpenFlags.O_RDONLY, 0);
    assertThat(r.read(b, 0, 8)).isEqualTo(8);
    assertThat(b).isNotEqualTo(new byte[8]);
    r.release();
    OpenFile t = vfs.open(fs, fs.cwd(), "/dev/tty", OpenFlags.O_RDWR, 0);
    assertThat(t.read(b, 0, 8)).isEqualTo(6);
    t.write("hi".getBytes(StandardCharsets.US_ASCII), 0, 2, false);
    assertThat(tty.toString(StandardCharsets.US_ASCII)).isEqualTo("hi");
    t.release();
    // /dev/null is writable although it is no file of a writable mount; creating in /dev is not
    assertErrno(
        () -> vfs.open(fs, fs.cwd(), "/dev/new", OpenFlags.O_CREAT | OpenFlags.O_WRONLY, 0644),
        Errno.EACCES);
    assertThat(vfs.readlink(fs, fs.cwd(), "/dev/fd")).isEqualTo("/proc/self/fd");
    // the host's /proc is not what /proc is
    assertThat(vfs.lookup(fs.root(), fs.cwd(), "/proc", true).vnode())
        .isNotInstanceOf(HostVnode.class);
    // a context without a guest process has no /proc/self (mem: ProcMemSyscallsTest)
    assertErrno(() -> vfs.open(fs, fs.cwd(), "/proc/self/mem", 0, 0), Errno.ENOENT);
  }

  @Test
  void withoutAControllingTerminalDevTtyIsEnxio() throws Exception {
    FsContext fs = context(FsLayout.hostReadOnly(), ControllingTty.none());
    for (int mode : new int[] {OpenFlags.O_RDONLY, OpenFlags.O_WRONLY, OpenFlags.O_RDWR}) {
      assertErrno(() -> vfs.open(fs, fs.cwd(), "/dev/tty", mode, 0), Errno.ENXIO);
    }
    // the node is there (stat works, as Linux's /dev/tty is), only opening it fails
    assertThat(vfs.stat(fs, fs.cwd(), "/dev/tty", true).mode() & Stat.S_IFMT)
        .isEqualTo(Stat.S_IFCHR);
  }

  @Test
  void devTtyReadsThroughTheConsolesInputDescription() throws Exception {
    Console in =
        Console.input(
            "stdin", new ByteArrayInputStream("abcdef".getBytes(StandardCharsets.US_ASCII)));
    FsContext fs = context(FsLayout.hostReadOnly(), ControllingTty.of(in, tty));
    OpenFile t = vfs.open(fs, fs.cwd(), "/dev/tty", OpenFlags.O_RDONLY, 0);
    byte[] b = new byte[3];
    assertThat(t.read(b, 0, 3)).isEqualTo(3);
    assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("abc");
    // the same input: what /dev/tty consumed, descriptor 0 does not see again
    assertThat(in.read(b, 0, 3)).isEqualTo(3);
    assertThat(new String(b, StandardCharsets.US_ASCII)).isEqualTo("def");
    assertThat(t.isTerminal()).isTrue();
    assertErrno(() -> t.write(b, 0, 1, false), Errno.EBADF); // opened read-only
    assertThat(t.readChannel()).isSameAs(in.readChannel());
    t.release();
  }
}
