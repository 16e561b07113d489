package org.uvm4j.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.uvm4j.kernel.gdb.GdbStub;
import picocli.CommandLine.Model.CommandSpec;

/**
 * The options of the tools for people who study a run (issue 15): {@code --strace}, {@code
 * --strace-file FILE}, {@code --gdb PORT}, {@code --gdb-follow parent|child}, {@code --summary},
 * {@code --progress}, {@code --audit FILE}. An option group of {@code run}, kept apart from the
 * machine's options so that both grow without touching each other.
 */
final class ToolOptions {
  boolean strace;

  Path straceFile;

  Integer gdbPort;

  String gdbFollow = "parent";

  boolean summary;

  boolean progress;

  Path audit;

  /**
   * Declares these options in {@code spec} (the {@code run} command), bound to this object's
   * fields.
   */
  void addTo(CommandSpec spec) {
    spec.addOption(
        Options.option(
                "--strace",
                boolean.class,
                Binding.<Boolean>of(() -> strace, v -> strace = v),
                "Print every guest system call, signal and exit to stderr in strace's format"
                    + " (PID name(args) = result).")
            .build());
    spec.addOption(
        Options.option(
                "--strace-file",
                Path.class,
                Binding.<Path>of(() -> straceFile, v -> straceFile = v),
                "As --strace, into FILE instead of stderr.")
            .paramLabel("FILE")
            .build());
    spec.addOption(
        Options.option(
                "--gdb",
                Integer.class,
                Binding.<Integer>of(() -> gdbPort, v -> gdbPort = v),
                "Stop before the first instruction and wait for gdb on localhost:PORT"
                    + " (GDB remote protocol, as qemu-user's -g).")
            .paramLabel("PORT")
            .build());
    spec.addOption(
        Options.option(
                "--gdb-follow",
                String.class,
                Binding.<String>of(() -> gdbFollow, v -> gdbFollow = v),
                "With --gdb: stay with the first process (parent, default) or follow each fork"
                    + " into the child.")
            .paramLabel("parent|child")
            .build());
    spec.addOption(
        Options.option(
                "--summary",
                boolean.class,
                Binding.<Boolean>of(() -> summary, v -> summary = v),
                "At exit, print a one-screen summary to stderr: faults by case, COW copies, paging,"
                    + " peak resident, one line per process (also printed by --stats on a terminal).")
            .build());
    spec.addOption(
        Options.option(
                "--progress",
                boolean.class,
                Binding.<Boolean>of(() -> progress, v -> progress = v),
                "While the guests run, show a live line on stderr (time, instructions, faults/s,"
                    + " resident, swap, processes), redrawn each second; a last line at exit.")
            .build());
    spec.addOption(
        Options.option(
                "--audit",
                Path.class,
                Binding.<Path>of(() -> audit, v -> audit = v),
                "When the run ends, run the VM system's invariant audit (maps, amaps, anons, frames,"
                    + " tmpfs/aobj pages, swap) and write its result to FILE: 'system audit: clean …'"
                    + " or every problem found; uvm4j then exits with 125 if it is not clean.")
            .paramLabel("FILE")
            .build());
  }

  /**
   * Where the strace lines go: {@code err} for --strace, the file for --strace-file, or null.
   *
   * @throws IOException when the file cannot be created
   */
  PrintStream straceOutput(PrintStream err) throws IOException {
    if (straceFile != null) {
      return new PrintStream(
          new FileOutputStream(straceFile.toFile()), false, StandardCharsets.UTF_8);
    }
    return strace ? err : null;
  }

  /**
   * The validated tool settings of one run.
   *
   * @throws IllegalArgumentException for a bad --gdb port or --gdb-follow value
   */
  Tools tools(PrintStream err) throws IOException {
    if (gdbPort != null && (gdbPort < 1 || gdbPort > 65535)) {
      throw new IllegalArgumentException("--gdb " + gdbPort + ": a TCP port is 1 to 65535");
    }
    if (!gdbFollow.equals("parent") && !gdbFollow.equals("child")) {
      throw new IllegalArgumentException("--gdb-follow " + gdbFollow + ": use parent or child");
    }
    GdbStub gdb = gdbPort == null ? null : new GdbStub(gdbPort, gdbFollow.equals("child"), err);
    return new Tools(straceOutput(err), straceFile != null, gdb, summary, progress, audit);
  }

  /**
   * The tools one run uses.
   *
   * @param strace where --strace writes, or null: off
   * @param closeStrace the stream is a file the run must close
   * @param gdb the gdb stub (--gdb), listening already, or null
   * @param summary print the run's summary at exit (--summary)
   * @param progress show the live progress line (--progress)
   * @param audit where the system audit's result goes at exit (--audit), or null: no audit
   */
  record Tools(
      PrintStream strace,
      boolean closeStrace,
      GdbStub gdb,
      boolean summary,
      boolean progress,
      Path audit) {
    static final Tools NONE = new Tools(null, false, null, false, false, null);
  }
}
