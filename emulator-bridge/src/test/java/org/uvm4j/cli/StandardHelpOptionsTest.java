package org.uvm4j.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@link StandardHelpOptions} declares what picocli's {@code mixinStandardHelpOptions(true)} does:
 * two specs that differ only in how the options were added agree on every attribute of the two
 * options, on the usage help and on what parsing and execution give.
 */
class StandardHelpOptionsTest {
  /** A command with one option of its own, then the standard options one way or the other. */
  private static CommandSpec spec(boolean annotatedMixin) {
    Callable<Integer> call = () -> 7;
    CommandSpec spec = CommandSpec.wrapWithoutInspection(call).name("cmd");
    spec.version("cmd 1.0");
    spec.addOption(OptionSpec.builder("--flag").type(boolean.class).description("A flag.").build());
    if (annotatedMixin) {
      spec.mixinStandardHelpOptions(true);
    } else {
      StandardHelpOptions.addTo(spec);
    }
    return spec;
  }

  private static String describe(OptionSpec o) {
    return String.join("|", o.names())
        + " usageHelp="
        + o.usageHelp()
        + " versionHelp="
        + o.versionHelp()
        + " help="
        + o.help()
        + " type="
        + o.type()
        + " arity="
        + o.arity()
        + " label="
        + o.paramLabel()
        + " key="
        + o.descriptionKey()
        + " description="
        + List.of(o.description())
        + " required="
        + o.required()
        + " hidden="
        + o.hidden()
        + " negatable="
        + o.negatable()
        + " order="
        + o.order()
        + " initial="
        + o.initialValue()
        + " default="
        + o.defaultValue()
        + " showDefault="
        + o.showDefaultValue()
        + " inherited="
        + o.inherited()
        + " scope="
        + o.scopeType()
        + " toString="
        + o;
  }

  private static List<String> options(CommandSpec spec) {
    return spec.options().stream().map(StandardHelpOptionsTest::describe).toList();
  }

  @Test
  void theOptionsAreTheMixinsAttributeForAttribute() {
    CommandSpec picocli = spec(true);
    CommandSpec ours = spec(false);
    assertThat(options(ours)).isEqualTo(options(picocli)).hasSize(3);
    assertThat(ours.mixinStandardHelpOptions()).isTrue();
    assertThat(ours.mixins().keySet()).isEqualTo(picocli.mixins().keySet());
  }

  @Test
  void theUsageHelpIsTheSame() {
    assertThat(usage(spec(false))).isEqualTo(usage(spec(true))).contains("-h, --help");
  }

  private static String usage(CommandSpec spec) {
    StringWriter w = new StringWriter();
    new CommandLine(spec).usage(new PrintWriter(w), CommandLine.Help.Ansi.OFF);
    return w.toString();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "-h",
        "--help",
        "-V",
        "--version",
        "-hV",
        "--flag",
        "",
        "--help=x",
        "-x",
        "--flag -h"
      })
  void parsingAndExecutingGiveTheSame(String line) {
    String[] args = line.isEmpty() ? new String[0] : line.split(" ");
    assertThat(execute(spec(false), args)).isEqualTo(execute(spec(true), args));
  }

  private static String execute(CommandSpec spec, String[] args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(spec);
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setColorScheme(CommandLine.Help.defaultColorScheme(CommandLine.Help.Ansi.OFF));
    int status = cli.execute(args);
    return "status " + status + "\nout:\n" + out + "\nerr:\n" + err;
  }
}
