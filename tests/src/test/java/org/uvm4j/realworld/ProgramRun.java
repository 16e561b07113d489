package org.uvm4j.realworld;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of a program (natively or under uvm4j): its stdout and stderr as bytes, and its exit
 * status as a shell reports it.
 */
record ProgramRun(byte[] stdout, byte[] stderr, int status) {

  /**
   * Runs {@code cmd} in {@code dir} with exactly {@code env}, {@code stdin} written to it (or an
   * empty stdin), and at most {@code seconds} of wall-clock time (a guard against a hang only).
   */
  static ProgramRun run(
      List<String> cmd, Path dir, Map<String, String> env, String stdin, long seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile());
    pb.environment().clear();
    pb.environment().putAll(env);
    Process p = pb.start();
    CompletableFuture<byte[]> out = drain(p.getInputStream());
    CompletableFuture<byte[]> err = drain(p.getErrorStream());
    try (OutputStream in = p.getOutputStream()) {
      if (stdin != null) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      // the program did not read all of its input: as a shell's here-document would, go on
    }
    if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor();
      return new ProgramRun(
          out.join(), ("(killed after " + seconds + " s)\n").getBytes(StandardCharsets.UTF_8), -1);
    }
    return new ProgramRun(out.join(), err.join(), p.exitValue());
  }

  private static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try (in) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            return buf.toByteArray();
          } catch (IOException e) {
            return ("(output lost: " + e.getMessage() + ")").getBytes(StandardCharsets.UTF_8);
          }
        });
  }

  /** What differs from {@code expected} (stdout, stderr, status), or null when the runs match. */
  String mismatch(ProgramRun expected) {
    StringBuilder sb = new StringBuilder();
    if (status != expected.status) {
      sb.append("status ")
          .append(status)
          .append(", natively ")
          .append(expected.status)
          .append('\n');
    }
    if (!Arrays.equals(stdout, expected.stdout)) {
      sb.append("stdout differs:\n").append(diff(expected.stdout, stdout));
    }
    if (!Arrays.equals(stderr, expected.stderr)) {
      sb.append("stderr differs:\n").append(diff(expected.stderr, stderr));
    }
    return sb.length() == 0 ? null : sb.toString();
  }

  /** The first differing line of two outputs, with a little context. */
  static String diff(byte[] expected, byte[] got) {
    List<String> a = text(expected).lines().toList();
    List<String> b = text(got).lines().toList();
    int i = 0;
    while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
      i++;
    }
    return "  at line "
        + (i + 1)
        + " ("
        + expected.length
        + " bytes natively, "
        + got.length
        + " under uvm4j)\n  native: "
        + (i < a.size() ? clip(a.get(i)) : "<end>")
        + "\n  uvm4j:  "
        + (i < b.size() ? clip(b.get(i)) : "<end>")
        + "\n";
  }

  private static String clip(String s) {
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }

  static String text(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return "status "
        + status
        + "\n--- stdout ("
        + stdout.length
        + " bytes)\n"
        + clip(text(stdout))
        + "\n--- stderr\n"
        + clip(text(stderr));
  }
}
