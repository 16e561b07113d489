package org.uvm4j.conformance;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One run of a selftest (natively or under uvm4j): its output (stdout and stderr in one file, in
 * the order written) and exit status, with a wall-clock guard against a hang only.
 */
record SelftestRun(String output, int status) {

  static SelftestRun run(List<String> cmd, Path dir, Path outFile, long seconds)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(outFile.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().put("LC_ALL", "C");
    Process p = pb.start();
    int status;
    if (p.waitFor(seconds, TimeUnit.SECONDS)) {
      status = p.exitValue();
    } else {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      p.waitFor();
      status = -1;
    }
    String out = Files.readString(outFile, StandardCharsets.ISO_8859_1);
    return new SelftestRun(
        status == -1 ? out + "\n(killed after " + seconds + " s)\n" : out, status);
  }

  KselftestCounts counts() {
    return KselftestCounts.parse(output, status);
  }
}
