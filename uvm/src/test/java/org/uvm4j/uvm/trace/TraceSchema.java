package org.uvm4j.uvm.trace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The record fields as documented in {@code docs/tracing.md} (the tables under "### `type`"),
 * parsed from the document itself so that code and documentation cannot drift apart.
 */
final class TraceSchema {
  /** One documented field: its JSON type and whether every record of the type has it. */
  record Field(String type, boolean always) {}

  private static final Pattern HEADING = Pattern.compile("^### `(\\w+)`\\s*$");
  private static final Pattern ROW =
      Pattern.compile("^\\| `(\\w+)` \\| (integer|hex|string|boolean) \\| ([^|]+) \\|.*$");

  final Map<String, Map<String, Field>> tables = new LinkedHashMap<>();

  static TraceSchema load() throws IOException {
    String root = System.getProperty("uvm4j.root", "..");
    Path doc = Path.of(root, "docs", "tracing.md");
    TraceSchema s = new TraceSchema();
    Map<String, Field> current = null;
    for (String line : Files.readAllLines(doc)) {
      Matcher h = HEADING.matcher(line);
      if (h.matches()) {
        current = new LinkedHashMap<>();
        s.tables.put(h.group(1), current);
        continue;
      }
      Matcher r = ROW.matcher(line);
      if (r.matches() && current != null) {
        current.put(r.group(1), new Field(r.group(2), r.group(3).strip().equals("always")));
      }
    }
    assertThat(s.tables).containsKey("common").containsKey("fault");
    return s;
  }

  /** Asserts that {@code obj} has exactly documented fields of the right JSON types. */
  void validate(JsonNode obj) {
    String type = obj.path("type").asText();
    assertThat(tables).as("documented record type").containsKey(type);
    Map<String, Field> allowed = new LinkedHashMap<>(tables.get("common"));
    allowed.putAll(tables.get(type));
    for (Iterator<String> it = obj.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      assertThat(allowed).as("field %s of a %s record is documented", name, type).containsKey(name);
      checkType(type, name, allowed.get(name).type(), obj.get(name));
    }
    allowed.forEach(
        (name, f) -> {
          if (f.always()) {
            assertThat(obj.has(name)).as("%s record has %s", type, name).isTrue();
          }
        });
  }

  private static void checkType(String recordType, String name, String type, JsonNode v) {
    String what = recordType + "." + name;
    switch (type) {
      case "integer" -> assertThat(v.isIntegralNumber()).as(what + " is an integer").isTrue();
      case "boolean" -> assertThat(v.isBoolean()).as(what + " is a boolean").isTrue();
      case "string" -> assertThat(v.isTextual()).as(what + " is a string").isTrue();
      case "hex" -> assertThat(v.asText()).as(what + " is 0x hex").matches("0x[0-9a-f]+");
      default -> throw new AssertionError("unknown type " + type);
    }
  }
}
