package org.uvm4j.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.uvm4j.kernel.Kernel;
import org.uvm4j.kernel.KernelConfig;
import org.uvm4j.kernel.fs.FsLayout;
import org.uvm4j.kernel.syscall.Linux64;
import org.uvm4j.uvm.audit.SystemAudit;

/**
 * Path traversal: the fs_escape guest, run with {@code --root} and a read-only bind, tries every
 * way out it knows ({@code ..} at the root, absolute and relative symbolic links made by the host
 * and by itself, link loops, {@code /proc/self/root}, {@code /proc/self/mem}, writes through the
 * bind). No attempt reads the file outside the root or changes anything outside it.
 */
class FsEscapeTest {
  @TempDir Path base;

  @Test
  void aGuestCannotLeaveItsRootOrWriteItsReadOnlyBind() throws Exception {
    Path root = Files.createDirectories(base.resolve("root"));
    Files.writeString(base.resolve("outside.txt"), "TOPSECRET outside\n");
    Files.writeString(root.resolve("inside.txt"), "inside the root\n");
    Files.createDirectories(root.resolve("ro"));
    Path roHost = Files.createDirectories(base.resolve("ro-host"));
    Files.writeString(roHost.resolve("bound.txt"), "bound read-only\n");
    Files.createSymbolicLink(root.resolve("abs-link"), base.resolve("outside.txt"));
    Files.createSymbolicLink(root.resolve("rel-link"), Path.of("../outside.txt"));
    Files.createSymbolicLink(root.resolve("dir-link"), base);
    Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
    Path bin = Files.createDirectories(root.resolve("bin")).resolve("fs_escape");
    Files.copy(Guests.binary("fs_escape"), bin);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Kernel kernel =
        new Kernel(
            KernelConfig.builder()
                .ram(Uvm4jRuns.RAM)
                .stdout(out)
                .stderr(err)
                .fs(new FsLayout(root, List.of(new FsLayout.Bind(roHost, "/ro", true))))
                .build(),
            Linux64::create);
    int status = kernel.run(Path.of("/bin/fs_escape"), List.of("/bin/fs_escape"), Map.of());
    String o = out.toString(StandardCharsets.UTF_8);

    assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
    assertThat(status).as(o).isZero();
    assertThat(o).doesNotContain("TOPSECRET");
    assertThat(o.lines().toList())
        .containsExactly(
            "read /inside.txt: [inside the root]",
            "read /../outside.txt: ENOENT",
            "read /../../../../../outside.txt: ENOENT",
            "read ../../outside.txt: ENOENT",
            "read /abs-link: ENOENT",
            "read /rel-link: ENOENT",
            "read /dir-link/outside.txt: ENOENT",
            "read /loop: ELOOP",
            "read /proc/self/root/../outside.txt: ENOENT",
            "read /proc/self/root/inside.txt: [inside the root]",
            "read /proc/1/root/../../outside.txt: ENOENT",
            "read /proc/self/mem: []", // its own memory at address 0: EIO, as Linux
            "read /proc/self/cwd/../outside.txt: ENOENT",
            "readlink /proc/self/root: /",
            "symlink /up -> /..: ok",
            "read /up/outside.txt: ENOENT",
            "read /up/up/up/inside.txt: [inside the root]",
            "symlink /far -> ../../../..: ok",
            "read /far/outside.txt: ENOENT",
            "write /../outside.txt: ENOENT",
            "write /../escaped.txt: wrote",
            "write /abs-link: ENOENT",
            "write /rel-link: wrote",
            "write /ro/bound.txt: EROFS",
            "write /ro/new.txt: EROFS",
            "unlink /ro/bound.txt: EROFS",
            "rename /ro/bound.txt: EXDEV",
            "mkdir /../escaped-dir: ok (inside)",
            "rename /inside.txt -> /../moved.txt: ok (inside)",
            "cwd after 8 chdir(..): /",
            "read outside.txt: [ESCAPED]",
            "fs_escape: done");
    // nothing outside the root changed; what the guest made "outside" is inside
    assertThat(Files.readString(base.resolve("outside.txt"))).isEqualTo("TOPSECRET outside\n");
    assertThat(Files.readString(roHost.resolve("bound.txt"))).isEqualTo("bound read-only\n");
    assertThat(roHost.resolve("new.txt")).doesNotExist();
    assertThat(base.resolve("escaped.txt")).doesNotExist();
    assertThat(base.resolve("escaped-dir")).doesNotExist();
    assertThat(base.resolve("moved.txt")).doesNotExist();
    assertThat(root.resolve("escaped.txt")).hasContent("ESCAPED");
    assertThat(root.resolve("outside.txt")).hasContent("ESCAPED"); // made through /rel-link
    assertThat(root.resolve("escaped-dir")).isDirectory();
    assertThat(root.resolve("moved.txt")).hasContent("inside the root");
    assertThat(SystemAudit.problems(kernel.uvm(), List.of())).isEmpty();
  }
}
