package org.uvm4j.kernel.gdb;

import org.uvm4j.machine.Reg;

/**
 * The x86-64 target description gdb reads with {@code qXfer:features:read:target.xml}: the features
 * {@code org.gnu.gdb.i386.core}, {@code .sse}, {@code .linux} and {@code .segments} (with {@code
 * fs_base}/{@code gs_base}), registers numbered as in gdb's {@code amd64-linux}, and the byte size
 * and uvm4j register of each (null: the CPU state uvm4j does not expose, sent as unavailable).
 */
final class TargetDescription {
  private TargetDescription() {}

  /** One register of the description: its size in bytes and the machine register, if any. */
  record RegDef(String name, int bytes, Reg reg) {}

  static final RegDef[] REGS = build();

  private static RegDef[] build() {
    java.util.List<RegDef> r = new java.util.ArrayList<>();
    Reg[] gp = {
      Reg.RAX, Reg.RBX, Reg.RCX, Reg.RDX, Reg.RSI, Reg.RDI, Reg.RBP, Reg.RSP, Reg.R8, Reg.R9,
      Reg.R10, Reg.R11, Reg.R12, Reg.R13, Reg.R14, Reg.R15
    };
    for (Reg g : gp) {
      r.add(new RegDef(g.name().toLowerCase(java.util.Locale.ROOT), 8, g));
    }
    r.add(new RegDef("rip", 8, Reg.RIP));
    r.add(new RegDef("eflags", 4, Reg.RFLAGS));
    for (String s : new String[] {"cs", "ss", "ds", "es", "fs", "gs"}) {
      r.add(new RegDef(s, 4, null));
    }
    for (int i = 0; i < 8; i++) {
      r.add(new RegDef("st" + i, 10, null));
    }
    for (String s :
        new String[] {"fctrl", "fstat", "ftag", "fiseg", "fioff", "foseg", "fooff", "fop"}) {
      r.add(new RegDef(s, 4, null));
    }
    for (int i = 0; i < 16; i++) {
      r.add(new RegDef("xmm" + i, 16, null));
    }
    r.add(new RegDef("mxcsr", 4, null));
    r.add(new RegDef("orig_rax", 8, null));
    r.add(new RegDef("fs_base", 8, Reg.FS_BASE));
    r.add(new RegDef("gs_base", 8, Reg.GS_BASE));
    return r.toArray(new RegDef[0]);
  }

  static final String XML = xml();

  private static String xml() {
    StringBuilder sb = new StringBuilder();
    sb.append("<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target>\n")
        .append("<architecture>i386:x86-64</architecture>\n<osabi>GNU/Linux</osabi>\n")
        .append("<feature name=\"org.gnu.gdb.i386.core\">\n")
        .append(
            "<flags id=\"i386_eflags\" size=\"4\"><field name=\"CF\" start=\"0\" end=\"0\"/>"
                + "<field name=\"\" start=\"1\" end=\"1\"/><field name=\"PF\" start=\"2\" end=\"2\"/>"
                + "<field name=\"AF\" start=\"4\" end=\"4\"/><field name=\"ZF\" start=\"6\" end=\"6\"/>"
                + "<field name=\"SF\" start=\"7\" end=\"7\"/><field name=\"TF\" start=\"8\" end=\"8\"/>"
                + "<field name=\"IF\" start=\"9\" end=\"9\"/><field name=\"DF\" start=\"10\" end=\"10\"/>"
                + "<field name=\"OF\" start=\"11\" end=\"11\"/></flags>\n");
    int n = 0;
    for (RegDef d : REGS) {
      if (d.name().equals("xmm0")) {
        sb.append("</feature>\n<feature name=\"org.gnu.gdb.i386.sse\">\n")
            .append("<vector id=\"v4f\" type=\"ieee_single\" count=\"4\"/>")
            .append("<vector id=\"v2d\" type=\"ieee_double\" count=\"2\"/>")
            .append("<vector id=\"v16i8\" type=\"int8\" count=\"16\"/>")
            .append("<vector id=\"v8i16\" type=\"int16\" count=\"8\"/>")
            .append("<vector id=\"v4i32\" type=\"int32\" count=\"4\"/>")
            .append("<vector id=\"v2i64\" type=\"int64\" count=\"2\"/>")
            .append("<union id=\"vec128\"><field name=\"v4_float\" type=\"v4f\"/>")
            .append(
                "<field name=\"v2_double\" type=\"v2d\"/><field name=\"v16_int8\" type=\"v16i8\"/>")
            .append(
                "<field name=\"v8_int16\" type=\"v8i16\"/><field name=\"v4_int32\" type=\"v4i32\"/>")
            .append(
                "<field name=\"v2_int64\" type=\"v2i64\"/><field name=\"uint128\" type=\"uint128\"/>")
            .append("</union>\n");
      } else if (d.name().equals("orig_rax")) {
        sb.append("</feature>\n<feature name=\"org.gnu.gdb.i386.linux\">\n");
      } else if (d.name().equals("fs_base")) {
        sb.append("</feature>\n<feature name=\"org.gnu.gdb.i386.segments\">\n");
      }
      sb.append("<reg name=\"")
          .append(d.name())
          .append("\" bitsize=\"")
          .append(8 * d.bytes())
          .append("\" regnum=\"")
          .append(n)
          .append("\" type=\"")
          .append(type(d))
          .append('"');
      if (d.name().startsWith("f") && !d.name().endsWith("base") && !d.name().equals("fs")
          || d.name().startsWith("st")) {
        sb.append(" group=\"float\"");
      }
      if (d.name().equals("mxcsr") || d.name().startsWith("xmm")) {
        sb.append(" group=\"vector\"");
      }
      sb.append("/>\n");
      n++;
    }
    sb.append("</feature>\n</target>\n");
    return sb.toString();
  }

  private static String type(RegDef d) {
    String n = d.name();
    if (n.equals("rip")) {
      return "code_ptr";
    }
    if (n.equals("rsp") || n.equals("rbp")) {
      return "data_ptr";
    }
    if (n.equals("eflags")) {
      return "i386_eflags";
    }
    if (n.startsWith("st")) {
      return "i387_ext";
    }
    if (n.startsWith("xmm")) {
      return "vec128";
    }
    if (n.equals("fs_base") || n.equals("gs_base")) {
      return "int";
    }
    return d.bytes() == 8 ? "int64" : "int32";
  }
}
