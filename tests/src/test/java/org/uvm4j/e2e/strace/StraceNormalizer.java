package org.uvm4j.e2e.strace;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns {@code strace -f -o FILE} output (real strace's or uvm4j's {@code --strace}) into a form
 * two runs of the same program can be compared in: {@code <unfinished ...>} lines joined with their
 * {@code <... resumed>} halves, lines grouped per process, pids renamed by their place in the fork
 * tree ({@code P}, {@code P.1} = P's first child, …), addresses (hex numbers of 6+ digits) and uids
 * replaced, the result column's padding collapsed.
 *
 * <p>Two things depend on the host's scheduling, not on the program, and are set apart: the
 * position of asynchronous SIGCHLD lines in a process's sequence (compared as a multiset), and the
 * {@code ERESTARTSYS} line ptrace makes when SIGCHLD interrupts a wait (dropped; the restarted call
 * is its own line).
 */
final class StraceNormalizer {
  private static final Pattern LINE = Pattern.compile("^(\\d+)\\s+(.*)$");
  private static final Pattern RESUMED = Pattern.compile("^<\\.\\.\\. \\w+ resumed>(.*)$");
  private static final Pattern FORK = Pattern.compile("^(?:fork|vfork|clone)\\(.*\\)\\s+= (\\d+)$");
  private static final String UNFINISHED = " <unfinished ...>";

  /** One process's normalised lines: its calls in order, and its SIGCHLD lines (any order). */
  record Process(List<String> lines, List<String> sigchld) {}

  private StraceNormalizer() {}

  static Map<String, Process> normalize(String text) {
    List<String[]> merged = new ArrayList<>();
    Map<String, Integer> open = new HashMap<>();
    for (String l : text.split("\n")) {
      Matcher m = LINE.matcher(l);
      if (!m.matches()) {
        continue;
      }
      String pid = m.group(1);
      String rest = m.group(2);
      if (rest.endsWith(UNFINISHED)) {
        open.put(pid, merged.size());
        merged.add(new String[] {pid, rest.substring(0, rest.length() - UNFINISHED.length())});
        continue;
      }
      Matcher r = RESUMED.matcher(rest);
      if (r.matches() && open.containsKey(pid)) {
        String[] first = merged.get(open.remove(pid));
        first[1] = first[1] + r.group(1);
        continue;
      }
      merged.add(new String[] {pid, rest});
    }
    Map<String, List<String>> perPid = new LinkedHashMap<>();
    for (String[] e : merged) {
      perPid.computeIfAbsent(e[0], k -> new ArrayList<>()).add(e[1]);
    }
    Map<String, String> names = new HashMap<>();
    if (perPid.isEmpty()) {
      return Map.of();
    }
    String first = perPid.keySet().iterator().next();
    names.put(first, "P");
    List<String> queue = new ArrayList<>(List.of(first));
    while (!queue.isEmpty()) {
      String p = queue.remove(0);
      int k = 0;
      for (String t : perPid.getOrDefault(p, List.of())) {
        Matcher f = FORK.matcher(t);
        if (f.matches()) {
          k++;
          names.put(f.group(1), names.get(p) + "." + k);
          queue.add(f.group(1));
        }
      }
    }
    Map<String, Process> out = new LinkedHashMap<>();
    for (Map.Entry<String, List<String>> e : perPid.entrySet()) {
      List<String> lines = new ArrayList<>();
      List<String> sigchld = new ArrayList<>();
      for (String t : e.getValue()) {
        String n = rename(t, names);
        if (n.endsWith("= ? ERESTARTSYS (To be restarted if SA_RESTART is set)")) {
          continue;
        }
        (n.startsWith("--- SIGCHLD ") ? sigchld : lines).add(n);
      }
      sigchld.sort(null);
      out.put(
          names.getOrDefault(e.getKey(), "unknown pid " + e.getKey()), new Process(lines, sigchld));
    }
    return out;
  }

  private static String rename(String t, Map<String, String> names) {
    t = replacePid(t, Pattern.compile("(si_pid=)(\\d+)"), names);
    t = replacePid(t, Pattern.compile("^((?:wait4|kill|tkill|tgkill)\\()(-?\\d+)"), names);
    t =
        replacePid(
            t,
            Pattern.compile(
                "^((?:fork|vfork|clone|gettid|getpid|getppid|set_tid_address|wait4|waitid)\\(.*=\\s)(\\d+)$"),
            names);
    t = t.replaceAll("0x[0-9a-f]{6,}", "0xADDR");
    t = t.replaceAll("si_uid=\\d+", "si_uid=U");
    t = t.replaceAll("si_utime=[^,]*, si_stime=[^}]*", "si_utime=T, si_stime=T");
    t = t.replaceAll("\\s+= ", " = ");
    return t;
  }

  private static String replacePid(String t, Pattern p, Map<String, String> names) {
    Matcher m = p.matcher(t);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String pid = m.group(2);
      m.appendReplacement(
          sb, Matcher.quoteReplacement(m.group(1) + names.getOrDefault(pid, "pid" + pid)));
    }
    m.appendTail(sb);
    return sb.toString();
  }
}
