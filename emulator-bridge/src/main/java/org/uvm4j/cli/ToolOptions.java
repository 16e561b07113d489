package org.uvm4j.cli;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The options of the tools for people who study a run (issue 15): {@code --strace}, {@code
 * --strace-file FILE}. A picocli mixin of {@code run}, kept apart from the machine's options so
 * that both grow without touching each other.
 */
final class ToolOptions {
  @Option(
      names = "--strace",
      description =
          "Print every guest system call, signal and exit to stderr in strace's format"
              + " (PID name(args) = result).")
  boolean strace;

  @Option(
      names = "--strace-file",
      paramLabel = "FILE",
      description = "As --strace, into FILE instead of stderr.")
  Path straceFile;

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

  /** The validated tool settings of one run. */
  Tools tools(PrintStream err) throws IOException {
    return new Tools(straceOutput(err), straceFile != null);
  }

  /**
   * The tools one run uses.
   *
   * @param strace where --strace writes, or null: off
   * @param closeStrace the stream is a file the run must close
   */
  record Tools(PrintStream strace, boolean closeStrace) {
    static final Tools NONE = new Tools(null, false);
  }
}
