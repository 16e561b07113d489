package org.uvm4j.realworld;

import java.util.List;
import java.util.Map;

/**
 * One case of the real-program suite: a program of the cache ({@code bin/NAME}) run with {@code
 * args} (where {@code @BIN@} stands for the cache's bin directory and {@code @SRC@} for its
 * unpacked sources), {@code stdin}, in a fresh directory holding the suite's fixture files.
 *
 * @param name what the report shows
 * @param pkg the package that must be built for it (its skip reason otherwise)
 * @param program the binary's name under {@code bin/}
 * @param expectedFailure null when the run must match its native run; else why it does not yet
 * @param symptom for an expected failure: a text that must appear in the uvm4j run's stdout or
 *     stderr, or in the description of the mismatch, so that a case that fails differently (or
 *     passes) is noticed
 */
record RealWorldCase(
    String name,
    String pkg,
    String program,
    List<String> args,
    String stdin,
    String expectedFailure,
    String symptom) {

  static RealWorldCase of(String pkg, String program, String stdin, String... args) {
    String shown = program + " " + String.join(" ", args);
    if (shown.length() > 90) {
      shown = shown.substring(0, 87) + "...";
    }
    return new RealWorldCase(shown, pkg, program, List.of(args), stdin, null, null);
  }

  /** This case is known not to match yet, for {@code reason}; {@code symptom} shows it. */
  RealWorldCase xfail(String reason, String symptom) {
    return new RealWorldCase(name, pkg, program, args, stdin, reason, symptom);
  }

  RealWorldCase named(String n) {
    return new RealWorldCase(n, pkg, program, args, stdin, expectedFailure, symptom);
  }

  /** The arguments with the cache's directories put in. */
  List<String> resolvedArgs(Map<String, String> dirs) {
    return args.stream()
        .map(
            a -> {
              String r = a;
              for (Map.Entry<String, String> e : dirs.entrySet()) {
                r = r.replace(e.getKey(), e.getValue());
              }
              return r;
            })
        .toList();
  }
}
