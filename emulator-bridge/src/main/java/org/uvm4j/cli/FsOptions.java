package org.uvm4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.uvm4j.kernel.fs.FsLayout;
import picocli.CommandLine.Option;

/** {@code --root DIR} and {@code --bind HOST:GUEST[:ro]}: the guest's file system (docs/fs.md). */
final class FsOptions {
  @Option(
      names = "--root",
      paramLabel = "DIR",
      description =
          "Make DIR the guest's / (read-write; '..' and symbolic links never leave it)."
              + " Default: the host's / read-only, with private scratch at /tmp.")
  Path root;

  @Option(
      names = "--bind",
      paramLabel = "HOST:GUEST[:ro]",
      description =
          "Mount host directory HOST at guest path GUEST (read-write, or :ro). Repeatable.")
  List<String> binds = new ArrayList<>();

  /**
   * The layout these options describe.
   *
   * @throws IllegalArgumentException with a message for the user
   */
  FsLayout layout() {
    if (root != null && !Files.isDirectory(root)) {
      throw new IllegalArgumentException("--root " + root + ": not a directory");
    }
    List<FsLayout.Bind> parsed = new ArrayList<>();
    for (String b : binds) {
      FsLayout.Bind bind = FsLayout.Bind.parse(b);
      if (!Files.isDirectory(bind.host())) {
        throw new IllegalArgumentException(
            "--bind " + b + ": " + bind.host() + " is not a directory");
      }
      parsed.add(bind);
    }
    return new FsLayout(root == null ? null : root.toAbsolutePath(), parsed);
  }
}
