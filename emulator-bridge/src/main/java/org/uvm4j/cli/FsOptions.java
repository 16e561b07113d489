package org.uvm4j.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.uvm4j.kernel.fs.FsLayout;
import picocli.CommandLine.Model.CommandSpec;

/** {@code --root DIR} and {@code --bind HOST:GUEST[:ro]}: the guest's file system (docs/fs.md). */
final class FsOptions {
  Path root;

  List<String> binds = new ArrayList<>();

  /**
   * Declares these options in {@code spec} (the {@code run} command), bound to this object's
   * fields.
   */
  void addTo(CommandSpec spec) {
    spec.addOption(
        Options.option(
                "--root",
                Path.class,
                Binding.<Path>of(() -> root, v -> root = v),
                "Make DIR the guest's / (read-write; '..' and symbolic links never leave it)."
                    + " Default: the host's / read-only, with private scratch at /tmp.")
            .paramLabel("DIR")
            .build());
    spec.addOption(
        Options.option(
                "--bind",
                List.class,
                Binding.<List<String>>of(() -> binds, v -> binds = v),
                "Mount host directory HOST at guest path GUEST (read-write, or :ro). Repeatable.")
            .auxiliaryTypes(String.class)
            .paramLabel("HOST:GUEST[:ro]")
            .build());
  }

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
