package org.migcheck.checker.cli;

import java.util.Locale;
import org.migcheck.checker.engine.Strategy;
import picocli.CommandLine;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Converters and checks for option values. A bad value is a {@link TypeConversionException} or a
 * {@link CommandLine.ParameterException}; {@link Main} prints either as one line plus a hint and
 * exits with 64. Use them with {@code @Option(converter = Args.PositiveLong.class)}, or call
 * {@link #usage} from a command body for checks that involve several options.
 */
public final class Args {
    private Args() {}

    /** A usage error of {@code spec}'s command: one line, exit 64. */
    public static CommandLine.ParameterException usage(CommandLine.Model.CommandSpec spec, String message) {
        return new CommandLine.ParameterException(spec.commandLine(), message);
    }

    /** "+K" or "K" with K a positive number of passes (the value of --bounds). */
    static int boundsRaise(String text, CommandLine.Model.CommandSpec spec) {
        if (!text.startsWith("+")) {
            // "--bounds 3" reads as "set every bound to 3"; it raises them, so the sign is part of the syntax
            throw usage(spec, "--bounds takes +K (every bound raised by K passes, not set to K), not " + text);
        }
        try {
            if (!text.substring(1).matches("[0-9]+")) {
                throw new NumberFormatException(text);
            }
            int k = Integer.parseInt(text.substring(1));
            if (k >= 1 && k <= 64) {
                return k;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw usage(spec, "--bounds takes +K with K a number of passes from 1 to 64, not " + text);
    }

    /**
     * A whole number in ASCII digits, '_' allowed between them (1_000_000) as in every number option; Long.parseLong alone
     * would take other scripts' digits too.
     */
    static long parseLong(String s) {
        if (!s.strip().matches("[-+]?[0-9]+(_+[0-9]+)*")) { // '_' between digits only (1_ and 1__ were taken as 1)
            throw new TypeConversionException("'" + s + "' is not a whole number");
        }
        try {
            return Long.parseLong(s.strip().replace("_", ""));
        } catch (NumberFormatException e) {
            if (s.strip().replace("_", "").matches("[-+]?[0-9]+")) {
                throw new TypeConversionException("'" + s + "' is out of range (a whole number up to " + Long.MAX_VALUE + ")");
            }
            throw new TypeConversionException("'" + s + "' is not a whole number");
        }
    }

    static long inRange(String s, long min, long max) {
        long v = parseLong(s);
        if (v < min || v > max) {
            throw new TypeConversionException("'" + s + "' is out of range: takes " + min + ".." + max);
        }
        return v;
    }

    /** 1 .. Long.MAX_VALUE. */
    public static final class PositiveLong implements ITypeConverter<Long> {
        @Override public Long convert(String s) { return inRange(s, 1, Long.MAX_VALUE); }
    }

    /** 1 .. Integer.MAX_VALUE. */
    public static final class PositiveInt implements ITypeConverter<Integer> {
        @Override public Integer convert(String s) { return (int) inRange(s, 1, Integer.MAX_VALUE); }
    }

    /** A depth bound, 0 .. Integer.MAX_VALUE - 1 (the largest int stands for "no bound", so it cannot be given). */
    public static final class Depth implements ITypeConverter<Integer> {
        @Override public Integer convert(String s) { return (int) inRange(s, 0, Integer.MAX_VALUE - 1); }
    }

    /**
     * The value of {@code --set KNOB=VALUE}: split at the first '=', into the option's map; a missing
     * '=' or a knob given twice is a usage error naming it (picocli's own map parsing keeps the last).
     */
    public static final class KnobSetting implements CommandLine.IParameterConsumer {
        @Override
        public void consumeParameters(java.util.Stack<String> args, CommandLine.Model.ArgSpec arg, CommandLine.Model.CommandSpec spec) {
            if (args.isEmpty()) {
                throw usage(spec, "--set needs KNOB=VALUE");
            }
            String text = args.pop();
            int eq = text.indexOf('=');
            if (eq <= 0) {
                throw usage(spec, "--set takes KNOB=VALUE, not '" + text + "'");
            }
            String knob = text.substring(0, eq);
            String value = text.substring(eq + 1);
            java.util.Map<String, String> sets = arg.getValue();
            if (sets == null) {
                sets = new java.util.LinkedHashMap<>();
                arg.setValue(sets);
            }
            String before = sets.putIfAbsent(knob, value);
            if (before != null) {
                throw usage(spec, "--set " + knob + " given twice (" + before + " and " + value + "): give each knob once");
            }
        }
    }

    /** {@code on} or {@code off} (a reduction switch; leaving the option out keeps the default, "where sound"). */
    public static final class OnOff implements ITypeConverter<org.migcheck.checker.run.Options.Switch> {
        @Override public org.migcheck.checker.run.Options.Switch convert(String s) {
            return switch (s.strip().toLowerCase(Locale.ROOT)) {
                case "on" -> org.migcheck.checker.run.Options.Switch.ON;
                case "off" -> org.migcheck.checker.run.Options.Switch.OFF;
                default -> throw new TypeConversionException("'" + s + "' is neither on nor off");
            };
        }
    }

    /** Any long (seeds). */
    public static final class AnyLong implements ITypeConverter<Long> {
        @Override public Long convert(String s) { return parseLong(s); }
    }

    /** Seconds: a finite number greater than 0 and at most ten years. */
    public static final class Seconds implements ITypeConverter<Double> {
        static final double MAX = 10 * 365 * 24 * 3600.0;

        @Override public Double convert(String s) {
            double v;
            // a decimal number (0.5, 10, 1e3, 1_000), not everything Double.parseDouble takes (2d, 0x1p1, NaN, Infinity)
            String t = s.strip();
            String digits = "[0-9]+(_+[0-9]+)*"; // '_' between digits only, as in whole numbers
            if (!t.matches("[-+]?(" + digits + "(\\.(" + digits + ")?)?|\\." + digits + ")([eE][-+]?[0-9]+)?")) {
                throw new TypeConversionException("'" + s + "' is not a number of seconds");
            }
            try {
                v = Double.parseDouble(t.replace("_", ""));
            } catch (NumberFormatException e) {
                throw new TypeConversionException("'" + s + "' is not a number of seconds");
            }
            if (!(v > 0 && v <= MAX)) {
                throw new TypeConversionException("'" + s + "' is out of range: takes more than 0 and at most " + (long) MAX + " seconds");
            }
            return v;
        }
    }

    /** MiB of heap: 1 .. the JVM's maximum heap (a larger budget could never be reached, and MiB -> bytes must not overflow). */
    public static final class HeapMiB implements ITypeConverter<Long> {
        @Override public Long convert(String s) {
            long max = Runtime.getRuntime().maxMemory() >> 20;
            long v = parseLong(s);
            if (v < 1 || v > max) {
                throw new TypeConversionException("'" + s + "' is out of range: takes 1.." + max + " MiB (the JVM's heap limit; raise it with -Xmx)");
            }
            return v;
        }
    }

    /** Terminal columns for text output: 40 .. 10000. */
    public static final class Columns implements ITypeConverter<Integer> {
        @Override public Integer convert(String s) { return (int) inRange(s, 40, 10_000); }
    }

    /** bfs, dfs or random, any case. */
    public static final class StrategyName implements ITypeConverter<Strategy> {
        @Override public Strategy convert(String s) {
            for (Strategy st : Strategy.values()) {
                if (st.name().equalsIgnoreCase(s.strip())) {
                    return st;
                }
            }
            throw new TypeConversionException("'" + s + "' is not a strategy: takes " + names(Strategy.values()));
        }
    }

    /** Lower-case names of enum constants, "a, b or c". */
    static String names(Enum<?>[] values) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            b.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append(values[i].name().toLowerCase(Locale.ROOT));
        }
        return b.toString();
    }
}
